/**
 * The messages between the page and the training worker: one typed, versioned
 * protocol. Every message carries `v` (the protocol version); a side that receives
 * another version answers with an `error` instead of guessing.
 *
 * A run is one data set and one or more models trained on it with the same data and
 * seed (a binary network beside its float twin). Run-scoped messages carry the
 * `runId` the page chose in `init`; the worker drops any whose runId is not the
 * current run's, so a slider move that starts a new run can never be answered by
 * the old one. Requests that expect a reply (predict, export, import) carry a
 * `requestId` echoed by the reply or by the `error` that replaces it.
 *
 * Typed arrays in worker -> main messages are fresh buffers, transferred, never
 * shared with the worker's state: the page may keep them.
 */
import type {
	AttackName,
	AttackSpec,
	DistillOptions,
	GemmBackend,
	InputMode,
	ModelMeta,
	QuantizedResult,
	SyntheticName,
	TrainConfig,
	WeightMode
} from '$lib/engine';

export const PROTOCOL_VERSION = 3;
/** The version field's type: every message carries `v: V`. */
export type V = typeof PROTOCOL_VERSION;

// ---------------------------------------------------------------------------
// The run a page asks for.

/** Where the examples come from. Both kinds split into train and test by `seed`. */
export type DataSpec =
	| {
			kind: 'synthetic';
			name: SyntheticName;
			/** 0..1, see the engine's synthetic sets. */
			noise: number;
			/** Points in all, train + test (20% test). */
			n: number;
			seed: number;
	  }
	| {
			kind: 'mnist';
			seed: number;
			/** Where the worker fetches the asset bytes, e.g. `${base}/data/mnist.bin`. */
			url: string;
			/** Training images (default 8000) and test images (default 2000). */
			trainSize?: number;
			testSize?: number;
	  };

/** One model of a run. Every model of a run trains on the same data. */
export interface ModelSpec {
	/** Stable key, e.g. 'binary' or 'float'. */
	id: string;
	/** What the page shows, e.g. 'Binary' or 'Float twin'. */
	label: string;
	config: TrainConfig;
	/** 'teacher': start from the run's teacher's weights (the engine's initFromModel) instead of random ones. */
	init?: 'teacher';
	/** Distil from the run's teacher with this weight a and temperature T (the engine's distillationLoss). */
	distill?: DistillOptions;
}

export interface RunOptions {
	/** Cells per side of the decision-boundary grid of 2-D sets (default 48; 8..256). */
	boundaryResolution?: number;
	/** Bins of each layer's weight histogram over [-1, 1] (default 32; 0 turns histograms off). */
	histogramBins?: number;
	/** Evaluate on the test split every this many steps of a model (default 50), and whenever the run pauses. */
	evalEvery?: number;
	/** Test examples shown as sample predictions for image sets (default 12). */
	samples?: number;
	/** Start training as soon as the run is ready (default true); a play or pause sent while the run loads replaces it. */
	autoplay?: boolean;
	/** Pause by itself after this many steps (default: never). */
	maxSteps?: number;
}

export interface RunSpec {
	runId: number;
	data: DataSpec;
	models: ModelSpec[];
	options?: RunOptions;
	/**
	 * A model file (the packed format of docs/engine.md): the run's teacher, for models with
	 * `init` or `distill`. Loaded once per run, used for inference only, never trained. It must
	 * take the data's inputs and give its classes.
	 */
	teacher?: Uint8Array;
}

// ---------------------------------------------------------------------------
// Main -> worker.

