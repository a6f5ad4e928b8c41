/**
 * Loader of the WebAssembly sign packer (signs.wat): the pass over a binary layer's
 * latent weights after each optimiser step, about 10x the JavaScript loop. One
 * instance with its own growable memory; each call copies the values in and returns a
 * view of the packed words, valid until the next call.
 */
import { decodeBase64 } from './gemm-simd';
import { SIGNS_WASM_BASE64 } from './gemm.generated';
import { growTo } from './memory';

type SignRows = (src: number, rows: number, cols: number, dst: number) => number;

let tried = false;
let kernel: SignRows | null = null;
let memory: WebAssembly.Memory | null = null;

function load(): SignRows | null {
	if (tried) return kernel;
	tried = true;
	try {
		if (typeof WebAssembly !== 'object') return null;
		const bytes = decodeBase64(SIGNS_WASM_BASE64);
		if (!WebAssembly.validate(bytes)) return null;
		const mem = new WebAssembly.Memory({ initial: 1 });
		const f = (new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: mem } }).exports as { signrows?: unknown }).signrows;
		if (typeof f !== 'function') return null;
		memory = mem;
		kernel = f as SignRows;
	} catch {
		kernel = null;
	}
	return kernel;
}

/**
 * Pack the signs of X [rows, cols] by rows, as `packRows` does (bit 1 iff x >= 0; rows of
 * ceil(cols / 32) words, tail bits 0), and count the values with |x| <= 1.
 *
 * @returns the words (a view into the kernel's memory, valid until the next call) and the
 *   count, or null when the kernel cannot run here (the caller packs in JavaScript).
 */
export function simdSignRows(X: Float32Array, rows: number, cols: number): { words: Uint32Array; inside: number } | null {
	const f = load();
	if (!f) return null;
	const len = rows * cols, wordCount = rows * Math.ceil(cols / 32);
	const dst = (len * 4 + 15) & ~15;
	if (!growTo(memory!, dst + wordCount * 4, 2 ** 31)) return null;
	new Float32Array(memory!.buffer, 0, len).set(X.length === len ? X : X.subarray(0, len));
	const inside = f(0, rows, cols, dst);
	return { words: new Uint32Array(memory!.buffer, dst, wordCount), inside };
}
