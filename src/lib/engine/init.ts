/**
 * Starting a network from another one's weights: a binary network initialised from a
 * trained float network of the same shape, the first of the ways a binary network
 * "learns from a full-precision network" (Larq's guide; Bethge et al. 2019 test it).
 *
 * Rule, per dense layer k (the two models' dense layers must match in number and in
 * [units, inputs]):
 *
 *     latent (binary) student layer:  W_k ← W'_k / max |W'_k|     (every weight in [-1, 1],
 *                                                                 the largest at ±1, signs kept)
 *     float student layer:            W_k ← W'_k
 *
 * where W' is the source's float (or latent) weights. Dividing by the layer's largest
 * magnitude puts the weights inside the latent clip range without clipping any of them,
 * so sign(W_k) is exactly the teacher's sign pattern and the relative sizes are kept.
 * Biases are copied where both layers have them. Batch norm and input-base parameters
 * keep their fresh values: a binary layer's pre-activations have another scale than the
 * float layer's, so the teacher's normalisation statistics would not fit them.
 */
import { ConfigError } from './config';
import type { Model } from './model';

/** What {@link initFromModel} did to one dense layer. */
export interface InitLayer {
	name: string;
	/** The factor the source's weights were multiplied by (1 / max |W'| for latent layers, 1 for float ones). */
	scale: number;
	/** Whether the bias was copied. */
	bias: boolean;
}

/** The dense shapes of a model, as "784-64-64-10" style text. */
export function denseShape(model: Model): string {
	const d = model.dense;
	return d.length ? [d[0].inSize, ...d.map((l) => l.outSize)].join('-') : String(model.inputSize);
}

/** Whether `source`'s dense layers match `target`'s in number and shape (what {@link initFromModel} needs). */
export function sameDenseShape(target: Model, source: Model): boolean {
	const a = target.dense,
		b = source.dense;
	return a.length === b.length && a.every((l, i) => l.inSize === b[i].inSize && l.outSize === b[i].outSize);
}

/**
 * Overwrite `target`'s dense weights with `source`'s by the rule above. Call it before
 * the optimiser takes its first step (the Trainer does, with its `init` option).
 * Throws ConfigError when the dense shapes differ.
 */
export function initFromModel(target: Model, source: Model): InitLayer[] {
	if (!sameDenseShape(target, source))
		throw new ConfigError(
			`initialisation needs a model with the same dense layers: this network is ${denseShape(target)}, the model file's is ${denseShape(source)}`
		);
	const out = target.dense.map((d, k): InitLayer => {
		const src = source.dense[k];
		const w = src.W.value;
		let scale = 1;
		if (d.weightMode !== 'float') {
			let max = 0;
			for (let i = 0; i < w.length; i++) max = Math.max(max, Math.abs(w[i]));
			scale = max > 0 ? 1 / max : 1;
		}
		const dst = d.W.value;
		for (let i = 0; i < dst.length; i++) dst[i] = w[i] * scale;
		// Dividing by max |w| can land a hair outside ±1 in float32: keep the clip range exact.
		if (d.weightMode !== 'float') for (let i = 0; i < dst.length; i++) dst[i] = Math.max(-1, Math.min(1, dst[i]));
		const bias = d.b !== null && src.b !== null;
		if (bias) d.b!.value.set(src.b!.value);
		return { name: d.name, scale, bias };
	});
	target.invalidate();
	return out;
}