export type ToWorker =
	| { v: V; type: 'init'; run: RunSpec }
	| { v: V; type: 'play'; runId: number }
	| { v: V; type: 'pause'; runId: number }
	/** Train n more steps (each model), then pause. */
	| { v: V; type: 'step'; runId: number; n: number }
	/** Same run from step 0 (imported models give way to fresh ones); keeps playing or paused. */
	| { v: V; type: 'reset'; runId: number }
	/** The page drew the last snapshot: the worker may post the next one. */
	| { v: V; type: 'frame'; runId: number }
	/** Class probabilities for one example (`input`: inputSize features, e.g. a drawn 28x28 digit in [-1, 1]). */
	| { v: V; type: 'predict'; runId: number; requestId: number; modelId: string; input: Float32Array }
	| { v: V; type: 'export'; runId: number; requestId: number; modelId: string }
	/** Replace model `modelId` with the model file `bytes`; it stops training and is evaluated as loaded. */
	| { v: V; type: 'import'; runId: number; requestId: number; modelId: string; bytes: Uint8Array }
	/**
	 * Test accuracy of model `modelId` with every float dense layer's weights quantised to k bits
	 * (per tensor, range max |W|, round half to even; 32 = unquantised), for each k in `bits`
	 * (integers 1..32, at most 32 of them). Evaluated in chunks between training slices; the model
	 * does not step meanwhile. Answered by `quantizedEval`.
	 */
	| { v: V; type: 'evalQuantized'; runId: number; requestId: number; modelId: string; bits: number[] }
	/**
	 * Test accuracy of model `modelId` under an attack at each budget (engine's
	 * AttackEvaluation: budgets on the pixel scale, the first `spec.examples` test examples),
	 * on the weights as they are when the request arrives; transfer crafts its examples on a
	 * copy of model `sourceId` taken then. Computed in blocks between training slices; the
	 * model does not step meanwhile. Answered by `attacked`.
	 */
	| { v: V; type: 'attack'; runId: number; requestId: number; modelId: string; sourceId: string | null; spec: AttackSpec }
	/**
	 * One example attacked at budget `eps` (pixel scale): `input` (inputSize features, a test
	 * digit or one the reader drew) with its `label`, against model `modelId` (transfer: crafted
	 * on `sourceId`). Answered at once by `attackedOne` with the adversarial input; ask
	 * `predict` of each model for what they make of it.
	 */
	| {
			v: V;
			type: 'attackOne';
			runId: number;
			requestId: number;
			modelId: string;
			sourceId: string | null;
			attack: AttackName;
			eps: number;
			input: Float32Array;
			label: number;
			seed: number;
	  }
	/**
	 * Model `modelId`'s dense layers as they are now: weights, last step's gradients, input-base
	 * parameters; with `activations`, the input of dense layer `layer` (before its binarization)
	 * for the first `count` test examples (1..2000), in inference mode. `only`: copy the
	 * weights of these dense layers alone (null: all); `gradients: false` skips the gradients.
	 * Layers left out come with empty arrays, so indices stay those of the model. Answered by `inspected`.
	 */
	| {
			v: V;
			type: 'inspect';
			runId: number;
			requestId: number;
			modelId: string;
			activations: { layer: number; count: number } | null;
			only?: number[] | null;
			gradients?: boolean;
	  }
	/**
	 * Time inference-mode forward passes of `batch` test examples (1..1024) through each model in
	 * `modelIds` (all models when empty), `repeats` times each (1..50), models interleaved; answered
	 * by `inferenceTimes` with medians. Runs between training slices.
	 */
	| { v: V; type: 'timeInference'; runId: number; requestId: number; modelIds: string[]; batch: number; repeats: number }
	/**
	 * How fast playing runs may go: at most `stepsPerSecond` training steps per model per second
	 * (Infinity: as fast as the machine allows). A setting of the worker, not of one run: it holds
	 * for the current run and every later one until changed. Step(n) is never paced.
	 */
	| { v: V; type: 'speed'; stepsPerSecond: number }
	/** Liveness check; answered with `pong` between training slices. */
	| { v: V; type: 'ping'; id: number };

// ---------------------------------------------------------------------------
// Worker -> main.

export interface DataSummary {
	/** 'spiral', 'circles', 'xor', 'gaussians', 'moons' or 'mnist'. */
	name: string;
	nTrain: number;
	nTest: number;
	inputSize: number;
	classes: number;
	/** [rows, cols] for image sets (digits: [28, 28]); null for the 2-D sets. */
	imageShape: [number, number] | null;
	/** The 2-D sets' points, to draw over the decision boundary (null for image sets). */
	points: { trainX: Float32Array; trainY: Uint8Array; testX: Float32Array; testY: Uint8Array } | null;
	/**
	 * Image sets: the test examples used as sample predictions, `images` [count, inputSize]
	 * in [-1, 1] (background -1), with their test-split indices and labels. Null for 2-D sets.
	 */
	samples: { indices: Uint32Array; labels: Uint8Array; images: Float32Array } | null;
}

