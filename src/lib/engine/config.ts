/**
 * Configs are plain JSON data: the URL, the worker, the CLI and the model file all
 * speak these shapes. {@link validateModelConfig} and {@link validateTrainConfig}
 * turn anything parsed from outside into a checked config or throw a
 * {@link ConfigError} whose message says which field is wrong and why.
 */
import { ESTIMATOR_NAMES, type EstimatorName } from './ste';

/** How a dense layer stores and uses its weights. */
export type WeightMode = 'float' | 'binary' | 'scaled' | 'multibase';
/** How a dense layer sees its input. */
export type InputMode = 'float' | 'sign' | 'multibase';

export const WEIGHT_MODES: readonly WeightMode[] = ['float', 'binary', 'scaled', 'multibase'];
export const INPUT_MODES: readonly InputMode[] = ['float', 'sign', 'multibase'];

/**
 * A fully connected layer, y = f(x) · g(W)^T + b, W of shape [units, in].
 * - weights: 'float' g(W) = W; 'binary' g(W) = sign(W); 'scaled' g(W) = alpha ⊙ sign(W)
 *   with alpha = mean |W_row| per output unit (XNOR-Net); 'multibase' g(W) = Σ_i alpha_i B_i
 *   with `bases` = M shifted sign bases (ABC-Net).
 * - input: 'float' f(x) = x; 'sign' f(x) = sign(x); 'multibase' f(x) = Σ_n beta_n A_n(x)
 *   with `inputBases` = N shifted binarizations (ABC-Net).
 */
export interface DenseConfig {
	type: 'dense';
	units: number;
	weights?: WeightMode;
	input?: InputMode;
	/** M, the number of weight bases (weights: 'multibase'); 1..8. */
	bases?: number;
	/** N, the number of input bases (input: 'multibase'); 1..8. */
	inputBases?: number;
	/** Add a bias (default true). Redundant before batch norm. */
	bias?: boolean;
}

/** Batch normalisation over features; running stats updated as m <- momentum m + (1 - momentum) batch. */
export interface BatchNormConfig {
	type: 'batchnorm';
	momentum?: number;
	epsilon?: number;
}

export interface ActivationConfig {
	type: 'relu' | 'hardtanh';
}

export type LayerConfig = DenseConfig | BatchNormConfig | ActivationConfig;

export interface ModelConfig {
	/** Features per example (2 for the 2-D sets, 784 for digits). */
	inputSize: number;
	/** Number of classes; the last dense layer must have this many units. */
	classes: number;
	layers: LayerConfig[];
	/** Straight-through estimator used for every sign in the model (weights and inputs). */
	estimator?: EstimatorName;
	/** SwishSign's beta (default 5). */
	swishBeta?: number;
}

export type OptimizerConfig =
	| { type: 'sgd'; lr: number; momentum?: number }
	| { type: 'adam'; lr: number; beta1?: number; beta2?: number; epsilon?: number }
	/** Bop flips binary weights; every other parameter uses Adam at `lr`. */
	| { type: 'bop'; lr: number; gamma?: number; tau?: number };

export interface TrainConfig {
	model: ModelConfig;
	optimizer: OptimizerConfig;
	batchSize: number;
	seed: number;
	/** Clip latent weights of binary layers to [-1, 1] after each update (default true). */
	latentClip?: boolean;
}

/** A config that failed validation; `message` names the field. */
export class ConfigError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ConfigError';
	}
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function int(v: unknown, where: string, lo: number, hi: number): number {
	if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
		throw new ConfigError(`${where} must be an integer from ${lo} to ${hi}, got ${JSON.stringify(v)}`);
	return v;
}

function num(v: unknown, where: string, lo: number, hi: number, openLo = false): number {
	if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (openLo && v === lo))
		throw new ConfigError(`${where} must be a number ${openLo ? 'above' : 'from'} ${lo}${openLo ? ' and at most' : ' to'} ${hi}, got ${JSON.stringify(v)}`);
	return v;
}

function bool(v: unknown, where: string): boolean {
	if (typeof v !== 'boolean') throw new ConfigError(`${where} must be true or false, got ${JSON.stringify(v)}`);
	return v;
}

