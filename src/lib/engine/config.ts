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

/**
 * A 2-D convolution over NHWC feature maps (see conv.ts): `filters` output channels,
 * square `kernel` x `kernel` filters, `stride`, and `padding` pixels on every side.
 * Weights W: [filters, kernel, kernel, in channels], one filter per row of the packed file.
 * Same weight and input modes as {@link DenseConfig}; 'scaled' takes alpha per filter.
 * Padding pads f(x), after binarization: with 0 for float inputs, with -1 (bit 0) for
 * 'sign' and for each base of 'multibase' inputs, so a binary input stays binary.
 */
export interface Conv2dConfig {
	type: 'conv2d';
	filters: number;
	kernel: number;
	/** Default 1. */
	stride?: number;
	/** Pixels of padding on each side (default 0; (kernel - 1) / 2 keeps the size at stride 1). */
	padding?: number;
	weights?: WeightMode;
	input?: InputMode;
	bases?: number;
	inputBases?: number;
	/** Add a bias per filter (default true). Redundant before batch norm. */
	bias?: boolean;
	/**
	 * XNOR-Net's K map (input 'sign' only; default false): scale each output position by the
	 * mean of |x| over its receptive field, K = (mean over channels of |x|) box-filtered by the
	 * kernel (Rastegari et al. 2016, section 3.2), padded pixels counting 0.
	 */
	inputScale?: boolean;
}

/** Max pooling over `size` x `size` windows of each channel, `stride` apart (default `size`), no padding. */
export interface MaxPoolConfig {
	type: 'maxpool';
	size: number;
	stride?: number;
}

/** Marks where NHWC feature maps become a flat vector for dense layers (a no-op on the data). */
export interface FlattenConfig {
	type: 'flatten';
}

export type LayerConfig = DenseConfig | BatchNormConfig | ActivationConfig | Conv2dConfig | MaxPoolConfig | FlattenConfig;

