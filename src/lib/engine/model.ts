/**
 * A sequential model built from a plain {@link ModelConfig}. Layers are named
 * `dense1`, `bn1`, `relu1`, `conv1`, `pool1`, `flatten1`... in order of appearance of their kind.
 */
import { Activation } from './layers/activation';
import { BatchNorm } from './layers/batchnorm';
import { Conv2D } from './layers/conv2d';
import { Dense } from './layers/dense';
import { Flatten, MaxPool2D } from './layers/pool';
import { convAsDense, layerParameters, layerStorage } from './layers/storage';
import type { ForwardOptions, Layer, Param, StoredTensor } from './layers/types';
import { validateModelConfig, windowOutput, type LayerConfig, type ModelConfig } from './config';
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
		this.layers = planLayers(this.config).map(({ cfg, name, inSize, inShape }): Layer => {
			if (cfg.type === 'dense') return new Dense(name, inSize, cfg, est, rng);
			if (cfg.type === 'batchnorm') return new BatchNorm(name, inSize, cfg, inShape ? inShape[2] : inSize);
			if (cfg.type === 'conv2d') return new Conv2D(name, inShape!, cfg, est, rng);
			if (cfg.type === 'maxpool') return new MaxPool2D(name, inShape!, cfg.size, cfg.stride ?? cfg.size);
			if (cfg.type === 'flatten') return new Flatten(name, inSize);
			return new Activation(cfg.type, name, inSize);
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
	/** The conv layers in order. */
	get conv(): Conv2D[] {
		return this.layers.filter((l): l is Conv2D => l instanceof Conv2D);
	}
	/** Every layer with weights (dense and conv), in order: what the trainer reports per layer. */
	get weighted(): (Dense | Conv2D)[] {
		return this.layers.filter((l): l is Dense | Conv2D => l instanceof Dense || l instanceof Conv2D);
	}

	/**
	 * x: [batch, inputSize] -> logits [batch, classes] (a layer-owned buffer). A float conv
	 * layer followed by max-pooling runs with it as one where it can (Conv2D.forwardPooled:
	 * the same values and state, the conv's whole output never written).
	 */
	forward(x: Float32Array, batch: number, opts: ForwardOptions): Float32Array {
		let h = x;
		for (let i = 0; i < this.layers.length; i++) {
			const layer = this.layers[i],
				next = this.layers[i + 1];
			const pooled = layer instanceof Conv2D && next instanceof MaxPool2D && layer.fusesPool(next) ? layer.forwardPooled(next, h, batch) : null;
			if (pooled) {
				h = pooled;
				i++;
			} else h = layer.forward(h, batch, opts);
		}
		return h;
	}

	/**
	 * The input of dense layer `index` (0-based, before its binarization f(x)) for
	 * x [batch, inputSize], in inference mode: a fresh [batch, inSize] array. What the
	 * lessons draw as "a layer's pre-activations".
	 */
	denseInput(index: number, x: Float32Array, batch: number): Float32Array {
		const target = this.dense[index];
		if (!target) throw new RangeError(`the model has ${this.dense.length} dense layers; there is no layer ${index}`);
		let h = x;
		for (const l of this.layers) {
			if (l === target) return h.slice(0, batch * target.inSize);
			h = l.forward(h, batch, { training: false });
		}
		throw new Error('unreachable: the dense layer is one of the layers');
	}

	/**
	 * Backpropagate dL/dlogits through the last training forward, filling every param's grad.
	 * A conv layer followed by max-pooling takes the pooled gradient whole where it can
	 * (Conv2D.backwardPooled: the same bits, the mostly-zero gradient between them made a
	 * chunk at a time).
	 */
	backward(dLogits: Float32Array, batch: number): void {
		let g: Float32Array | null = dLogits;
		for (let i = this.layers.length - 1; i >= 0 && g; i--) {
			const layer = this.layers[i],
				before = this.layers[i - 1];
			if (layer instanceof MaxPool2D && before instanceof Conv2D && before.takesPooled(layer, i - 1 > 0)) {
				g = before.backwardPooled(layer, g, batch, i - 1 > 0);
				i--;
			} else g = layer.backward(g, batch, i > 0);
		}
	}

	/**
	 * dL/dx for the model's input, x: [batch, inputSize], given dL/dlogits after a forward of
	 * the same batch (inference mode with `keepForBackward`, or training mode): every layer's
	 * backward in turn, the first one's dx included. Through a sign the gradient is the
	 * estimator's (the straight-through estimator, as in training). Overwrites the
	 * parameters' gradients on the way. Returns a fresh [batch, inputSize] array.
	 */
	backwardToInput(dLogits: Float32Array, batch: number): Float32Array {
		let g: Float32Array | null = dLogits;
		for (let i = this.layers.length - 1; i >= 0 && g; i--) g = this.layers[i].backward(g, batch, true);
		if (!g) throw new Error('unreachable: every layer returns dx when asked');
		return g.slice(0, batch * this.inputSize);
	}

	/** Latent weights changed: drop derived caches (packed bases, scales). */
	invalidate(): void {
		for (const l of this.layers) l.invalidate();
	}

	/** Parameter count and memory, float32 vs packed. */
	memory(): ModelMemory {
		return modelMemory(this.config);
	}
}

/** A layer's place in a model: its config, name (`dense1`, `bn1`, `relu1`, `conv1`...) and sizes. */
export interface LayerPlan {
	cfg: LayerConfig;
	name: string;
	inSize: number;
	outSize: number;
	/** [H, W, C] of its input while the data are NHWC feature maps (from inputShape until a dense or flatten layer); else null. */
	inShape: [number, number, number] | null;
	outShape: [number, number, number] | null;
}

const KIND: Partial<Record<LayerConfig['type'], string>> = { batchnorm: 'bn', conv2d: 'conv', maxpool: 'pool' };

/** Names and sizes of a (validated) config's layers, in order. */
export function planLayers(config: ModelConfig): LayerPlan[] {
	let size = config.inputSize;
	let shape: [number, number, number] | null = config.inputShape ? [...config.inputShape] : null;
	const counts: Record<string, number> = {};
	return config.layers.map((cfg) => {
		const kind = KIND[cfg.type] ?? cfg.type;
		counts[kind] = (counts[kind] ?? 0) + 1;
		let outShape = shape;
		if (cfg.type === 'dense' || cfg.type === 'flatten') outShape = null;
		else if ((cfg.type === 'conv2d' || cfg.type === 'maxpool') && shape) {
			const k = cfg.type === 'conv2d' ? cfg.kernel : cfg.size,
				pad = cfg.type === 'conv2d' ? (cfg.padding ?? 0) : 0;
			const stride = cfg.stride ?? (cfg.type === 'conv2d' ? 1 : cfg.size);
			outShape = [windowOutput(shape[0], k, stride, pad), windowOutput(shape[1], k, stride, pad), cfg.type === 'conv2d' ? cfg.filters : shape[2]];
		}
		const outSize = cfg.type === 'dense' ? cfg.units : outShape && cfg.type !== 'batchnorm' ? outShape[0] * outShape[1] * outShape[2] : size;
		const plan: LayerPlan = { cfg, name: `${kind}${counts[kind]}`, inSize: size, outSize, inShape: shape, outShape };
		size = outSize;
		shape = outShape;
		return plan;
	});
}

/** The config and input width whose storage a layer's equals: a conv layer stores what a dense layer over its [F, k·k·C] weights would; batch norm after maps has C features. */
function storageView(p: LayerPlan): [LayerConfig, number] {
	if (p.cfg.type === 'conv2d') return [convAsDense(p.cfg), p.cfg.kernel * p.cfg.kernel * p.inShape![2]];
	if (p.cfg.type === 'batchnorm' && p.inShape) return [p.cfg, p.inShape[2]];
	return [p.cfg, p.inSize];
}

/** Parameter count and memory of a (validated) config, without building the model. */
export function modelMemory(config: ModelConfig): ModelMemory {
	const plan = planLayers(config);
	const tensors = plan.flatMap((p) => layerStorage(storageView(p)[0], p.name, storageView(p)[1]));
	return {
		parameters: plan.reduce((s, p) => s + layerParameters(...storageView(p)), 0),
		floatBytes: tensors.reduce((s, t) => s + t.floatBytes, 0),
		packedBytes: tensors.reduce((s, t) => s + t.packedBytes, 0),
		tensors
	};
}
