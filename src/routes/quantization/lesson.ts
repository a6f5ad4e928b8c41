/**
 * The quantization lesson's state and the small computations behind its figures.
 * Every curve and number comes from the engine's quantisers (quantize.ts); this
 * module only arranges them: a test signal and its quantised copies, the error as
 * the bit width falls, the quantisation levels drawn over a live layer's weight
 * histogram, and the bit widths the worker is asked to evaluate the network at.
 */
import { alphaPerTensor, levels, mlpConfig, mse, quantizeSigned, sqnrDb, ternary, type TrainConfig } from '$lib/engine';
import type { FieldSpec } from '$lib/notebook';
import type { RunRequest } from '$lib/worker/client.svelte';
import type { QuantizedResult } from '$lib/engine';

export const QUANTIZERS = ['uniform', 'sign', 'ternary'] as const;
export type QuantizerKind = (typeof QUANTIZERS)[number];

export const QUANTIZER_LABELS: Record<QuantizerKind, string> = {
	uniform: 'uniform, k bits',
	sign: 'sign with a scale (1 bit)',
	ternary: 'ternary with a scale'
};

export const HIDDEN_UNITS = 64;

export const FIELDS = [
	{ name: 'bits', type: 'int', default: 3, min: 1, max: 32 },
	{ name: 'quantizer', type: 'enum', default: 'uniform', options: QUANTIZERS },
	{ name: 'delta', type: 'float', default: 0.5, min: 0.05, max: 0.95 },
	{ name: 'layer', type: 'int', default: 1, min: 1, max: 2 }
] as const satisfies readonly FieldSpec[];

/** Bit widths the live network is always evaluated at (32 is the float network itself). */
export const EVAL_BITS = [1, 2, 3, 4, 6, 8, 16, 32] as const;

/** The widths to ask the worker for: the fixed ones and the slider's, ascending, once each. */
export function requestBits(k: number): number[] {
	return [...new Set([...EVAL_BITS, k])].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------
// The signal and its quantised copies.

/** A smooth test signal on t in [0, 1] with peak |x| = 0.9 at t = 1/4... sampled at n points. */
export function testSignal(n = 601): { t: Float64Array; x: Float64Array } {
	const t = new Float64Array(n),
		x = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		const s = i / (n - 1);
		t[i] = s;
		x[i] = 0.7 * Math.sin(2 * Math.PI * s) + 0.25 * Math.sin(6 * Math.PI * s + 0.6);
	}
	return { t, x };
}

/** max |x|: the range the uniform quantiser spans (so nothing is clipped). */
export function maxAbs(x: ArrayLike<number>): number {
	let m = 0;
	for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
	return m > 0 ? m : 1;
}

export interface Quantized {
	/** The quantised values, same length as the signal. */
	q: Float64Array;
	/** The representable values (ascending) when there are at most `maxLevels`, else null. */
	levels: number[] | null;
	/** How many values the quantiser can output. */
	count: number;
	/** Bits one value takes: k, 1, or log2 3 for ternary. */
	bitsPerValue: number;
	/** The scale (uniform: the range r; sign, ternary: alpha). */
	scale: number;
}

/** Number of values the engine's k-bit signed uniform quantiser can output: 2 at k = 1, 2^k - 1 above. */
export function uniformLevelCount(bits: number): number {
	return bits === 1 ? 2 : 2 ** bits - 1;
}

/**
 * Quantise x with the chosen quantiser:
 * - uniform: quantizeSigned(x, k, r) with r = max |x| (round half to even);
 * - sign: alpha sign(x), alpha = mean |x| (XNOR-Net's least-squares scale);
 * - ternary: alpha ternary(x, delta) with delta = deltaFrac * max |x| (Ternary Weight Networks, Li et al. 2016, with the threshold a control) and alpha
 *   the mean |x| over the values kept non-zero (least squares for that pattern).
 */
export function quantizeWith(x: ArrayLike<number>, kind: QuantizerKind, bits: number, deltaFrac: number, maxLevels = 64): Quantized {
	const n = x.length,
		q = new Float64Array(n);
	if (kind === 'uniform') {
		const r = maxAbs(x);
		for (let i = 0; i < n; i++) q[i] = quantizeSigned(x[i], bits, r);
		const count = uniformLevelCount(bits);
		return { q, levels: count <= maxLevels ? Array.from(levels('signed', bits, r)) : null, count, bitsPerValue: bits, scale: r };
	}
	if (kind === 'sign') {
		const a = alphaPerTensor(x);
		for (let i = 0; i < n; i++) q[i] = x[i] >= 0 ? a : -a;
		return { q, levels: [-a, a], count: 2, bitsPerValue: 1, scale: a };
	}
	const delta = deltaFrac * maxAbs(x);
	let s = 0,
		kept = 0;
	for (let i = 0; i < n; i++)
		if (ternary(x[i], delta) !== 0) {
			s += Math.abs(x[i]);
			kept++;
		}
	const a = kept ? s / kept : 0;
	for (let i = 0; i < n; i++) q[i] = a * ternary(x[i], delta) + 0;
	return { q, levels: [-a, 0, a], count: 3, bitsPerValue: Math.log2(3), scale: a };
}