function oneOf<T extends string>(v: unknown, where: string, allowed: readonly T[]): T {
	if (typeof v !== 'string' || !allowed.includes(v as T))
		throw new ConfigError(`${where} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
	return v as T;
}

export const MAX_UNITS = 4096;
/**
 * Largest model accepted (weights counted once per base). Keeps a hostile URL or model file
 * from making a worker allocate gigabytes: 2^24 weights are 64 MB of latent float32 (x2 with gradients).
 */
export const MAX_WEIGHTS = 2 ** 24;
/** Labels are stored as bytes. */
export const MAX_CLASSES = 256;

/** Check a model config (from JSON, a URL or a file); returns a normalised copy with defaults filled in. */
export function validateModelConfig(raw: unknown): ModelConfig {
	if (!isObj(raw)) throw new ConfigError('model config must be an object');
	const inputSize = int(raw.inputSize, 'inputSize', 1, 65536);
	const classes = int(raw.classes, 'classes', 2, MAX_CLASSES);
	if (!Array.isArray(raw.layers) || raw.layers.length === 0) throw new ConfigError('layers must be a non-empty list');
	if (raw.layers.length > 64) throw new ConfigError('layers: at most 64 layers');
	const estimator = raw.estimator === undefined ? 'clipped' : oneOf(raw.estimator, 'estimator', ESTIMATOR_NAMES);
	const swishBeta = raw.swishBeta === undefined ? 5 : num(raw.swishBeta, 'swishBeta', 0, 100, true);
	const layers: LayerConfig[] = raw.layers.map((l, i): LayerConfig => {
		const at = `layers[${i}]`;
		if (!isObj(l)) throw new ConfigError(`${at} must be an object`);
		const type = oneOf(l.type, `${at}.type`, ['dense', 'batchnorm', 'relu', 'hardtanh'] as const);
		if (type === 'dense') {
			const weights = l.weights === undefined ? 'float' : oneOf(l.weights, `${at}.weights`, WEIGHT_MODES);
			const input = l.input === undefined ? 'float' : oneOf(l.input, `${at}.input`, INPUT_MODES);
			const d: DenseConfig = {
				type,
				units: int(l.units, `${at}.units`, 1, MAX_UNITS),
				weights,
				input,
				bias: l.bias === undefined ? true : bool(l.bias, `${at}.bias`)
			};
			if (weights === 'multibase') d.bases = l.bases === undefined ? 3 : int(l.bases, `${at}.bases`, 1, 8);
			if (input === 'multibase') d.inputBases = l.inputBases === undefined ? 3 : int(l.inputBases, `${at}.inputBases`, 1, 8);
			return d;
		}
		if (type === 'batchnorm')
			return {
				type,
				momentum: l.momentum === undefined ? 0.9 : num(l.momentum, `${at}.momentum`, 0, 1),
				epsilon: l.epsilon === undefined ? 1e-5 : num(l.epsilon, `${at}.epsilon`, 0, 1, true)
			};
		return { type };
	});
	const dense = layers.filter((l): l is DenseConfig => l.type === 'dense');
	let weights = 0, width = inputSize;
	for (const d of dense) {
		weights += d.units * width * (d.weights === 'multibase' ? (d.bases ?? 3) : 1);
		width = d.units;
	}
	if (weights > MAX_WEIGHTS)
		throw new ConfigError(`the model has ${weights} weights (counting each base); the limit is ${MAX_WEIGHTS}`);
	if (dense.length === 0) throw new ConfigError('layers must include at least one dense layer');
	const last = dense[dense.length - 1];
	if (last.units !== classes)
		throw new ConfigError(`the last dense layer has ${last.units} units but the data has ${classes} classes`);
	const lastDenseIdx = layers.lastIndexOf(last);
	for (let i = lastDenseIdx + 1; i < layers.length; i++)
		if (layers[i].type !== 'batchnorm')
			throw new ConfigError(`layers[${i}]: only batch norm may follow the last dense layer (its outputs are the logits)`);
	return { inputSize, classes, layers, estimator, swishBeta };
}

/** Check a training config; returns a normalised copy with defaults filled in. */
export function validateTrainConfig(raw: unknown): TrainConfig {
	if (!isObj(raw)) throw new ConfigError('train config must be an object');
	const model = validateModelConfig(raw.model);
	if (!isObj(raw.optimizer)) throw new ConfigError('optimizer must be an object');
	const o = raw.optimizer;
	const type = oneOf(o.type, 'optimizer.type', ['sgd', 'adam', 'bop'] as const);
	const lr = num(o.lr, 'optimizer.lr', 0, 10, true);
	let optimizer: OptimizerConfig;
	if (type === 'sgd') optimizer = { type, lr, momentum: o.momentum === undefined ? 0.9 : num(o.momentum, 'optimizer.momentum', 0, 0.999) };
	else if (type === 'adam')
		optimizer = {
			type,
			lr,
			beta1: o.beta1 === undefined ? 0.9 : num(o.beta1, 'optimizer.beta1', 0, 0.9999),
			beta2: o.beta2 === undefined ? 0.999 : num(o.beta2, 'optimizer.beta2', 0, 0.99999),
			epsilon: o.epsilon === undefined ? 1e-8 : num(o.epsilon, 'optimizer.epsilon', 0, 1, true)
		};
	else
		optimizer = {
			type,
			lr,
			gamma: o.gamma === undefined ? 1e-4 : num(o.gamma, 'optimizer.gamma', 0, 1, true),
			tau: o.tau === undefined ? 1e-8 : num(o.tau, 'optimizer.tau', 0, 1)
		};
	return {
		model,
		optimizer,
		batchSize: int(raw.batchSize, 'batchSize', 1, 8192),
		seed: int(raw.seed, 'seed', 0, 2 ** 32 - 1),
		latentClip: raw.latentClip === undefined ? true : bool(raw.latentClip, 'latentClip')
	};
}
