/**
 * Loader of the WebAssembly Adam kernel (adam.wat), and the home of its moments: an
 * {@link AdamState} keeps every parameter's first and second moments m, s in the
 * module's own memory, so a step copies only the weights and gradients in and the
 * weights out (the moments never leave). The kernel gives the same bits as the
 * JavaScript loop in ../optim.ts; `../optim` falls back to that loop wherever this
 * module is unavailable (no WebAssembly or no SIMD), checked once.
 */
import { decodeBase64 } from './gemm-simd';
import { ADAM_WASM_BASE64 } from './gemm.generated';
import { growTo } from './memory';

type AdamKernel = (
	w: number, g: number, m: number, s: number, pairs: number,
	b1: number, omb1: number, b2: number, omb2: number, lr: number, c1: number, c2: number, eps: number, clip: number
) => number;

let tried = false;
let compiled: WebAssembly.Module | null = null;

function module(): WebAssembly.Module | null {
	if (tried) return compiled;
	tried = true;
	try {
		if (typeof WebAssembly !== 'object') return null;
		const bytes = decodeBase64(ADAM_WASM_BASE64);
		if (!WebAssembly.validate(bytes)) return null;
		compiled = new WebAssembly.Module(bytes);
	} catch {
		compiled = null;
	}
	return compiled;
}

/** Whether the WebAssembly Adam kernel runs here. */
export function simdAdamAvailable(): boolean {
	return module() !== null;
}

/** Floats per parameter region, rounded up to whole 16-byte vectors so every region is aligned. */
const padded = (n: number): number => (n + 3) & ~3;

/**
 * The Adam moments of a list of parameters (lengths `sizes`), zero at first, in one
 * instance of the kernel with its own memory: [w scratch | g scratch | m_0 | s_0 | m_1 | ...].
 */
export class AdamState {
	private readonly kernel: AdamKernel;
	private readonly memory: WebAssembly.Memory;
	private readonly f32: Float32Array;
	private readonly offsets: number[];
	private readonly scratch: number;

	/** @throws Error when the module is unavailable (check {@link simdAdamAvailable} first) or the memory cannot grow. */
	constructor(readonly sizes: readonly number[]) {
		const mod = module();
		if (!mod) throw new Error('the WebAssembly Adam kernel is not available here');
		this.memory = new WebAssembly.Memory({ initial: 1 });
		this.kernel = (new WebAssembly.Instance(mod, { env: { memory: this.memory } }).exports as { adam: AdamKernel }).adam;
		this.scratch = Math.max(0, ...sizes.map(padded));
		let at = 2 * this.scratch;
		this.offsets = sizes.map((n) => {
			const o = at;
			at += 2 * padded(n);
			return o;
		});
		if (!growTo(this.memory, at * 4, 2 ** 31)) throw new Error('cannot grow the Adam kernel memory');
		this.f32 = new Float32Array(this.memory.buffer); // fixed from here on: the memory never grows again
	}

	/** The moments of parameter k (views into the module's memory): m, then s. */
	moments(k: number): { m: Float32Array; s: Float32Array } {
		const o = this.offsets[k], n = this.sizes[k];
		return { m: this.f32.subarray(o, o + n), s: this.f32.subarray(o + padded(n), o + padded(n) + n) };
	}

	/**
	 * One Adam step of parameter k: w, g of length sizes[k]; c1 = 1 - b1^t, c2 = 1 - b2^t.
	 * With `clip`, w is then clipped to [-1, 1] in the same pass.
	 *
	 * @returns Σ g_i², read on the way (the kernel's lane order: even and odd i, then added)
	 */
	step(k: number, w: Float32Array, g: Float32Array, b1: number, b2: number, lr: number, c1: number, c2: number, eps: number, clip: boolean): number {
		const n = this.sizes[k], o = this.offsets[k], h = this.f32, S = this.scratch;
		h.set(w, 0);
		h.set(g, S);
		// Zero the scratch tail: its lanes then compute finite values (no NaN traps, no stray state).
		h.fill(0, n, padded(n));
		h.fill(0, S + n, S + padded(n));
		const sq = this.kernel(0, S * 4, o * 4, (o + padded(n)) * 4, padded(n) >>> 1, b1, 1 - b1, b2, 1 - b2, lr, c1, c2, eps, clip ? 1 : 0);
		w.set(h.subarray(0, n));
		return sq;
	}
}
