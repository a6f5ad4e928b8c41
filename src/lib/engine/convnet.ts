/**
 * A compact way to describe small convolutional networks for image sets, expanded into
 * a full {@link ModelConfig} (plain JSON, so the CLI, the worker, a URL and the model
 * file all speak it), as {@link mlpConfig} does for perceptrons.
 *
 * For conv widths [c1, ..., ck], hidden widths [h1, ..., hm] and C classes:
 *
 *     [conv 3x3 (padding 1) -> max-pool 2x2 -> batch norm -> act] for each c_j,
 *     flatten, [dense h_j -> batch norm -> act] for each h_j, dense C -> batch norm
 *
 * The first conv layer sees the raw pixels and stays float (XNOR-Net keeps it so: with
 * 1 or 3 channels binarizing it saves little and costs much); every later conv and dense
 * layer takes `weights` and `input`. "act" is ReLU before a float-input layer and nothing
 * before a binarized one (its sign is the non-linearity). Batch norm comes after pooling,
 * so the sign of the next layer sees normalised values. No biases: batch norm follows
 * every conv and dense layer. With `binary` weights and `sign` inputs and the defaults,
 * this is the binary ConvNet on the digits (1->32 float conv, 32->64 binary conv,
 * 3136->256 and 256->10 binary dense).
 */
import { ConfigError, INPUT_MODES, WEIGHT_MODES, validateModelConfig, type InputMode, type LayerConfig, type ModelConfig, type WeightMode } from './config';
import type { EstimatorName } from './ste';

export interface ConvNetSpec {
	/** [height, width, channels] of each example, NHWC (e.g. [28, 28, 1]). */
	inputShape: [number, number, number];
	classes: number;
	/** Filters of each conv block (default [32, 64]). */
	conv?: number[];
	/** Hidden dense widths after the flatten (default [256]). */
	hidden?: number[];
	/** Weight mode of every layer but the first conv (default 'float'). */
	weights?: WeightMode;
	/** Input mode of every layer but the first conv (default 'float'). */
	input?: InputMode;
	bases?: number;
	inputBases?: number;
	estimator?: EstimatorName;
	swishBeta?: number;
}

/** Expand a {@link ConvNetSpec} into a validated ModelConfig. */
export function convnetConfig(spec: ConvNetSpec): ModelConfig {
	const conv = spec.conv ?? [32, 64],
		hidden = spec.hidden ?? [256];
	const weights = spec.weights ?? 'float',
		input = spec.input ?? 'float';
	if (!WEIGHT_MODES.includes(weights)) throw new ConfigError(`weights: unknown mode ${JSON.stringify(weights)} (one of ${WEIGHT_MODES.join(', ')})`);
	if (!INPUT_MODES.includes(input)) throw new ConfigError(`input: unknown mode ${JSON.stringify(input)} (one of ${INPUT_MODES.join(', ')})`);
	if (conv.length === 0) throw new ConfigError('conv: give at least one conv block');
	const modes = (first: boolean) => ({
		weights: first ? ('float' as const) : weights,
		input: first ? ('float' as const) : input,
		...(!first && weights === 'multibase' ? { bases: spec.bases ?? 3 } : {}),
		...(!first && input === 'multibase' ? { inputBases: spec.inputBases ?? 3 } : {}),
		bias: false
	});
	const act = (): LayerConfig[] => (input === 'float' ? [{ type: 'relu' }] : []);
	const layers: LayerConfig[] = [];
	conv.forEach((filters, j) => {
		layers.push({ type: 'conv2d', filters, kernel: 3, padding: 1, ...modes(j === 0) }, { type: 'maxpool', size: 2 }, { type: 'batchnorm' }, ...act());
	});
	layers.push({ type: 'flatten' });
	for (const units of hidden) layers.push({ type: 'dense', units, ...modes(false) }, { type: 'batchnorm' }, ...act());
	layers.push({ type: 'dense', units: spec.classes, ...modes(false) }, { type: 'batchnorm' });
	const [h, w, c] = spec.inputShape;
	return validateModelConfig({
		inputSize: h * w * c,
		inputShape: spec.inputShape,
		classes: spec.classes,
		layers,
		estimator: spec.estimator ?? 'clipped',
		swishBeta: spec.swishBeta ?? 5
	});
}

/**
 * The float twin of a ConvNet: the same blocks and widths with float weights and
 * inputs everywhere, so ReLUs where the binary network's next layer takes signs — the
 * baseline a figure shows beside the binary network (as `floatTwin` does for MLPs).
 */
export function convnetFloatTwin(spec: ConvNetSpec): ConvNetSpec {
	return { inputShape: spec.inputShape, classes: spec.classes, conv: spec.conv, hidden: spec.hidden, weights: 'float', input: 'float' };
}