export interface ModelConfig {
	/** Features per example (2 for the 2-D sets, 784 for digits). */
	inputSize: number;
	/**
	 * [height, width, channels] of each example, stored NHWC (channels fastest), with
	 * height x width x channels = inputSize. Needed by conv2d and maxpool layers; [28, 28, 1] for digits.
	 */
	inputShape?: [number, number, number];
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
	if (typeof v !== 'string' || !allowed.includes(v as T)) throw new ConfigError(`${where} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
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
		const type = oneOf(l.type, `${at}.type`, ['dense', 'batchnorm', 'relu', 'hardtanh', 'conv2d', 'maxpool', 'flatten'] as const);
		if (type === 'conv2d' || type === 'maxpool' || type === 'flatten') return validateSpatialLayer(l, type, at);
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
	const inputShape = raw.inputShape === undefined ? undefined : validateInputShape(raw.inputShape, inputSize);
	const { weights } = checkShapes(layers, inputSize, inputShape);
	const dense = layers.filter((l): l is DenseConfig => l.type === 'dense');
	if (weights > MAX_WEIGHTS) throw new ConfigError(`the model has ${weights} weights (counting each base); the limit is ${MAX_WEIGHTS}`);
	if (dense.length === 0) throw new ConfigError('layers must include at least one dense layer');
	const last = dense[dense.length - 1];
	if (last.units !== classes) throw new ConfigError(`the last dense layer has ${last.units} units but the data has ${classes} classes`);
	const lastDenseIdx = layers.lastIndexOf(last);
	for (let i = lastDenseIdx + 1; i < layers.length; i++)
		if (layers[i].type !== 'batchnorm') throw new ConfigError(`layers[${i}]: only batch norm may follow the last dense layer (its outputs are the logits)`);
	return { inputSize, ...(inputShape ? { inputShape } : {}), classes, layers, estimator, swishBeta };
}

// --- Convolutional layers -------------------------------------------------------------

/** Largest feature map (values per example) a conv or pool layer may produce or read. */
export const MAX_FEATURE_MAP = 2 ** 20;
/** Largest kernel side. */
export const MAX_KERNEL = 15;

function validateSpatialLayer(l: Record<string, unknown>, type: 'conv2d' | 'maxpool' | 'flatten', at: string): LayerConfig {
	if (type === 'flatten') return { type };
	if (type === 'maxpool') {
		const size = int(l.size, `${at}.size`, 1, MAX_KERNEL);
		return { type, size, stride: l.stride === undefined ? size : int(l.stride, `${at}.stride`, 1, MAX_KERNEL) };
	}
	const weights = l.weights === undefined ? 'float' : oneOf(l.weights, `${at}.weights`, WEIGHT_MODES);
	const input = l.input === undefined ? 'float' : oneOf(l.input, `${at}.input`, INPUT_MODES);
	const kernel = int(l.kernel, `${at}.kernel`, 1, MAX_KERNEL);
	const c: Conv2dConfig = {
		type,
		filters: int(l.filters, `${at}.filters`, 1, MAX_UNITS),
		kernel,
		stride: l.stride === undefined ? 1 : int(l.stride, `${at}.stride`, 1, MAX_KERNEL),
		padding: l.padding === undefined ? 0 : int(l.padding, `${at}.padding`, 0, kernel - 1),
		weights,
		input,
		bias: l.bias === undefined ? true : bool(l.bias, `${at}.bias`),
		inputScale: l.inputScale === undefined ? false : bool(l.inputScale, `${at}.inputScale`)
	};
	if (c.inputScale && input !== 'sign') throw new ConfigError(`${at}.inputScale (XNOR-Net's K map) needs input 'sign', got ${JSON.stringify(input)}`);
	if (weights === 'multibase') c.bases = l.bases === undefined ? 3 : int(l.bases, `${at}.bases`, 1, 8);
	if (input === 'multibase') c.inputBases = l.inputBases === undefined ? 3 : int(l.inputBases, `${at}.inputBases`, 1, 8);
	return c;
}

function validateInputShape(v: unknown, inputSize: number): [number, number, number] {
	if (!Array.isArray(v) || v.length !== 3) throw new ConfigError(`inputShape must be [height, width, channels], got ${JSON.stringify(v)}`);
	const s: [number, number, number] = [int(v[0], 'inputShape[0]', 1, 4096), int(v[1], 'inputShape[1]', 1, 4096), int(v[2], 'inputShape[2]', 1, 4096)];
	if (s[0] * s[1] * s[2] !== inputSize) throw new ConfigError(`inputShape ${s.join('x')} holds ${s[0] * s[1] * s[2]} values but inputSize is ${inputSize}`);
	return s;
}

/** Output side of a convolution or pooling window: floor((size + 2 pad - kernel) / stride) + 1. */
export function windowOutput(size: number, kernel: number, stride: number, pad: number): number {
	return Math.floor((size + 2 * pad - kernel) / stride) + 1;
}

/**
 * Walk the layers' shapes: a feature map [h, w, c] until a flatten, a vector after it.
 * Conv and pool layers need a feature map, dense layers a vector. Returns the weight
 * count (each base counted) for the size limit, and the largest layer output per example.
 */
function checkShapes(layers: LayerConfig[], inputSize: number, inputShape: [number, number, number] | undefined): { weights: number; largest: number } {
	let map: [number, number, number] | null = inputShape ? [...inputShape] : null;
	let width = inputSize,
		weights = 0,
		largest = inputSize;
	layers.forEach((l, i) => {
		const at = `layers[${i}]`;
		if (l.type === 'conv2d' || l.type === 'maxpool') {
			if (!map)
				throw new ConfigError(
					inputShape
						? `${at}: a ${l.type} layer cannot follow a flatten (it needs a feature map)`
						: `${at}: a ${l.type} layer needs the model's inputShape [height, width, channels]`
				);
			const [h, w, c] = map;
			const k = l.type === 'conv2d' ? l.kernel : l.size;
			const pad = l.type === 'conv2d' ? (l.padding ?? 0) : 0;
			const stride = l.stride ?? (l.type === 'conv2d' ? 1 : l.size);
			if (h + 2 * pad < k || w + 2 * pad < k) throw new ConfigError(`${at}: a ${k}x${k} window does not fit the ${h}x${w} input (padding ${pad})`);
			const oh = windowOutput(h, k, stride, pad),
				ow = windowOutput(w, k, stride, pad);
			const oc = l.type === 'conv2d' ? l.filters : c;
			if (l.type === 'conv2d') weights += l.filters * k * k * c * (l.weights === 'multibase' ? (l.bases ?? 3) : 1);
			if (oh * ow * oc > MAX_FEATURE_MAP)
				throw new ConfigError(`${at}: its ${oh}x${ow}x${oc} output is larger than the limit of ${MAX_FEATURE_MAP} values per example`);
			map = [oh, ow, oc];
			width = oh * ow * oc;
			largest = Math.max(largest, width);
		} else if (l.type === 'flatten') {
			map = null;
		} else if (l.type === 'dense') {
			if (map && layers.slice(0, i).some((p) => p.type === 'conv2d' || p.type === 'maxpool'))
				throw new ConfigError(`${at}: a dense layer after a ${map.join('x')} feature map needs a { "type": "flatten" } layer before it`);
			weights += l.units * width * (l.weights === 'multibase' ? (l.bases ?? 3) : 1);
			width = l.units;
			largest = Math.max(largest, width);
			map = null;
		}
	});
	return { weights, largest };
}

/** Largest number of floats one layer's output may take for a whole training batch (512 MB). */
export const MAX_BATCH_VALUES = 2 ** 27;

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
	const batchSize = int(raw.batchSize, 'batchSize', 1, 8192);
	// Conv layers make large maps: keep a batch's activations within a browser tab's means.
	const { largest } = checkShapes(model.layers, model.inputSize, model.inputShape);
	if (batchSize * largest > MAX_BATCH_VALUES)
		throw new ConfigError(
			`batchSize ${batchSize} times the largest layer output (${largest} values per example) is more than ${MAX_BATCH_VALUES} values: choose a batch of at most ${Math.floor(MAX_BATCH_VALUES / largest)}`
		);
	return {
		model,
		optimizer,
		batchSize,
		seed: int(raw.seed, 'seed', 0, 2 ** 32 - 1),
		latentClip: raw.latentClip === undefined ? true : bool(raw.latentClip, 'latentClip')
	};
}
