/**
 * The weight side of a layer in every weight mode, for any weight matrix W [rows, cols]
 * of latent weights (a dense layer's [out, in], a conv layer's [filters, kh·kw·C]):
 *
 * - 'float':     g(W) = W
 * - 'binary':    g(W) = sign(W)
 * - 'scaled':    g(W) = alpha_r sign(W), alpha_r = mean_c |W_rc| per row (XNOR-Net, Rastegari et al. 2016)
 * - 'multibase': g(W) = Σ_i alpha_i B_i, B_i = sign(W - mean + u_i std) (ABC-Net, Lin, Zhao, Pan 2017)
 *
 * with the straight-through gradient back to the latent weights and the packed storage
 * of the model file. The dense and the conv layer both use it, so each definition exists
 * once: sign is quantize.ts's, alpha_r is {@link alphaPerRow}, the bases are
 * {@link weightBases}, and every gradient through a sign goes through {@link steBackward}.
 */
import { packRows, popcount32, signRows, unpackSigns, wordsFor } from '../bits';
import { FormatError, type ByteReader, type ByteWriter } from '../bytes';
import type { WeightMode } from '../config';
import { baseShifts, weightBases } from '../multibase';
import { alphaPerRow } from '../quantize';
import { steBackward, type Estimator } from '../ste';
import { simdSignRows, type PackedSigns } from '../wasm/train-simd';

/** Weight-side quantities derived from the latent weights, cached until they change. */
export interface PreparedWeights {
	/** ±1 bases, M of them (1 for binary and scaled), each [rows, cols]. Empty for float weights. */
	bases: Float32Array[];
	/** Per-base scale alpha_i (multibase), length M; otherwise empty. */
	baseScales: Float64Array;
	/** Per-row scale alpha_r (scaled), length rows; otherwise null. */
	rowScales: Float32Array | null;
	/** The effective weights g(W), [rows, cols]. */
	effective: Float32Array;
	/** ABC-Net shift parameters for the backward pass: mean, std and u_i. */
	mean: number;
	std: number;
	shifts: Float64Array;
	/**
	 * Each base packed by rows, [rows, wordsFor(cols)] words, for the XOR-popcount kernels:
	 * for binary and scaled weights the sign words the caller handed in (kept in sync by it),
	 * otherwise null until the layer packs them on first use.
	 */
	packed: Uint32Array[] | null;
	/** Latent weights with |w| <= 1 (the clipped estimator's window); 0 for float weights. */
	inside: number;
}

/**
 * g(W) and the bases it is built from, for latent weights W [rows, cols] in `mode` with M bases.
 *
 * @param signs when given, [rows, wordsFor(cols)] words that receive sign(W) packed by rows
 *   (in the same pass as the ±1 floats): a dense layer keeps them to count sign flips and,
 *   for binary and scaled weights, as the packed base itself
 */
export function prepareWeights(W: Float32Array, rows: number, cols: number, mode: WeightMode, M: number, signs: Uint32Array | null = null): PreparedWeights {
	const p: PreparedWeights = {
		bases: [],
		baseScales: new Float64Array(0),
		rowScales: null,
		effective: W,
		mean: 0,
		std: 0,
		shifts: new Float64Array(0),
		packed: null,
		inside: 0
	};
	if (mode === 'binary' || mode === 'scaled') {
		const s = new Float32Array(W.length);
		p.inside = signRows(W, rows, cols, s, signs);
		p.bases = [s];
		p.packed = signs ? [signs] : null;
		p.effective = s;
		if (mode === 'scaled') {
			// alphaPerRow accumulates in float64: exact for ±alpha rows, so an imported model recomputes alpha to the bit.
			p.rowScales = alphaPerRow(W, rows, cols);
			p.effective = scaledWeights(p.rowScales, s, rows, cols);
		}
	} else if (mode === 'multibase') {
		const wb = weightBases(W, M);
		p.bases = Array.from({ length: M }, (_, i) => wb.bases.subarray(i * W.length, (i + 1) * W.length));
		// Rounded to float32 as the model file stores them, so an imported model computes the same outputs.
		p.baseScales = Float64Array.from(wb.alphas, Math.fround);
		p.effective = sumBases(p.bases, p.baseScales, W.length);
		p.mean = wb.mean;
		p.std = wb.std;
		p.shifts = wb.shifts;
		// sign(W) itself, for the flip count of the next sync.
		p.inside = signRows(W, rows, cols, null, signs);
	}
	return p;
}

