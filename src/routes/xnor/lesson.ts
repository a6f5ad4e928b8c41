/**
 * The XNOR lesson's logic: two ±1 vectors and their dot product taken apart into
 * packed words, XNOR and popcount (every word from the engine's packSigns and its
 * dot-product kernels, the multiply-accumulate computed separately as the check);
 * XNOR-Net's scale factors on a live layer's weights and inputs (the engine's
 * alphaPerRow and betaPerRow, the sign products from its binaryGemm); and the live
 * network: its run, which kernel each layer's products run on, and what that bounds.
 * Pure functions: no DOM, nothing slow (a vector is at most 100 values, a layer a
 * few hundred thousand weights).
 */
import {
	alphaPerRow,
	alphaPerTensor,
	betaPerRow,
	binaryDotXnor,
	binaryDotXor,
	binaryGemm,
	createRng,
	mlpConfig,
	mse,
	packRows,
	packSigns,
	popcount32,
	wordsFor,
	type MlpSpec
} from '$lib/engine';
import type { FieldSpec } from '$lib/notebook';
import type { RunRequest } from '$lib/worker/client.svelte';
import { floatTwin } from '$lib/worker/twin';

/** Longest vector the by-hand figure offers. */
export const MAX_LEN = 100;
export const WIDTHS = ['128', '256', '512'] as const;
/** Test examples whose layer inputs the scale-factor figure asks for. */
export const ACT_COUNT = 16;
/** The live run pauses by itself after this many steps (each model). */
export const MAX_STEPS = 3000;

export const FIELDS = [
	/** Length of the two vectors. */
	{ name: 'n', type: 'int', default: 40, min: 1, max: MAX_LEN },
	/** Seed of the two random ±1 vectors (apart from the network's seed). */
	{ name: 'vseed', type: 'int', default: 1, min: 0, max: 4294967295 },
	/** Elements of x and of w the reader flipped (indices into the seeded vectors). */
	{ name: 'fx', type: 'intList', default: [], min: 0, max: MAX_LEN - 1, maxLength: MAX_LEN },
	{ name: 'fw', type: 'intList', default: [], min: 0, max: MAX_LEN - 1, maxLength: MAX_LEN },
	/** The layer whose weights and inputs the scale-factor figure uses (1-based). */
	{ name: 'layer', type: 'int', default: 2, min: 1, max: 2 },
	/** Output unit drawn in the sorted-weights chart (0-based). */
	{ name: 'unit', type: 'int', default: 0, min: 0, max: 511 },
	/** The live network's hidden width. */
	{ name: 'width', type: 'enum', default: '256', options: WIDTHS },
	/** Whether the first layer binarizes the pixels too (then every layer is XNOR-popcount). */
	{ name: 'pixels', type: 'enum', default: 'float', options: ['float', 'sign'] }
] as const satisfies readonly FieldSpec[];

// ---------------------------------------------------------------------------
// The trick, by hand.

/** Seed of vector w: a fixed mix of the vector seed, so x and w are independent draws. */
const wSeed = (seed: number): number => (seed ^ 0x9e3779b9) >>> 0;

/**
 * MAX_LEN seeded signs (±1) for vector x (which = 'x') or w; a shorter vector is a
 * prefix, so changing the length keeps the elements already there.
 */
export function seededSigns(seed: number, which: 'x' | 'w'): Float32Array {
	const rng = createRng(which === 'x' ? seed : wSeed(seed));
	return Float32Array.from({ length: MAX_LEN }, () => (rng.int(2) === 1 ? 1 : -1));
}

/** The first n seeded signs with the elements listed in `flips` (indices < n count) negated. */
export function vectorOf(seed: number, which: 'x' | 'w', n: number, flips: readonly number[]): Float32Array {
	const v = seededSigns(seed, which).slice(0, n);
	for (const i of flips) if (Number.isInteger(i) && i >= 0 && i < n) v[i] = -v[i];
	return v;
}

