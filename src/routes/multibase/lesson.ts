/**
 * The multi-base lesson's logic (ABC-Net, Lin, Zhao, Pan 2017): weight bases fitted to
 * a live network's first-layer weights, activation bases on a hidden layer's real
 * inputs, what M and N bases cost in bytes and bit operations, and the frontier of
 * networks trained at several (M, N). Everything numeric calls the engine
 * (weightBases, activationBasesForward, modelMemory, mlpConfig); nothing here touches
 * the DOM.
 *
 * Sizes: the live networks are 784-32-32-10. At width 32 the binary networks are
 * several points behind float on these 10,000 digits and the bases win points back,
 * where at width 256 the gaps are smaller (docs/multibase.md: float 96.50%, (3,3)
 * 94.80%, (1,1) 92.65% through the CLI). It also keeps the frontier's five networks to
 * about a minute of training in a browser. The first layer then has 32 x 784 = 25,088
 * weights; one weightBases fit of it takes a few milliseconds on the main thread, so the
 * weight figure runs its fits one per task.
 */
import {
	activationBasesForward,
	defaultActivationScales,
	defaultActivationShifts,
	mlpConfig,
	modelMemory,
	weightBases,
	type MlpSpec,
	type WeightBases
} from '$lib/engine';
import type { FieldSpec } from '$lib/notebook';
import type { RunRequest } from '$lib/worker/client.svelte';
import { floatTwin } from '$lib/worker/twin';

export const PIXELS = 784;
export const HIDDEN = [32, 32] as const;
/** Steps per network: 10 epochs of the 8,000 training digits in batches of 64. */
export const STEPS = 1250;
export const BATCH = 64;
/** Largest M the weight figure offers, and the M of its error-vs-M chart. */
export const MAX_M = 5;
export const CURVE_M = 8;
export const MAX_N = 8;

/** The networks of the frontier: float, and multibase at (M, N). */
export interface FrontierNet {
	id: string;
	label: string;
	/** null for the float network. */
	M: number | null;
	N: number | null;
}

export const FRONTIER: readonly FrontierNet[] = [
	{ id: 'float', label: 'float', M: null, N: null },
	{ id: 'mb11', label: '(1,1)', M: 1, N: 1 },
	{ id: 'mb31', label: '(3,1)', M: 3, N: 1 },
	{ id: 'mb33', label: '(3,3)', M: 3, N: 3 },
	{ id: 'mb55', label: '(5,5)', M: 5, N: 5 }
];
export const NET_IDS = FRONTIER.map((f) => f.id) as ['float', 'mb11', 'mb31', 'mb33', 'mb55'];
export const BINARY_IDS = NET_IDS.filter((id) => id !== 'float') as ['mb11', 'mb31', 'mb33', 'mb55'];

export const FIELDS = [
	/** Weight bases M for the weight figure and the price. */
	{ name: 'm', type: 'int', default: 3, min: 1, max: MAX_M },
	/** Activation bases N for the activation figure and the price. */
	{ name: 'n', type: 'int', default: 3, min: 1, max: MAX_N },
	/** Hidden unit of the first layer drawn as a 28x28 image. */
	{ name: 'unit', type: 'int', default: 0, min: 0, max: HIDDEN[0] - 1 },
	/** Whose first-layer weights the weight figure approximates. */
	{ name: 'wnet', type: 'enum', default: 'float', options: NET_IDS },
	/** Whose second-layer inputs (and learned shifts and scales) the activation figure uses. */
	{ name: 'anet', type: 'enum', default: 'mb33', options: BINARY_IDS }
] as const satisfies readonly FieldSpec[];

export function netById(id: string): FrontierNet {
	const n = FRONTIER.find((f) => f.id === id);
	if (!n) throw new RangeError(`no network ${id}`);
	return n;
}

// ---------------------------------------------------------------------------
// The networks.

/**
 * The (M, N) network: multibase weights (M bases) in every dense layer, multibase
 * inputs (N bases) on the two layers after the first (the first sees the pixels),
 * batch norm after every dense layer, clipped straight-through estimator.
 */
export function networkSpec(M: number, N: number): MlpSpec {
	return {
		inputSize: PIXELS,
		classes: 10,
		hidden: [...HIDDEN],
		weights: 'multibase',
		bases: M,
		input: ['float', 'multibase', 'multibase'],
		inputBases: N,
		batchnorm: true,
		estimator: 'clipped'
	};
}

