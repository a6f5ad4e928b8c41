/**
 * What each layer stores, computed from its config alone — so the model file's size
 * can be checked before anything is allocated, and a page can show a model's memory
 * without building it.
 */
import { wordsFor } from '../bits';
import type { Conv2dConfig, DenseConfig, LayerConfig } from '../config';
import type { StoredTensor } from './types';

function f32(name: string, values: number, inFloatModel = true): StoredTensor {
	return { name, kind: 'f32', values, packedBytes: values * 4, floatBytes: inFloatModel ? values * 4 : 0 };
}

/**
 * The tensors a layer stores, in model-file order. Dense: the weights (float32, or M
 * packed ±1 bases of `out` rows of wordsFor(in) words), per-row alphas (scaled) or
 * per-base alphas (multibase), input-base shifts and scales, bias. Batch norm: gamma,
 * beta, running mean, running variance. Activations store nothing.
 * `floatBytes` counts what a float32 model of the same architecture would store.
 */
export function layerStorage(cfg: LayerConfig, name: string, inSize: number): StoredTensor[] {
	if (cfg.type === 'batchnorm') return ['gamma', 'beta', 'mean', 'var'].map((n) => f32(`${name}.${n}`, inSize));
	if (cfg.type !== 'dense') return [];
	const out = cfg.units,
		n = inSize;
	const weights = cfg.weights ?? 'float';
	const M = weights === 'multibase' ? (cfg.bases ?? 3) : 1;
	const t: StoredTensor[] = [];
	if (weights === 'float') t.push(f32(`${name}.W`, out * n));
	else {
		for (let i = 0; i < M; i++)
			t.push({
				name: `${name}.W${M > 1 ? `.base${i + 1}` : ''}`,
				kind: 'bits',
				values: out * n,
				packedBytes: out * wordsFor(n) * 4,
				floatBytes: i === 0 ? out * n * 4 : 0
			});
		if (weights === 'scaled') t.push(f32(`${name}.alpha`, out, false));
		if (weights === 'multibase') t.push(f32(`${name}.alphas`, M, false));
	}
	if (cfg.input === 'multibase') {
		const N = cfg.inputBases ?? 3;
		t.push(f32(`${name}.v`, N), f32(`${name}.beta`, N));
	}
	if (cfg.bias ?? true) t.push(f32(`${name}.b`, out));
	return t;
}

/** Trainable values of a layer: weights, bias, input-base shifts and scales, batch-norm gamma and beta. */
export function layerParameters(cfg: LayerConfig, inSize: number): number {
	if (cfg.type === 'batchnorm') return 2 * inSize;
	if (cfg.type !== 'dense') return 0;
	return cfg.units * inSize + ((cfg.bias ?? true) ? cfg.units : 0) + (cfg.input === 'multibase' ? 2 * (cfg.inputBases ?? 3) : 0);
}

/**
 * A conv layer stores exactly what a dense layer with `filters` units over its k·k·C
 * fan-in would: its weights [F, k·k·C] (one filter per packed row), alphas, input-base
 * parameters and bias. So its storage and parameters are the dense layer's of this config.
 */
export function convAsDense(cfg: Conv2dConfig): DenseConfig {
	return { type: 'dense', units: cfg.filters, weights: cfg.weights, input: cfg.input, bases: cfg.bases, inputBases: cfg.inputBases, bias: cfg.bias };
}