export interface ModelInfo {
	id: string;
	label: string;
	/** 'trained': trains in this run; 'imported': loaded from a model file, evaluated only. */
	source: 'trained' | 'imported';
	/** Trainable values, bytes as float32 and bytes packed (binary weights 1 bit each). */
	memory: { parameters: number; floatBytes: number; packedBytes: number };
	/** The float kernels training runs on. */
	backend: GemmBackend;
	/** The names of the layers with weights (conv and dense), in order ('conv1', 'dense1', 'dense2', ...). */
	layers: string[];
	/** The model file's meta for imported models, else null. */
	meta: ModelMeta | null;
}

export interface LayerSnapshot {
	name: string;
	/** Binary weights (latent weights stand behind signs). */
	latent: boolean;
	/** L2 norm of the last step's dL/dW. */
	gradNorm: number;
	/** Weights whose sign changed in the last step. */
	flips: number;
	/** Weights over [-1, 1] in `histogramBins` bins (ends absorb values outside); null when off. */
	histogram: Uint32Array | null;
	/** Share of the step's sign-binarized inputs with |x| <= 1, where the clipped STE passes gradient ('sign' inputs; else null). */
	clipShare: number | null;
	/** Share of latent weights with |w| <= 1 (binary weight modes; null for float layers). */
	weightClipShare: number | null;
}

/** The last training step of a model. */
export interface StepSnapshot {
	step: number;
	loss: number;
	accuracy: number;
	/** Sign flips summed over the binary layers. */
	flips: number;
	layers: LayerSnapshot[];
}

/** Per-step series since the previous snapshot (x = step number), to extend the page's charts. */
export interface StepSeries {
	step: Uint32Array;
	loss: Float32Array;
	accuracy: Float32Array;
	flips: Float32Array;
	/** Per dense layer, per step (NaN where a value does not apply, e.g. clipShare of float inputs). */
	layers: LayerSeries[];
}

export interface LayerSeries {
	gradNorm: Float32Array;
	clipShare: Float32Array;
	weightClipShare: Float32Array;
	flips: Float32Array;
}

/** One dense layer of a model as `inspect` sees it. */
export interface LayerInspection {
	name: string;
	units: number;
	inputs: number;
	weightMode: WeightMode;
	inputMode: InputMode;
	/** M weight bases and N input bases (1 unless multibase). */
	bases: number;
	inputBases: number;
	/** Latent (or float) weights W, [units, inputs] row-major (empty when left out by `only`). */
	weights: Float32Array;
	/** dL/dW of the model's last training step, [units, inputs]; zeros before the first step (empty when not asked for). */
	grad: Float32Array;
	/** Multibase inputs: the learned shifts v_n and scales beta_n (N each); else null. */
	inputShifts: Float32Array | null;
	inputScales: Float32Array | null;
}

export interface Inspection {
	modelId: string;
	/** The model's step when inspected. */
	step: number;
	layers: LayerInspection[];
	/** When asked: dense layer `layer`'s input (before f(x)) for the first `count` test examples, [count, inputs]. */
	activations: { layer: number; count: number; values: Float32Array } | null;
}

export interface InferenceTiming {
	modelId: string;
	label: string;
	batch: number;
	repeats: number;
	/** Median ms of one inference-mode forward pass of `batch` test examples. */
	msPerBatch: number;
	msPerExample: number;
	/** Binary layers ran on the packed XNOR-popcount kernel (they have ±1 weights and inputs). */
	packed: boolean;
	/** The kernels used, e.g. 'float: wasm-simd; binary: wasm-simd'. */
	kernels: string;
}

export interface TestSnapshot {
	/** The model's step when it was evaluated. */
	step: number;
	/** Milliseconds the model had spent in training steps by then (its own steps only: no evaluations, no other models). */
	trainMs: number;
	loss: number;
	accuracy: number;
	/** Row = true class, column = predicted; [classes * classes]. */
	confusion: Uint32Array;
}

export interface SamplePrediction {
	/** Index into the test split (and position in DataSummary.samples). */
	index: number;
	label: number;
	predicted: number;
	/** The predicted class's probability. */
	confidence: number;
}

export type ModelStatus = 'training' | 'diverged' | 'imported';

