/**
 * Training as a step function, with no loops over time and no timers: the worker
 * calls {@link Trainer.step} in short slices, the CLI in a plain loop, the tests a
 * fixed number of times. Same config, data and seed give bit-identical metrics.
 */
import { validateTrainConfig, type TrainConfig } from './config';
import type { Dataset } from './data/dataset';
import type { Conv2D } from './layers/conv2d';
import { Dense } from './layers/dense';
import { checkDistillOptions, distillationLoss, type DistillOptions } from './distill';
import { initFromModel } from './init';
import { softmaxCrossEntropy, argmaxRows } from './loss';
import { Model } from './model';
import { createOptimizer, type Optimizer } from './optim';
import { signBit } from './quantize';
import { createRng, type Rng } from './rng';

/** Per layer with weights (dense and conv, `Model.weighted`), per step. */
export interface LayerStepMetrics {
	name: string;
	/** Whether the layer's weights are binary (latent weights stand behind signs). */
	latent: boolean;
	/** L2 norm of dL/dW (the latent weights' gradient for binary layers). */
	gradNorm: number;
	/** Weights whose sign changed in this step's update (binary layers; 0 for float ones). */
	flips: number;
	/** Histogram of the weights over [-1, 1] ({@link HISTOGRAM_RANGE}), values outside clamped into the end bins. */
	histogram: Uint32Array | null;
	/**
	 * Share (0..1) of this step's sign-binarized inputs with |x| <= 1, where the clipped
	 * straight-through estimator passes the gradient (layers with 'sign' inputs; else null).
	 */
	clipShare: number | null;
	/**
	 * Share (0..1) of the latent weights with |w| <= 1 after the update (binary weight modes;
	 * null for float layers). Latent clipping holds it at 1; without it weights drift out,
	 * where the clipped estimator no longer moves them.
	 */
	weightClipShare: number | null;
}

export interface StepMetrics {
	/** Steps done so far, this one included. */
	step: number;
	/** Epoch this step belongs to (0-based) and its position in it. */
	epoch: number;
	stepInEpoch: number;
	/** Examples in this step's minibatch. */
	examples: number;
	/** Mean loss (the distillation loss when distilling) and accuracy over this step's minibatch (before the update). */
	loss: number;
	accuracy: number;
	layers: LayerStepMetrics[];
	/** Sign flips summed over all binary layers. */
	flips: number;
	/** The loss or a parameter stopped being finite: training has diverged. */
	diverged: boolean;
}

export interface EvalMetrics {
	split: 'train' | 'test';
	n: number;
	loss: number;
	accuracy: number;
	/** Row = true class, column = predicted class; [classes * classes]. */
	confusion: Uint32Array;
}

export interface TrainerOptions {
	/** Bins of the per-layer weight histogram (0 turns it off); default 32. */
	histogramBins?: number;
	/**
	 * Start from this model's weights instead of the seeded draw (see `initFromModel`:
	 * latent layers get W' / max |W'|, float layers W'; the dense shapes must match).
	 */
	init?: Model;
	/**
	 * Distil from this teacher: each step's loss is `distillationLoss` of the student's logits
	 * against the teacher's (inference mode, no gradient into it) with these `alpha` and
	 * `temperature`. The teacher must take the data's inputs and give its classes.
	 */
	teacher?: { model: Model } & DistillOptions;
}

export const HISTOGRAM_RANGE: readonly [number, number] = [-1, 1];

export class Trainer {
	readonly config: TrainConfig;
	readonly model: Model;
	readonly optimizer: Optimizer;
	readonly data: Dataset;
	readonly stepsPerEpoch: number;
	/** The configured batch size, capped at the training set's size. */
	readonly batch: number;
	stepsDone = 0;
	private stepOfEpoch = 0;
	private order: Int32Array;
	private cursor = 0;
	private epochIndex = 0;
	private readonly shuffleRng: Rng;
	private readonly bx: Float32Array;
	private readonly by: Uint8Array;
	private dLogits: Float32Array;
	private readonly bins: number;
	/** Index in model.params of each dense layer's weights. */
	private readonly weightIndex: number[];
	/** Conv layers' signs before the update, to count flips (dense layers count theirs in syncLatent). */
	private readonly signsBefore: Uint8Array[];
	/** The teacher distilled from, if any (TrainerOptions.teacher). */
	readonly teacher: ({ model: Model } & DistillOptions) | null;

