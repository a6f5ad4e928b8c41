/**
 * Element-wise quantisers, scale factors and error metrics.
 *
 * Everything here follows the project's table of reference definitions:
 * - sign: +1 for x >= 0 (including -0), -1 for x < 0, as Larq's `math.sign`,
 *   BinaryNet and Larq Compute Engine. `Math.sign(0)` is 0, so it is never used.
 * - k-bit uniform quantisers round half to even, as TensorFlow's `tf.round`
 *   (JavaScript's `Math.round` rounds halves up, which would bias every tie upward).
 * - ternary: Larq's `ste_tern`.
 * - scale factors: XNOR-Net (Rastegari, Ordonez, Redmon, Farhadi 2016).
 *
 * Arrays are flat and row-major; a matrix of shape [rows, cols] keeps row r in
 * elements r * cols .. r * cols + cols - 1.
 */

/** Any flat numeric array the functions read from (typed arrays or plain arrays). */
export type NumArray = ArrayLike<number>;

/** Writable float buffer for outputs. */
export type FloatArray = Float32Array | Float64Array;

/**
 * The bit of the engine's sign: 1 for x >= 0 (so for 0 and -0), 0 for x < 0 and for NaN
 * (`NaN >= 0` is false). This one comparison is the definition every sign in the engine
 * uses: {@link sign} is 2·bit - 1, the packers of bits.ts store it as the bit (+1 is bit 1),
 * so the float path and the packed path agree on every value, garbage included.
 *
 * Written `+(x >= 0)`, which compiles to a flag move: a branch on random signs would
 * mispredict half the time, and the packers and bulk loops call this on every value.
 */
export function signBit(x: number): 0 | 1 {
	return +(x >= 0) as 0 | 1;
}

/**
 * The engine's sign: +1 for x >= 0 (so sign(0) = sign(-0) = +1), -1 for x < 0,
 * i.e. 2·{@link signBit}(x) - 1, branch-free.
 *
 * NaN maps to -1 because `NaN >= 0` is false. This is deliberate: it is the same
 * comparison the bit packer uses (bit 1 iff x >= 0), so a NaN weight packs to bit 0
 * and the float path and the packed path agree even on garbage. A NaN in training
 * is caught by the loss, not here.
 */
export function sign(x: number): 1 | -1 {
	return (signBit(x) * 2 - 1) as 1 | -1;
}

/**
 * Element-wise {@link sign}, the engine's one bulk sign: out[i] = sign(x[i]). Shapes:
 * any, out has x's length. `out` may be `x` itself. Allocates a Float32Array when
 * `out` is omitted. The layers binarize and pack their sign inputs in one pass instead
 * (bits.ts's `signRows`, or its WebAssembly twin), on the same {@link signBit}.
 */
export function signArray<T extends FloatArray = Float32Array>(x: NumArray, out?: T): T {
	const n = x.length;
	const o = (out ?? new Float32Array(n)) as T;
	checkLength(o, n, 'signArray out');
	for (let i = 0; i < n; i++) o[i] = sign(x[i]);
	return o;
}

/**
 * Round to the nearest integer, ties to the even neighbour ("banker's rounding"),
 * as TensorFlow's `tf.round` and IEEE 754 roundTiesToEven:
 * 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> -0, -1.5 -> -2.
 *
 * Why not `Math.round`: it sends every tie toward +Infinity, so a quantiser built
 * on it is biased upward on exactly representable midpoints. `Math.round` is exact
 * per the spec (no x + 0.5 double rounding), and `r - x` below is exact too
 * (Sterbenz: r and x are within a factor of 2 of each other, or r is 0), so the tie
 * test has no false positives. Non-finite inputs pass through unchanged.
 */
export function roundHalfEven(x: number): number {
	const r = Math.round(x);
	// A tie shows as r - x === 0.5 because Math.round sent it up; pull it back if r is odd.
	if (r - x === 0.5 && r % 2 !== 0) return r - 1;
	return r;
}

function checkBits(bits: number, fn: string): void {
	if (!Number.isInteger(bits) || bits < 1 || bits > 32) {
		throw new RangeError(`${fn}: bits must be an integer in 1..32, got ${bits}`);
	}
}

function checkRange(range: number, fn: string): void {
	if (!(range > 0 && Number.isFinite(range))) {
		throw new RangeError(`${fn}: range must be a positive finite number, got ${range}`);
	}
}

function checkLength(a: { length: number }, n: number, what: string): void {
	if (a.length !== n) throw new RangeError(`${what} has length ${a.length}, expected ${n}`);
}

/**
 * Symmetric signed k-bit uniform quantiser on [-range, range].
 *
 * - k = 1: range * sign(x) (two levels, no zero; the binary case).
 * - k >= 2: L = 2^(k-1) - 1 steps on each side of 0, so 2L + 1 = 2^k - 1 levels
 *   (an odd count: 0 is representable and the grid is symmetric; one of the 2^k
 *   codes is left unused, like int8's -127..127 "narrow range"). Step = range / L.
 *   q = roundHalfEven(clamp(x, -range, range) * L / range) / L * range.
 *   k = 2 gives {-range, 0, range}.
 *
 * x is clamped first; ties round half to even (TensorFlow's rule, see
 * {@link roundHalfEven}). The code is divided by L before multiplying by range
 * so that the end codes give exactly +-range. Zero is returned as +0 (never -0).
 * NaN propagates (NaN in, NaN out).
 */
