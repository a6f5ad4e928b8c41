/**
 * A conv layer's backward products for one chunk of examples, skipping the zeros of the
 * output gradient: sparse.wat's kernels, instantiated in the memory of the shared
 * training-kernel instance (train-simd.ts), whose im2col and col2im they read and feed in
 * place. After 2 x 2 max-pooling three quarters of dz are zeros, and these products do a
 * quarter of the dense GEMMs' multiply-adds.
 *
 * The results equal the WebAssembly GEMMs of ./gemm-simd.ts to the bit (see sparse.wat),
 * so a training run is the same whichever of the two computes a chunk; a chunk whose dz
 * is more than half nonzero goes to the GEMMs, which are faster there.
 */
import type { ConvGeometry } from '../conv';
import { SPARSE_WASM_BASE64 } from './gemm.generated';
import { decodeBase64 } from './gemm-simd';
import { growTo } from './memory';
import { align16, BASE, im2colKernel, sharedKernels, type TrainExports } from './train-simd';

interface SparseExports {
	scan(
		dz: number,
		rows: number,
		F: number,
		rstart: number,
		fidx: number,
		rval: number,
		clo: number,
		chi: number,
		nidx: number,
		cval: number,
		rowBytes: number,
		table: number
	): number;
	spmm(lo: number, hi: number, idx: number, val: number, lists: number, M: number, k: number, out: number, group: number): void;
}

/** Above this share of nonzeros in dz, the dense GEMMs are faster than the lists. */
export const SPARSE_MAX_DENSITY = 0.5;

let tried = false;
let kernels: { sparse: SparseExports; train: TrainExports; memory: WebAssembly.Memory } | null = null;

function load(): typeof kernels {
	if (tried) return kernels;
	tried = true;
	try {
		const shared = sharedKernels();
		if (!shared) return null;
		const bytes = decodeBase64(SPARSE_WASM_BASE64);
		if (!WebAssembly.validate(bytes)) return null;
		const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: shared.memory } });
		kernels = { sparse: instance.exports as unknown as SparseExports, train: shared.k, memory: shared.memory };
	} catch {
		kernels = null;
	}
	return kernels;
}

let mode: 'auto' | 'off' = 'auto';

/**
 * 'auto' (the default) runs a conv layer's backward chunks on these kernels where they can;
 * 'off' leaves every chunk to the GEMMs (for tests that hold the two to the same bits).
 */
export function setSparseBackward(choice: 'auto' | 'off'): void {
	if (choice !== 'auto' && choice !== 'off') throw new RangeError(`unknown sparse backward setting ${choice}`);
	mode = choice;
}

/** Bytes of M's rows one group of entries reads (see sparse.wat's spmm). */
const L1_GROUP_BYTES = 24 * 1024;

/**
 * A chunk's output gradient as the max-pooling layer after the conv has it: its outputs'
 * gradients `dy`, their winners `arg` (element indices into the conv's whole-batch output,
 * as MaxPool2D keeps them) and `base`, the index of the chunk's first element there.
 */
export interface PooledChunk {
	dy: Float32Array;
	arg: Int32Array;
	base: number;
}

/**
 * One chunk (examples b0 .. b0+nb-1) of a conv layer's backward pass:
 *
 *     dw = dz^T · im2col(xe)          [F, K], overwritten
 *     dx += col2im(dz · W)            [nb, h, w, c] (when W and dx are given)
 *
 * with dz [nb·oh·ow, F] the chunk's output gradient (or a {@link PooledChunk}, from which
 * it is made in the kernels' memory, never whole), xe [batch, h, w, c] the layer's f(x)
 * (the whole batch; the chunk is read from it), `padValue` its padding and W = g(W) [F, K].
 * The same bits as `matmulAtB(dz, cols)`, `matmulAB(dz, W)` and `col2im` on the WebAssembly
 * GEMMs when xe and W are finite.
 *
 * @returns the sum of the dz · W entries that fell on padding (0 without dx), or null,
 *   leaving dw and dx untouched, when the kernels cannot run here, the memory cannot
 *   grow, or more than {@link SPARSE_MAX_DENSITY} of dz is nonzero.
 */