export interface ModelSnapshot {
	id: string;
	status: ModelStatus;
	/** Steps this model has done; epoch: completed epochs, fractional. */
	step: number;
	epoch: number;
	/** Milliseconds this model has spent in its training steps, on the worker's clock. */
	trainMs: number;
	/** The latest step, when the model stepped since the previous snapshot; else null (unchanged). */
	last: StepSnapshot | null;
	/** Steps since the previous snapshot (empty arrays when none). */
	series: StepSeries;
	/** A new test evaluation since the previous snapshot, else null (the last one still holds). */
	test: TestSnapshot | null;
	/**
	 * 2-D sets, when it changed: P(class 1) on a res x res grid over [-1, 1]^2, row-major,
	 * row 0 at the top: cell (r, c) is centred at x = -1 + (2c + 1) / res, y = 1 - (2r + 1) / res.
	 * Null when unchanged or for image sets.
	 */
	boundary: Float32Array | null;
	/** Image sets, with each new test evaluation: predictions for DataSummary.samples. Else null. */
	samples: SamplePrediction[] | null;
}

export interface Snapshot {
	v: V;
	type: 'snapshot';
	runId: number;
	/** Counts resets of this run; a snapshot from before a reset has a smaller one. */
	generation: number;
	/** The run's step (the most any model has done) and epoch (fractional). */
	step: number;
	epoch: number;
	/** Training goes on (play, or a step(n) not yet done); false once the run rests. */
	running: boolean;
	/**
	 * How many play/pause/step/reset messages of this run the worker had received when it
	 * posted this. The page takes `running` as its status only when this equals the number
	 * it sent: a snapshot already in flight when pause was pressed must not flip it back.
	 */
	control: number;
	models: ModelSnapshot[];
}

export type ErrorKind = 'config' | 'data' | 'format' | 'internal';

export type FromWorker =
	| {
			v: V;
			type: 'ready';
			runId: number;
			generation: number;
			data: DataSummary;
			models: ModelInfo[];
	  }
	| Snapshot
	| { v: V; type: 'prediction'; runId: number; requestId: number; modelId: string; probabilities: Float32Array }
	| { v: V; type: 'exported'; runId: number; requestId: number; modelId: string; bytes: Uint8Array }
	/** The import replaced the model; `model` describes what was loaded. */
	| { v: V; type: 'imported'; runId: number; requestId: number; model: ModelInfo }
	/**
	 * Answers `evalQuantized`: one result per requested width, in order, for the weights at `step`;
	 * `ranges`: each float dense layer's quantiser range max |W| then.
	 */
	| { v: V; type: 'quantizedEval'; runId: number; requestId: number; modelId: string; step: number; ranges: number[]; results: QuantizedResult[] }
	/** Answers `attack`: the accuracy at each requested budget, in order, for the weights at `step`. */
	| { v: V; type: 'attacked'; runId: number; requestId: number; modelId: string; step: number; examples: number; accuracy: number[] }
	/** Answers `attackOne`: the adversarial input (a fresh buffer). */
	| { v: V; type: 'attackedOne'; runId: number; requestId: number; modelId: string; adversarial: Float32Array }
	| { v: V; type: 'inspected'; runId: number; requestId: number; inspection: Inspection }
	| { v: V; type: 'inferenceTimes'; runId: number; requestId: number; timings: InferenceTiming[] }
	| {
			v: V;
			type: 'error';
			/** The run it concerns (null: not about a run, e.g. a malformed message). */
			runId: number | null;
			/** Set when it answers a predict/export/import request. */
			requestId: number | null;
			message: string;
			kind: ErrorKind;
			/** The worker still works: the run goes on (or a new init/reset will work). */
			recoverable: boolean;
	  }
	/** The model's loss or weights stopped being finite at `step`; it stops, the others go on. */
	| { v: V; type: 'diverged'; runId: number; modelId: string; step: number }
	/** The data set is downloading: bytes so far and in all (null when the server did not say). At most ~10 a second. */
	| { v: V; type: 'loading'; runId: number; loaded: number; total: number | null }
	| { v: V; type: 'pong'; id: number };

/** Every message type of either direction, for exhaustive switches. */
export type ToWorkerType = ToWorker['type'];
export type FromWorkerType = FromWorker['type'];

/** Defaults of {@link RunOptions}. */
export const DEFAULT_OPTIONS: Required<Omit<RunOptions, 'maxSteps'>> & { maxSteps: number } = {
	boundaryResolution: 48,
	histogramBins: 32,
	evalEvery: 50,
	samples: 12,
	autoplay: true,
	maxSteps: Infinity
};