export function quantizeSigned(x: number, bits: number, range = 1): number {
	checkBits(bits, 'quantizeSigned');
	checkRange(range, 'quantizeSigned');
	return qSigned(x, bits, range);
}

function qSigned(x: number, bits: number, range: number): number {
	if (bits === 1) return sign(x) * range;
	const L = 2 ** (bits - 1) - 1;
	const c = x > range ? range : x < -range ? -range : x;
	const code = roundHalfEven((c / range) * L);
	// + 0 turns a -0 code (from small negative x) into +0, so zero has one representation.
	return (code / L) * range + 0;
}

/**
 * Unsigned k-bit uniform quantiser on [0, range] with 2^k levels
 * (DoReFa-Net's quantize_k, Zhou et al. 2016, scaled by range):
 * q = roundHalfEven(clamp(x, 0, range) / range * (2^k - 1)) / (2^k - 1) * range.
 * k = 1 gives {0, range}. x is clamped first; ties round half to even
 * (TensorFlow's `tf.round`, as DoReFa's code). NaN propagates.
 */
export function quantizeUnsigned(x: number, bits: number, range = 1): number {
	checkBits(bits, 'quantizeUnsigned');
	checkRange(range, 'quantizeUnsigned');
	return qUnsigned(x, bits, range);
}

function qUnsigned(x: number, bits: number, range: number): number {
	const L = 2 ** bits - 1;
	const c = x > range ? range : x < 0 ? 0 : x;
	return (roundHalfEven((c / range) * L) / L) * range + 0;
}

/** Which uniform quantiser and its parameters; `range` defaults to 1. */
export interface QuantSpec {
	kind: 'signed' | 'unsigned';
	bits: number;
	range?: number;
}

/**
 * Element-wise {@link quantizeSigned} or {@link quantizeUnsigned}. Shapes: any,
 * out has x's length (may be x). Allocates a Float32Array when `out` is omitted.
 * Values are computed in float64 and stored in `out`'s precision.
 */
export function quantizeArray<T extends FloatArray = Float32Array>(x: NumArray, spec: QuantSpec, out?: T): T {
	const { kind, bits } = spec;
	const range = spec.range ?? 1;
	checkBits(bits, 'quantizeArray');
	checkRange(range, 'quantizeArray');
	const n = x.length;
	const o = (out ?? new Float32Array(n)) as T;
	checkLength(o, n, 'quantizeArray out');
	if (kind === 'signed') for (let i = 0; i < n; i++) o[i] = qSigned(x[i], bits, range);
	else if (kind === 'unsigned') for (let i = 0; i < n; i++) o[i] = qUnsigned(x[i], bits, range);
	else throw new RangeError(`quantizeArray: unknown kind ${String(kind)}`);
	return o;
}

/**
 * The representable values of a quantiser, ascending, for plotting and for
 * checking that outputs lie on the grid. Computed with the same formula as the
 * quantiser, so `quantizeSigned(x, k, r)` is always exactly one of these.
 * Lengths: signed k = 1 -> 2; signed k >= 2 -> 2^k - 1; unsigned -> 2^k.
 * Limited to bits <= 16 (a plot has no use for more).
 */
export function levels(kind: 'signed' | 'unsigned', bits: number, range = 1): Float64Array {
	if (!Number.isInteger(bits) || bits < 1 || bits > 16) {
		throw new RangeError(`levels: bits must be an integer in 1..16, got ${bits}`);
	}
	checkRange(range, 'levels');
	if (kind === 'signed') {
		if (bits === 1) return Float64Array.of(-range, range);
		const L = 2 ** (bits - 1) - 1;
		const out = new Float64Array(2 * L + 1);
		for (let c = -L; c <= L; c++) out[c + L] = (c / L) * range + 0;
		return out;
	}
	if (kind === 'unsigned') {
		const L = 2 ** bits - 1;
		const out = new Float64Array(L + 1);
		for (let c = 0; c <= L; c++) out[c] = (c / L) * range;
		return out;
	}
	throw new RangeError(`levels: unknown kind ${String(kind)}`);
}

/**
 * Ternary quantiser of Larq's `ste_tern` (forward only; it is Larq's formula
 * sign(sign(x + delta) + sign(x - delta)) with TensorFlow's three-valued sign,
 * where sign(0) = 0):
 *   +1 if x >= delta, -1 if x <= -delta, 0 if -delta < x < delta.
 * So |x| = delta gives +-1, as REFERENCES requires.
 *
 * Why not the engine's two-valued sign inside that formula: with sign(0) = +1 the
 * outer sign would turn the zero band into +1 and x = -delta into +1, so the
 * formula only means "ternary" with a sign that has a zero. The comparisons are
 * exact in floating point (x - delta is 0 only when x === delta).
 * delta = 0 gives sign with a zero at 0 (ternary(0, 0) = 0, as Larq).
 * Larq also clips x to [-1, 1] first; that never changes the output for delta <= 1.
 * NaN gives 0. Throws if delta < 0 or NaN.
 */
