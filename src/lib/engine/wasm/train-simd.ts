/**
 * Loader of the WebAssembly kernels of a training step (train.wat): Adam's update (the
 * same bits as the JavaScript loop of ../optim.ts), sign packing (as ../bits.ts's
 * `packRows`, with the count of |x| <= 1), the clipped estimator's mask, max-pooling, and
 * a conv layer's im2col and col2im. The module is compiled once, synchronously (it is
 * well under 4 KB), and instantiated per memory:
 *
 * - {@link AdamState}: one instance per optimiser, whose memory holds every parameter's
 *   moments m, s between steps, so a step copies only w and g in and w out; it can then
 *   pack the signs of a latent parameter it has just updated where they lie.
 * - the rest: a shared instance with a growable memory that copies its operands in and
 *   its results out ({@link sharedKernels}; sparse-simd.ts runs its kernels there too).
 *
 * Everything reports itself unavailable (no WebAssembly, no SIMD) and the callers fall back
 * to their JavaScript loops, which give the same results.
 */
import { compiledOnce } from './compile';
import { TRAIN_WASM_BASE64 } from './gemm.generated';
import { growTo } from './memory';
// A type only: conv.ts imports this module's kernels, and types leave no import behind.
import type { ConvGeometry } from '../conv';

export interface TrainExports {
	adam(
		w: number,
		g: number,
		m: number,
		s: number,
		pairs: number,
		b1: number,
		omb1: number,
		b2: number,
		omb2: number,
		lr: number,
		c1: number,
		c2: number,
		eps: number,
		clip: number
	): number;
	signrows(src: number, rows: number, cols: number, dst: number, pm: number): number;
	clipmask(x: number, dy: number, dx: number, quads: number): void;
	maxpool(
		x: number,
		y: number,
		arg: number,
		batch: number,
		h: number,
		w: number,
		c: number,
		k: number,
		stride: number,
		oh: number,
		ow: number,
		base: number
	): void;
	im2col(
		x: number,
		cols: number,
		nb: number,
		h: number,
		w: number,
		c: number,
		k: number,
		stride: number,
		pad: number,
		oh: number,
		ow: number,
		padValue: number
	): void;
	/** im2col's signature (few channels, column by column). */
	im2colnarrow: TrainExports['im2col'];
	unpool(arg: number, dy: number, outs: number, base: number, dz: number, size: number): void;
	col2im(dcols: number, dx: number, nb: number, h: number, w: number, c: number, k: number, stride: number, pad: number, oh: number, ow: number): number;
}

const module = compiledOnce(TRAIN_WASM_BASE64);

function instantiate(memory: WebAssembly.Memory): TrainExports {
	return new WebAssembly.Instance(module()!, { env: { memory } }).exports as unknown as TrainExports;
}

/** Whether the WebAssembly training kernels run here. */
export function simdTrainAvailable(): boolean {
	return module() !== null;
}

/** Packed signs of a matrix and the count of its values with |x| <= 1. */
export interface PackedSigns {
	/** Rows of ceil(cols / 32) words, bit 1 iff x >= 0, tail bits 0. */
	words: Uint32Array;
	inside: number;
}

/** Floats per parameter region, rounded up to whole 16-byte vectors so every region is aligned. */
const padded = (n: number): number => (n + 3) & ~3;

/**
 * The Adam moments of a list of parameters (lengths `sizes`), zero at first, in one
 * instance with its own memory: [w scratch | g scratch | sign words | m_0 | s_0 | m_1 | ...].
 */
export class AdamState {
	private readonly k: TrainExports;
	private readonly f32: Float32Array;
	private readonly offsets: number[];
	/** Floats of each scratch region (the largest parameter, padded). */
	private readonly scratch: number;
	/** Float offset of the sign words region (as many words as scratch floats: enough for any shape). */
	private readonly wordsAt: number;
	private lastStepped = -1;

	/** @throws Error when the module is unavailable (check {@link simdTrainAvailable} first) or the memory cannot grow. */
	constructor(readonly sizes: readonly number[]) {
		if (!module()) throw new Error('the WebAssembly training kernels are not available here');
		const memory = new WebAssembly.Memory({ initial: 1 });
		this.k = instantiate(memory);
		this.scratch = Math.max(0, ...sizes.map(padded));
		this.wordsAt = 2 * this.scratch;
		let at = 3 * this.scratch;
		this.offsets = sizes.map((n) => {
			const o = at;
			at += 2 * padded(n);
			return o;
		});
		if (!growTo(memory, at * 4, 2 ** 31)) throw new Error('cannot grow the Adam kernel memory');
		this.f32 = new Float32Array(memory.buffer); // fixed from here on: the memory never grows again
	}

