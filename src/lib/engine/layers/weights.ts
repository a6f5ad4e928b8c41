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
 * of the model file. The conv layer uses it; the dense layer has its own copy of the same
 * definitions (docs/engine.md states them), to be folded into this module.
 */
import { packRows, wordsFor } from '../bits';
import { FormatError, type ByteReader, type ByteWriter } from '../bytes';
import type { WeightMode } from '../config';
import { baseShifts, weightBases } from '../multibase';
import type { Estimator } from '../ste';

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
}

/** g(W) and the bases it is built from, for latent weights W [rows, cols] in `mode` with M bases. */
export function prepareWeights(W: Float32Array, rows: number, cols: number, mode: WeightMode, M: number): PreparedWeights {
	const p: PreparedWeights = { bases: [], baseScales: new Float64Array(0), rowScales: null, effective: W, mean: 0, std: 0, shifts: new Float64Array(0) };
	if (mode === 'binary' || mode === 'scaled') {
		const s = new Float32Array(W.length);
		// Branch-free: a ternary on random signs mispredicts half the time.
		for (let i = 0; i < W.length; i++) s[i] = +(W[i] >= 0) * 2 - 1;
		p.bases = [s];
		p.effective = s;
		if (mode === 'scaled') {
			const a = new Float32Array(rows);
			const e = new Float32Array(W.length);
			for (let r = 0; r < rows; r++) {
				// float64 accumulation: exact for ±alpha rows, so an imported model recomputes alpha to the bit.
				let acc = 0;
				for (let c = 0; c < cols; c++) acc += Math.abs(W[r * cols + c]);
				a[r] = acc / cols;
				for (let c = 0; c < cols; c++) e[r * cols + c] = a[r] * s[r * cols + c];
			}
			p.rowScales = a;
			p.effective = e;
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
	}
	return p;
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
 * Chain dL/dg(W) (`dwe`, [rows, cols]) back to the latent weights W through `est`, into gW:
 * binary: ste'(W); scaled: alpha_r ste'(W_rc) + sign(W_rc)/cols · Σ_c' dwe_rc' sign(W_rc')
 * (the path through alpha_r = mean |W_r|); multibase: Σ_i alpha_i ste'(W - mean + u_i std),
 * mean, std and the least-squares alphas treated as constants.
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
	else if (mode === 'binary') {
		for (let i = 0; i < W.length; i++) gW[i] = est.backward(W[i], dwe[i]);
	} else if (mode === 'scaled') {
		const a = p.rowScales!,
			s = p.bases[0];
		for (let r = 0; r < rows; r++) {
			let dot = 0;
			for (let c = 0; c < cols; c++) dot += dwe[r * cols + c] * s[r * cols + c];
			const viaAlpha = dot / cols;
			for (let c = 0; c < cols; c++) {
				const i = r * cols + c;
				gW[i] = a[r] * est.backward(W[i], dwe[i]) + s[i] * viaAlpha;
			}
		}
	} else {
		const { baseScales: al, shifts: u, mean, std } = p;
		for (let i = 0; i < W.length; i++) {
			let g = 0;
			for (let k = 0; k < al.length; k++) g += al[k] * est.backward(W[i] - mean + u[k] * std, dwe[i]);
			gW[i] = g;
		}
	}
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
 */
export function readWeights(r: ByteReader, name: string, mode: WeightMode, M: number, W: Float32Array, rows: number, cols: number): PreparedWeights {
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
		for (let row = 0; row < rows; row++) for (let c = 0; c < cols; c++) B[row * cols + c] = (words[row * wpr + (c >>> 5)] >>> (c & 31)) & 1 ? 1 : -1;
		bases.push(B);
	}
	let rowScales: Float32Array | null = null;
	let baseScales = new Float64Array(0);
	if (mode === 'scaled') rowScales = r.f32s(new Float32Array(rows), `${name} scales`);
	if (mode === 'multibase') baseScales = Float64Array.from(r.f32s(new Float32Array(M), `${name} base scales`));
	for (const a of [...(rowScales ?? []), ...baseScales])
		if (!Number.isFinite(a)) throw new FormatError(`invalid model file: ${name} has a scale that is not a finite number`);
	const effective = new Float32Array(len);
	if (mode === 'scaled') {
		for (let row = 0; row < rows; row++) for (let c = 0; c < cols; c++) effective[row * cols + c] = rowScales![row] * bases[0][row * cols + c];
	} else if (mode === 'multibase') effective.set(sumBases(bases, baseScales, len));
	else effective.set(bases[0]);
	W.set(effective);
	let mean = 0,
		sq = 0;
	for (let j = 0; j < len; j++) mean += effective[j];
	mean /= len || 1;
	for (let j = 0; j < len; j++) sq += (effective[j] - mean) ** 2;
	return {
		bases,
		baseScales,
		rowScales,
		effective: mode === 'binary' ? bases[0] : effective,
		mean,
		std: Math.sqrt(sq / (len || 1)),
		shifts: baseShifts(M)
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
