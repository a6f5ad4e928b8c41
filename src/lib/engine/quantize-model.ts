/**
 * Post-training quantisation of a model's dense-layer weights: what happens to a
 * trained float network when every weight is rounded to k bits.
 *
 * Per tensor, symmetric, uniform: each dense layer's weight matrix W is quantised
 * with {@link quantizeSigned} on the range r = max |W| (so the largest weight is a
 * level and nothing is clipped), ties rounding half to even (TensorFlow's rule, as
 * every quantiser of quantize.ts). k = 1 gives r sign(W); k >= 2 gives 2^k - 1
 * levels spaced r / (2^(k-1) - 1) apart, 0 included. k = 32 means "unquantised":
 * the weights are copied as they are (float32 already has fewer than 2^32 values).
 *
 * Biases, batch-norm parameters and the weights of binary layers (already one bit)
 * are left alone. The functions never change a model for good: {@link withWeights}
 * swaps the quantised copies in, runs a function, restores the originals and calls
 * `model.invalidate()`.
 */
import type { Dataset } from './data/dataset';
import type { Model } from './model';
import { quantizeSigned } from './quantize';
import { argmaxRows } from './loss';

/** Bits at or above this leave the weights as they are (float32). */
export const UNQUANTIZED_BITS = 32;

/** The range the per-tensor quantiser uses for W: max |W| (1 for an all-zero tensor, which any range keeps at 0). */
export function weightRange(W: ArrayLike<number>): number {
	let m = 0;
	for (let i = 0; i < W.length; i++) {
		const a = Math.abs(W[i]);
		if (a > m) m = a;
	}
	return m > 0 && Number.isFinite(m) ? m : 1;
}

/**
 * W quantised to `bits` bits per tensor (range max |W|, round half to even); a copy.
 * bits >= 32 returns an exact copy.
 */
export function quantizeTensor(W: ArrayLike<number>, bits: number): Float32Array {
	const out = Float32Array.from(W);
	if (bits >= UNQUANTIZED_BITS) return out;
	const r = weightRange(W);
	for (let i = 0; i < out.length; i++) out[i] = quantizeSigned(W[i], bits, r);
	return out;
}

/** The dense layers whose weights post-training quantisation applies to (float weights). */
function floatDense(model: Model) {
	return model.dense.filter((d) => d.weightMode === 'float');
}

/**
 * Quantised copies of every float dense layer's weights, in the order of
 * `model.dense` filtered to float layers; the model is not changed.
 */
export function quantizeModelWeights(model: Model, bits: number): Float32Array[] {
	return floatDense(model).map((d) => quantizeTensor(d.W.value, bits));
}

/** Mean squared error between the float weights and `weights` (from quantizeModelWeights), over all of them. */
export function weightMse(model: Model, weights: Float32Array[]): number {
	const dense = floatDense(model);
	let s = 0,
		n = 0;
	dense.forEach((d, k) => {
		const w = d.W.value,
			q = weights[k];
		for (let i = 0; i < w.length; i++) {
			const e = w[i] - q[i];
			s += e * e;
		}
		n += w.length;
	});
	return n ? s / n : 0;
}

/**
 * Run `fn` with the float dense layers' weights replaced by `weights`, then put the
 * originals back (even if `fn` throws) and invalidate the model's caches.
 */
export function withWeights<T>(model: Model, weights: Float32Array[], fn: () => T): T {
	const dense = floatDense(model);
	if (weights.length !== dense.length) throw new RangeError(`withWeights: ${weights.length} tensors for ${dense.length} float dense layers`);
	const saved = dense.map((d) => d.W.value.slice());
	try {
		dense.forEach((d, k) => {
			if (weights[k].length !== d.W.value.length)
				throw new RangeError(`withWeights: ${d.name} has ${d.W.value.length} weights, got ${weights[k].length}`);
			d.W.value.set(weights[k]);
		});
		model.invalidate();
		return fn();
	} finally {
		dense.forEach((d, k) => d.W.value.set(saved[k]));
		model.invalidate();
	}
}

/** Test accuracy and weight error of a model quantised to some bits. */
export interface QuantizedResult {
	bits: number;
	/** Test accuracy with the quantised weights, 0..1. */
	accuracy: number;
	/** Mean squared error of the quantised weights against the float ones. */
	mse: number;
}

function checkBitsList(bits: readonly number[]): void {
	for (const b of bits)
		if (!Number.isInteger(b) || b < 1 || b > UNQUANTIZED_BITS) throw new RangeError(`bits must be integers from 1 to ${UNQUANTIZED_BITS}, got ${b}`);
}

/**
 * Evaluates a model on the test split at several bit widths, a chunk of rows at a
 * time (so a worker can spread it over short slices). Quantised weights are made
 * from the weights as they are at construction; the model must not train in
 * between (its biases would move). Each chunk swaps the quantised weights in and
 * restores the float ones, so between chunks the model is exactly as before.
 */
export class QuantizedEvaluation {
	readonly bits: number[];
	/** Each float dense layer's quantiser range max |W| (the weights at construction). */
	readonly ranges: number[];
	private readonly weights: Float32Array[][];
	private readonly mses: number[];
	private readonly correct: number[];
	private index = 0;
	private offset = 0;

	constructor(
		readonly model: Model,
		readonly data: Dataset,
		bits: readonly number[]
	) {
		checkBitsList(bits);
		this.bits = [...bits];
		this.ranges = floatDense(model).map((d) => weightRange(d.W.value));
		this.weights = this.bits.map((b) => quantizeModelWeights(model, b));
		this.mses = this.weights.map((w) => weightMse(model, w));
		this.correct = this.bits.map(() => 0);
	}

	get done(): boolean {
		return this.index >= this.bits.length;
	}

	/** Evaluate up to `rows` more test examples; the results once every width is done, else null. */
	advance(rows: number): QuantizedResult[] | null {
		const d = this.data,
			D = d.inputSize,
			C = d.numClasses;
		if (!this.done) {
			const B = Math.min(Math.max(1, rows), d.nTest - this.offset);
			const k = this.index;
			if (B > 0) {
				const pred = withWeights(this.model, this.weights[k], () => {
					const logits = this.model.forward(d.testX.subarray(this.offset * D, (this.offset + B) * D), B, { training: false });
					return argmaxRows(logits, B, C);
				});
				for (let b = 0; b < B; b++) if (pred[b] === d.testY[this.offset + b]) this.correct[k]++;
				this.offset += B;
			}
			if (this.offset >= d.nTest) {
				this.index++;
				this.offset = 0;
			}
		}
		if (!this.done) return null;
		return this.bits.map((bits, k) => ({ bits, accuracy: d.nTest ? this.correct[k] / d.nTest : NaN, mse: this.mses[k] }));
	}
}

/** {@link QuantizedEvaluation} in one call: test accuracy and weight MSE at each bit width. */
export function evaluateQuantized(model: Model, data: Dataset, bits: readonly number[]): QuantizedResult[] {
	const job = new QuantizedEvaluation(model, data, bits);
	let r: QuantizedResult[] | null;
	while (!(r = job.advance(data.nTest || 1)));
	return r;
}