/** The spec of a frontier network (the float one is the float twin of the (1,1) shape). */
export function specOf(net: FrontierNet): MlpSpec {
	return net.M === null || net.N === null ? floatTwin(networkSpec(1, 1)) : networkSpec(net.M, net.N);
}

/** Learning rates: Adam 1e-3 for float, 1e-2 for the binary networks (as the README's verified runs). */
export const lrOf = (net: FrontierNet): number => (net.M === null ? 1e-3 : 1e-2);

/** One run with all five networks, trained round-robin on the same digits and seed, STEPS steps each. */
export function runRequest(seed: number, mnistUrl: string): RunRequest {
	return {
		data: { kind: 'mnist', seed, url: mnistUrl },
		models: FRONTIER.map((net) => ({
			id: net.id,
			label: net.M === null ? 'float network' : `${net.label} network`,
			config: { model: mlpConfig(specOf(net)), optimizer: { type: 'adam', lr: lrOf(net) }, batchSize: BATCH, seed }
		})),
		options: { histogramBins: 0, evalEvery: 125, samples: 0, maxSteps: STEPS }
	};
}

// ---------------------------------------------------------------------------
// Weight bases.

/** The thresholds of the M weight bases: B_i = +1 exactly where w >= mean - u_i std. */
export function weightThresholds(fit: Pick<WeightBases, 'shifts' | 'mean' | 'std'>): number[] {
	return Array.from(fit.shifts, (u) => fit.mean - u * fit.std);
}

/** Signal-to-quantisation-noise ratio in dB from a relative error ||W - approx|| / ||W||. */
export const sqnrFromRel = (rel: number): number => (rel === 0 ? Infinity : -20 * Math.log10(rel));

/** The layer's weights (a whole tensor, as the paper fits it) approximated with M bases by the engine. */
export function fitWeights(W: Float32Array, M: number): WeightBases {
	return weightBases(W, M);
}

/** The relative error of the engine's M-base fit of W (without building the bases). */
export function errorAtM(W: Float32Array, M: number): number {
	return weightBases(W, M, {}, { bases: false }).relError;
}

/** What the weight figure draws for one hidden unit (one row of W, `inputs` long). */
export interface UnitView {
	original: Float32Array;
	/** B_i restricted to this unit's row, i = 1..M (+-1). */
	bases: Float32Array[];
	/** sum_{i<=k} alpha_i B_i for k = 1..M (the last is the approximation). */
	partial: Float32Array[];
	residual: Float32Array;
	/** The unit's own relative error ||w - approx|| / ||w||. */
	relError: number;
	/** max |w| of the row, the colour scale's half-width. */
	maxAbs: number;
}

export function unitView(W: Float32Array, fit: WeightBases, unit: number, inputs: number): UnitView {
	const M = fit.alphas.length;
	const n = W.length;
	if (fit.bases.length !== M * n) throw new RangeError('unitView needs a fit with its bases');
	const off = unit * inputs;
	if (!Number.isInteger(unit) || unit < 0 || off + inputs > n) throw new RangeError(`unit ${unit} is not a row of W`);
	const original = W.slice(off, off + inputs);
	const bases = Array.from({ length: M }, (_, i) => fit.bases.slice(i * n + off, i * n + off + inputs));
	const partial: Float32Array[] = [];
	const acc = new Float64Array(inputs);
	for (let i = 0; i < M; i++) {
		const a = fit.alphas[i],
			b = bases[i];
		for (let j = 0; j < inputs; j++) acc[j] += a * b[j];
		partial.push(Float32Array.from(acc));
	}
	const approx = partial[M - 1];
	const residual = new Float32Array(inputs);
	let e = 0,
		s = 0,
		maxAbs = 0;
	for (let j = 0; j < inputs; j++) {
		residual[j] = original[j] - approx[j];
		e += residual[j] * residual[j];
		s += original[j] * original[j];
		maxAbs = Math.max(maxAbs, Math.abs(original[j]));
	}
	return { original, bases, partial, residual, relError: s === 0 ? 0 : Math.sqrt(e / s), maxAbs };
}

/** Counts of `values` in `bins` equal bins of [lo, hi]; values outside go to the end bins. */
export function histogramCounts(values: ArrayLike<number>, lo: number, hi: number, bins: number): Uint32Array {
	const out = new Uint32Array(bins);
	const scale = bins / (hi - lo);
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (Number.isNaN(v)) continue;
		const k = Math.floor((v - lo) * scale);
		out[k < 0 ? 0 : k >= bins ? bins - 1 : k]++;
	}
	return out;
}

