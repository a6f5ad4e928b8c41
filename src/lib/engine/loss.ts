/**
 * Softmax cross-entropy over a batch of logits, z: [batch, classes], labels y: [batch].
 *
 *     L = -(1/B) Σ_b log softmax(z_b)[y_b],   dL/dz_b = (softmax(z_b) - onehot(y_b)) / B
 *
 * computed with the max subtracted, so large logits do not overflow.
 */

export interface LossResult {
	/** Mean loss over the batch (NaN if any logit is not finite). */
	loss: number;
	/** Examples whose largest logit is the true class (ties go to the lowest index). */
	correct: number;
}

/**
 * Mean softmax cross-entropy and the number of correct argmax predictions. When `dz` is
 * given it receives dL/dz, [batch, classes].
 */
export function softmaxCrossEntropy(z: Float32Array, labels: ArrayLike<number>, batch: number, classes: number, dz?: Float32Array): LossResult {
	let total = 0,
		correct = 0;
	for (let b = 0; b < batch; b++) {
		const o = b * classes;
		let max = z[o],
			arg = 0;
		for (let c = 1; c < classes; c++)
			if (z[o + c] > max) {
				max = z[o + c];
				arg = c;
			}
		let sum = 0;
		for (let c = 0; c < classes; c++) sum += Math.exp(z[o + c] - max);
		const y = labels[b];
		total += Math.log(sum) - (z[o + y] - max);
		if (arg === y) correct++;
		if (dz) {
			const inv = 1 / (sum * batch);
			for (let c = 0; c < classes; c++) dz[o + c] = Math.exp(z[o + c] - max) * inv - (c === y ? 1 / batch : 0);
		}
	}
	return { loss: total / batch, correct };
}

/** Index of the largest logit per row, z: [batch, classes] -> [batch]. */
export function argmaxRows(z: Float32Array, batch: number, classes: number, out = new Uint8Array(batch)): Uint8Array {
	for (let b = 0; b < batch; b++) {
		const o = b * classes;
		let arg = 0;
		for (let c = 1; c < classes; c++) if (z[o + c] > z[o + arg]) arg = c;
		out[b] = arg;
	}
	return out;
}

/** Softmax of one row of logits (for showing class probabilities). */
export function softmax(z: ArrayLike<number>, out = new Float32Array(z.length)): Float32Array {
	let max = -Infinity;
	for (let i = 0; i < z.length; i++) if (z[i] > max) max = z[i];
	let s = 0;
	for (let i = 0; i < z.length; i++) s += out[i] = Math.exp(z[i] - max);
	for (let i = 0; i < z.length; i++) out[i] /= s;
	return out;
}