/**
 * XNOR-Net's scaled weights: out[r, c] = alpha[r] · B[r, c] for ±1 bases B [rows, cols] and
 * per-row scales alpha [rows] (as {@link alphaPerRow} computes them). out: [rows, cols],
 * allocated when omitted.
 */
export function scaledWeights(alpha: ArrayLike<number>, B: Float32Array, rows: number, cols: number, out = new Float32Array(rows * cols)): Float32Array {
	for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = alpha[r] * B[r * cols + c];
	return out;
}

/** Σ_i alpha_i B_i over `len` elements: the effective weights of an M-base layer. */
export function sumBases(bases: Float32Array[], alphas: Float64Array, len: number): Float32Array {
	const e = new Float32Array(len);
	for (let j = 0; j < len; j++) {
		let acc = 0;
		for (let i = 0; i < bases.length; i++) acc += alphas[i] * bases[i][j];
		e[j] = acc;
	}
	return e;
}

/**
 * y (+)= c ⊙ prod for one pair of a weight base i and an input base n, the one place where a
 * layer's pair products are scaled and summed: y, prod [rows, cols] (cols = the layer's
 * outputs), c = fround(alpha_i beta_n) with alpha_i = p.baseScales[i] for M-base weights and
 * beta_n = beta[n] for N-base inputs (1 for what a mode lacks), times alpha_r of output column
 * r for scaled weights (XNOR-Net's alpha, beta_n kept). `first` writes instead of adding.
 *
 * c · alpha_r · prod is rounded once whichever way it is grouped: all three are float32
 * values, so the first product is exact in float64.
 */
export function accumulatePair(
	y: Float32Array,
	prod: Float32Array,
	rows: number,
	cols: number,
	first: boolean,
	p: PreparedWeights,
	i: number,
	beta: Float32Array | null,
	n: number
): void {
	let c = 1;
	if (p.baseScales.length > 0) c *= p.baseScales[i];
	if (beta) c *= beta[n];
	const cf = Math.fround(c);
	const rs = p.rowScales;
	for (let r = 0; r < rows; r++) {
		const o = r * cols;
		for (let j = 0; j < cols; j++) {
			const t = rs ? cf * rs[j] * prod[o + j] : cf * prod[o + j];
			y[o + j] = first ? t : y[o + j] + t;
		}
	}
}

/** float64 work space of the latent gradients, grown on demand (JS is single-threaded per worker). */
let work = new Float64Array(0);
function workspace(n: number): Float64Array {
	if (work.length < n) work = new Float64Array(n);
	return work;
}

/** Elements per chunk of the M-base gradient: the work space stays small and in cache. */
const CHUNK = 4096;

/**
 * Chain dL/dg(W) (`dwe`, [rows, cols]) back to the latent weights W through `est`, into gW
 * (overwritten; must not alias dwe):
 *
 * - float: dwe itself;
 * - binary: {@link steBackward}(est, W, dwe);
 * - scaled: {@link scaledLatentGrad}, the exact Jacobian through alpha_r;
 * - multibase: {@link multibaseLatentGrad}, Σ_i alpha_i ste(W - mean + u_i std).
 */
export function latentGrad(
	mode: WeightMode,
	est: Estimator,
	p: PreparedWeights,
	W: Float32Array,
	dwe: Float32Array,
	gW: Float32Array,
	rows: number,
	cols: number
): void {
	if (mode === 'float') gW.set(dwe.subarray(0, W.length));
	else if (mode === 'binary') steBackward(est, W, dwe, gW);
	else if (mode === 'scaled') scaledLatentGrad(est, W, p.bases[0], p.rowScales!, dwe, gW, rows, cols);
	else multibaseLatentGrad(est, W, p, dwe, gW);
}

/**
 * dL/dW for XNOR-Net's scaled binary weights g(W)_rc = alpha_r sign(W_rc), alpha_r =
 * mean_c |W_rc| ({@link alphaPerRow}), given dL/dg(W) = dwe. Both paths from W_rc to the
 * loss count, through sign (the straight-through estimator) and through alpha_r
 * (d alpha_r / d W_rc = sign(W_rc) / cols):
 *
 *     dL/dW_rc = alpha_r · ste(W_rc, dwe_rc) + sign(W_rc)/cols · Σ_c' dwe_rc' sign(W_rc')
 *
 * with ste(w, d) = est.backward(w, d), computed by {@link steBackward}. This is the exact
 * Jacobian through alpha. XNOR-Net's paper (Rastegari et al. 2016, section 3.1) keeps only
 * its diagonal term, c' = c, where sign(W_rc)² = 1:
 *
 *     dL/dW_rc = dwe_rc · (1/cols + alpha_r · ste'(W_rc)).
 *
 * Shapes: W, signs (sign(W) as ±1), dwe, gW [rows, cols]; alpha [rows]. gW is overwritten
 * and must not alias dwe. Each output is computed in float64 and rounded once.
 */
