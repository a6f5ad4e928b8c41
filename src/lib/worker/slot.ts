/**
 * One model's place in a run: its trainer (or an imported model), what it has to do
 * next (steps up to a target, an evaluation in progress) and what it has not yet told
 * the page (steps since the last snapshot, a new test result, a changed boundary).
 */
import {
	Trainer,
	gemmBackend,
	type AttackEvaluation,
	type Dataset,
	type Model,
	type ModelMeta,
	type QuantizedEvaluation,
	type StepMetrics,
	type TrainConfig,
	type TrainerOptions
} from '$lib/engine';
import type { ModelInfo, ModelStatus, SamplePrediction, StepSeries, StepSnapshot } from './protocol';
import { BoundaryGrid, TestEvaluation, histogram, type TestResult } from './readout';

/** Per-step values not yet sent, as plain arrays until a snapshot packs them. */
export class PendingSteps {
	private step: number[] = [];
	private loss: number[] = [];
	private accuracy: number[] = [];
	private flips: number[] = [];
	/** Per dense layer: gradNorm, clipShare, weightClipShare, flips (NaN for null). */
	private layers: number[][][] = [];

	/** `cap`: when frames stop coming (a hidden tab), every other step is dropped past this many. */
	push(m: StepMetrics, cap: number): void {
		this.step.push(m.step);
		this.loss.push(m.loss);
		this.accuracy.push(m.accuracy);
		this.flips.push(m.flips);
		m.layers.forEach((l, k) => {
			const cols = (this.layers[k] ??= [[], [], [], []]);
			cols[0].push(l.gradNorm);
			cols[1].push(l.clipShare ?? NaN);
			cols[2].push(l.weightClipShare ?? NaN);
			cols[3].push(l.flips);
		});
		if (this.step.length > cap) for (const a of [this.step, this.loss, this.accuracy, this.flips, ...this.layers.flat()]) keepOdd(a);
	}

	/** Fresh typed arrays of everything pending, which is then forgotten. */
	drain(): StepSeries {
		const out: StepSeries = {
			step: Uint32Array.from(this.step),
			loss: Float32Array.from(this.loss),
			accuracy: Float32Array.from(this.accuracy),
			flips: Float32Array.from(this.flips),
			layers: this.layers.map(([gradNorm, clipShare, weightClipShare, flips]) => ({
				gradNorm: Float32Array.from(gradNorm),
				clipShare: Float32Array.from(clipShare),
				weightClipShare: Float32Array.from(weightClipShare),
				flips: Float32Array.from(flips)
			}))
		};
		this.step = [];
		this.loss = [];
		this.accuracy = [];
		this.flips = [];
		this.layers = [];
		return out;
	}
}

function keepOdd(a: number[]): void {
	let j = 0;
	for (let i = 1; i < a.length; i += 2) a[j++] = a[i];
	a.length = j;
}

export class Slot {
	readonly id: string;
	readonly label: string;
	trainer: Trainer | null;
	model: Model;
	status: ModelStatus = 'training';
	/** The model file's meta, once imported. */
	meta: ModelMeta | null = null;
	/** Train up to this many steps (set by play, step(n) and pause; capped by maxSteps). */
	target = 0;
	last: StepMetrics | null = null;
	lastDirty = false;
	readonly pending = new PendingSteps();
	evaluation: TestEvaluation | null = null;
	/** The latest test result, with the training time the model had spent when it was evaluated. */
	test: (TestResult & { trainMs: number }) | null = null;
	/** Milliseconds spent in this model's training steps (the session times each step). */
	trainMs = 0;
	/** trainMs when the evaluation in progress began. */
	evalTrainMs = 0;
	testDirty = false;
	samples: SamplePrediction[] | null = null;
	samplesDirty = false;
	/** The weights changed since the boundary was last drawn. */
	boundaryDirty = true;
	boundaryJob: BoundaryGrid | null = null;
	/** A finished grid not yet sent (transferred with the next snapshot). */
	boundary: Float32Array | null = null;
	/** Time the last grid took and when it was finished (ms), to keep grids to a share of the time. */
	boundaryCost = 0;
	boundaryDoneAt = -Infinity;
	private boundaryStartedAt = 0;
	/** Quantised evaluations asked for (evalQuantized), first in progress; the model holds still meanwhile. */
	quantized: { requestId: number; step: number; job: QuantizedEvaluation }[] = [];
	/** Attack evaluations asked for, first in line first (session.ts runs them a block at a time). */
	attacks: { requestId: number; step: number; job: AttackEvaluation }[] = [];
	/** Rows per evaluation or grid chunk, adapted so a chunk takes a few ms on this machine. */
	chunkRows = 64;