/** `flips` with i added or removed, ascending, without indices at or past n (which have no effect). */
export function toggleFlip(flips: readonly number[], i: number, n: number): number[] {
	const s = new Set(flips.filter((j) => j < n));
	if (s.has(i)) s.delete(i);
	else s.add(i);
	return [...s].sort((a, b) => a - b);
}

/** One 32-bit word of the packed vectors and what the XNOR kernel does with it. */
export interface WordRow {
	index: number;
	/** Elements in this word and unused tail bits (32 - used). */
	used: number;
	tail: number;
	/** The engine's packed words of x and w (uint32). */
	x: number;
	w: number;
	/** x XOR w: 1 where the signs differ. */
	xor: number;
	/** NOT (x XOR w) before masking: the zero tails have become ones. */
	xnorRaw: number;
	/** The valid bits of this word (all ones unless it is the last word of a ragged length). */
	mask: number;
	/** XNOR with the tail masked off: 1 exactly where the signs agree. */
	xnor: number;
	/** popcount of the masked XNOR word (the engine's popcount32). */
	popcount: number;
}

export interface BitDot {
	n: number;
	/** The engine's packed words (packSigns). */
	xWords: Uint32Array;
	wWords: Uint32Array;
	words: WordRow[];
	/** Per element: 1 where x_i = w_i (the XNOR bit), 0 where they differ. */
	agree: Uint8Array;
	/** Σ popcount(XNOR) over the words, tail masked. */
	popcount: number;
	/** Σ popcount(XOR) over the words. */
	xorCount: number;
	/** 2 · popcount − n, from the counts above. */
	fromXnor: number;
	/** n − 2 · popcount(XOR). */
	fromXor: number;
	/** The engine's kernels on the packed words. */
	engineXnor: number;
	engineXor: number;
	/** The multiply-accumulate on the ±1 floats, Σ x_i w_i: computed apart, the check. */
	mac: number;
	/** Every route gave the same number. */
	equal: boolean;
}

/** Mask of the valid bits of word `index` of an n-bit vector (as uint32). */
export function wordMask(index: number, n: number): number {
	const used = Math.min(32, n - index * 32);
	return used >= 32 ? 0xffffffff : ((1 << used) - 1) >>> 0;
}

/** x · w for ±1 vectors of one length, by the packed words and by multiply-accumulate. */
export function bitDot(x: Float32Array, w: Float32Array): BitDot {
	if (x.length !== w.length) throw new RangeError(`x and w differ in length: ${x.length} vs ${w.length}`);
	const n = x.length;
	const xWords = packSigns(x),
		wWords = packSigns(w);
	const words: WordRow[] = [];
	let popcount = 0,
		xorCount = 0;
	for (let k = 0; k < wordsFor(n); k++) {
		const used = Math.min(32, n - k * 32);
		const xor = (xWords[k] ^ wWords[k]) >>> 0;
		const xnorRaw = ~xor >>> 0;
		const mask = wordMask(k, n);
		const xnor = (xnorRaw & mask) >>> 0;
		const pc = popcount32(xnor);
		popcount += pc;
		xorCount += popcount32(xor);
		words.push({ index: k, used, tail: 32 - used, x: xWords[k], w: wWords[k], xor, xnorRaw, mask, xnor, popcount: pc });
	}
	const agree = Uint8Array.from(x, (xi, i) => (xi >= 0 === w[i] >= 0 ? 1 : 0));
	let mac = 0;
	for (let i = 0; i < n; i++) mac += x[i] * w[i];
	const fromXnor = 2 * popcount - n,
		fromXor = n - 2 * xorCount;
	const engineXnor = binaryDotXnor(xWords, wWords, n),
		engineXor = binaryDotXor(xWords, wWords, n);
	return {
		n,
		xWords,
		wWords,
		words,
		agree,
		popcount,
		xorCount,
		fromXnor,
		fromXor,
		engineXnor,
		engineXor,
		mac,
		equal: fromXnor === mac && fromXor === mac && engineXnor === mac && engineXor === mac
	};
}