export interface ErrorStats {
	mse: number;
	sqnr: number;
}

export function errorStats(x: ArrayLike<number>, q: ArrayLike<number>): ErrorStats {
	return { mse: mse(x, q), sqnr: sqnrDb(x, q) };
}

/** MSE and SQNR of the uniform quantiser at k = 1..maxBits, and of sign and ternary (constants). */
export function errorCurves(x: ArrayLike<number>, deltaFrac: number, maxBits = 16) {
	const bits: number[] = [],
		m: number[] = [],
		s: number[] = [];
	for (let k = 1; k <= maxBits; k++) {
		const e = errorStats(x, quantizeWith(x, 'uniform', k, deltaFrac).q);
		bits.push(k);
		m.push(e.mse);
		s.push(e.sqnr);
	}
	return {
		bits,
		mse: m,
		sqnr: s,
		sign: errorStats(x, quantizeWith(x, 'sign', 1, deltaFrac).q),
		ternary: errorStats(x, quantizeWith(x, 'ternary', 2, deltaFrac).q)
	};
}

// ---------------------------------------------------------------------------
// The live network.

/** The float MLP 784-64-10 on the digits, Adam, as the README's verified float runs. */
export function trainConfig(seed: number): TrainConfig {
	return {
		model: mlpConfig({ inputSize: 784, classes: 10, hidden: [HIDDEN_UNITS] }),
		optimizer: { type: 'adam', lr: 1e-3 },
		batchSize: 64,
		seed
	};
}

/** Steps the live network trains for (20 epochs of 8,000 digits at batch 64). */
export const MAX_STEPS = 2500;
/** Steps between two quantized evaluations of the live network while it trains. */
export const EVAL_EVERY = 250;
/** Histogram bins the worker sends (over [-1, 1]); the page crops and merges them. */
export const HISTOGRAM_BINS = 400;

export function runRequest(seed: number, mnistUrl: string): RunRequest {
	return {
		data: { kind: 'mnist', seed, url: mnistUrl },
		models: [{ id: 'float', label: 'Float network', config: trainConfig(seed) }],
		options: { histogramBins: HISTOGRAM_BINS, evalEvery: 125, samples: 0, maxSteps: MAX_STEPS }
	};
}

/** Weights in the network's dense layers (784x64 and 64x10). */
export const WEIGHT_COUNT = 784 * HIDDEN_UNITS + HIDDEN_UNITS * 10;

/**
 * A histogram over [lo, hi] cropped to a symmetric window around 0 that holds every
 * non-empty bin (at least `minHalf` wide), then merged to at most `target` bins.
 */
export function cropHistogram(counts: ArrayLike<number>, lo: number, hi: number, target = 60, minHalf = 0.05): { counts: Uint32Array; lo: number; hi: number } {
	const n = counts.length,
		w = (hi - lo) / n;
	let first = -1,
		last = -1;
	for (let i = 0; i < n; i++)
		if (counts[i] > 0) {
			if (first < 0) first = i;
			last = i;
		}
	if (first < 0) return { counts: new Uint32Array(target), lo: -minHalf, hi: minHalf };
	const half = Math.max(minHalf, Math.abs(lo + first * w), Math.abs(lo + (last + 1) * w));
	// Whole source bins from -half to +half (centred at 0 when lo = -hi).
	const a = Math.max(0, Math.floor((-half - lo) / w + 1e-9)),
		b = Math.min(n, Math.ceil((half - lo) / w - 1e-9));
	const span = b - a,
		merge = Math.max(1, Math.ceil(span / target)),
		outN = Math.ceil(span / merge);
	// Pad with empty bins on both sides (half each) so the merged bins are equal and the window stays centred.
	const start = a - Math.floor((outN * merge - span) / 2);
	const out = new Uint32Array(outN);
	for (let i = a; i < b; i++) out[Math.floor((i - start) / merge)] += counts[i];
	return { counts: out, lo: lo + start * w, hi: lo + (start + outN * merge) * w };
}

/** The k-bit levels of a layer quantised on its range max |W| (the worker's per-tensor quantiser), or null when too many to draw. */
export function layerLevels(bits: number, range: number, maxLevels = 64): number[] | null {
	if (bits >= 32 || uniformLevelCount(bits) > maxLevels || !(range > 0)) return null;
	return Array.from(levels('signed', bits, range));
}

/** Accuracy at `bits` in a set of results, or undefined. */
export function accuracyAt(results: readonly QuantizedResult[] | null, bits: number): number | undefined {
	return results?.find((r) => r.bits === bits)?.accuracy;
}