	/** Throws ConfigError / RangeError when the config does not fit the data. */
	constructor(id: string, label: string, config: TrainConfig, data: Dataset, learn: Pick<TrainerOptions, 'init' | 'teacher'> = {}) {
		this.id = id;
		this.label = label;
		// Histograms are made per snapshot (slot.snapshotOfLastStep), not per step by the trainer.
		this.trainer = new Trainer(config, data, { histogramBins: 0, ...learn });
		this.model = this.trainer.model;
	}

	get step(): number {
		return this.trainer?.stepsDone ?? 0;
	}
	get epoch(): number {
		return this.trainer?.epochs ?? 0;
	}
	/** An evaluation, a boundary grid or an attack is in progress: the weights must hold still. */
	get busy(): boolean {
		return this.evaluation !== null || this.boundaryJob !== null || this.quantized.length > 0 || this.attacks.length > 0;
	}
	/** More training steps are wanted (play or step(n)), whether or not the model is busy now. */
	get stepsDue(): boolean {
		return this.trainer !== null && this.status === 'training' && this.trainer.stepsDone < this.target;
	}
	/** A training step can be taken now. */
	get canStep(): boolean {
		return this.stepsDue && !this.busy;
	}

	/** Begin a test evaluation of the weights as they are now. */
	startEvaluation(data: Dataset): void {
		this.evaluation = new TestEvaluation(this.step, data);
		this.evalTrainMs = this.trainMs;
	}

	startBoundary(res: number, now: number): void {
		this.boundaryJob = new BoundaryGrid(res);
		this.boundaryStartedAt = now;
		this.boundaryDirty = false;
	}

	finishBoundary(grid: Float32Array, now: number): void {
		this.boundaryJob = null;
		this.boundary = grid;
		this.boundaryCost = now - this.boundaryStartedAt;
		this.boundaryDoneAt = now;
	}

	/** Run one chunk of `rows` rows, timing it to size the next: about 4 ms each. */
	chunk<T>(now: () => number, work: (rows: number) => T): T {
		const t0 = now();
		const out = work(this.chunkRows);
		const ms = now() - t0;
		const next = ms <= 0.5 ? this.chunkRows * 2 : Math.round((this.chunkRows * 4) / ms);
		this.chunkRows = Math.max(8, Math.min(4096, next, this.chunkRows * 2));
		return out;
	}

	/** Replace the trainer by a model loaded from a file: it is evaluated, not trained. */
	load(model: Model, meta: ModelMeta, data: Dataset): void {
		this.trainer = null;
		this.model = model;
		this.meta = meta;
		this.status = 'imported';
		this.target = 0;
		this.last = null;
		this.lastDirty = false;
		this.pending.drain();
		this.test = null;
		this.testDirty = false;
		this.samples = null;
		this.samplesDirty = false;
		this.boundaryDirty = true;
		this.boundaryJob = null;
		this.boundary = null;
		this.startEvaluation(data);
	}

	info(): ModelInfo {
		const mem = this.model.memory();
		return {
			id: this.id,
			label: this.label,
			source: this.status === 'imported' ? 'imported' : 'trained',
			memory: { parameters: mem.parameters, floatBytes: mem.floatBytes, packedBytes: mem.packedBytes },
			backend: gemmBackend(),
			layers: this.model.weighted.map((d) => d.name),
			meta: this.meta
		};
	}

	/** The last step's metrics with fresh weight histograms (`bins` 0: none). */
	snapshotOfLastStep(bins: number): StepSnapshot | null {
		const m = this.last;
		if (!m) return null;
		const dense = this.model.weighted;
		return {
			step: m.step,
			loss: m.loss,
			accuracy: m.accuracy,
			flips: m.flips,
			layers: m.layers.map((l, k) => ({
				name: l.name,
				latent: l.latent,
				gradNorm: l.gradNorm,
				flips: l.flips,
				histogram: bins > 0 ? histogram(dense[k].W.value, bins) : null,
				clipShare: l.clipShare,
				weightClipShare: l.weightClipShare
			}))
		};
	}
}