	/** Throws ConfigError for a bad config or one that does not fit the data. */
	constructor(config: TrainConfig, data: Dataset, opts: TrainerOptions = {}) {
		this.config = validateTrainConfig(config);
		if (this.config.model.inputSize !== data.inputSize)
			throw new RangeError(`the model expects ${this.config.model.inputSize} inputs but ${data.name} has ${data.inputSize}`);
		if (this.config.model.classes !== data.numClasses)
			throw new RangeError(`the model has ${this.config.model.classes} outputs but ${data.name} has ${data.numClasses} classes`);
		this.data = data;
		const root = createRng(this.config.seed);
		this.model = new Model(this.config.model, root.fork());
		this.shuffleRng = root.fork();
		if (opts.init) initFromModel(this.model, opts.init);
		this.teacher = null;
		if (opts.teacher) {
			const t = opts.teacher.model;
			if (t.inputSize !== data.inputSize || t.classes !== data.numClasses)
				throw new RangeError(
					`the teacher takes ${t.inputSize} inputs and gives ${t.classes} classes; ${data.name} has ${data.inputSize} and ${data.numClasses}`
				);
			this.teacher = { model: t, ...checkDistillOptions(opts.teacher) };
		}
		// Latent weights are clipped inside the optimiser's pass (Bop flips them and skips it).
		// and the binary layers' new signs are packed there too, while the weights are in the kernel.
		const packSigns = new Map(this.model.dense.filter((d) => d.weightMode !== 'float').map((d) => [d.W, { rows: d.outSize, cols: d.inSize }]));
		this.optimizer = createOptimizer(this.model.params, this.config.optimizer, { clipLatent: this.config.latentClip, packSigns });
		const B = (this.batch = Math.min(this.config.batchSize, data.nTrain));
		if (B < 2 && this.config.model.layers.some((l) => l.type === 'batchnorm'))
			throw new RangeError('batch norm needs at least 2 examples per batch: choose a batch size of 2 or more');
		// A last batch of one example would leave batch norm nothing to normalise: it joins the batch before it.
		const full = Math.floor(data.nTrain / B),
			rest = data.nTrain - full * B;
		this.stepsPerEpoch = rest === 0 || (rest === 1 && full > 0) ? full : full + 1;
		this.order = Int32Array.from({ length: data.nTrain }, (_, i) => i);
		this.shuffleRng.shuffle(this.order);
		this.bx = new Float32Array((B + 1) * data.inputSize);
		this.by = new Uint8Array(B + 1);
		this.dLogits = new Float32Array((B + 1) * data.numClasses);
		this.bins = opts.histogramBins ?? 32;
		this.weightIndex = this.model.weighted.map((d) => this.model.params.indexOf(d.W));
		this.signsBefore = this.model.weighted.map((d) => new Uint8Array(d instanceof Dense || d.weightMode === 'float' ? 0 : d.W.value.length));
	}

	/** Completed epochs (the fractional part is the progress through the current one). */
	get epochs(): number {
		return this.epochIndex + this.cursor / this.data.nTrain;
	}

	/** One minibatch: forward, loss, backward, update. The last batch of an epoch may be smaller. */
	step(): StepMetrics {
		const { data, model } = this;
		const D = data.inputSize,
			C = data.numClasses;
		const left = data.nTrain - this.cursor;
		const B = left === this.batch + 1 ? left : Math.min(this.batch, left);
		for (let b = 0; b < B; b++) {
			const i = this.order[this.cursor + b];
			this.bx.set(data.trainX.subarray(i * D, (i + 1) * D), b * D);
			this.by[b] = data.trainY[i];
		}
		const epoch = this.epochIndex,
			stepInEpoch = this.stepOfEpoch++;
		const logits = model.forward(this.bx, B, { training: true });
		const { loss, correct } = this.teacher
			? distillationLoss(logits, this.teacher.model.forward(this.bx, B, { training: false }), this.by, B, C, this.teacher, this.dLogits)
			: softmaxCrossEntropy(logits, this.by, B, C, this.dLogits);
		model.backward(this.dLogits, B);

		const dense = model.weighted;
		for (let k = 0; k < dense.length; k++) {
			const w = dense[k].W.value,
				before = this.signsBefore[k];
			// signBit is branch-free: random signs would mispredict a branch on every weight (~7x slower).
			for (let i = 0; i < before.length; i++) before[i] = signBit(w[i]);
		}
		// Read before the update: the inputs of this step's forward pass.
		const clipShares = dense.map((d) => d.inputClipShare());
		this.optimizer.step();
		// The Adam kernel summed each g² on its way through; other optimisers leave NaN, and we sum here.
		const gradNorms = dense.map((d, k) => {
			const sq = this.optimizer.gradSquares[this.weightIndex[k]];
			return Number.isNaN(sq) ? l2norm(d.W.grad) : Math.sqrt(sq);
		});
		// Dense layers re-derive their signs (counting flips against the ones this step's forward
		// pass used, and the latent weights within [-1, 1]) in one pass; the rest drop their caches.
		const synced = model.layers.map((l) => (l instanceof Dense ? l.syncLatent(this.optimizer.packedSigns(l.W)) : (l.invalidate(), null)));
		const syncOf = new Map(model.layers.map((l, i) => [l, synced[i]] as const));

		let flipsTotal = 0;
		let finite = Number.isFinite(loss);
		const layers: LayerStepMetrics[] = dense.map((d, k) => {
			const latent = d.weightMode !== 'float',
				n = d.W.value.length;
			const sync = d instanceof Dense ? syncOf.get(d)! : null;
			let flips = 0,
				inside = n;
			if (latent && sync) {
				flips = sync.flips;
				inside = sync.inside;
			} else if (latent) {
				const w = d.W.value,
					before = this.signsBefore[k];
				for (let i = 0; i < before.length; i++) flips += signBit(w[i]) ^ before[i];
				inside = 0;
				for (let i = 0; i < n; i++) inside += +(w[i] <= 1 && w[i] >= -1);
			}
			flipsTotal += flips;
			if (!Number.isFinite(gradNorms[k])) finite = false;
			return {
				name: d.name,
				latent,
				gradNorm: gradNorms[k],
				flips,
				histogram: this.histogram(d),
				clipShare: clipShares[k],
				weightClipShare: latent ? (n ? inside / n : 1) : null
			};
		});

		this.cursor += B;
		if (this.cursor >= data.nTrain) {
			this.cursor = 0;
			this.stepOfEpoch = 0;
			this.epochIndex++;
			this.shuffleRng.shuffle(this.order);
		}
		this.stepsDone++;
		return { step: this.stepsDone, epoch, stepInEpoch, examples: B, loss, accuracy: correct / B, layers, flips: flipsTotal, diverged: !finite };
	}

