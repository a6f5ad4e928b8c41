/**
 * The straight-through lesson's logic: the estimators' curves sampled from the engine's
 * own functions, the live run (one data set, three binary networks that differ only in
 * how they get a gradient through sign and how they update it), and the small sums the
 * figures print (gradient statistics per layer, shares, recent means). Pure: no DOM,
 * no worker; the page and its figures call these.
 */
import { ESTIMATOR_NAMES, estimator, mlpConfig, type EstimatorName, type MlpSpec, type TrainConfig } from '$lib/engine';
import { formatFixed } from '$lib/format';
import type { FieldSpec } from '$lib/notebook';
import type { RunRequest } from '$lib/worker/client.svelte';
import type { LayerInspection } from '$lib/worker/protocol';

/** Words for each estimator in controls and legends. */
export const ESTIMATOR_LABELS: Record<EstimatorName, string> = {
	identity: 'identity',
	clipped: 'clipped (hardtanh)',
	approxsign: 'ApproxSign',
	swishsign: 'SwishSign',
	true: 'true derivative (zero)'
};

/** Bop's gamma and tau as the controls offer them (strings, so the URL stays exact). */
export const GAMMAS = ['1e-4', '1e-3', '1e-2'] as const;
export const TAUS = ['1e-8', '1e-6', '1e-5', '1e-4'] as const;

export const FIELDS = [
	/** The straight-through network's estimator (the other two networks: see runRequest). */
	{ name: 'est', type: 'enum', default: 'clipped', options: ESTIMATOR_NAMES },
	/** SwishSign's sharpness. */
	{ name: 'beta', type: 'float', default: 5, min: 0.5, max: 20 },
	/** Clip latent weights to [-1, 1] after each Adam update. */
	{ name: 'lclip', type: 'bool', default: true },
	/** Bop's adaptivity rate and threshold. */
	{ name: 'gamma', type: 'enum', default: '1e-3', options: GAMMAS },
	{ name: 'tau', type: 'enum', default: '1e-6', options: TAUS },
	/** Which network the gradient-flow graph draws. */
	{ name: 'graph', type: 'enum', default: 'ste', options: ['ste', 'true'] }
] as const satisfies readonly FieldSpec[];

// ---------------------------------------------------------------------------
// Estimator curves.

export interface EstimatorCurve {
	name: EstimatorName;
	xs: Float64Array;
	/** sign(x), the forward pass every estimator shares. */
	forward: Float64Array;
	/** The surrogate whose slope the backward pass uses (identity: x itself; true: sign). */
	surrogate: Float64Array;
	/** d(surrogate)/dx: what backward multiplies dL/dy by. */
	backward: Float64Array;
}

/**
 * The engine's estimator `name` sampled at n points over [lo, hi]. The surrogate of
 * identity is the line y = x and that of the true derivative is sign itself (the engine
 * defines no surrogate for those two; these are the functions whose slopes they use).
 */
export function estimatorCurve(name: EstimatorName, beta: number, n = 241, lo = -2, hi = 2): EstimatorCurve {
	const est = estimator(name, { beta });
	const xs = new Float64Array(n),
		forward = new Float64Array(n),
		surrogate = new Float64Array(n),
		backward = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		const x = lo + ((hi - lo) * i) / (n - 1);
		xs[i] = x;
		forward[i] = est.forward(x);
		surrogate[i] = est.surrogate ? est.surrogate(x) : name === 'identity' ? x : est.forward(x);
		backward[i] = est.backward(x, 1);
	}
	return { name, xs, forward, surrogate, backward };
}

/**
 * The largest backward value over the curve and where; among equal values the x nearest 0
 * (clipped is 1 on the whole window: its peak is reported at 0; SwishSign's is beta at 0).
 */
export function peakGradient(c: EstimatorCurve): { x: number; value: number } {
	let best = 0;
	for (let i = 1; i < c.backward.length; i++) {
		const g = c.backward[i],
			b = c.backward[best];
		if (g > b || (g === b && Math.abs(c.xs[i]) < Math.abs(c.xs[best]))) best = i;
	}
	return { x: c.xs[best], value: c.backward[best] };
}

/** Where the backward pass is exactly zero, as a share of [lo, hi] (how much of the line passes no gradient). */
export function zeroShare(c: EstimatorCurve): number {
	let z = 0;
	for (const g of c.backward) if (g === 0) z++;
	return z / c.backward.length;
}

// ---------------------------------------------------------------------------
// The live run.

/** Units per layer, input first: 2-D points in, two classes out. */
export const SIZES: readonly number[] = [2, 16, 16, 2];
/** The data: two noisy concentric circles, which no fixed random features separate linearly. */
export const DATA = { name: 'circles', noise: 0.1, n: 1000 } as const;
export const MAX_STEPS = 3000;
export const EVAL_EVERY = 25;
export const HISTOGRAM_BINS = 40;
export const BOUNDARY_RES = 40;

