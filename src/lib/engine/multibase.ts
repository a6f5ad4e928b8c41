/**
 * ABC-Net's multiple binary bases (Lin, Zhao, Pan, "Towards Accurate Binary
 * Convolutional Neural Network", NeurIPS 2017).
 *
 * Weights: W ~ sum_{i=1..M} alpha_i B_i with B_i = sign(W - mean(W) + u_i std(W))
 * and alpha the least-squares fit. Activations: A ~ sum_{n=1..N} beta_n A_n with
 * A_n = 2 * 1[clip(x + v_n, 0, 1) >= 0.5] - 1 and learnable v_n, beta_n.
 * A layer then costs M x N binary products instead of 1.
 */

import { solveSymmetric } from './linalg';
import { signBit } from './quantize';

/**
 * The shifts of ABC-Net's weight bases: u_i = -1 + 2(i - 1)/(M - 1) for
 * i = 1..M (evenly spaced on [-1, 1], ascending), and u = [0] when M = 1.
 * So the M thresholds mean(W) - u_i std(W) cover mean +- one std.
 */
export function baseShifts(M: number): Float64Array {
	checkM(M);
	const u = new Float64Array(M);
	if (M === 1) return u;
	for (let i = 0; i < M; i++) u[i] = -1 + (2 * i) / (M - 1);
	return u;
}

function checkM(M: number): void {
	if (!Number.isInteger(M) || M < 1 || M > 16) throw new RangeError(`number of bases must be an integer in 1..16, got ${M}`);
}

/** Result of {@link weightBases}. n = W.length. */
export interface WeightBases {
	/** u_i, length M (see {@link baseShifts}). */
	shifts: Float64Array;
	/** mean(W), accumulated in float64. */
	mean: number;
	/** Population standard deviation of W (divides by n). */
	std: number;
	/** [M, n] row-major, entries +-1: row i is B_i. */
	bases: Float32Array;
	/** The M least-squares scales alpha_i. */
	alphas: Float64Array;
	/** sum_i alpha_i B_i, length n, rounded to float32. */
	approx: Float32Array;
	/** ||W - approx|| / ||W|| (Frobenius, using the float32 approx returned); 0 when W is all zero. */
	relError: number;
}

/** Optional output buffers for {@link weightBases}, reused across training steps to avoid allocation. */
export interface WeightBasesBuffers {
	shifts?: Float64Array;
	bases?: Float32Array;
	alphas?: Float64Array;
	approx?: Float32Array;
}

// Work arrays kept between calls (this runs every training step): the tiny per-bin
// sums and Gram matrix, and each weight's bin (one byte per weight).
let small = new Float64Array(0);
let bins = new Uint8Array(0);

/**
 * ABC-Net weight bases for one weight tensor W (any shape, flattened; the bases
 * are taken over the whole tensor, as the paper does per layer).
 *
 * B_i = sign(W - mean(W) + u_i std(W)) with the engine's sign (+1 at 0), u from
 * {@link baseShifts}, population std; alpha = argmin ||vec W - B alpha||^2,
 * solved from the normal equations (B^T B) alpha = B^T w by
 * {@link solveSymmetric} (minimum-norm solution when bases coincide, e.g. a
 * constant W).
 *
 * Why it is fast: the thresholds mean - u_i std are ordered, so each weight's
 * column of B is determined by one number k = how many of its bases are +1
 * (always the last k). B^T B and B^T w therefore only need the count and the sum
 * of W in each of the M + 1 bins, not M^2 products per weight, and each row of B
 * and each approx value is a table lookup by bin. In all: five streaming passes
 * over W plus the M * n writes of the bases (measured in node 20 on a shared
 * 2-core machine, 200,704 weights: about 4 ms at M = 5 without the bases and
 * 6-8 ms with them; 3-4 ms at M = 1). When every buffer in `out` is supplied
 * nothing of size n is allocated (a module-level byte per weight, kept between
 * calls, holds the bins; only a few tiny views and the result object are new).
 *
 * `opts.bases = false` skips writing B (the result's `bases` is then `out.bases`
 * untouched, or an empty array): a training step that multiplies by `approx`
 * needs only alphas and approx, and writing M * n floats is the largest cost.
 */