	private histogram(d: Dense | Conv2D): Uint32Array | null {
		if (this.bins <= 0) return null;
		const h = new Uint32Array(this.bins),
			w = d.W.value,
			n = this.bins;
		const [lo, hi] = HISTOGRAM_RANGE,
			scale = n / (hi - lo);
		for (let i = 0; i < w.length; i++) {
			let b = Math.floor((w[i] - lo) * scale);
			b = b < 0 ? 0 : b >= n ? n - 1 : b;
			h[b]++;
		}
		return h;
	}

	/** Loss, accuracy and confusion matrix on a split, in inference mode (packed binary kernels). */
	evaluate(split: 'train' | 'test' = 'test', opts: { packed?: boolean; limit?: number } = {}): EvalMetrics {
		return evaluateModel(this.model, this.data, split, opts);
	}
}

/** The L2 norm of g, summed in four interleaved partial sums (a quarter of the dependent adds). */
function l2norm(g: Float32Array): number {
	let s0 = 0,
		s1 = 0,
		s2 = 0,
		s3 = 0,
		i = 0;
	for (const n4 = g.length & ~3; i < n4; i += 4) {
		s0 += g[i] * g[i];
		s1 += g[i + 1] * g[i + 1];
		s2 += g[i + 2] * g[i + 2];
		s3 += g[i + 3] * g[i + 3];
	}
	for (; i < g.length; i++) s0 += g[i] * g[i];
	return Math.sqrt(s0 + s1 + (s2 + s3));
}

/** Evaluate any model (trained here or imported from a file) on a data split. */
export function evaluateModel(model: Model, data: Dataset, split: 'train' | 'test' = 'test', opts: { packed?: boolean; limit?: number } = {}): EvalMetrics {
	const X = split === 'train' ? data.trainX : data.testX;
	const Y = split === 'train' ? data.trainY : data.testY;
	const total = Math.min(split === 'train' ? data.nTrain : data.nTest, opts.limit ?? Infinity);
	const D = data.inputSize,
		C = data.numClasses;
	if (model.inputSize !== D || model.classes !== C)
		throw new RangeError(`this model takes ${model.inputSize} inputs and ${model.classes} classes; ${data.name} has ${D} and ${C}`);
	const confusion = new Uint32Array(C * C);
	// 500 examples at a time, fewer when layers are wide (a ConvNet's first maps are 25,088
	// floats per digit): activations of about 4 MB stay in cache, where 50 MB maps stream from
	// memory. Outputs do not depend on the chunking (each example's forward pass is its own).
	const widest = model.layers.reduce((w, l) => Math.max(w, l.outSize), D);
	const chunk = Math.max(16, Math.min(500, Math.floor(2 ** 20 / widest)));
	let lossSum = 0,
		correct = 0;
	const pred = new Uint8Array(chunk);
	for (let s = 0; s < total; s += chunk) {
		const B = Math.min(chunk, total - s);
		const logits = model.forward(X.subarray(s * D, (s + B) * D), B, { training: false, packed: opts.packed });
		const r = softmaxCrossEntropy(logits, Y.subarray(s, s + B), B, C);
		lossSum += r.loss * B;
		correct += r.correct;
		argmaxRows(logits, B, C, pred);
		for (let b = 0; b < B; b++) confusion[Y[s + b] * C + pred[b]]++;
	}
	return { split, n: total, loss: total ? lossSum / total : NaN, accuracy: total ? correct / total : NaN, confusion };
}