export function scaledLatentGrad(
	est: Estimator,
	W: Float32Array,
	signs: Float32Array,
	alpha: Float32Array,
	dwe: Float32Array,
	gW: Float32Array,
	rows: number,
	cols: number
): void {
	const ste = workspace(cols).subarray(0, cols);
	for (let r = 0; r < rows; r++) {
		const o = r * cols;
		steBackward(est, W.subarray(o, o + cols), dwe.subarray(o, o + cols), ste);
		let dot = 0;
		for (let c = 0; c < cols; c++) dot += dwe[o + c] * signs[o + c];
		const viaAlpha = dot / cols;
		for (let c = 0; c < cols; c++) gW[o + c] = alpha[r] * ste[c] + signs[o + c] * viaAlpha;
	}
}

/**
 * dL/dW for ABC-Net's M weight bases B_i = sign(W - mean + u_i std) (Lin, Zhao, Pan 2017):
 * each base passes the gradient straight through its shifted sign, scaled by alpha_i, with
 * mean, std and the least-squares alphas treated as constants:
 *
 *     dL/dW_j = Σ_i alpha_i · ste(W_j - mean + u_i std, dwe_j).
 *
 * The shifted weights go to {@link steBackward} in float64, so no window edge moves by
 * rounding; the sum is float64, rounded once. Shapes: W, dwe, gW any, the same length
 * (overwritten; gW must not alias dwe).
 */
export function multibaseLatentGrad(est: Estimator, W: Float32Array, p: PreparedWeights, dwe: Float32Array, gW: Float32Array): void {
	const { baseScales: al, shifts: u, mean, std } = p;
	const ws = workspace(3 * CHUNK);
	for (let j0 = 0; j0 < W.length; j0 += CHUNK) {
		const len = Math.min(CHUNK, W.length - j0);
		const x = ws.subarray(0, len),
			ste = ws.subarray(CHUNK, CHUNK + len),
			acc = ws.subarray(2 * CHUNK, 2 * CHUNK + len);
		acc.fill(0);
		for (let i = 0; i < al.length; i++) {
			for (let j = 0; j < len; j++) x[j] = W[j0 + j] - mean + u[i] * std;
			steBackward(est, x, dwe.subarray(j0, j0 + len), ste);
			for (let j = 0; j < len; j++) acc[j] += al[i] * ste[j];
		}
		gW.set(acc, j0);
	}
}

/**
 * Re-derive the packed signs of W [rows, cols] over `words` (as {@link signRows} wrote
 * them) and count what changed; where `pm` (the ±1 floats of the same signs) is given,
 * rewrite only its elements whose sign flipped. The packing comes `given` (the optimiser
 * packed it), else from the WebAssembly kernel, else from JavaScript into `scratch`.
 *
 * @returns flips, the weights whose sign bit changed, and inside, those with |w| <= 1
 */
export function syncSignRows(
	W: Float32Array,
	rows: number,
	cols: number,
	words: Uint32Array,
	pm: Float32Array | null,
	scratch: Uint32Array,
	given: PackedSigns | null
): { flips: number; inside: number } {
	const wpr = wordsFor(cols);
	const simd = given ?? simdSignRows(W, rows, cols);
	const fresh = simd ? simd.words : scratch;
	const inside = simd ? simd.inside : signRows(W, rows, cols, null, scratch);
	let flips = 0;
	for (let r = 0; r < rows; r++) {
		for (let w = 0; w < wpr; w++) {
			const k = r * wpr + w,
				word = fresh[k];
			let changed = word ^ words[k];
			if (changed === 0) continue;
			words[k] = word;
			const count = popcount32(changed);
			flips += count;
			if (!pm) continue;
			const i0 = r * cols + (w << 5);
			if (count > 6) {
				// Early in training most words change in many places: rewrite the word's floats outright.
				for (let b = 0, lim = Math.min(32, cols - (w << 5)); b < lim; b++) pm[i0 + b] = ((word >>> b) & 1) * 2 - 1;
			} else
				for (; changed !== 0; changed &= changed - 1) {
					const b = 31 - Math.clz32(changed & -changed);
					pm[i0 + b] = ((word >>> b) & 1) * 2 - 1;
				}
		}
	}
	return { flips, inside };
}

