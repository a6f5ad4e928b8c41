/**
 * Loader of the WebAssembly ±1 kernels (signs.wat): sign packing, about 10x the
 * JavaScript loop, for the pass over a binary layer's latent weights after each
 * optimiser step and for sign inputs in the forward pass; and the clipped estimator's
 * mask. One instance with its own growable memory; each call copies its operands in
 * and its results out.
 */
import { decodeBase64 } from './gemm-simd';
import { SIGNS_WASM_BASE64 } from './gemm.generated';
import { growTo } from './memory';

interface SignsExports {
	signrows(src: number, rows: number, cols: number, dst: number, pm: number): number;
	clipmask(x: number, dy: number, dx: number, quads: number): void;
}

let tried = false;
let kernels: SignsExports | null = null;
let memory: WebAssembly.Memory | null = null;

function load(): SignsExports | null {
	if (tried) return kernels;
	tried = true;
	try {
		if (typeof WebAssembly !== 'object') return null;
		const bytes = decodeBase64(SIGNS_WASM_BASE64);
		if (!WebAssembly.validate(bytes)) return null;
		const mem = new WebAssembly.Memory({ initial: 1 });
		const e = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: mem } }).exports as unknown as SignsExports;
		if (typeof e.signrows !== 'function' || typeof e.clipmask !== 'function') return null;
		memory = mem;
		kernels = e;
	} catch {
		kernels = null;
	}
	return kernels;
}

/** Byte offset of the first operand: address 0 stands for "no ±1 output" in signrows. */
const BASE = 16;
const align16 = (bytes: number): number => (bytes + 15) & ~15;

/**
 * Pack the signs of X [rows, cols] by rows, as `packRows` does (bit 1 iff x >= 0; rows of
 * ceil(cols / 32) words, tail bits 0), count the values with |x| <= 1, and, when `pm` is
 * given, write sign(X) into it as ±1 floats (+1 for x >= 0, also -0; -1 for NaN).
 *
 * @returns the words (a view into the kernel's memory, valid until the next call) and the
 *   count, or null when the kernel cannot run here (the caller packs in JavaScript).
 */
export function simdSignRows(X: Float32Array, rows: number, cols: number, pm?: Float32Array): { words: Uint32Array; inside: number } | null {
	const k = load();
	if (!k) return null;
	const len = rows * cols, wordCount = rows * Math.ceil(cols / 32);
	const pmAt = align16(BASE + len * 4), dst = pm ? align16(pmAt + len * 4) : pmAt;
	if (!growTo(memory!, dst + wordCount * 4, 2 ** 31)) return null;
	const buf = memory!.buffer;
	new Float32Array(buf, BASE, len).set(X.length === len ? X : X.subarray(0, len));
	const inside = k.signrows(BASE, rows, cols, dst, pm ? pmAt : 0);
	if (pm) pm.set(new Float32Array(buf, pmAt, len));
	return { words: new Uint32Array(buf, dst, wordCount), inside };
}

/**
 * The clipped straight-through estimator's backward pass, dx[i] = |x[i]| <= 1 ? dy[i] : 0
 * (+0 outside, NaN x included), over x.length values; dx may alias dy.
 *
 * @returns false, leaving dx untouched, when the kernel cannot run here.
 */
export function simdClipMask(x: Float32Array, dy: Float32Array, dx: Float32Array): boolean {
	const k = load();
	if (!k) return false;
	const n = x.length, bytes = align16(n * 4);
	if (!growTo(memory!, BASE + 3 * bytes, 2 ** 31)) return false;
	const buf = memory!.buffer;
	const xs = new Float32Array(buf, BASE, bytes >>> 2), ds = new Float32Array(buf, BASE + bytes, bytes >>> 2);
	xs.set(x);
	ds.set(dy);
	// Padding lanes hold stale values; their results are never read.
	k.clipmask(BASE, BASE + bytes, BASE + 2 * bytes, bytes >>> 4);
	dx.set(new Float32Array(buf, BASE + 2 * bytes, n));
	return true;
}
