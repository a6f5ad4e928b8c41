/**
 * What the worker reads out of a model for the page: test metrics (evaluated in
 * chunks, so a slice stays short), sample predictions, weight histograms and the
 * decision boundary of a 2-D set. Pure functions of a model and a data set.
 */
import { HISTOGRAM_RANGE, argmaxRows, softmax, softmaxCrossEntropy, type Dataset, type Model } from '$lib/engine';
import type { SamplePrediction } from './protocol';

export interface TestResult {
	/** The model's step when evaluated. */
	step: number;
	loss: number;
	accuracy: number;
	/** Row = true class, column = predicted; [classes * classes]. */
	confusion: Uint32Array;
}

/**
 * An evaluation of the test split, a chunk of rows at a time. The model must not
 * change between chunks (the session does not step a model while it is evaluated).
 * Inference rows do not depend on their batch, and the loss is summed row by row in
 * a fixed order, so the result does not depend on the chunk sizes (which follow the
 * clock): accuracy and confusion equal `evaluateModel`'s exactly, the loss up to its
 * summation order.
 */
export class TestEvaluation {
	readonly step: number;
	private offset = 0;
	private lossSum = 0;
	private correct = 0;
	private readonly confusion: Uint32Array;
	private readonly data: Dataset;

	constructor(step: number, data: Dataset) {
		this.step = step;
		this.data = data;
		this.confusion = new Uint32Array(data.numClasses * data.numClasses);
	}

	/** Evaluate up to `rows` more examples; the result once every test example is done, else null. */
	advance(model: Model, rows: number): TestResult | null {
		const d = this.data,
			D = d.inputSize,
			C = d.numClasses;
		const B = Math.min(rows, d.nTest - this.offset);
		if (B > 0) {
			const logits = model.forward(d.testX.subarray(this.offset * D, (this.offset + B) * D), B, { training: false });
			const y = d.testY.subarray(this.offset, this.offset + B);
			for (let b = 0; b < B; b++) {
				const r = softmaxCrossEntropy(logits.subarray(b * C, (b + 1) * C), y.subarray(b, b + 1), 1, C);
				this.lossSum += r.loss;
				this.correct += r.correct;
			}
			const pred = argmaxRows(logits, B, C);
			for (let b = 0; b < B; b++) this.confusion[y[b] * C + pred[b]]++;
			this.offset += B;
		}
		if (this.offset < d.nTest) return null;
		const n = d.nTest;
		return { step: this.step, loss: n ? this.lossSum / n : NaN, accuracy: n ? this.correct / n : NaN, confusion: this.confusion };
	}
}

/** Predictions for the first `k` test examples (the samples a digits figure shows). */
export function samplePredictions(model: Model, data: Dataset, k: number): SamplePrediction[] {
	const C = data.numClasses;
	const logits = model.forward(data.testX.subarray(0, k * data.inputSize), k, { training: false });
	const p = new Float32Array(C);
	return Array.from({ length: k }, (_, i) => {
		softmax(logits.subarray(i * C, (i + 1) * C), p);
		let arg = 0;
		for (let c = 1; c < C; c++) if (p[c] > p[arg]) arg = c;
		return { index: i, label: data.testY[i], predicted: arg, confidence: p[arg] };
	});
}

/** Weights over HISTOGRAM_RANGE in `bins` bins, values outside clamped into the end bins (as the trainer's). */
export function histogram(w: Float32Array, bins: number): Uint32Array {
	const h = new Uint32Array(bins);
	const [lo, hi] = HISTOGRAM_RANGE,
		scale = bins / (hi - lo);
	for (let i = 0; i < w.length; i++) {
		let b = Math.floor((w[i] - lo) * scale);
		b = b < 0 ? 0 : b >= bins ? bins - 1 : b;
		h[b]++;
	}
	return h;
}

/**
 * The decision boundary of a 2-class model: P(class 1) over [-1, 1]^2 on a res x res
 * grid of cell centres, row-major with row 0 at the top: cell (r, c) is at
 * x = -1 + (2c + 1) / res, y = 1 - (2r + 1) / res, as ModelSnapshot.boundary documents
 * (so it maps straight onto canvas pixels). Computed a chunk of cells at a time, since
 * for a wide network the whole grid can take longer than a slice; the model must not
 * change in between.
 */
export class BoundaryGrid {
	readonly res: number;
	private readonly points: Float32Array;
	private readonly out: Float32Array;
	private offset = 0;

	constructor(res: number) {
		this.res = res;
		const n = res * res;
		this.points = new Float32Array(n * 2);
		for (let r = 0; r < res; r++)
			for (let c = 0; c < res; c++) {
				const i = r * res + c;
				this.points[2 * i] = -1 + (2 * c + 1) / res;
				this.points[2 * i + 1] = 1 - (2 * r + 1) / res;
			}
		this.out = new Float32Array(n);
	}

	/** Compute up to `cells` more cells; the grid once complete, else null. */
	advance(model: Model, cells: number): Float32Array | null {
		const n = this.out.length;
		const B = Math.min(cells, n - this.offset);
		if (B > 0) {
			const logits = model.forward(this.points.subarray(2 * this.offset, 2 * (this.offset + B)), B, { training: false });
			// Softmax over two logits: P(1) = 1 / (1 + e^(z0 - z1)).
			for (let b = 0; b < B; b++) this.out[this.offset + b] = 1 / (1 + Math.exp(logits[2 * b] - logits[2 * b + 1]));
			this.offset += B;
		}
		return this.offset < n ? null : this.out;
	}
}

/** The whole {@link BoundaryGrid} at once. */
export function decisionGrid(model: Model, res: number): Float32Array {
	return new BoundaryGrid(res).advance(model, res * res)!;
}