/** Every dense layer binary; the hidden layers' outputs binarized by sign; batch norm after each (BinaryNet style). */
export function networkSpec(est: EstimatorName, beta: number): MlpSpec {
	return {
		inputSize: SIZES[0],
		classes: SIZES[SIZES.length - 1],
		hidden: SIZES.slice(1, -1),
		weights: 'binary',
		input: 'sign',
		batchnorm: true,
		estimator: est,
		swishBeta: beta
	};
}

export interface RunChoice {
	est: EstimatorName;
	beta: number;
	lclip: boolean;
	gamma: string;
	tau: string;
	seed: number;
}

/** Model ids of the run. */
export const TRUE_ID = 'true';
export const STE_ID = 'ste';
export const BOP_ID = 'bop';

/**
 * One run, three networks on the same data and seed (so the same initial weights):
 * the true derivative with Adam, the chosen estimator with Adam (latent weights,
 * optionally clipped), and the chosen estimator with Bop (signs flipped directly;
 * its batch-norm parameters use Adam at the same lr, as Larq pairs them). The page's
 * LiveRun stops it at MAX_STEPS (options.maxSteps) and decides when it plays.
 */
export function runRequest(c: RunChoice): RunRequest {
	const train = (est: EstimatorName, optimizer: TrainConfig['optimizer']): TrainConfig => ({
		model: mlpConfig(networkSpec(est, c.beta)),
		optimizer,
		batchSize: 32,
		seed: c.seed,
		latentClip: c.lclip
	});
	const adam = { type: 'adam', lr: 0.01 } as const;
	return {
		data: { kind: 'synthetic', name: DATA.name, noise: DATA.noise, n: DATA.n, seed: c.seed },
		models: [
			{ id: TRUE_ID, label: 'True derivative', config: train('true', adam) },
			{ id: STE_ID, label: `Straight-through: ${ESTIMATOR_LABELS[c.est]}`, config: train(c.est, adam) },
			{ id: BOP_ID, label: 'Bop', config: train(c.est, { type: 'bop', lr: 0.01, gamma: Number(c.gamma), tau: Number(c.tau) }) }
		],
		options: { histogramBins: HISTOGRAM_BINS, evalEvery: EVAL_EVERY, boundaryResolution: BOUNDARY_RES, samples: 0, maxSteps: MAX_STEPS }
	};
}

// ---------------------------------------------------------------------------
// Readouts.

export interface GradStats {
	name: string;
	/** L2 norm, largest and mean |dL/dW| over the layer. */
	norm: number;
	maxAbs: number;
	meanAbs: number;
	/** Share of exactly-zero gradient entries. */
	zeros: number;
}

/** Gradient statistics of each layer of an inspection. */
export function gradStats(layers: readonly Pick<LayerInspection, 'name' | 'grad'>[]): GradStats[] {
	return layers.map(({ name, grad }) => {
		let s = 0,
			mx = 0,
			sum = 0,
			z = 0;
		for (const g of grad) {
			const a = Math.abs(g);
			s += g * g;
			sum += a;
			if (a > mx) mx = a;
			if (g === 0) z++;
		}
		const n = grad.length;
		return { name, norm: Math.sqrt(s), maxAbs: mx, meanAbs: n ? sum / n : NaN, zeros: n ? z / n : NaN };
	});
}

/** Mean of the finite values among the last k of `values` (NaN when none). */
export function recentMean(values: ArrayLike<number>, k: number): number {
	let s = 0,
		n = 0;
	for (let i = Math.max(0, values.length - k); i < values.length; i++) {
		const v = values[i];
		if (Number.isFinite(v)) {
			s += v;
			n++;
		}
	}
	return n ? s / n : NaN;
}

/**
 * Trailing mean over the last k points (fewer at the start), skipping non-finite values:
 * per-step gradient norms and flip counts are noisy, their trend is what a chart should show.
 */
export function smooth(values: ArrayLike<number>, k: number): Float32Array {
	const out = new Float32Array(values.length);
	let s = 0,
		n = 0;
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (Number.isFinite(v)) {
			s += v;
			n++;
		}
		if (i >= k) {
			const old = values[i - k];
			if (Number.isFinite(old)) {
				s -= old;
				n--;
			}
		}
		out[i] = n ? s / n : NaN;
	}
	return out;
}

/** A mean for a readout: two decimals, or a dash when there is none yet. */
export const fixed2 = (x: number): string => formatFixed(x, 2);

/** A steady top for a histogram's count axis: the next "nice" number above the largest count. */
export function niceCeil(x: number): number {
	if (!(x > 0)) return 1;
	const p = 10 ** Math.floor(Math.log10(x));
	for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
	return 10 * p;
}

// Shares and gradient readouts, written as on every page (see $lib/format); `sci` keeps three
// significant digits and switches to e-notation below 0.001, where small gradients live.
export { formatPercent as pct, formatNumber as sci } from '$lib/format';
