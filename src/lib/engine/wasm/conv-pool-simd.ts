/**
 * A float conv layer's forward pass and the max-pooling layer after it, in one WebAssembly
 * memory (the shared training-kernel instance's, train-simd.ts), a few examples at a time:
 * the GEMM (gemm.wat, instantiated there too) writes a chunk's conv output and max-pooling
 * reads it while it is still in cache, so the conv's whole output (for the digits' first
 * layer, 64 x 28 x 28 x 32 floats, 6.4 MB a batch) is never written out. Only the input
 * goes in, and the pooled maps, their winners and the windows (kept for the backward pass)
 * come out.
 *
 * The same kernels in the same order as the layers run one after the other (im2col, the
 * GEMM, whose output rows do not depend on the rows around them, and maxpool), so the same
 * bits.
 */
import type { ConvGeometry } from '../conv';
import { gemmOn } from './gemm-simd';
import { growTo } from './memory';
import { align16, im2colKernel, sharedKernels } from './train-simd';

/** n rounded up to a whole vector of 4 floats. */
const align4 = (n: number): number => (n + 3) & ~3;
/** Floats of zero padding after the GEMM's operands (its tail tiles read up to 7 past a row). */
const PAD = 16;
/** Bytes of a chunk's output, windows and packed windows: a few hundred KB, well inside L2. */
const CHUNK_BYTES = 512 << 10;

/**
 * pooled = maxpool(im2col(x) · W^T) for x [batch, h, w, c] (NHWC) with filters W [F, K]
 * (K = kernel² c, float; padding `padValue`) and the pooling geometry `q` over the conv's
 * output [batch, oh, ow, F]: pooled [batch, q.oh, q.ow, F] and each one's winner `arg`, an
 * element index into the whole batch's conv output (as MaxPool2D keeps it). `cols`, when
 * given, receives im2col(x) [batch·oh·ow, K] for the backward pass.
 *
 * @returns false, writing nothing, when the kernels cannot run here, F is not a multiple
 *   of 4 (the pooling's vectors) or the memory cannot grow.
 */
export function simdConvPoolForward(
	x: Float32Array,
	g: ConvGeometry,
	batch: number,
	padValue: number,
	W: Float32Array,
	F: number,
	q: ConvGeometry,
	pooled: Float32Array,
	arg: Int32Array,
	cols: Float32Array | null
): boolean {
	if ((F & 3) !== 0) return false;
	const s = sharedKernels();
	const gemm = s && gemmOn(s.memory);
	if (!s || !gemm) return false;
	const P = g.oh * g.ow,
		PO = q.oh * q.ow * F,
		n = batch * g.h * g.w * g.c,
		rows = batch * P,
		K = g.k;
	// A chunk's output, its windows (unless the batch's are kept) and their packed copy stay in cache.
	const chunk = Math.max(1, Math.floor(CHUNK_BYTES / (P * (F + 2 * K) * 4)));
	let at = 128; // the GEMM's 4 x 8 tile buffer below
	const take = (floats: number): number => {
		const o = at;
		at = align16(at + floats * 4);
		return o;
	};
	// The windows: the whole batch's when they are kept for the backward pass, else a chunk's.
	const xAt = take(n),
		colsAt = take((cols ? rows : chunk * P) * K + PAD),
		wAt = take(F * K + PAD),
		paAt = take(4 * Math.ceil((chunk * P) / 4) * K),
		pbAt = take(8 * Math.ceil(F / 8) * K),
		yAt = take(chunk * P * F),
		pooledAt = take(batch * PO),
		argAt = take(batch * PO);
	if (!growTo(s.memory, at, 2 ** 31)) return false;
	const buf = s.memory.buffer;
	new Float32Array(buf, xAt, n).set(x.subarray(0, n));
	const im2col = im2colKernel(s.k, g.c);
	if (cols) im2col(xAt, colsAt, batch, g.h, g.w, g.c, g.kernel, g.stride, g.pad, g.oh, g.ow, padValue);
	const w = new Float32Array(buf, wAt, F * K + PAD);
	w.set(W.subarray(0, F * K));
	w.fill(0, F * K);
	const perExample = g.h * g.w * g.c;
	for (let b0 = 0; b0 < batch; b0 += chunk) {
		const nb = Math.min(chunk, batch - b0);
		let a = colsAt + b0 * P * K * 4;
		if (!cols) {
			im2col(xAt + b0 * perExample * 4, colsAt, nb, g.h, g.w, g.c, g.kernel, g.stride, g.pad, g.oh, g.ow, padValue);
			a = colsAt;
		}
		gemm.abt(a, wAt, yAt, nb * P, F, K, paAt, pbAt, 0);
		s.k.maxpool(yAt, pooledAt + b0 * PO * 4, argAt + b0 * PO * 4, nb, q.h, q.w, F, q.kernel, q.stride, q.oh, q.ow, b0 * P * F);
	}
	pooled.set(new Float32Array(buf, pooledAt, batch * PO));
	arg.set(new Int32Array(buf, argAt, batch * PO));
	if (cols) cols.set(new Float32Array(buf, colsAt, rows * K));
	return true;
}