	/** The moments of parameter k (views into the module's memory): m, then s. */
	moments(k: number): { m: Float32Array; s: Float32Array } {
		const o = this.offsets[k],
			n = this.sizes[k];
		return { m: this.f32.subarray(o, o + n), s: this.f32.subarray(o + padded(n), o + padded(n) + n) };
	}

	/**
	 * One Adam step of parameter k: w, g of length sizes[k]; c1 = 1 - b1^t, c2 = 1 - b2^t.
	 * With `clip`, w is then clipped to [-1, 1] in the same pass.
	 *
	 * @returns Σ g_i², read on the way (the kernel's lane order: even and odd i, then added)
	 */
	step(k: number, w: Float32Array, g: Float32Array, b1: number, b2: number, lr: number, c1: number, c2: number, eps: number, clip: boolean): number {
		const n = this.sizes[k],
			o = this.offsets[k],
			h = this.f32,
			S = this.scratch;
		h.set(w, 0);
		h.set(g, S);
		// Zero the scratch tail: its lanes then compute finite values (no NaN traps, no stray state).
		h.fill(0, n, padded(n));
		h.fill(0, S + n, S + padded(n));
		const sq = this.k.adam(0, S * 4, o * 4, (o + padded(n)) * 4, padded(n) >>> 1, b1, 1 - b1, b2, 1 - b2, lr, c1, c2, eps, clip ? 1 : 0);
		w.set(h.subarray(0, n));
		this.lastStepped = k;
		return sq;
	}

	/**
	 * Pack the signs of the parameter just stepped, still in the kernel's memory, as
	 * [rows, cols] (rows * cols = its size).
	 *
	 * @returns the words (a view, valid until the next step) and the count of |w| <= 1
	 * @throws Error if parameter k was not the last one stepped, or the shape does not fit it.
	 */
	signsOfLast(k: number, rows: number, cols: number): PackedSigns {
		if (k !== this.lastStepped || rows * cols !== this.sizes[k]) throw new Error(`parameter ${k} is not the last one stepped, or not ${rows} x ${cols}`);
		const count = rows * Math.ceil(cols / 32);
		const inside = this.k.signrows(0, rows, cols, this.wordsAt * 4, 0);
		return { words: new Uint32Array(this.f32.buffer, this.wordsAt * 4, count), inside };
	}
}

let shared: { k: TrainExports; memory: WebAssembly.Memory } | null = null;

/**
 * The shared instance (null where the module cannot run): its kernels and its growable
 * memory, which sparse-simd.ts's module imports too, so the two read each other's results
 * in place.
 */
export function sharedKernels(): { k: TrainExports; memory: WebAssembly.Memory } | null {
	if (!shared && module()) {
		const memory = new WebAssembly.Memory({ initial: 1 });
		shared = { k: instantiate(memory), memory };
	}
	return shared;
}

/**
 * Byte offset of the first operand in the shared memory (address 0 stands for "no ±1
 * output" in signrows), for every caller that lays its operands out there.
 */
export const BASE = 16;
export const align16 = (bytes: number): number => (bytes + 15) & ~15;

/**
 * Pack the signs of X [rows, cols] by rows, as `packRows` does (bit 1 iff x >= 0; rows of
 * ceil(cols / 32) words, tail bits 0), count the values with |x| <= 1, and, when `pm` is
 * given, write sign(X) into it as ±1 floats (+1 for x >= 0, also -0; -1 for NaN).
 *
 * @returns the words (a view into the kernel's memory, valid until the next call) and the
 *   count, or null when the kernel cannot run here (the caller packs in JavaScript).
 */
export function simdSignRows(X: Float32Array, rows: number, cols: number, pm?: Float32Array): PackedSigns | null {
	const s = sharedKernels();
	if (!s) return null;
	const len = rows * cols,
		wordCount = rows * Math.ceil(cols / 32);
	const pmAt = align16(BASE + len * 4),
		dst = pm ? align16(pmAt + len * 4) : pmAt;
	if (!growTo(s.memory, dst + wordCount * 4, 2 ** 31)) return null;
	const buf = s.memory.buffer;
	new Float32Array(buf, BASE, len).set(X.length === len ? X : X.subarray(0, len));
	const inside = s.k.signrows(BASE, rows, cols, dst, pm ? pmAt : 0);
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
	const s = sharedKernels();
	if (!s) return false;
	const n = x.length,
		bytes = align16(n * 4);
	if (!growTo(s.memory, BASE + 3 * bytes, 2 ** 31)) return false;
	const buf = s.memory.buffer;
	new Float32Array(buf, BASE, n).set(x);
	new Float32Array(buf, BASE + bytes, n).set(dy);
	// Padding lanes hold stale values; their results are never read.
	s.k.clipmask(BASE, BASE + bytes, BASE + 2 * bytes, bytes >>> 4);
	dx.set(new Float32Array(buf, BASE + 2 * bytes, n));
	return true;
}