export function simdSparseConvBackward(
	xe: Float32Array,
	g: ConvGeometry,
	b0: number,
	nb: number,
	padValue: number,
	dz: Float32Array | PooledChunk,
	F: number,
	W: Float32Array | null,
	dw: Float32Array,
	dx: Float32Array | null
): number | null {
	const s = mode === 'auto' ? load() : null;
	if (!s) return null;
	const per = g.h * g.w * g.c,
		n = nb * per,
		rows = nb * g.oh * g.ow,
		K = g.k,
		entries = rows * F;
	const withDx = W !== null && dx !== null;
	// [dz | rstart | fidx | rval | table | clo | chi | nidx | cval | x | cols | dw | W | dcols | dx]
	let at = BASE;
	const take = (bytes: number): number => {
		const o = at;
		at = align16(at + bytes);
		return o;
	};
	const dzAt = take(entries * 4),
		rstart = take((rows + 1) * 4),
		fidx = take(entries * 4),
		rval = take(entries * 4),
		table = take(256),
		clo = take(F * 4),
		chi = take(F * 4),
		nidx = take(entries * 4),
		cval = take(entries * 4),
		xAt = take(n * 4),
		colsAt = take(rows * K * 4),
		dwAt = take(F * K * 4);
	const wAt = withDx ? take(F * K * 4) : 0,
		dcolsAt = withDx ? take(rows * K * 4) : 0,
		dxAt = withDx ? take(n * 4) : 0;
	const outs = dz instanceof Float32Array ? 0 : dz.dy.length,
		argAt = outs ? take(outs * 4) : 0,
		dyAt = outs ? take(outs * 4) : 0;
	if (!growTo(s.memory, at, 2 ** 31)) return null;
	// Entries per group: their rows of M (K floats each) about half of a 48 KB L1.
	const group = Math.max(1, Math.floor(L1_GROUP_BYTES / (K * 4)));
	const buf = s.memory.buffer;
	if (dz instanceof Float32Array) new Float32Array(buf, dzAt, entries).set(dz.subarray(0, entries));
	else {
		// dz as MaxPool2D.backward makes it, where the scan reads it: zeros, each gradient added at
		// its winner (the zeroing runs in vectors, to a whole one past entries, inside dz's region).
		new Int32Array(buf, argAt, outs).set(dz.arg);
		new Float32Array(buf, dyAt, outs).set(dz.dy);
		s.train.unpool(argAt, dyAt, outs, dz.base, dzAt, (entries + 3) & ~3);
	}
	const nonzeros = s.sparse.scan(dzAt, rows, F, rstart, fidx, rval, clo, chi, nidx, cval, K * 4, table);
	if (nonzeros > SPARSE_MAX_DENSITY * entries) return null;

	new Float32Array(buf, xAt, n).set(xe.subarray(b0 * per, b0 * per + n));
	im2colKernel(s.train, g.c)(xAt, colsAt, nb, g.h, g.w, g.c, g.kernel, g.stride, g.pad, g.oh, g.ow, padValue);
	s.sparse.spmm(clo, chi, nidx, cval, F, colsAt, K, dwAt, group);
	dw.set(new Float32Array(buf, dwAt, F * K));
	if (!withDx) return 0;

	new Float32Array(buf, wAt, F * K).set(W.subarray(0, F * K));
	s.sparse.spmm(rstart, rstart + 4, fidx, rval, rows, wAt, K, dcolsAt, group);
	const dxView = new Float32Array(buf, dxAt, n);
	dxView.set(dx.subarray(0, n));
	const padSum = s.train.col2im(dcolsAt, dxAt, nb, g.h, g.w, g.c, g.kernel, g.stride, g.pad, g.oh, g.ow);
	dx.set(dxView);
	return padSum;
}