/**
 * The weights' gradient of a conv layer from the max-pooling layer after it, when no dx is
 * wanted (a first layer): dW = dz^T · cols [F, K], with dz [batch·oh·ow, F] what
 * MaxPool2D's backward pass gives (each pooled output's gradient dy added at its winner
 * `arg`, an element index into the conv's whole-batch output, zeros elsewhere) and cols
 * the whole batch's im2col [batch·oh·ow, K]. Chunk by chunk of `chunk` examples, as the
 * conv layer's backward pass sums them (each chunk's GEMM from +0, the first stored and the
 * rest added), but dz is made one chunk at a time where the GEMM reads it, never whole
 * (for the digits' first layer: 6.4 MB a batch, mostly zeros). The same kernel on the same
 * values as `matmulAtB` there, so the same bits.
 *
 * @returns false, leaving dw untouched, when the kernels cannot run here or the memory
 *   cannot grow.
 */
export function simdConvPoolDw(
	cols: Float32Array,
	g: ConvGeometry,
	batch: number,
	chunk: number,
	F: number,
	q: ConvGeometry,
	arg: Int32Array,
	dy: Float32Array,
	dw: Float32Array
): boolean {
	const s = sharedKernels();
	const gemm = s && gemmOn(s.memory);
	if (!s || !gemm) return false;
	const P = g.oh * g.ow,
		PO = q.oh * q.ow * F,
		rows = batch * P,
		K = g.k,
		outs = batch * PO,
		chunkRows = chunk * P;
	let at = 128; // the GEMM's 4 x 8 tile buffer below
	const take = (floats: number): number => {
		const o = at;
		at = align16(at + floats * 4);
		return o;
	};
	const colsAt = take(rows * K + PAD),
		dzAt = take(align4(chunkRows * F) + PAD),
		paAt = take(4 * Math.ceil(F / 4) * chunkRows),
		cAt = take(F * K),
		argAt = take(outs),
		dyAt = take(outs);
	if (!growTo(s.memory, at, 2 ** 31)) return false;
	const buf = s.memory.buffer;
	new Float32Array(buf, colsAt, rows * K + PAD).set(cols.subarray(0, rows * K));
	new Float32Array(buf, colsAt + rows * K * 4, PAD).fill(0);
	new Float32Array(buf, dzAt + chunkRows * F * 4, PAD).fill(0);
	new Int32Array(buf, argAt, outs).set(arg.subarray(0, outs));
	new Float32Array(buf, dyAt, outs).set(dy.subarray(0, outs));
	const c = new Float32Array(buf, cAt, F * K);
	for (let b0 = 0; b0 < batch; b0 += chunk) {
		const nb = Math.min(chunk, batch - b0);
		// The chunk's dz, as MaxPool2D.backward makes it: zeros, then each gradient added at its winner.
		s.k.unpool(argAt + b0 * PO * 4, dyAt + b0 * PO * 4, nb * PO, b0 * P * F, dzAt, align4(nb * P * F));
		gemm.atb(dzAt, colsAt + b0 * P * K * 4, cAt, F, K, nb * P, paAt, 0);
		if (b0 === 0) dw.set(c);
		else for (let i = 0; i < c.length; i++) dw[i] += c[i];
	}
	return true;
}