/** Write the weights as the model file stores them: float32, or M packed bases of rows of wordsFor(cols) words, then alpha_r or alpha_i. */
export function writeWeights(w: ByteWriter, mode: WeightMode, W: Float32Array, p: PreparedWeights, rows: number, cols: number): void {
	if (mode === 'float') {
		w.f32s(W);
		return;
	}
	for (const B of p.bases) w.u32s(packRows(B, rows, cols));
	if (mode === 'scaled') w.f32s(p.rowScales!);
	if (mode === 'multibase') w.f32s(p.baseScales);
}

/**
 * Read what {@link writeWeights} wrote. Sets W to g(W) (the latent weights are not in the
 * file) and returns the prepared weights, so an imported layer computes exactly what the
 * exported one did. Mean and std of g(W) stand in for the latent weights' in the backward
 * pass of a model trained further after import.
 *
 * @param signs as for {@link prepareWeights}: receives sign(W) packed by rows (for binary and
 *   scaled weights the file's base itself, not sign(alpha_r B): a row with alpha_r = 0 holds
 *   -0 where B is -1)
 */
export function readWeights(
	r: ByteReader,
	name: string,
	mode: WeightMode,
	M: number,
	W: Float32Array,
	rows: number,
	cols: number,
	signs: Uint32Array | null = null
): PreparedWeights {
	if (mode === 'float') {
		r.f32s(W, `${name} weights`);
		return prepareWeights(W, rows, cols, mode, M);
	}
	const wpr = wordsFor(cols),
		len = rows * cols;
	const bases: Float32Array[] = [];
	for (let i = 0; i < M; i++) {
		const words = r.u32s(new Uint32Array(rows * wpr), `${name} packed weights`);
		checkPadding(words, rows, cols, name);
		const B = new Float32Array(len);
		for (let row = 0; row < rows; row++) unpackSigns(words.subarray(row * wpr, (row + 1) * wpr), cols, B.subarray(row * cols, (row + 1) * cols));
		bases.push(B);
	}
	let rowScales: Float32Array | null = null;
	let baseScales = new Float64Array(0);
	if (mode === 'scaled') rowScales = r.f32s(new Float32Array(rows), `${name} scales`);
	if (mode === 'multibase') baseScales = Float64Array.from(r.f32s(new Float32Array(M), `${name} base scales`));
	for (const a of [...(rowScales ?? []), ...baseScales])
		if (!Number.isFinite(a)) throw new FormatError(`invalid model file: ${name} has a scale that is not a finite number`);
	let effective: Float32Array;
	if (mode === 'scaled') effective = scaledWeights(rowScales!, bases[0], rows, cols);
	else if (mode === 'multibase') effective = sumBases(bases, baseScales, len);
	else effective = Float32Array.from(bases[0]);
	W.set(effective);
	let mean = 0,
		sq = 0;
	for (let j = 0; j < len; j++) mean += effective[j];
	mean /= len || 1;
	for (let j = 0; j < len; j++) sq += (effective[j] - mean) ** 2;
	const inside = signRows(W, rows, cols, null, signs);
	if (signs && mode !== 'multibase') signRows(bases[0], rows, cols, null, signs);
	return {
		bases,
		baseScales,
		rowScales,
		effective: mode === 'binary' ? bases[0] : effective,
		mean,
		std: Math.sqrt(sq / (len || 1)),
		shifts: baseShifts(M),
		packed: signs && mode !== 'multibase' ? [signs] : null,
		inside
	};
}

/**
 * The bits past the last column of each packed row are always written 0; a file with any
 * of them set was damaged (or written by something else), so it is refused rather than
 * read as a model that would not write back the same bytes.
 */
export function checkPadding(words: Uint32Array, rows: number, cols: number, name: string): void {
	const tail = cols & 31;
	if (tail === 0) return;
	const wpr = wordsFor(cols);
	const mask = ~((1 << tail) - 1) >>> 0;
	for (let r = 0; r < rows; r++)
		if ((words[r * wpr + wpr - 1] & mask) !== 0)
			throw new FormatError(`invalid model file: ${name} has bits set past the end of row ${r} (the padding of packed rows is always 0)`);
}