/** A uint32 as 8 hexadecimal digits. */
export const hex = (u: number): string => (u >>> 0).toString(16).padStart(8, '0');

/** A uint32 as 32 binary digits, bit 31 first (as a word is written). */
export const binary = (u: number): string => (u >>> 0).toString(2).padStart(32, '0');

// ---------------------------------------------------------------------------
// Scale factors (XNOR-Net).

/** The part of a worker inspection this figure reads: one dense layer's latent weights. */
export interface LayerWeights {
	units: number;
	inputs: number;
	/** [units, inputs] row-major. */
	weights: Float32Array;
}

export interface ApproxError {
	/** Mean squared error against the real values. */
	mse: number;
	/** ‖real − approx‖ / ‖real‖. */
	rel: number;
}

export interface ScaleStats {
	units: number;
	inputs: number;
	/** XNOR-Net's alpha per output unit, mean_c |W_uc| (engine's alphaPerRow). */
	alpha: Float32Array;
	/** One alpha for the whole tensor (engine's alphaPerTensor), for comparison. */
	alphaTensor: number;
	/** W against sign(W), alpha_tensor sign(W) and alpha_u sign(W). */
	weight: { sign: ApproxError; tensor: ApproxError; row: ApproxError };
	/** With the layer's inputs: x·w against the sign products with and without scales. */
	dot: DotStats | null;
}

export interface DotStats {
	count: number;
	/** The units whose products were computed (indices into the layer's rows). */
	units: number[];
	/** XNOR-Net's beta per example, mean |x| (engine's betaPerRow). */
	beta: Float32Array;
	/** x_e · w_u for every example e and picked unit u, [count, units.length]. */
	real: Float64Array;
	/** sign(x_e) · sign(w_u) by the engine's packed binaryGemm, [count, units.length]. */
	signDot: Int32Array;
	/** beta_e alpha_u (sign x_e · sign w_u), [count, units.length]. */
	scaled: Float64Array;
	/** The real products against the sign products alone, alpha only, and beta·alpha. */
	sign: ApproxError;
	alphaOnly: ApproxError;
	both: ApproxError;
	/** Pearson correlation of the sign products with the real ones (scales do not change it per unit). */
	correlation: number;
}