/**
 * Max-pooling of x [batch, h, w, c] (NHWC) over k x k windows with `stride`, no padding:
 * y [batch, oh, ow, c] and arg, the element index into x of each maximum (ties keep the
 * first tap in row-major window order; NaN never replaces), as the JavaScript loop of
 * ../layers/pool.ts computes them for finite inputs, four channels per vector.
 *
 * @returns false, leaving y and arg untouched, when the kernel cannot run here or c is
 *   not a multiple of 4.
 */
export function simdMaxPool(x: Float32Array, batch: number, g: ConvGeometry, y: Float32Array, arg: Int32Array): boolean {
	if ((g.c & 3) !== 0) return false;
	const s = sharedKernels();
	if (!s) return false;
	const n = batch * g.h * g.w * g.c,
		outs = batch * g.oh * g.ow * g.c;
	const yAt = align16(BASE + n * 4),
		argAt = align16(yAt + outs * 4);
	if (!growTo(s.memory, argAt + outs * 4, 2 ** 31)) return false;
	const buf = s.memory.buffer;
	new Float32Array(buf, BASE, n).set(x.length === n ? x : x.subarray(0, n));
	s.k.maxpool(BASE, yAt, argAt, batch, g.h, g.w, g.c, g.kernel, g.stride, g.oh, g.ow, 0);
	y.set(new Float32Array(buf, yAt, outs));
	arg.set(new Int32Array(buf, argAt, outs));
	return true;
}

/**
 * The im2col kernel for c channels: column by column for fewer than 4 (a window at a time
 * would copy 1-3 floats per tap), four channels per vector otherwise. The same values.
 */
export function im2colKernel(k: TrainExports, c: number): TrainExports['im2col'] {
	return c < 4 ? k.im2colnarrow : k.im2col;
}

/**
 * The float im2col of ../conv.ts for examples b0 .. b0+nb-1 of x [batch, h, w, c] into
 * cols [nb·oh·ow, k], four channels per vector (the last c % 4 one by one), or for c < 4
 * column by column.
 *
 * @returns false, leaving cols untouched, when the kernel cannot run here.
 */
export function simdIm2col(x: Float32Array, g: ConvGeometry, b0: number, nb: number, padValue: number, cols: Float32Array): boolean {
	const s = sharedKernels();
	if (!s) return false;
	const per = g.h * g.w * g.c,
		n = nb * per,
		outs = nb * g.oh * g.ow * g.k;
	const colsAt = align16(BASE + n * 4);
	if (!growTo(s.memory, colsAt + outs * 4, 2 ** 31)) return false;
	const buf = s.memory.buffer;
	new Float32Array(buf, BASE, n).set(x.subarray(b0 * per, b0 * per + n));
	im2colKernel(s.k, g.c)(BASE, colsAt, nb, g.h, g.w, g.c, g.kernel, g.stride, g.pad, g.oh, g.ow, padValue);
	cols.set(new Float32Array(buf, colsAt, outs));
	return true;
}

/**
 * col2im, the adjoint of {@link simdIm2col}: dx [batch, h, w, c] gains each entry of
 * dcols [nb·oh·ow, k] at the input it came from (examples b0 .. b0+nb-1), the same float32
 * sums in the same order as ../conv.ts's loop.
 *
 * @returns the sum of the entries that came from padding (float64, in order), or null,
 *   leaving dx untouched, when the kernel cannot run here.
 */
export function simdCol2im(dcols: Float32Array, g: ConvGeometry, b0: number, nb: number, dx: Float32Array): number | null {
	const s = sharedKernels();
	if (!s) return null;
	const per = g.h * g.w * g.c,
		n = nb * per,
		ins = nb * g.oh * g.ow * g.k;
	const dxAt = align16(BASE + ins * 4);
	if (!growTo(s.memory, dxAt + n * 4, 2 ** 31)) return null;
	const buf = s.memory.buffer;
	new Float32Array(buf, BASE, ins).set(dcols.subarray(0, ins));
	const chunk = dx.subarray(b0 * per, b0 * per + n);
	new Float32Array(buf, dxAt, n).set(chunk);
	const padSum = s.k.col2im(BASE, dxAt, nb, g.h, g.w, g.c, g.kernel, g.stride, g.pad, g.oh, g.ow);
	chunk.set(new Float32Array(buf, dxAt, n));
	return padSum;
}
