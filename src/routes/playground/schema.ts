/**
 * The playground's state: its URL schema (every knob, so a copied link replays the
 * same run) and the run it asks the worker for — the binary network as configured,
 * and its float twin on the same data and seed.
 */
import {
	ESTIMATOR_NAMES,
	SYNTHETIC_NAMES,
	convnetConfig,
	convnetFloatTwin,
	mlpConfig,
	type ConvNetSpec,
	type InputMode,
	type MlpSpec,
	type ModelConfig,
	type SyntheticName,
	type WeightMode
} from '$lib/engine';
import type { FieldSpec } from '$lib/notebook';
import type { DataSpec, RunOptions } from '$lib/worker/protocol';
import type { RunRequest } from '$lib/worker/client.svelte';
import { floatTwin } from '$lib/worker/twin';

export const DATASETS = [...SYNTHETIC_NAMES, 'mnist'] as const;
export type DatasetName = (typeof DATASETS)[number];

/** One letter per dense layer in the URL: weights f(loat) b(inary) s(caled) m(ultibase). */
export const WEIGHT_LETTERS: Record<string, WeightMode> = { f: 'float', b: 'binary', s: 'scaled', m: 'multibase' };
/** Inputs f(loat) s(ign) m(ultibase). */
export const INPUT_LETTERS: Record<string, InputMode> = { f: 'float', s: 'sign', m: 'multibase' };

export const MAX_HIDDEN_LAYERS = 4;
/**
 * The ConvNet's conv blocks (filters of the first and second 3×3 conv), smallest first: the
 * README's 32, 64 trains at a few steps a second in a browser, the smaller ones faster.
 */
export const CONV_PRESETS = ['4,8', '8,16', '16,32', '32,64'] as const;
export const WIDTHS = [4, 8, 16, 32, 64, 128, 256] as const;

export const FIELDS = [
	{ name: 'data', type: 'enum', default: 'spiral', options: DATASETS },
	{ name: 'noise', type: 'float', default: 0.1, min: 0, max: 1 },
	{ name: 'hidden', type: 'intList', default: [64, 64], min: 1, max: 256, maxLength: MAX_HIDDEN_LAYERS, minLength: 0 },
	{ name: 'weights', type: 'string', default: 'fbb', maxLength: MAX_HIDDEN_LAYERS + 1 },
	{ name: 'inputs', type: 'string', default: 'fss', maxLength: MAX_HIDDEN_LAYERS + 1 },
	{ name: 'bases', type: 'int', default: 3, min: 1, max: 5 },
	{ name: 'inputBases', type: 'int', default: 3, min: 1, max: 5 },
	{ name: 'bn', type: 'bool', default: true },
	{ name: 'estimator', type: 'enum', default: 'approxsign', options: ESTIMATOR_NAMES },
	{ name: 'optimizer', type: 'enum', default: 'adam', options: ['adam', 'sgd', 'bop'] },
	{ name: 'lr', type: 'float', default: 0.01, min: 1e-5, max: 10 },
	{ name: 'batch', type: 'int', default: 32, min: 2, max: 512 },
	// The digits can also train a ConvNet: its conv blocks, and the weight and input mode of
	// every layer after the first conv (one letter each, as in weights and inputs).
	{ name: 'arch', type: 'enum', default: 'mlp', options: ['mlp', 'convnet'] },
	{ name: 'conv', type: 'enum', default: '8,16', options: CONV_PRESETS },
	{ name: 'cw', type: 'enum', default: 'b', options: Object.keys(WEIGHT_LETTERS) },
	{ name: 'ci', type: 'enum', default: 's', options: Object.keys(INPUT_LETTERS) }
] as const satisfies readonly FieldSpec[];

export interface PlaygroundValues {
	data: string;
	noise: number;
	hidden: number[];
	weights: string;
	inputs: string;
	bases: number;
	inputBases: number;
	bn: boolean;
	estimator: string;
	optimizer: string;
	lr: number;
	batch: number;
	arch: string;
	conv: string;
	cw: string;
	ci: string;
	seed: number;
}

/**
 * Per-layer mode letters fitted to `layers` dense layers: unknown letters become the
 * default's, a short string is padded with its last letter, a long one is cut. Returns
 * the fitted string and a notice when the given one was not used as is.
 */
export function fitModes(
	given: string,
	layers: number,
	letters: Record<string, unknown>,
	fallback: string,
	what: string
): { value: string; notice: string | null } {
	const ok = [...given].every((c) => c in letters);
	let value = ok && given.length > 0 ? given : fallback;
	value = value.slice(0, layers);
	while (value.length < layers) value += value.at(-1) ?? fallback.at(-1)!;
	const notice =
		value === given
			? null
			: !ok || given.length === 0
				? `${what}: '${given}' is not a list of ${Object.keys(letters).join('/')} letters; using '${value}'`
				: `${what}: '${given}' has ${given.length} letters for ${layers} layers; using '${value}'`;
	return { value, notice };
}

/**
 * A layer-mode string (one letter per dense layer) for a network of `layers` layers after
 * the depth changes: the layers that remain keep their modes, and new layers take the
 * network's binary mode (the last non-float letter it has, else `binary`), so a binary
 * network made shallow and deep again is still binary ('fbb' → 'f' → 'fbb').
 */
export function resizeModes(modes: string, layers: number, binary: string): string {
	const kept = modes.slice(0, layers);
	const fill = [...modes].reverse().find((c) => c !== 'f') ?? binary;
	return kept + fill.repeat(Math.max(0, layers - kept.length));
}