export function ternary(x: number, delta: number): -1 | 0 | 1 {
	if (!(delta >= 0)) throw new RangeError(`ternary: delta must be >= 0, got ${delta}`);
	return tern(x, delta);
}

function tern(x: number, delta: number): -1 | 0 | 1 {
	const s = sign3(x + delta) + sign3(x - delta);
	return s > 0 ? 1 : s < 0 ? -1 : 0;
}

function sign3(v: number): number {
	return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/** Element-wise {@link ternary}. Shapes: any; out has x's length (may be x). */
export function ternaryArray<T extends FloatArray = Float32Array>(x: NumArray, delta: number, out?: T): T {
	if (!(delta >= 0)) throw new RangeError(`ternaryArray: delta must be >= 0, got ${delta}`);
	const n = x.length;
	const o = (out ?? new Float32Array(n)) as T;
	checkLength(o, n, 'ternaryArray out');
	for (let i = 0; i < n; i++) o[i] = tern(x[i], delta);
	return o;
}

/**
 * XNOR-Net per-tensor weight scale (Rastegari et al. 2016): alpha = mean |W|,
 * the least-squares optimal alpha for W ~ alpha sign(W). Shape: any. Accumulates
 * in float64. Returns 0 for an empty W.
 */
export function alphaPerTensor(W: NumArray): number {
	const n = W.length;
	if (n === 0) return 0;
	let s = 0;
	for (let i = 0; i < n; i++) s += Math.abs(W[i]);
	return s / n;
}

function meanAbsRows(A: NumArray, rows: number, cols: number, out: FloatArray | undefined, fn: string): FloatArray {
	if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
		throw new RangeError(`${fn}: rows and cols must be non-negative integers, got ${rows}, ${cols}`);
	}
	checkLength(A, rows * cols, `${fn} input`);
	const o = out ?? new Float32Array(rows);
	checkLength(o, rows, `${fn} out`);
	for (let r = 0; r < rows; r++) {
		let s = 0;
		const base = r * cols;
		for (let c = 0; c < cols; c++) s += Math.abs(A[base + c]);
		o[r] = cols === 0 ? 0 : s / cols;
	}
	return o;
}

/**
 * XNOR-Net per-output-unit weight scale (Rastegari et al. 2016):
 * alpha[r] = mean_c |W[r, c]| for W of shape [rows = out, cols = in] (the dense
 * layer convention: one contiguous row per output unit). out: [rows].
 * Accumulates in float64; 0 for a row of length 0.
 */
export function alphaPerRow(W: NumArray, rows: number, cols: number): Float32Array;
export function alphaPerRow<T extends FloatArray>(W: NumArray, rows: number, cols: number, out: T): T;
export function alphaPerRow(W: NumArray, rows: number, cols: number, out?: FloatArray): FloatArray {
	return meanAbsRows(W, rows, cols, out, 'alphaPerRow');
}

/**
 * XNOR-Net input scale (Rastegari et al. 2016) for a dense layer:
 * beta[r] = mean_c |X[r, c]| for a batch X of shape [rows = batch, cols = features],
 * so x . w ~ beta alpha (sign x . sign w). out: [rows]. Accumulates in float64.
 */
export function betaPerRow(X: NumArray, rows: number, cols: number): Float32Array;
export function betaPerRow<T extends FloatArray>(X: NumArray, rows: number, cols: number, out: T): T;
export function betaPerRow(X: NumArray, rows: number, cols: number, out?: FloatArray): FloatArray {
	return meanAbsRows(X, rows, cols, out, 'betaPerRow');
}

/**
 * Mean squared error: mean_i (a[i] - b[i])^2, accumulated in float64.
 * a and b must have the same length; returns 0 for empty arrays.
 */
export function mse(a: NumArray, b: NumArray): number {
	checkLength(b, a.length, 'mse b');
	const n = a.length;
	if (n === 0) return 0;
	let s = 0;
	for (let i = 0; i < n; i++) {
		const d = a[i] - b[i];
		s += d * d;
	}
	return s / n;
}

/**
 * Signal-to-quantisation-noise ratio in decibels:
 * 10 log10( sum s^2 / sum (s - q)^2 ).
 * +Infinity when the quantisation is exact (zero error, including an all-zero
 * signal); -Infinity when the signal is all zero but the error is not.
 * Both arrays must have the same length.
 */
export function sqnrDb(signal: NumArray, quantized: NumArray): number {
	checkLength(quantized, signal.length, 'sqnrDb quantized');
	let ps = 0,
		pe = 0;
	for (let i = 0; i < signal.length; i++) {
		const s = signal[i];
		const d = s - quantized[i];
		ps += s * s;
		pe += d * d;
	}
	if (pe === 0) return Infinity;
	return 10 * Math.log10(ps / pe);
}
