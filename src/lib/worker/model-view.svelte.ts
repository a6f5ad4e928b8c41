/**
 * One model of a run as the page renders it: runes updated from the worker's
 * snapshots. Charts read `history` and `testHistory` (bounded series, fresh arrays
 * on each change), figures read `last`, `test`, `boundary` and `samples`.
 */
import type { ModelMeta } from '$lib/engine';
import type { ModelInfo, ModelSnapshot, ModelStatus, SamplePrediction, StepSnapshot, TestSnapshot } from './protocol';
import { Series, emptyView, type SeriesView } from './series';

export const STEP_KEYS = ['loss', 'accuracy', 'flips'] as const;
export const TEST_KEYS = ['loss', 'accuracy', 'trainMs'] as const;
export const LAYER_KEYS = ['gradNorm', 'clipShare', 'weightClipShare', 'flips'] as const;
export type LayerSeriesView = SeriesView<(typeof LAYER_KEYS)[number]>;
export type StepSeriesView = SeriesView<(typeof STEP_KEYS)[number]>;
export type TestSeriesView = SeriesView<(typeof TEST_KEYS)[number]>;

/** One model of the run, as the page renders it. */
export class ModelView {
	readonly id: string;
	label = $state('');
	status = $state<ModelStatus>('training');
	/** 'imported' models come from a model file and do not train. */
	source = $state<'trained' | 'imported'>('trained');
	memory = $state.raw<ModelInfo['memory'] | null>(null);
	backend = $state<ModelInfo['backend'] | null>(null);
	/** Dense layer names, in order. */
	layers = $state.raw<string[]>([]);
	/** The model file's meta, for imported models. */
	meta = $state.raw<ModelMeta | null>(null);
	step = $state(0);
	epoch = $state(0);
	/** Milliseconds this model has spent in training steps (the worker's clock). */
	trainMs = $state(0);
	/** The step at which the loss went non-finite, when status is 'diverged'. */
	divergedAt = $state<number | null>(null);
	/** The latest step: loss, accuracy, flips and per layer gradNorm, flips, histogram. */
	last = $state.raw<StepSnapshot | null>(null);
	/** Per-step loss, accuracy and flips (bounded; see Series). */
	history = $state.raw<StepSeriesView>(emptyView(STEP_KEYS));
	/** The latest test evaluation (loss, accuracy, confusion). */
	test = $state.raw<TestSnapshot | null>(null);
	/** Test loss and accuracy at each evaluation, and the training milliseconds spent by then. */
	testHistory = $state.raw<TestSeriesView>(emptyView(TEST_KEYS));
	/**
	 * Per dense layer, per step: gradient norm, clip-window share of sign inputs, share of
	 * latent weights within [-1, 1] (NaN where they do not apply) and sign flips.
	 */
	layerHistory = $state.raw<LayerSeriesView[]>([]);
	/** 2-D sets: P(class 1) on the boundary grid (see ModelSnapshot.boundary). */
	boundary = $state.raw<Float32Array | null>(null);
	/** Image sets: predictions for the sample test images (DataSummary.samples). */
	samples = $state.raw<SamplePrediction[] | null>(null);

	private steps: Series<(typeof STEP_KEYS)[number]>;
	private tests: Series<(typeof TEST_KEYS)[number]>;
	private layerSteps: Series<(typeof LAYER_KEYS)[number]>[] = [];
	private readonly historyCap: number;

	constructor(id: string, label: string, historyCap = 2000) {
		this.id = id;
		this.label = label;
		this.steps = new Series(STEP_KEYS, historyCap);
		this.tests = new Series(TEST_KEYS, historyCap);
		this.historyCap = historyCap;
	}

	/** @internal */
	setInfo(info: ModelInfo): void {
		this.label = info.label;
		this.source = info.source;
		this.memory = info.memory;
		this.backend = info.backend;
		this.layers = info.layers;
		this.meta = info.meta;
	}

	/** @internal Forget everything trained (a reset, or an import into this slot). */
	clear(): void {
		this.steps.clear();
		this.tests.clear();
		this.history = this.steps.view();
		this.testHistory = this.tests.view();
		this.layerSteps = [];
		this.layerHistory = [];
		this.status = 'training';
		this.step = 0;
		this.epoch = 0;
		this.trainMs = 0;
		this.divergedAt = null;
		this.last = null;
		this.test = null;
		this.boundary = null;
		this.samples = null;
	}

	/** @internal */
	apply(s: ModelSnapshot): void {
		this.status = s.status;
		this.step = s.step;
		this.epoch = s.epoch;
		this.trainMs = s.trainMs ?? 0;
		if (s.last) this.last = s.last;
		if (s.series.step.length > 0) {
			this.steps.pushMany(s.series.step, s.series);
			this.history = this.steps.view();
			s.series.layers.forEach((cols, k) => {
				const series = (this.layerSteps[k] ??= new Series(LAYER_KEYS, this.historyCap));
				series.pushMany(s.series.step, cols);
			});
			if (s.series.layers.length > 0) this.layerHistory = this.layerSteps.map((x) => x.view());
		}
		if (s.test) {
			this.test = s.test;
			this.tests.push(s.test.step, s.test.loss, s.test.accuracy, s.test.trainMs ?? NaN);
			this.testHistory = this.tests.view();
		}
		if (s.boundary) this.boundary = s.boundary;
		if (s.samples) this.samples = s.samples;
	}
}
