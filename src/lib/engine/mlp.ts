/**
 * A compact way to describe the multi-layer perceptrons the lessons, the playground
 * and the CLI build, expanded into a full {@link ModelConfig}.
 *
 * For hidden widths [h1, ..., hk] and C classes the model is k + 1 dense layers
 * in -> h1 -> ... -> hk -> C. After each dense layer come, optionally, batch norm
 * and, on hidden layers, an activation. A layer whose input is binarized ('sign'
 * or 'multibase') gets its non-linearity from that binarization, so by default the
 * activation before it is omitted ('auto').
 */
import { ConfigError, INPUT_MODES, WEIGHT_MODES, validateModelConfig, type InputMode, type LayerConfig, type ModelConfig, type WeightMode } from './config';
import type { EstimatorName } from './ste';

export interface MlpSpec {
	inputSize: number;
	classes: number;
	hidden: number[];
	/** One mode for every dense layer, or one per dense layer (hidden.length + 1). */
	weights?: WeightMode | WeightMode[];
	/**
	 * One mode for every dense layer after the first, or one per dense layer. The first
	 * layer sees the raw data, so a single mode leaves it 'float'.
	 */
	input?: InputMode | InputMode[];
	bases?: number;
	inputBases?: number;
	/** Activation after hidden layers: 'auto' (ReLU unless the next layer binarizes its input), or a fixed choice. */
	activation?: 'auto' | 'relu' | 'hardtanh' | 'none';
	/** Batch norm after every dense layer, the last included (as in BinaryNet). */
	batchnorm?: boolean;
	/** Biases on dense layers; default: only where no batch norm follows. */
	bias?: boolean;
	estimator?: EstimatorName;
	swishBeta?: number;
}

function perLayer<T extends string>(v: T | T[] | undefined, n: number, def: T, firstDefault: T | null, what: string, allowed: readonly T[]): T[] {
	if (Array.isArray(v)) {
		if (v.length !== n) throw new ConfigError(`${what}: give one mode, or one per dense layer (${n}), not ${v.length}`);
		for (const m of v) if (!allowed.includes(m)) throw new ConfigError(`${what}: unknown mode ${JSON.stringify(m)} (one of ${allowed.join(', ')})`);
		return v;
	}
	const m = v ?? def;
	if (!allowed.includes(m)) throw new ConfigError(`${what}: unknown mode ${JSON.stringify(m)} (one of ${allowed.join(', ')})`);
	return Array.from({ length: n }, (_, i) => (i === 0 && firstDefault !== null ? firstDefault : m));
}

/** Expand an {@link MlpSpec} into a validated ModelConfig. */
export function mlpConfig(spec: MlpSpec): ModelConfig {
	const widths = [...spec.hidden, spec.classes];
	const n = widths.length;
	const weights = perLayer(spec.weights, n, 'float', null, 'weights', WEIGHT_MODES);
	const input = perLayer(spec.input, n, 'float', 'float', 'input', INPUT_MODES);
	const bn = spec.batchnorm ?? false;
	const layers: LayerConfig[] = [];
	for (let i = 0; i < n; i++) {
		layers.push({
			type: 'dense',
			units: widths[i],
			weights: weights[i],
			input: input[i],
			...(weights[i] === 'multibase' ? { bases: spec.bases ?? 3 } : {}),
			...(input[i] === 'multibase' ? { inputBases: spec.inputBases ?? 3 } : {}),
			bias: spec.bias ?? !bn
		});
		if (bn) layers.push({ type: 'batchnorm' });
		if (i < n - 1) {
			const act = spec.activation ?? 'auto';
			const chosen = act === 'auto' ? (input[i + 1] === 'float' ? 'relu' : 'none') : act;
			if (chosen === 'relu' && input[i + 1] === 'sign')
				throw new ConfigError(`a ReLU before a sign-binarized input makes every input +1: use hardtanh or no activation before dense layer ${i + 2}`);
			if (chosen !== 'none') layers.push({ type: chosen });
		}
	}
	return validateModelConfig({
		inputSize: spec.inputSize,
		classes: spec.classes,
		layers,
		estimator: spec.estimator ?? 'clipped',
		swishBeta: spec.swishBeta ?? 5
	});
}
