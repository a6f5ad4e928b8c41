/**
 * The float twin of a network: what it would be with 32 bits everywhere, trained
 * beside it on the same data and seed so a figure can show what the bits cost.
 */
import type { MlpSpec } from '$lib/engine';

/**
 * The same widths and batch norm (so the same shape and normalisation), with every
 * weight and every input 'float' and ReLU between layers.
 *
 * Why ReLU rather than the binary network's own activation: a binary network has
 * sign (or hardtanh) activations only because its next layer binarizes its input;
 * the float network a reader would otherwise build, the baseline the papers compare
 * against, is a plain ReLU MLP. Keeping hardtanh would handicap the twin and blur
 * the comparison. The estimator and M/N base counts only matter to binary parts and
 * are dropped. Biases follow the engine's default (only where no batch norm follows),
 * unless the spec fixes them.
 */
export function floatTwin(spec: MlpSpec): MlpSpec {
	const twin: MlpSpec = {
		inputSize: spec.inputSize,
		classes: spec.classes,
		hidden: [...spec.hidden],
		weights: 'float',
		input: 'float',
		activation: 'relu',
		batchnorm: spec.batchnorm ?? false
	};
	if (spec.bias !== undefined) twin.bias = spec.bias;
	return twin;
}