export interface Layers {
	hidden: number[];
	weights: string;
	inputs: string;
	/** Widths and modes of layers a shallower network dropped, restored when they come back. */
	dropped: { hidden: number[]; weights: string; inputs: string };
}

/**
 * The network with `depth` hidden layers: widths kept (new ones as wide as the last),
 * each remaining layer's weight and input modes kept, dropped layers' modes remembered
 * and restored, and brand-new layers in the network's binary mode ({@link resizeModes}).
 */
export function changeDepth(l: Layers, depth: number): Layers {
	const n = depth + 1;
	const dropped = depth < l.hidden.length ? { hidden: l.hidden.slice(depth), weights: l.weights.slice(n), inputs: l.inputs.slice(n) } : l.dropped;
	const hidden = [...l.hidden, ...dropped.hidden].slice(0, depth);
	while (hidden.length < depth) hidden.push(hidden.at(-1) ?? 32);
	return {
		hidden,
		weights: resizeModes(l.weights.slice(0, n) + dropped.weights, n, 'b').slice(0, n),
		inputs: resizeModes(l.inputs.slice(0, n) + dropped.inputs, n, 's').slice(0, n),
		dropped
	};
}

export interface DataShape {
	inputSize: number;
	classes: number;
}

export function dataShape(name: string): DataShape {
	return name === 'mnist' ? { inputSize: 784, classes: 10 } : { inputSize: 2, classes: 2 };
}

/** The binary network's compact spec (the twin is derived from it). */
export function mlpSpec(v: PlaygroundValues): MlpSpec {
	const n = v.hidden.length + 1;
	return {
		...dataShape(v.data),
		hidden: v.hidden,
		weights: [...fitModes(v.weights, n, WEIGHT_LETTERS, 'fbb', 'weights').value].map((c) => WEIGHT_LETTERS[c]),
		input: [...fitModes(v.inputs, n, INPUT_LETTERS, 'fss', 'inputs').value].map((c, i) => (i === 0 ? 'float' : INPUT_LETTERS[c])),
		bases: v.bases,
		inputBases: v.inputBases,
		batchnorm: v.bn,
		estimator: v.estimator as MlpSpec['estimator']
	};
}

/**
 * The ConvNet of these values (arch 'convnet', digits only): float conv 1→c1, then binary (or
 * whatever cw and ci say) conv c1→c2 and at most one dense hidden layer (hidden[0]), batch
 * norm throughout.
 * @throws Error when the data are not images
 */
export function convnetSpec(v: PlaygroundValues): ConvNetSpec {
	if (v.data !== 'mnist') throw new Error(`A ConvNet needs images: choose the digits (MNIST) as data, or the multi-layer network for ${v.data}.`);
	return {
		inputShape: [28, 28, 1],
		classes: 10,
		conv: v.conv.split(',').map(Number),
		// One dense hidden layer at most (the first of `hidden`): the ConvNet's controls set one width.
		hidden: v.hidden.slice(0, 1),
		weights: WEIGHT_LETTERS[v.cw] ?? 'binary',
		input: INPUT_LETTERS[v.ci] ?? 'sign',
		bases: v.bases,
		inputBases: v.inputBases,
		estimator: v.estimator as ConvNetSpec['estimator']
	};
}

/** The two networks of a run: the configured one and its float twin, as engine configs. */
function models(v: PlaygroundValues): { binary: ModelConfig; twin: ModelConfig } {
	// Only the digits are images: on a 2-D set the dense network trains whatever arch says.
	if (v.arch === 'convnet' && v.data === 'mnist') {
		const spec = convnetSpec(v);
		return { binary: convnetConfig(spec), twin: convnetConfig(convnetFloatTwin(spec)) };
	}
	const spec = mlpSpec(v);
	return { binary: mlpConfig(spec), twin: mlpConfig(floatTwin(spec)) };
}

/** The worker run for these values: the configured network and its float twin, same data and seed. */
export function runRequest(v: PlaygroundValues, mnistUrl: string): RunRequest {
	const nets = models(v);
	const optimizer =
		v.optimizer === 'sgd'
			? ({ type: 'sgd', lr: v.lr, momentum: 0.9 } as const)
			: v.optimizer === 'bop'
				? ({ type: 'bop', lr: v.lr } as const)
				: ({ type: 'adam', lr: v.lr } as const);
	const train = (model: ModelConfig, opt = optimizer) => ({ model, optimizer: opt, batchSize: v.batch, seed: v.seed });
	// The twin has no binary weights for Bop to flip: it trains with Adam at the same rate.
	const twinOptimizer = optimizer.type === 'bop' ? ({ type: 'adam', lr: v.lr } as const) : optimizer;
	const data: DataSpec =
		v.data === 'mnist'
			? { kind: 'mnist', seed: v.seed, url: mnistUrl }
			: { kind: 'synthetic', name: v.data as SyntheticName, noise: v.noise, n: 1000, seed: v.seed };
	const options: RunOptions = {
		boundaryResolution: 48,
		histogramBins: 32,
		// A ConvNet's test pass costs as much as many of its steps: measured less often.
		evalEvery: v.arch === 'convnet' && v.data === 'mnist' ? 100 : v.data === 'mnist' ? 25 : 50,
		samples: 12,
		autoplay: true,
		maxSteps: 20_000
	};
	return {
		data,
		models: [
			{ id: 'binary', label: 'Binary network', config: train(nets.binary) },
			{ id: 'float', label: 'Float twin', config: train(nets.twin, twinOptimizer) }
		],
		options
	};
}