export function weightBases(W: Float32Array, M: number, out: WeightBasesBuffers = {}, opts: { bases?: boolean } = {}): WeightBases {
	checkM(M);
	const n = W.length;
	const wantBases = opts.bases ?? true;
	const shifts = out.shifts ?? new Float64Array(M);
	const bases = out.bases ?? new Float32Array(wantBases ? M * n : 0);
	const alphas = out.alphas ?? new Float64Array(M);
	const approx = out.approx ?? new Float32Array(n);
	if (shifts.length !== M) throw new RangeError(`weightBases: shifts has length ${shifts.length}, expected ${M}`);
	if (wantBases && bases.length !== M * n) {
		throw new RangeError(`weightBases: bases has length ${bases.length}, expected ${M * n}`);
	}
	if (alphas.length !== M) throw new RangeError(`weightBases: alphas has length ${alphas.length}, expected ${M}`);
	if (approx.length !== n) throw new RangeError(`weightBases: approx has length ${approx.length}, expected ${n}`);

	if (M === 1) shifts[0] = 0;
	else for (let i = 0; i < M; i++) shifts[i] = -1 + (2 * i) / (M - 1);

	if (n === 0) {
		alphas.fill(0);
		return { shifts, mean: 0, std: 0, bases, alphas, approx, relError: 0 };
	}

	// Two-pass mean and variance: one-pass sum of squares cancels badly when |mean| >> std.
	let sum = 0;
	for (let j = 0; j < n; j++) sum += W[j];
	const mean = sum / n;
	let ss = 0,
		sq = 0;
	for (let j = 0; j < n; j++) {
		const w = W[j];
		const d = w - mean;
		ss += d * d;
		sq += w * w;
	}
	const std = Math.sqrt(ss / n);

	// Layout of the small work array: offsets c (M), count (M + 1), binSum (M + 1), G (M^2), r (M),
	// value (M + 1), table (M (M + 1)).
	const need = M + 2 * (M + 1) + M * M + M + (M + 1) + M * (M + 1);
	if (small.length < need) small = new Float64Array(Math.max(need, 2 * small.length));
	let off = 0;
	const take = (len: number) => small.subarray(off, (off += len));
	const c = take(M),
		count = take(M + 1),
		binSum = take(M + 1),
		G = take(M * M),
		r = take(M);
	const value = take(M + 1),
		table = take(M * (M + 1));
	for (let i = 0; i < M; i++) c[i] = shifts[i] * std;
	count.fill(0);
	binSum.fill(0);
	if (bins.length < n) bins = new Uint8Array(Math.max(n, 2 * bins.length));
	const bin = bins; // a local, so the hot loops need not reload a module binding

	// k = how many bases are +1. d + c[i] is non-decreasing in i (c is, and rounding is
	// monotone), so they are always the last k. Counted without branches: the comparisons
	// are unpredictable, and mispredictions cost more than the rest of the pass.
	binIndex(W, mean, c, M, bin);
	// Kept apart from binIndex: V8 compiles two simple loops better than one fused loop.
	binStats(W, bin, count, binSum);

	// Base i is +1 in bin k exactly when i >= M - k.
	for (let a = 0; a < M; a++) {
		let ra = 0;
		for (let k = 0; k <= M; k++) ra += a >= M - k ? binSum[k] : -binSum[k];
		r[a] = ra;
		for (let b = a; b < M; b++) {
			let g = 0;
			for (let k = 0; k <= M; k++) g += a >= M - k === b >= M - k ? count[k] : -count[k];
			G[a * M + b] = g;
			G[b * M + a] = g;
		}
		for (let k = 0; k <= M; k++) table[a * (M + 1) + k] = a >= M - k ? 1 : -1;
	}
	solveSymmetric(G, r, M, alphas);

	// Rows of B by table lookup: a branch on random signs here would mispredict half the time.
	if (wantBases) for (let i = 0; i < M; i++) lookupRow(bin, n, table, i * (M + 1), bases, i * n);

	for (let k = 0; k <= M; k++) {
		let v = 0;
		for (let i = 0; i < M; i++) v += i >= M - k ? alphas[i] : -alphas[i];
		value[k] = Math.fround(v);
	}
	const err = fillApprox(W, bin, value, approx);
	const relError = sq === 0 ? 0 : Math.sqrt(err / sq);
	return { shifts, mean, std, bases, alphas, approx, relError };
}