/** A symmetric range [-r, r] holding all but the most extreme `tail` share of |values| (r > 0). */
export function symmetricRange(values: ArrayLike<number>, tail = 0.001): number {
	const a = Float32Array.from(values, Math.abs).sort();
	if (a.length === 0) return 1;
	const r = a[Math.min(a.length - 1, Math.floor((1 - tail) * a.length))];
	return r > 0 ? r : 1;
}

// ---------------------------------------------------------------------------
// Activation bases.

/** Where each activation base switches: A_n = +1 exactly where x >= 0.5 - v_n. */
export const activationThresholds = (shifts: ArrayLike<number>): number[] => Array.from(shifts, (v) => 0.5 - v);

export interface ActivationSet {
	shifts: Float32Array;
	scales: Float32Array;
}

/** The engine's initial shifts and scales for N bases (a uniform staircase on [-1, 1]). */
export function initialSet(N: number): ActivationSet {
	return { shifts: defaultActivationShifts(N), scales: defaultActivationScales(N) };
}

/** sum_n beta_n A_n(x) at each x, by the engine's forward. */
export function applyBases(x: Float32Array, set: ActivationSet): Float32Array {
	const out = new Float32Array(x.length);
	activationBasesForward(x, set.shifts, set.scales, out);
	return out;
}

