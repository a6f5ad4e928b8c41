/**
 * A sequential model built from a plain {@link ModelConfig}. Layers are named
 * `dense1`, `bn1`, `relu1`, ... in order of appearance of their kind.
 */
import { Activation } from './layers/activation';
import { BatchNorm } from './layers/batchnorm';
import { Dense } from './layers/dense';
import type { ForwardOptions, Layer, Param, StoredTensor } from './layers/types';
import { validateModelConfig, type ModelConfig } from './config';
import type { Rng } from './rng';
import { estimator } from './ste';

/** Memory of a model's stored tensors. */
export interface ModelMemory {
	/** Trainable parameters (latent weights, biases, batch-norm scales and shifts, input-base shifts and scales). */
	parameters: number;
	/** Bytes as float32: every weight a 32-bit float, plus biases and batch-norm statistics. */
	floatBytes: number;
	/** Bytes as stored: binary weights packed 32 to a word (rows padded to whole words), the rest float32. */
	packedBytes: number;
	tensors: StoredTensor[];
}

export class Model {
	readonly config: ModelConfig;
	readonly layers: Layer[];
	readonly params: Param[];

	/** Build a model; `rng` draws the initial weights. Throws ConfigError for a bad config. */
	constructor(config: ModelConfig, rng: Rng) {
		this.config = validateModelConfig(config);
		const est = estimator(this.config.estimator ?? 'clipped', { beta: this.config.swishBeta });
		let size = this.config.inputSize;
		const counts: Record<string, number> = {};
		const name = (kind: string) => `${kind}${(counts[kind] = (counts[kind] ?? 0) + 1)}`;
		this.layers = this.config.layers.map((l) => {
			let layer: Layer;
			if (l.type === 'dense') layer = new Dense(name('dense'), size, l, est, rng);
			else if (l.type === 'batchnorm') layer = new BatchNorm(name('bn'), size, l);
			else layer = new Activation(l.type, name(l.type), size);
			size = layer.outSize;
			return layer;
		});
		this.params = this.layers.flatMap((l) => l.params);
	}

	get inputSize(): number {
		return this.config.inputSize;
	}
	get classes(): number {
		return this.config.classes;
	}
	/** The dense layers in order (the ones with weights). */
	get dense(): Dense[] {
		return this.layers.filter((l): l is Dense => l instanceof Dense);
	}

	/** x: [batch, inputSize] -> logits [batch, classes] (a layer-owned buffer). */
	forward(x: Float32Array, batch: number, opts: ForwardOptions): Float32Array {
		let h = x;
		for (const l of this.layers) h = l.forward(h, batch, opts);
		return h;
	}

	/** Backpropagate dL/dlogits through the last training forward, filling every param's grad. */
	backward(dLogits: Float32Array, batch: number): void {
		let g: Float32Array | null = dLogits;
		for (let i = this.layers.length - 1; i >= 0 && g; i--) g = this.layers[i].backward(g, batch, i > 0);
	}

	/** Latent weights changed: drop derived caches (packed bases, scales). */
	invalidate(): void {
		for (const l of this.layers) l.invalidate();
	}

	/** Parameter count and memory, float32 vs packed. */
	memory(): ModelMemory {
		const tensors = this.layers.flatMap((l) => l.storage());
		return {
			parameters: this.params.reduce((s, p) => s + p.value.length, 0),
			floatBytes: tensors.reduce((s, t) => s + t.floatBytes, 0),
			packedBytes: tensors.reduce((s, t) => s + t.packedBytes, 0),
			tensors
		};
	}
}