// The hot loops of weightBases live in small functions of their own: V8 optimises
// them far better there than inlined in one long function (measured about 2x).

function binIndex(W: Float32Array, mean: number, c: Float64Array, M: number, bin: Uint8Array): void {
	for (let j = 0, n = W.length; j < n; j++) {
		const d = W[j] - mean;
		let k = 0;
		for (let i = 0; i < M; i++) k += signBit(d + c[i]);
		bin[j] = k;
	}
}

function binStats(W: Float32Array, bin: Uint8Array, count: Float64Array, binSum: Float64Array): void {
	for (let j = 0, n = W.length; j < n; j++) {
		const k = bin[j];
		count[k] += 1;
		binSum[k] += W[j];
	}
}

function lookupRow(bin: Uint8Array, n: number, table: Float64Array, t: number, bases: Float32Array, o: number): void {
	for (let j = 0; j < n; j++) bases[o + j] = table[t + bin[j]];
}

function fillApprox(W: Float32Array, bin: Uint8Array, value: Float64Array, approx: Float32Array): number {
	let err = 0;
	for (let j = 0, n = W.length; j < n; j++) {
		const q = value[bin[j]];
		approx[j] = q;
		const e = W[j] - q;
		err += e * e;
	}
	return err;
}

/**
 * The threshold of one activation base: A_n = +1 exactly when x >= 0.5 - v_n.
 * For real numbers this is clip(x + v_n, 0, 1) >= 0.5; comparing x with the
 * threshold avoids rounding x + v_n (for float32 x and v_n, 0.5 - v_n is exact
 * in float64, while x + v_n is not when x is tiny), so with v = 0.5 the base is
 * exactly the engine's sign, and a packed kernel can compare against it directly.
 */
export function activationThreshold(shift: number): number {
	return 0.5 - shift;
}

/**
 * One activation base for one value: A_n(x) = +1 if x >= 0.5 - shift, else -1 (NaN gives
 * -1, as sign). Mathematically sign(x - t) with t = {@link activationThreshold}(shift), but
 * x - t is never formed (it would round). The forward and backward passes below call it.
 */
export function activationBase(x: number, shift: number): 1 | -1 {
	return x >= 0.5 - shift ? 1 : -1;
}

function checkN(shifts: Float32Array, scales: Float32Array, fn: string): number {
	const N = shifts.length;
	if (scales.length !== N) throw new RangeError(`${fn}: shifts (${N}) and scales (${scales.length}) differ in length`);
	return N;
}

/**
 * ABC-Net activation bases, forward: out = sum_n beta_n A_n with
 * A_n = 2 * 1[clip(x + v_n, 0, 1) >= 0.5] - 1, i.e. +1 where x >= 0.5 - v_n
 * (see {@link activationThreshold}). x is any tensor, flattened (length L);
 * shifts v and scales beta have length N and are shared by every element (one
 * pair per base per layer, as the paper). out: [L], may be x itself. basesOut, when given:
 * [N, L] row-major, row n is A_n (+-1), for plotting.
 * Sums are accumulated in float64 and stored once.
 */
export function activationBasesForward(x: Float32Array, shifts: Float32Array, scales: Float32Array, out: Float32Array, basesOut?: Float32Array): void {
	const N = checkN(shifts, scales, 'activationBasesForward');
	const L = x.length;
	if (out.length !== L) throw new RangeError(`activationBasesForward: out has length ${out.length}, expected ${L}`);
	if (basesOut && basesOut.length !== N * L) {
		throw new RangeError(`activationBasesForward: basesOut has length ${basesOut.length}, expected ${N * L}`);
	}
	if (basesOut) {
		for (let j = 0; j < L; j++) {
			const xj = x[j];
			let s = 0;
			for (let m = 0, o = j; m < N; m++, o += L) {
				const a = activationBase(xj, shifts[m]);
				basesOut[o] = a;
				s += a * scales[m];
			}
			out[j] = s;
		}
		return;
	}
	for (let j = 0; j < L; j++) {
		const xj = x[j];
		let s = 0;
		for (let m = 0; m < N; m++) s += activationBase(xj, shifts[m]) * scales[m];
		out[j] = s;
	}
}