/** An evenly spaced grid of `n` points on [lo, hi] (for drawing the staircase). */
export function grid(lo: number, hi: number, n: number): Float32Array {
	return Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

export interface ActivationError {
	/** ||x - A(x)|| / ||x||: against the real input itself. */
	vsInput: number;
	/** ||clip(x, -1, 1) - A(x)|| / ||clip(x, -1, 1)||: against the hardtanh a single sign stands in for. */
	vsClip: number;
	/** Distinct output values seen on these inputs (at most N + 1). */
	levels: number;
}

/** How well sum beta_n A_n(x) follows the real inputs x. */
export function activationError(x: Float32Array, set: ActivationSet): ActivationError {
	const a = applyBases(x, set);
	let e = 0,
		s = 0,
		ec = 0,
		sc = 0;
	const seen = new Set<number>();
	for (let j = 0; j < x.length; j++) {
		const xj = x[j],
			c = xj < -1 ? -1 : xj > 1 ? 1 : xj;
		e += (xj - a[j]) ** 2;
		s += xj * xj;
		ec += (c - a[j]) ** 2;
		sc += c * c;
		seen.add(a[j]);
	}
	return { vsInput: s === 0 ? 0 : Math.sqrt(e / s), vsClip: sc === 0 ? 0 : Math.sqrt(ec / sc), levels: seen.size };
}

// ---------------------------------------------------------------------------
// The price.

/** Bits one value of a layer's input has: N for multibase inputs, 1 for sign, 32 for float. */
const inputBits = (mode: string, N: number): number => (mode === 'multibase' ? N : mode === 'sign' ? 1 : 32);

export interface LayerCost {
	name: string;
	units: number;
	inputs: number;
	/** Bits stored per weight: M for M packed bases, 32 for float. */
	weightBits: number;
	/** Bits per input value: N bases, or 32 when the input is float. */
	inputBits: number;
	/** Bytes of this layer's weights as stored (packed bases, rows padded to 32-bit words, plus the alphas) and as float32. */
	weightBytes: number;
	floatWeightBytes: number;
	/** Products of one weight base with one input base per example: M N units inputs when both sides are binary, else 0. */
	binaryProducts: number;
	/** Float multiply-adds per example (a float layer), or additions of a float input times +-1 (M per weight when only the weights are binary). */
	floatOps: number;
	/** One-bit products per example: units inputs x weightBits x inputBits (see bitOps). */
	bitOps: number;
}

/**
 * Per dense layer of a model spec: storage and work. The storage comes from the
 * engine's modelMemory (packed tensors as the model file stores them). The work is
 * counted, not timed: a product of a b_w-bit weight with a b_a-bit input is b_w b_a
 * one-bit products (the bit-serial identity of the bitplanes lesson), so a float32
 * multiply counts 32 x 32, an M-base weight against a float input M x 32, and an
 * M-base weight against an N-base input M x N, ABC-Net's "M x N binary products".
 */
export function layerCosts(spec: MlpSpec): LayerCost[] {
	const config = mlpConfig(spec);
	const mem = modelMemory(config);
	const dense = config.layers.filter((l) => l.type === 'dense');
	let inSize = config.inputSize;
	return dense.map((l, i) => {
		if (l.type !== 'dense') throw new Error('unreachable');
		const name = `dense${i + 1}`;
		const units = l.units,
			inputs = inSize;
		inSize = units;
		const wb = l.weights === 'float' ? 32 : l.weights === 'multibase' ? (l.bases ?? 3) : 1;
		const N = l.inputBases ?? 3;
		const ib = inputBits(l.input ?? 'float', N);
		const tensors = mem.tensors.filter(
			(t) => t.name.startsWith(`${name}.`) && (t.name.startsWith(`${name}.W`) || t.name === `${name}.alphas` || t.name === `${name}.alpha`)
		);
		const weightBytes = tensors.reduce((s, t) => s + t.packedBytes, 0);
		const binaryBoth = l.weights !== 'float' && (l.input ?? 'float') !== 'float';
		return {
			name,
			units,
			inputs,
			weightBits: wb,
			inputBits: ib,
			weightBytes,
			floatWeightBytes: 4 * units * inputs,
			binaryProducts: binaryBoth ? wb * ib * units * inputs : 0,
			floatOps: binaryBoth ? 0 : (l.weights === 'float' ? 1 : wb) * units * inputs,
			bitOps: wb * ib * units * inputs
		};
	});
}

export interface NetCost {
	/** Bytes of the whole model as stored (packed) and as float32 (engine's modelMemory). */
	packedBytes: number;
	floatBytes: number;
	/** Summed over layers, per example. */
	binaryProducts: number;
	floatOps: number;
	bitOps: number;
	/**
	 * The literature's measure, OPs = FLOPs + BOPs / 64 (Bi-Real Net, ReActNet): float
	 * multiply-adds plus binary products counted 64 to one instruction.
	 */
	ops: number;
	layers: LayerCost[];
}

export function netCost(spec: MlpSpec): NetCost {
	const mem = modelMemory(mlpConfig(spec));
	const layers = layerCosts(spec);
	const sum = (k: 'binaryProducts' | 'floatOps' | 'bitOps') => layers.reduce((s, l) => s + l[k], 0);
	return {
		packedBytes: mem.packedBytes,
		floatBytes: mem.floatBytes,
		binaryProducts: sum('binaryProducts'),
		floatOps: sum('floatOps'),
		bitOps: sum('bitOps'),
		ops: sum('floatOps') + sum('binaryProducts') / 64,
		layers
	};
}

// ---------------------------------------------------------------------------
// The frontier.

export interface FrontierRow {
	id: string;
	label: string;
	M: number | null;
	N: number | null;
	packedBytes: number;
	bitOps: number;
	/** OPs = FLOPs + BOPs / 64, the literature's count (see NetCost). */
	ops: number;
	/** Latest test accuracy (null before the first evaluation) and the step it was measured at. */
	accuracy: number | null;
	step: number;
	done: boolean;
}

/** A model's progress as the page sees it (a ModelView's fields). */
export interface ModelProgress {
	id: string;
	step: number;
	test: { step: number; accuracy: number } | null;
}

/** The frontier networks' costs: fixed by their shapes, so worked out once (the rows are rebuilt as they train). */
let frontierCosts: ReadonlyMap<string, NetCost> | null = null;
function frontierCost(net: FrontierNet): NetCost {
	frontierCosts ??= new Map(FRONTIER.map((n) => [n.id, netCost(specOf(n))]));
	return frontierCosts.get(net.id) ?? netCost(specOf(net));
}

export function frontierRows(models: readonly ModelProgress[]): FrontierRow[] {
	return FRONTIER.map((net) => {
		const m = models.find((x) => x.id === net.id);
		const cost = frontierCost(net);
		const acc = m?.test && Number.isFinite(m.test.accuracy) ? m.test.accuracy : null;
		return {
			id: net.id,
			label: net.label,
			M: net.M,
			N: net.N,
			packedBytes: cost.packedBytes,
			bitOps: cost.bitOps,
			ops: cost.ops,
			accuracy: acc,
			step: m?.test?.step ?? 0,
			done: (m?.test?.step ?? 0) >= STEPS
		};
	});
}

// ---------------------------------------------------------------------------
// Formatting.

// The page's names for the notebook's formatters (bytes in SI units: see $lib/format). `formatCount`
// here is the abbreviated form, formatCompact ('25.1k', '3.2M'), which the log-scale axes need.
export { formatBytes, formatCompact as formatCount, formatPercent as pct } from '$lib/format';