/** MSE and relative error of `approx` against `real`. */
export function approxError(real: ArrayLike<number>, approx: ArrayLike<number>): ApproxError {
	let s = 0;
	for (let i = 0; i < real.length; i++) s += real[i] * real[i];
	const m = mse(real, approx);
	return { mse: m, rel: s > 0 ? Math.sqrt((m * real.length) / s) : m === 0 ? 0 : Infinity };
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
	const n = a.length;
	let ma = 0,
		mb = 0;
	for (let i = 0; i < n; i++) {
		ma += a[i];
		mb += b[i];
	}
	ma /= n || 1;
	mb /= n || 1;
	let sab = 0,
		saa = 0,
		sbb = 0;
	for (let i = 0; i < n; i++) {
		const da = a[i] - ma,
			db = b[i] - mb;
		sab += da * db;
		saa += da * da;
		sbb += db * db;
	}
	return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/** Output units whose products the scale-factor figure computes (evenly spread; keeps the main thread's work small). */
export const DOT_UNITS = 64;

/**
 * How well XNOR-Net's scaled signs stand in for a layer's real weights, in two halves the
 * page runs in separate tasks (so its main thread never holds a frame for long, even for a
 * 512 × 784 layer). This half: alpha per unit and per tensor, and W's errors against the three stand-ins. */
export function weightScaleStats(layer: LayerWeights): Omit<ScaleStats, 'dot'> {
	const { units, inputs, weights: W } = layer;
	if (W.length !== units * inputs) throw new RangeError(`weights hold ${W.length} values, not ${units} × ${inputs}`);
	const alpha = alphaPerRow(W, units, inputs);
	const alphaTensor = alphaPerTensor(W);
	// One pass over W, in float64: the squared errors of the three stand-ins and the signal power.
	let power = 0,
		eSign = 0,
		eTensor = 0,
		eRow = 0;
	for (let u = 0; u < units; u++) {
		const a = alpha[u];
		for (let c = u * inputs, e = c + inputs; c < e; c++) {
			const w = W[c],
				s = w >= 0 ? 1 : -1;
			power += w * w;
			eSign += (w - s) * (w - s);
			eTensor += (w - alphaTensor * s) * (w - alphaTensor * s);
			eRow += (w - a * s) * (w - a * s);
		}
	}
	const err = (e: number): ApproxError => ({ mse: W.length ? e / W.length : 0, rel: power > 0 ? Math.sqrt(e / power) : e === 0 ? 0 : Infinity });
	return { units, inputs, alpha, alphaTensor, weight: { sign: err(eSign), tensor: err(eTensor), row: err(eRow) } };
}

/**
 * The products half: given `count` examples of the layer's inputs X [count, inputs] and its
 * alpha per unit, the real products x · w of at most `maxUnits` units (evenly spread) against
 * the sign products with and without scales.
 */
export function dotScaleStats(layer: LayerWeights, acts: { count: number; values: Float32Array }, alpha: Float32Array, maxUnits = DOT_UNITS): DotStats {
	const { units, inputs, weights: W } = layer;
	const { count, values: X } = acts;
	if (X.length < count * inputs) throw new RangeError(`activations hold ${X.length} values, not ${count} × ${inputs}`);
	const picked = spread(units, maxUnits);
	const k = picked.length;
	const Wk = new Float32Array(k * inputs);
	picked.forEach((u, j) => Wk.set(W.subarray(u * inputs, (u + 1) * inputs), j * inputs));
	const beta = betaPerRow(X, count, inputs);
	const real = new Float64Array(count * k);
	for (let e = 0; e < count; e++)
		for (let j = 0; j < k; j++) {
			let s = 0;
			for (let c = 0, xo = e * inputs, wo = j * inputs; c < inputs; c++) s += X[xo + c] * Wk[wo + c];
			real[e * k + j] = s;
		}
	// The sign products as the binary layer computes them: packed rows, XOR-popcount GEMM.
	const signDot = new Int32Array(count * k);
	binaryGemm(packRows(X, count, inputs), packRows(Wk, k, inputs), signDot, count, k, inputs);
	const scaled = new Float64Array(count * k),
		alphaOnly = new Float64Array(count * k);
	for (let e = 0; e < count; e++)
		for (let j = 0; j < k; j++) {
			const i = e * k + j;
			alphaOnly[i] = alpha[picked[j]] * signDot[i];
			scaled[i] = beta[e] * alphaOnly[i];
		}
	return {
		count,
		units: picked,
		beta,
		real,
		signDot,
		scaled,
		sign: approxError(real, signDot),
		alphaOnly: approxError(real, alphaOnly),
		both: approxError(real, scaled),
		correlation: pearson(real, signDot)
	};
}

/** One unit's weights sorted ascending, and alpha · sign of each (for the staircase chart). */
export function sortedRow(layer: LayerWeights, unit: number, alpha: number): { w: Float32Array; approx: Float32Array } {
	const u = Math.max(0, Math.min(layer.units - 1, unit));
	const w = layer.weights.slice(u * layer.inputs, (u + 1) * layer.inputs).sort();
	return { w, approx: w.map((v) => (v >= 0 ? alpha : -alpha)) };
}

/** At most `max` evenly spread indices of 0..n-1 (the scatter's points). */
export function spread(n: number, max: number): number[] {
	if (n <= max) return Array.from({ length: n }, (_, i) => i);
	return Array.from({ length: max }, (_, i) => Math.floor((i * n) / max));
}

// ---------------------------------------------------------------------------
// The live network.

export const PIXELS = 784;

/**
 * The binary network: two hidden layers, binary weights everywhere, sign inputs in
 * every layer after the first (so their products are XNOR-popcount), and the pixels
 * themselves binarized too when `pixels` is 'sign'. Batch norm after every layer.
 */
export function networkSpec(width: number, pixels: 'float' | 'sign'): MlpSpec {
	return {
		inputSize: PIXELS,
		classes: 10,
		hidden: [width, width],
		weights: 'binary',
		input: [pixels, 'sign', 'sign'],
		batchnorm: true,
		estimator: 'clipped'
	};
}

/** The binary network and its float twin on the digits; the page's LiveRun stops them at MAX_STEPS. */
export function runRequest(width: number, pixels: 'float' | 'sign', seed: number, mnistUrl: string): RunRequest {
	const spec = networkSpec(width, pixels);
	const train = (s: MlpSpec, lr: number) => ({ model: mlpConfig(s), optimizer: { type: 'adam', lr } as const, batchSize: 64, seed });
	return {
		data: { kind: 'mnist', seed, url: mnistUrl },
		models: [
			{ id: 'binary', label: 'Binary network', config: train(spec, 1e-2) },
			{ id: 'float', label: 'Float twin', config: train(floatTwin(spec), 1e-3) }
		],
		options: { histogramBins: 0, evalEvery: 50, samples: 0, maxSteps: MAX_STEPS }
	};
}

export interface LayerKernel {
	name: string;
	inputs: number;
	units: number;
	/** Products per example: inputs × units. */
	products: number;
	/** Both sides ±1: the products run as XNOR-popcount on packed words. */
	binary: boolean;
	/** What the layer's products are in the binary network. */
	kind: string;
}

/** Each dense layer of the binary network, its products per example and whether they are XNOR-popcount. */
export function layerKernels(spec: MlpSpec): LayerKernel[] {
	const cfg = mlpConfig(spec);
	const out: LayerKernel[] = [];
	let inputs = cfg.inputSize;
	for (const l of cfg.layers) {
		if (l.type !== 'dense') continue;
		const w = l.weights ?? 'float',
			x = l.input ?? 'float';
		const binary = (w === 'binary' || w === 'scaled') && x === 'sign';
		const kind = binary ? 'XNOR-popcount' : w === 'float' ? 'float multiply-add' : 'float multiply-add, ±1 weights';
		out.push({ name: `dense${out.length + 1}`, inputs, units: l.units, products: inputs * l.units, binary, kind });
		inputs = l.units;
	}
	return out;
}

/**
 * Amdahl's bound on the whole network's speed-up when only the XNOR-popcount layers get
 * `kernelRatio` times faster and everything else (the float layers) keeps its time,
 * counting time by products: total / (float products + binary products / ratio).
 * An upper bound: it leaves out batch norm, packing the inputs and the scales, which
 * only add time on the binary side.
 */
export function amdahlBound(layers: readonly LayerKernel[], kernelRatio: number): number {
	let bin = 0,
		flt = 0;
	for (const l of layers) {
		if (l.binary) bin += l.products;
		else flt += l.products;
	}
	const total = bin + flt;
	return total === 0 ? 1 : total / (flt + bin / kernelRatio);
}

/** Share of the products that run as XNOR-popcount. */
export function binaryShare(layers: readonly LayerKernel[]): number {
	let bin = 0,
		total = 0;
	for (const l of layers) {
		total += l.products;
		if (l.binary) bin += l.products;
	}
	return total === 0 ? 0 : bin / total;
}

/** The part of a worker inference timing the page shows. */
export interface Timing {
	modelId: string;
	msPerBatch: number;
	msPerExample: number;
	batch: number;
	repeats: number;
	packed: boolean;
	kernels: string;
}

/** Float twin's time over the binary network's (how many times faster the binary one ran), or null. */
export function timingRatio(timings: readonly Timing[], fast = 'binary', slow = 'float'): number | null {
	const f = timings.find((t) => t.modelId === fast),
		s = timings.find((t) => t.modelId === slow);
	if (!f || !s || !(f.msPerBatch > 0) || !Number.isFinite(s.msPerBatch)) return null;
	return s.msPerBatch / f.msPerBatch;
}