let acc = new Float64Array(0);

/**
 * ABC-Net activation bases, backward (straight-through). The step inside A_n is
 * passed straight through where the clip is linear: dA_n/dx = dA_n/dv_n =
 * 1[0 <= x + v_n <= 1], inclusive at both ends (computed exactly as
 * -v_n <= x <= 1 - v_n), following the paper's "gradient passes where
 * 0 <= x + v_n <= 1". With L = sum_j dy_j out_j:
 *   dx[j]      = dy[j] * sum_n beta_n 1[0 <= x[j] + v_n <= 1]
 *   dShifts[n] = beta_n * sum_j dy[j] 1[0 <= x[j] + v_n <= 1]
 *   dScales[n] = sum_j dy[j] A_n(x[j])          (exact: out is linear in beta)
 * Shapes: x, dy, dx [L]; shifts, scales, dShifts, dScales [N].
 * dx, dShifts and dScales are all OVERWRITTEN, not accumulated into; a caller
 * summing over several calls adds them itself. dx may alias dy.
 */
export function activationBasesBackward(
	x: Float32Array,
	shifts: Float32Array,
	scales: Float32Array,
	dy: Float32Array,
	dx: Float32Array,
	dShifts: Float32Array,
	dScales: Float32Array
): void {
	const N = checkN(shifts, scales, 'activationBasesBackward');
	const L = x.length;
	if (dy.length !== L || dx.length !== L) {
		throw new RangeError(`activationBasesBackward: lengths x ${L}, dy ${dy.length}, dx ${dx.length} differ`);
	}
	if (dShifts.length !== N || dScales.length !== N) {
		throw new RangeError(`activationBasesBackward: dShifts/dScales must have length ${N}`);
	}
	if (acc.length < 2 * N) acc = new Float64Array(Math.max(2 * N, 16));
	acc.fill(0, 0, 2 * N); // [0, N): sum dy * mask; [N, 2N): sum dy * A
	for (let j = 0; j < L; j++) {
		const xj = x[j];
		const g = dy[j];
		let gx = 0;
		for (let m = 0; m < N; m++) {
			const v = shifts[m];
			if (xj >= -v && xj <= 1 - v) {
				gx += scales[m];
				acc[m] += g;
			}
			acc[N + m] += activationBase(xj, v) * g;
		}
		dx[j] = g * gx;
	}
	for (let m = 0; m < N; m++) {
		dShifts[m] = scales[m] * acc[m];
		dScales[m] = acc[N + m];
	}
}

/**
 * Initial activation shifts v_n for N bases: v_n = 1.5 - (2n - 1)/N, n = 1..N,
 * so the thresholds 0.5 - v_n = -1 + (2n - 1)/N are the midpoints of N equal
 * steps across [-1, 1] (N = 1: v = 0.5, threshold 0, the base is sign(x);
 * N = 2: thresholds -0.5, 0.5; N = 3: -2/3, 0, 2/3). Meant for batch-normalised
 * inputs, roughly N(0, 1). With {@link defaultActivationScales} the sum is the
 * uniform staircase with levels -1, -1 + 2/N, ..., 1 that rounds clip(x, -1, 1)
 * to the nearest level (error at most 1/N on [-1, 1]).
 * This initialisation is the engine's choice; the paper learns v and beta.
 */
export function defaultActivationShifts(N: number): Float32Array {
	checkNCount(N);
	const v = new Float32Array(N);
	for (let n = 1; n <= N; n++) v[n - 1] = 1.5 - (2 * n - 1) / N;
	return v;
}

/**
 * Initial activation scales: beta_n = 1/N for every base, so the sum of N bases
 * spans exactly [-1, 1] in steps of 2/N (N = 1: beta = 1, the plain sign).
 * See {@link defaultActivationShifts}.
 */
export function defaultActivationScales(N: number): Float32Array {
	checkNCount(N);
	return new Float32Array(N).fill(1 / N);
}

function checkNCount(N: number): void {
	if (!Number.isInteger(N) || N < 1 || N > 16) throw new RangeError(`number of activation bases must be an integer in 1..16, got ${N}`);
}
