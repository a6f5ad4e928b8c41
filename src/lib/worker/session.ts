/**
 * The training worker's logic as a plain class: it owns one run (a data set and the
 * models trained on it), trains in slices of about 12 ms, and speaks the protocol of
 * ./protocol. Its host (the worker shell, or a test) injects the outside world:
 * `post` to send, `now` for the clock, `schedule` to run the next slice after the
 * event loop has delivered pending messages (setTimeout 0 in the worker), and
 * `fetchBytes` for the digits asset. So vitest drives it in node with a fake clock.
 *
 * Work happens in slices. A slice takes turns over the models (round robin, one step
 * or one evaluation chunk each) until the slice's time is up, then yields, so pause,
 * reset, a new run or a prediction is answered within a slice. Test evaluations run
 * in chunks too, and a model being evaluated does not step, so its evaluation sees
 * one set of weights.
 *
 * Snapshots: at most one per `frame` acknowledgement (the page draws at its pace and
 * is never flooded), except the final state when the run stops (pause, step(n) done,
 * maxSteps reached), which is always posted. Every typed array in a snapshot is
 * fresh and listed for transfer.
 *
 * Errors: every handler runs inside a catch that turns the exception into an
 * `error` message (a bad config is kind 'config', a bad model file 'format', a
 * missing asset 'data', anything else 'internal' and stops the run); the session
 * never throws to its host.
 */
import {
	ATTACK_NAMES,
	AttackEvaluation,
	ConfigError,
	FormatError,
	QuantizedEvaluation,
	SYNTHETIC_NAMES,
	binaryGemmBackend,
	checkDistillOptions,
	craft,
	createRng,
	exportModel,
	gemmBackend,
	importModel,
	makeSynthetic,
	mnistDataset,
	pixelBudget,
	softmax,
	validateTrainConfig,
	type AttackSpec,
	type Dataset,
	type Model,
	type ModelMeta,
	type QuantizedResult,
	type TrainConfig
} from '$lib/engine';
import {
	DEFAULT_OPTIONS,
	PROTOCOL_VERSION,
	type DataSpec,
	type DataSummary,
	type ErrorKind,
	type FromWorker,
	type InferenceTiming,
	type Inspection,
	type LayerInspection,
	type ModelSnapshot,
	type RunOptions,
	type RunSpec,
	type StepSnapshot,
	type TestSnapshot,
	type ToWorker
} from './protocol';
import { median } from '$lib/bench/measure';
import { samplePredictions } from './readout';
import { Slot } from './slot';

export interface SessionHost {
	post(msg: FromWorker, transfer: Transferable[]): void;
	/** Milliseconds, monotonic. */
	now(): number;
	/** Run `fn` soon, after messages already queued (setTimeout 0). */
	schedule(fn: () => void): void;
	/** Run `fn` in about `ms` milliseconds (setTimeout ms); used while a paced run waits for its next step. Default: schedule. */
	scheduleIn?(fn: () => void, ms: number): void;
	/** The bytes at `url`; `progress` (if the host can) reports bytes received and the total, when known. */
	fetchBytes(url: string, progress?: (loaded: number, total: number | null) => void): Promise<Uint8Array>;
}

export interface SessionOptions {
	/** Time budget of one slice, ms (default 12). */
	sliceMs?: number;
	/** Steps a model may accumulate between snapshots before every other one is dropped (default 16384). */
	seriesCap?: number;
}

type Options = typeof DEFAULT_OPTIONS;

interface Run {
	spec: RunSpec;
	options: Options;
	data: Dataset;
	slots: Slot[];
	generation: number;
	/** Play was pressed and not yet paused (or stopped by maxSteps). */
	playing: boolean;
	cursor: number;
	/** Something changed since the last snapshot. */
	dirty: boolean;
	/** A snapshot went out and its frame has not come back. */
	awaitingFrame: boolean;
	/** Draw decision boundaries (a 2-D, 2-class set). */
	twoD: boolean;
	sampleCount: number;
	/** Pacing: since `t0` (ms), the run may step `stepsPerSecond` steps per second beyond step `base`. */
	pace: { t0: number; base: number };
	/** The run's teacher (RunSpec.teacher), loaded once; null when it has none. */
	teacher: Model | null;
}

/** The kernels a forward pass runs on, for the page to name. */
function kernelNames(packed: boolean): string {
	return packed ? `float: ${gemmBackend()}; binary: ${binaryGemmBackend()}` : `float: ${gemmBackend()}`;
}

/** Errors that carry their kind across the catch-all. */
class KindError extends Error {
	constructor(
		readonly kind: ErrorKind,
		message: string
	) {
		super(message);
	}
}

const MAX_STEP_N = 1_000_000;
/** Fastest finite pace accepted (steps per second); faster means unpaced. */
const MAX_PACE = 1_000_000;
/**
 * At or below this pace a model waiting for its next step evaluates on the test split and
 * redraws its boundary meanwhile, so a slow, narrated run shows fresh test metrics at
 * every step; faster, those wait for the usual evalEvery (they would cost steps).
 */
const IDLE_EVAL_PACE = 20;
/** Messages that expect a reply (or an error naming their requestId). */
const REQUESTS: ReadonlySet<ToWorker['type']> = new Set(['predict', 'export', 'import', 'evalQuantized', 'attack', 'attackOne', 'inspect', 'timeInference']);

export class Session {
	private readonly host: SessionHost;
	private readonly sliceMs: number;
	private readonly seriesCap: number;
	private run: Run | null = null;
	/** The run being loaded (its data is on the way), with the play/pause wish made meanwhile. */
	private loading: { spec: RunSpec; autoplay: boolean } | null = null;
	private sliceScheduled = false;
	/** play/pause/step/reset messages received for the current run (echoed in snapshots). */
	private controls = 0;
	private currentRunId: number | null = null;
	/** The asset download, shared by every run that wants the same url (a slider drag starts many). */
	private download: { url: string; bytes: Promise<Uint8Array> } | null = null;
	private dataCache: { key: string; data: Dataset } | null = null;
	/** Steps per second per model while playing (Infinity: unpaced); see the `speed` message. */
	private stepsPerSecond = Infinity;
	/** When the pending wake-up of a paced run fires (ms), or null. */
	private wakeAt: number | null = null;
	/** The model that took a training step in the current unit of work, if one did (timed by the slice). */
	private stepped: Slot | null = null;

	constructor(host: SessionHost, opts: SessionOptions = {}) {
		this.host = host;
		this.sliceMs = opts.sliceMs ?? 12;
		this.seriesCap = opts.seriesCap ?? 16384;
	}

	/** The current run's id (loading, running, or whose setup failed), or null before any init. */
	get runId(): number | null {
		return this.currentRunId;
	}

	/** Handle one message from the page. Never throws. */
	receive(raw: unknown): void {
		const msg = raw as ToWorker;
		let runId: number | null = null;
		let requestId: number | null = null;
		try {
			if (typeof msg !== 'object' || msg === null || typeof (msg as { type?: unknown }).type !== 'string')
				throw new KindError('internal', 'the worker received a message it does not understand');
			if (msg.v !== PROTOCOL_VERSION)
				throw new KindError('internal', `the page speaks protocol version ${String(msg.v)}; this worker speaks ${PROTOCOL_VERSION}`);
			if (msg.type === 'init') runId = typeof msg.run?.runId === 'number' ? msg.run.runId : null;
			else if ('runId' in msg) runId = msg.runId;
			if ('requestId' in msg) requestId = msg.requestId;
			this.dispatch(msg);
		} catch (e) {
			this.fail(e, runId, requestId);
		}
	}

	private dispatch(msg: ToWorker): void {
		if (msg.type === 'ping') {
			this.post({ v: PROTOCOL_VERSION, type: 'pong', id: msg.id });
			return;
		}
		if (msg.type === 'init') {
			this.init(msg.run);
			return;
		}
		if (msg.type === 'speed') {
			this.setSpeed(msg.stepsPerSecond);
			return;
		}
		// Everything else belongs to a run: drop what concerns an older one.
		if (msg.runId !== this.runId) return;
		if (msg.type === 'play' || msg.type === 'pause' || msg.type === 'step' || msg.type === 'reset') this.controls++;
		if (this.loading) {
			if (msg.type === 'play') this.loading.autoplay = true;
			else if (msg.type === 'pause') this.loading.autoplay = false;
			else if (REQUESTS.has(msg.type)) throw new KindError('config', 'the data set is still loading: try again in a moment');
			return;
		}
		const run = this.run;
		if (!run) {
			if (REQUESTS.has(msg.type)) throw new KindError('config', 'this run has no models (its setup failed): start it again');
			return;
		}
		switch (msg.type) {
			case 'play':
				run.playing = true;
				this.restartPace(run);
				for (const s of run.slots) s.target = run.options.maxSteps;
				break;
			case 'pause':
				this.stop(run);
				break;
			case 'step': {
				const n = msg.n;
				if (!Number.isInteger(n) || n < 1 || n > MAX_STEP_N)
					throw new KindError('config', `step count must be an integer from 1 to ${MAX_STEP_N}, got ${n}`);
				run.playing = false;
				for (const s of run.slots) s.target = Math.min(s.step + n, run.options.maxSteps);
				break;
			}
			case 'reset':
				this.reset(run);
				break;
			case 'frame':
				// Not a change: a resting run must not answer each frame with another snapshot.
				run.awaitingFrame = false;
				if (run.dirty) this.kick();
				return;
			case 'predict':
				this.predict(run, msg.requestId, msg.modelId, msg.input);
				return;
			case 'export':
				this.exportSlot(run, msg.requestId, msg.modelId);
				return;
			case 'import':
				this.importSlot(run, msg.requestId, msg.modelId, msg.bytes);
				break;
			case 'evalQuantized':
				this.evalQuantized(run, msg.requestId, msg.modelId, msg.bits);
				break;
			case 'attack':
				this.attack(run, msg.requestId, msg.modelId, msg.sourceId, msg.spec);
				break;
			case 'attackOne':
				this.attackOne(run, msg);
				return;
			case 'inspect':
				this.inspect(run, msg.requestId, msg.modelId, msg.activations, msg.only ?? null, msg.gradients ?? true);
				return;
			case 'timeInference':
				this.timeInference(run, msg.requestId, msg.modelIds, msg.batch, msg.repeats);
				return;
			default:
				throw new KindError('internal', `unknown message type ${JSON.stringify((msg as { type: unknown }).type)}`);
		}
		run.dirty = true;
		this.kick();
	}

	// ---------------------------------------------------------------------------
	// Runs.

	private init(spec: RunSpec): void {
		// Whatever happens next, the old run is over.
		this.run = null;
		this.loading = null;
		this.controls = 0;
		this.currentRunId = null;
		if (typeof spec !== 'object' || spec === null || typeof spec.runId !== 'number')
			throw new KindError('internal', 'init needs a run with a numeric runId');
		this.currentRunId = spec.runId;
		const options = checkOptions(spec.options);
		if (!Array.isArray(spec.models) || spec.models.length === 0) throw new KindError('config', 'a run needs at least one model');
		const ids = new Set<string>();
		const configs = spec.models.map((m) => {
			if (typeof m?.id !== 'string' || ids.has(m.id)) throw new KindError('config', `model ids must be distinct strings, got ${JSON.stringify(m?.id)}`);
			ids.add(m.id);
			if ((m.init !== undefined || m.distill !== undefined) && !(spec.teacher instanceof Uint8Array))
				throw new KindError('config', `${m.label || m.id}: learning from a teacher needs the run's teacher (a model file)`);
			if (m.init !== undefined && m.init !== 'teacher')
				throw new KindError('config', `${m.label || m.id}: init must be 'teacher', got ${JSON.stringify(m.init)}`);
			try {
				if (m.distill !== undefined) checkDistillOptions(m.distill);
				return validateTrainConfig(m.config);
			} catch (e) {
				throw new KindError('config', `${m.label || m.id}: ${errorMessage(e)}`);
			}
		});
		const data = this.cachedData(spec.data);
		if (data) {
			this.start(spec, options, configs, data, options.autoplay);
			return;
		}
		if (spec.data?.kind !== 'mnist') throw new KindError('config', `unknown data set kind ${JSON.stringify((spec.data as { kind?: unknown })?.kind)}`);
		const dataSpec = spec.data;
		this.loading = { spec, autoplay: options.autoplay };
		const loading = this.loading;
		this.bytes(dataSpec.url).then(
			(bytes) => {
				if (this.loading !== loading) return; // a newer init took over
				try {
					this.loading = null;
					let ds: Dataset;
					try {
						ds = mnistDataset(bytes, { seed: dataSpec.seed, trainSize: dataSpec.trainSize, testSize: dataSpec.testSize });
					} catch (e) {
						throw new KindError(e instanceof FormatError ? 'data' : 'config', `the digits could not be read: ${errorMessage(e)}`);
					}
					this.dataCache = { key: dataKey(dataSpec), data: ds };
					this.start(spec, options, configs, ds, loading.autoplay);
				} catch (e) {
					this.fail(e, spec.runId, null);
				}
			},
			(e) => {
				if (this.loading !== loading) return;
				this.loading = null;
				this.fail(new KindError('data', `the digits could not be loaded: ${errorMessage(e)}`), spec.runId, null);
			}
		);
	}

	/** The asset's bytes: one download per url, kept; a failed one is tried again next time. */
	private bytes(url: string): Promise<Uint8Array> {
		if (this.download?.url === url) return this.download.bytes;
		let last = -Infinity;
		const progress = (loaded: number, total: number | null): void => {
			// To whichever run is waiting for these bytes now; about ten a second, and the last.
			const now = this.host.now();
			if (!this.loading || (now - last < 100 && loaded !== total)) return;
			last = now;
			this.host.post({ v: PROTOCOL_VERSION, type: 'loading', runId: this.loading.spec.runId, loaded, total }, []);
		};
		const bytes = Promise.resolve().then(() => this.host.fetchBytes(url, progress));
		const download = { url, bytes };
		this.download = download;
		bytes.catch(() => {
			if (this.download === download) this.download = null;
		});
		return bytes;
	}

	/** The data set of a spec if it can be had now (synthetic, or cached), else null (fetch needed). */
	private cachedData(spec: DataSpec): Dataset | null {
		if (typeof spec !== 'object' || spec === null) throw new KindError('config', 'the run needs a data set');
		const key = dataKey(spec);
		if (this.dataCache?.key === key) return this.dataCache.data;
		if (spec.kind === 'synthetic') {
			if (!(SYNTHETIC_NAMES as readonly string[]).includes(spec.name))
				throw new KindError('config', `unknown data set '${spec.name}': one of ${SYNTHETIC_NAMES.join(', ')}`);
			let data: Dataset;
			try {
				data = makeSynthetic(spec.name, { n: spec.n, noise: spec.noise, seed: spec.seed });
			} catch (e) {
				throw new KindError('config', `${spec.name}: ${errorMessage(e)}`);
			}
			this.dataCache = { key, data };
			return data;
		}
		if (spec.kind === 'mnist') {
			if (typeof spec.url !== 'string' || spec.url === '') throw new KindError('config', 'the digits need the url of their asset');
			return null;
		}
		throw new KindError('config', `unknown data set kind ${JSON.stringify((spec as { kind?: unknown }).kind)}`);
	}

	private start(spec: RunSpec, options: Options, configs: TrainConfig[], data: Dataset, autoplay: boolean): void {
		const run: Run = {
			spec,
			options,
			data,
			slots: [],
			generation: 0,
			playing: false,
			cursor: 0,
			dirty: true,
			awaitingFrame: false,
			twoD: data.inputSize === 2 && data.numClasses === 2 && !data.imageShape,
			sampleCount: data.imageShape ? Math.min(options.samples, data.nTest) : 0,
			pace: { t0: this.host.now(), base: 0 },
			teacher: null
		};
		if (spec.teacher instanceof Uint8Array) run.teacher = loadTeacher(spec.teacher, data);
		run.slots = this.buildSlots(spec, configs, data, run.teacher);
		this.run = run;
		this.postReady(run);
		if (autoplay) {
			run.playing = true;
			for (const s of run.slots) s.target = options.maxSteps;
		}
		this.kick();
	}

	private buildSlots(spec: RunSpec, configs: TrainConfig[], data: Dataset, teacher: Model | null): Slot[] {
		return spec.models.map((m, i) => {
			try {
				const learn = {
					init: m.init === 'teacher' && teacher ? teacher : undefined,
					teacher: m.distill && teacher ? { model: teacher, ...m.distill } : undefined
				};
				const slot = new Slot(m.id, m.label, configs[i], data, learn);
				slot.startEvaluation(data); // test metrics at step 0: where the curves start
				return slot;
			} catch (e) {
				throw new KindError('config', `${m.label || m.id}: ${errorMessage(e)}`);
			}
		});
	}

	private reset(run: Run): void {
		for (const s of run.slots) this.dropQuantized(run, s, 'the run was reset before the quantised evaluation finished');
		for (const s of run.slots) this.dropAttacks(run, s, 'the run was reset before the attack finished');
		const configs = run.spec.models.map((m) => validateTrainConfig(m.config));
		run.slots = this.buildSlots(run.spec, configs, run.data, run.teacher);
		run.generation++;
		run.cursor = 0;
		run.awaitingFrame = false;
		for (const s of run.slots) s.target = run.playing ? run.options.maxSteps : 0;
		this.restartPace(run);
		this.postReady(run);
	}

	/**
	 * Stop stepping; the run finishes its evaluations and posts its final state. A model
	 * one step behind (round robin) catches up, so twins pause at the same step.
	 */
	private stop(run: Run): void {
		run.playing = false;
		const top = Math.max(...run.slots.map((s) => s.step));
		for (const s of run.slots) s.target = Math.min(top, run.options.maxSteps);
	}

	private postReady(run: Run): void {
		const d = run.data;
		const twoD = d.inputSize === 2 && !d.imageShape;
		const k = run.sampleCount;
		const data: DataSummary = {
			name: d.name,
			nTrain: d.nTrain,
			nTest: d.nTest,
			inputSize: d.inputSize,
			classes: d.numClasses,
			imageShape: d.imageShape ? [d.imageShape[0], d.imageShape[1]] : null,
			points: twoD ? { trainX: d.trainX.slice(), trainY: d.trainY.slice(), testX: d.testX.slice(), testY: d.testY.slice() } : null,
			samples:
				k > 0 ? { indices: Uint32Array.from({ length: k }, (_, i) => i), labels: d.testY.slice(0, k), images: d.testX.slice(0, k * d.inputSize) } : null
		};
		const transfer: Transferable[] = [];
		if (data.points) transfer.push(data.points.trainX.buffer, data.points.trainY.buffer, data.points.testX.buffer, data.points.testY.buffer);
		if (data.samples) transfer.push(data.samples.indices.buffer, data.samples.labels.buffer, data.samples.images.buffer);
		this.post(
			{ v: PROTOCOL_VERSION, type: 'ready', runId: run.spec.runId, generation: run.generation, data, models: run.slots.map((s) => s.info()) },
			transfer
		);
	}

	// ---------------------------------------------------------------------------
	// Slices.

	private kick(): void {
		if (this.sliceScheduled) return;
		this.sliceScheduled = true;
		this.host.schedule(() => {
			this.sliceScheduled = false;
			const run = this.run;
			if (!run) return;
			try {
				this.slice(run);
			} catch (e) {
				// Stop dead (no catching up): the failing model must not be stepped again by itself.
				run.playing = false;
				for (const s of run.slots) {
					s.target = s.step;
					s.evaluation = s.boundaryJob = null;
				}
				this.fail(e, run.spec.runId, null);
			}
		});
	}

	private slice(run: Run): void {
		const t0 = this.host.now();
		const n = run.slots.length;
		let idle = 0,
			before = t0;
		while (idle < n) {
			const slot = run.slots[run.cursor];
			run.cursor = (run.cursor + 1) % n;
			this.stepped = null;
			if (this.work(run, slot)) {
				idle = 0;
				run.dirty = true;
			} else idle++;
			// The clock read that ends the slice also times a training step (Slot.trainMs), with no read of its own.
			const now = this.host.now();
			const stepped = this.stepped as Slot | null; // set by work() (TypeScript cannot see it)
			if (stepped) stepped.trainMs += now - before;
			before = now;
			if (now - t0 >= this.sliceMs) break;
		}
		if (run.playing && !run.slots.some((s) => s.stepsDue)) run.playing = false; // maxSteps reached, or every model stopped
		const more = run.slots.some((s) => this.hasWork(run, s));
		if (!more && run.playing && run.slots.some((s) => s.canStep)) {
			// Paced, waiting for the next step: snapshots keep to the frame rate, and a timer wakes the run.
			if (run.dirty && !run.awaitingFrame) this.postSnapshot(run);
			this.wakeForNextStep(run);
			return;
		}
		if (!more) {
			// The run came to rest: its final state always goes out.
			if (run.dirty) this.postSnapshot(run);
			return;
		}
		if (run.dirty && !run.awaitingFrame) this.postSnapshot(run);
		this.kick();
	}

	private hasWork(run: Run, s: Slot): boolean {
		return s.busy || this.mayStep(run, s) || this.needsFinalEval(run, s) || this.wantsBoundary(run, s);
	}

	/**
	 * No more steps are due for this model (paused, stepped, at maxSteps, imported or diverged),
	 * or, in a slowly paced run, none is due yet: time to evaluate and draw what the last step did.
	 */
	private atRest(run: Run, s: Slot): boolean {
		if (!run.playing && !s.stepsDue) return true;
		return run.playing && this.stepsPerSecond <= IDLE_EVAL_PACE && s.canStep && !this.paceAllows(run, s);
	}

	// ---------------------------------------------------------------------------
	// Pacing (the `speed` message).

	private setSpeed(stepsPerSecond: unknown): void {
		if (typeof stepsPerSecond !== 'number' || !(stepsPerSecond > 0))
			throw new KindError('config', `the speed must be a positive number of steps per second, got ${JSON.stringify(stepsPerSecond)}`);
		this.stepsPerSecond = stepsPerSecond > MAX_PACE ? Infinity : stepsPerSecond;
		const run = this.run;
		if (!run) return;
		this.restartPace(run);
		this.wakeAt = null;
		run.dirty = true;
		this.kick();
	}

	/** Count the pace from now and the run's present step (on play, reset and a new speed): no burst of steps owed. */
	private restartPace(run: Run): void {
		run.pace = { t0: this.host.now(), base: Math.max(0, ...run.slots.map((s) => s.step)) };
	}

	/** Steps the pace allows a model to have done by now: the first at once, then one every 1/speed seconds. */
	private pacedLimit(run: Run): number {
		if (!run.playing || this.stepsPerSecond === Infinity) return Infinity;
		return run.pace.base + 1 + Math.floor(((this.host.now() - run.pace.t0) * this.stepsPerSecond) / 1000);
	}

	private paceAllows(run: Run, s: Slot): boolean {
		return s.step < this.pacedLimit(run);
	}

	private mayStep(run: Run, s: Slot): boolean {
		return s.canStep && this.paceAllows(run, s);
	}

	/** Schedule a slice for when the pace allows the next step (once; an earlier need replaces a later one). */
	private wakeForNextStep(run: Run): void {
		const now = this.host.now();
		const owed = Math.floor(((now - run.pace.t0) * this.stepsPerSecond) / 1000) + 1;
		const at = run.pace.t0 + (owed * 1000) / this.stepsPerSecond;
		if (this.wakeAt !== null && this.wakeAt <= at && this.wakeAt >= now) return;
		this.wakeAt = at;
		const fire = () => {
			if (this.wakeAt !== at) return; // replaced by a later plan
			this.wakeAt = null;
			if (this.run === run) this.kick();
		};
		const delay = Math.max(1, Math.ceil(at - now));
		if (this.host.scheduleIn) this.host.scheduleIn(fire, delay);
		else this.host.schedule(fire);
	}

	/** A model at rest whose test metrics are older than its weights. */
	private needsFinalEval(run: Run, s: Slot): boolean {
		return this.atRest(run, s) && s.status !== 'diverged' && s.test?.step !== s.step;
	}

	/**
	 * A new boundary grid is due: the weights changed, and either the model is at rest
	 * (its final state must show the boundary as it is) or the last grid went out and
	 * drawing grids would take at most a quarter of the time (3 x its cost has passed).
	 */
	private wantsBoundary(run: Run, s: Slot): boolean {
		if (!run.twoD || !s.boundaryDirty || s.boundaryJob || s.status === 'diverged') return false;
		if (this.atRest(run, s)) return true;
		return s.boundary === null && this.host.now() - s.boundaryDoneAt >= 3 * s.boundaryCost;
	}

	/** One unit of work for a model: a chunk of an evaluation or a grid, or a training step. False if it has none. */
	private work(run: Run, s: Slot): boolean {
		if (!s.busy) {
			if (this.wantsBoundary(run, s)) s.startBoundary(run.options.boundaryResolution, this.host.now());
			else if (this.mayStep(run, s)) {
				this.trainStep(run, s);
				return true;
			} else if (this.needsFinalEval(run, s)) s.startEvaluation(run.data);
			else return false;
		}
		const now = () => this.host.now();
		if (s.evaluation) {
			const evaluation = s.evaluation;
			const result = s.chunk(now, (rows) => evaluation.advance(s.model, rows));
			if (result) {
				s.evaluation = null;
				s.test = { ...result, trainMs: s.evalTrainMs };
				s.testDirty = true;
				if (run.sampleCount > 0) {
					s.samples = samplePredictions(s.model, run.data, run.sampleCount);
					s.samplesDirty = true;
				}
			}
		} else if (s.boundaryJob) {
			const job = s.boundaryJob;
			const grid = s.chunk(now, (rows) => job.advance(s.model, rows));
			if (grid) s.finishBoundary(grid, this.host.now());
		} else if (s.quantized.length > 0) this.quantizedChunk(run, s);
		else if (s.attacks.length > 0) this.attackChunk(run, s);
		return true;
	}

	private trainStep(run: Run, s: Slot): void {
		const m = s.trainer!.step();
		this.stepped = s;
		s.last = m;
		s.lastDirty = true;
		s.boundaryDirty = true;
		if (m.diverged) {
			s.status = 'diverged';
			this.post({ v: PROTOCOL_VERSION, type: 'diverged', runId: run.spec.runId, modelId: s.id, step: m.step });
			return;
		}
		s.pending.push(m, this.seriesCap);
		if (m.step % run.options.evalEvery === 0) s.startEvaluation(run.data);
	}

	// ---------------------------------------------------------------------------
	// Snapshots.

	private postSnapshot(run: Run): void {
		const transfer: Transferable[] = [];
		const models = run.slots.map((s): ModelSnapshot => {
			const series = s.pending.drain();
			transfer.push(series.step.buffer, series.loss.buffer, series.accuracy.buffer, series.flips.buffer);
			for (const l of series.layers) transfer.push(l.gradNorm.buffer, l.clipShare.buffer, l.weightClipShare.buffer, l.flips.buffer);
			let last: StepSnapshot | null = null;
			if (s.lastDirty && s.last) {
				last = s.snapshotOfLastStep(run.options.histogramBins);
				for (const l of last?.layers ?? []) if (l.histogram) transfer.push(l.histogram.buffer);
				s.lastDirty = false;
			}
			let test: TestSnapshot | null = null;
			if (s.testDirty && s.test) {
				test = { ...s.test, confusion: s.test.confusion.slice() };
				transfer.push(test.confusion.buffer);
				s.testDirty = false;
			}
			const boundary = s.boundary;
			s.boundary = null; // transferred: the worker keeps no view of it
			if (boundary) transfer.push(boundary.buffer);
			const samples = s.samplesDirty ? s.samples : null;
			s.samplesDirty = false;
			return { id: s.id, status: s.status, step: s.step, epoch: s.epoch, trainMs: s.trainMs, last, series, test, boundary, samples };
		});
		const lead = run.slots.reduce((a, s) => (s.step > a.step ? s : a), run.slots[0]);
		this.post(
			{
				v: PROTOCOL_VERSION,
				type: 'snapshot',
				runId: run.spec.runId,
				generation: run.generation,
				step: lead.step,
				epoch: lead.epoch,
				running: run.playing || run.slots.some((s) => s.canStep),
				control: this.controls,
				models
			},
			transfer
		);
		run.dirty = false;
		run.awaitingFrame = true;
	}

	// ---------------------------------------------------------------------------
	// Requests.

	private slot(run: Run, modelId: string): Slot {
		const s = run.slots.find((x) => x.id === modelId);
		if (!s) throw new KindError('config', `this run has no model '${modelId}' (it has ${run.slots.map((x) => `'${x.id}'`).join(', ')})`);
		return s;
	}

	private attackOne(run: Run, msg: Extract<ToWorker, { type: 'attackOne' }>): void {
		const s = this.slot(run, msg.modelId);
		const source = msg.sourceId === null ? null : this.slot(run, msg.sourceId).model;
		const D = run.data.inputSize;
		if (!(msg.input instanceof Float32Array) || msg.input.length !== D)
			throw new KindError('config', `an attacked example needs ${D} input values as a Float32Array`);
		if (!Number.isInteger(msg.label) || msg.label < 0 || msg.label >= run.data.numClasses)
			throw new KindError('config', `the label must be a class from 0 to ${run.data.numClasses - 1}, got ${msg.label}`);
		if (!ATTACK_NAMES.includes(msg.attack))
			throw new KindError('config', `unknown attack ${JSON.stringify(msg.attack)} (one of ${ATTACK_NAMES.join(', ')})`);
		if (!(msg.eps >= 0 && msg.eps <= 1)) throw new KindError('config', `eps must be from 0 to 1, got ${msg.eps}`);
		let adversarial: Float32Array;
		try {
			adversarial = craft(msg.attack, s.model, source, msg.input, [msg.label], 1, pixelBudget(run.data, msg.eps), { rng: createRng(msg.seed >>> 0) });
		} catch (e) {
			throw new KindError('config', errorMessage(e));
		}
		this.post({ v: PROTOCOL_VERSION, type: 'attackedOne', runId: run.spec.runId, requestId: msg.requestId, modelId: s.id, adversarial }, [
			adversarial.buffer
		]);
	}

	private predict(run: Run, requestId: number, modelId: string, input: Float32Array): void {
		const s = this.slot(run, modelId);
		const D = run.data.inputSize;
		if (!(input instanceof Float32Array) || input.length !== D)
			throw new KindError(
				'config',
				`a prediction needs ${D} input values as a Float32Array, got ${input instanceof Float32Array ? input.length : typeof input}`
			);
		const logits = s.model.forward(input, 1, { training: false });
		const probabilities = softmax(logits.subarray(0, run.data.numClasses));
		this.post({ v: PROTOCOL_VERSION, type: 'prediction', runId: run.spec.runId, requestId, modelId, probabilities }, [probabilities.buffer]);
	}

	private inspect(
		run: Run,
		requestId: number,
		modelId: string,
		activations: { layer: number; count: number } | null,
		only: number[] | null,
		gradients: boolean
	): void {
		const s = this.slot(run, modelId);
		const dense = s.model.dense;
		if (only !== null && (!Array.isArray(only) || only.some((k) => !Number.isInteger(k) || k < 0 || k >= dense.length)))
			throw new KindError('config', `only must list dense layers from 0 to ${dense.length - 1}, got ${JSON.stringify(only)}`);
		const empty = new Float32Array(0);
		const transfer: Transferable[] = [];
		const copy = (a: Float32Array): Float32Array => {
			const c = a.slice();
			transfer.push(c.buffer);
			return c;
		};
		const layers: LayerInspection[] = dense.map((d, k) => ({
			name: d.name,
			units: d.outSize,
			inputs: d.inSize,
			weightMode: d.weightMode,
			inputMode: d.inputMode,
			bases: d.M,
			inputBases: d.N,
			weights: only === null || only.includes(k) ? copy(d.W.value) : empty,
			grad: gradients && (only === null || only.includes(k)) ? copy(d.W.grad) : empty,
			inputShifts: d.v ? copy(d.v.value) : null,
			inputScales: d.beta ? copy(d.beta.value) : null
		}));
		let acts: Inspection['activations'] = null;
		if (activations !== null && activations !== undefined) {
			const { layer, count } = activations;
			if (!Number.isInteger(layer) || layer < 0 || layer >= dense.length)
				throw new KindError('config', `layer must be an integer from 0 to ${dense.length - 1}, got ${layer}`);
			const n = Math.min(run.data.nTest, 2000);
			if (!Number.isInteger(count) || count < 1 || count > n) throw new KindError('config', `count must be an integer from 1 to ${n}, got ${count}`);
			const values = s.model.denseInput(layer, run.data.testX.subarray(0, count * run.data.inputSize), count);
			transfer.push(values.buffer);
			acts = { layer, count, values };
		}
		const inspection: Inspection = { modelId, step: s.step, layers, activations: acts };
		this.post({ v: PROTOCOL_VERSION, type: 'inspected', runId: run.spec.runId, requestId, inspection }, transfer);
	}

	/**
	 * Medians of inference-mode forward passes, models interleaved (A B A B ...) so a
	 * slow moment of a shared machine falls on every model alike. One untimed warm-up
	 * pass each first (it packs the binary weights and compiles the code paths).
	 */
	private timeInference(run: Run, requestId: number, modelIds: string[], batch: number, repeats: number): void {
		const slots = Array.isArray(modelIds) && modelIds.length > 0 ? modelIds.map((id) => this.slot(run, id)) : run.slots;
		// Bounded so the worst case (every model, the largest batch, every repeat) stays a few
		// seconds of work, far from the page's 10 s ping timeout.
		const maxBatch = Math.min(1024, run.data.nTest);
		if (!Number.isInteger(batch) || batch < 1 || batch > maxBatch)
			throw new KindError('config', `batch must be an integer from 1 to ${maxBatch}, got ${batch}`);
		if (!Number.isInteger(repeats) || repeats < 1 || repeats > 50) throw new KindError('config', `repeats must be an integer from 1 to 50, got ${repeats}`);
		const x = run.data.testX.subarray(0, batch * run.data.inputSize);
		const now = () => this.host.now();
		for (const s of slots) s.model.forward(x, batch, { training: false });
		const times = slots.map(() => [] as number[]);
		for (let r = 0; r < repeats; r++) {
			slots.forEach((s, i) => {
				const t0 = now();
				s.model.forward(x, batch, { training: false });
				times[i].push(now() - t0);
			});
		}
		const timings: InferenceTiming[] = slots.map((s, i) => {
			const ms = median(times[i]);
			const packed = s.model.dense.some((d) => d.binaryProducts);
			return {
				modelId: s.id,
				label: s.label,
				batch,
				repeats,
				msPerBatch: ms,
				msPerExample: ms / batch,
				packed,
				kernels: kernelNames(packed)
			};
		});
		this.post({ v: PROTOCOL_VERSION, type: 'inferenceTimes', runId: run.spec.runId, requestId, timings });
	}

	private exportSlot(run: Run, requestId: number, modelId: string): void {
		const s = this.slot(run, modelId);
		const meta: ModelMeta = {
			...(s.meta ?? {}),
			label: s.label,
			dataset: run.data.name,
			seed: run.spec.data.seed,
			steps: s.step,
			testAccuracy: s.test && Number.isFinite(s.test.accuracy) ? s.test.accuracy : null
		};
		const bytes = exportModel(s.model, meta);
		this.post({ v: PROTOCOL_VERSION, type: 'exported', runId: run.spec.runId, requestId, modelId, bytes }, [bytes.buffer]);
	}

	private importSlot(run: Run, requestId: number, modelId: string, bytes: Uint8Array): void {
		const s = this.slot(run, modelId);
		let loaded;
		try {
			loaded = importModel(bytes);
		} catch (e) {
			throw new KindError('format', errorMessage(e));
		}
		const d = run.data;
		if (loaded.model.inputSize !== d.inputSize || loaded.model.classes !== d.numClasses)
			throw new KindError(
				'format',
				`this model takes ${loaded.model.inputSize} inputs and gives ${loaded.model.classes} classes; the ${d.name} data has ${d.inputSize} inputs and ${d.numClasses} classes`
			);
		this.dropQuantized(run, s, 'the model was replaced before the quantised evaluation finished');
		this.dropAttacks(run, s, 'the model was replaced before the attack finished');
		s.load(loaded.model, loaded.meta, d);
		this.post({ v: PROTOCOL_VERSION, type: 'imported', runId: run.spec.runId, requestId, model: s.info() }, []);
	}

	private evalQuantized(run: Run, requestId: number, modelId: string, bits: number[]): void {
		const s = this.slot(run, modelId);
		if (!Array.isArray(bits) || bits.length === 0 || bits.length > 32)
			throw new KindError('config', `a quantised evaluation needs 1 to 32 bit widths, got ${Array.isArray(bits) ? bits.length : typeof bits}`);
		let job: QuantizedEvaluation;
		try {
			job = new QuantizedEvaluation(s.model, run.data, bits);
		} catch (e) {
			throw new KindError('config', errorMessage(e));
		}
		s.quantized.push({ requestId, step: s.step, job });
	}

	/** One chunk of a model's first quantised evaluation; its answer (or its error) once done. */
	private quantizedChunk(run: Run, s: Slot): void {
		this.jobChunk<QuantizedResult[], Slot['quantized'][number]>(run, s, s.quantized, (q, results) =>
			this.post({
				v: PROTOCOL_VERSION,
				type: 'quantizedEval',
				runId: run.spec.runId,
				requestId: q.requestId,
				modelId: s.id,
				step: q.step,
				ranges: q.job.ranges,
				results
			})
		);
	}

	/**
	 * One chunk of the first job in `queue` (a model's quantised evaluations or attacks, run
	 * in the order asked): `answer` posts its result once it is done; an error answers its
	 * request and the queue moves on.
	 */
	private jobChunk<R, J extends { requestId: number; job: { advance(rows: number): R | null } }>(
		run: Run,
		s: Slot,
		queue: J[],
		answer: (job: J, result: R) => void
	): void {
		const j = queue[0];
		let result: R | null;
		try {
			result = s.chunk(
				() => this.host.now(),
				(rows) => j.job.advance(rows)
			);
		} catch (e) {
			queue.shift();
			this.fail(e, run.spec.runId, j.requestId);
			return;
		}
		if (!result) return;
		queue.shift();
		answer(j, result);
	}

	private attack(run: Run, requestId: number, modelId: string, sourceId: string | null, spec: AttackSpec): void {
		const s = this.slot(run, modelId);
		if (typeof spec !== 'object' || spec === null) throw new KindError('config', 'an attack needs its spec');
		let job: AttackEvaluation;
		try {
			// transfer: a copy of the source as it is now (it may go on training meanwhile).
			const source = sourceId === null ? null : importModel(exportModel(this.slot(run, sourceId).model)).model;
			job = new AttackEvaluation(s.model, source, run.data, spec);
		} catch (e) {
			throw new KindError('config', errorMessage(e));
		}
		s.attacks.push({ requestId, step: s.step, job });
	}

	/** One block of a model's first attack; its answer (or its error) once done. */
	private attackChunk(run: Run, s: Slot): void {
		this.jobChunk<number[], Slot['attacks'][number]>(run, s, s.attacks, (a, accuracy) =>
			this.post({
				v: PROTOCOL_VERSION,
				type: 'attacked',
				runId: run.spec.runId,
				requestId: a.requestId,
				modelId: s.id,
				step: a.step,
				examples: a.job.examples,
				accuracy: [...accuracy]
			})
		);
	}

	private dropAttacks(run: Run, s: Slot, why: string): void {
		const jobs = s.attacks;
		s.attacks = [];
		this.dropJobs(run, jobs, why);
	}

	private dropQuantized(run: Run, s: Slot, why: string): void {
		const jobs = s.quantized;
		s.quantized = [];
		this.dropJobs(run, jobs, why);
	}

	/** Answer every request of `jobs` with `why`: they will not be run. */
	private dropJobs(run: Run, jobs: readonly { requestId: number }[], why: string): void {
		for (const j of jobs) this.fail(new KindError('config', why), run.spec.runId, j.requestId);
	}

	// ---------------------------------------------------------------------------

	private post(msg: FromWorker, transfer: Transferable[] = []): void {
		this.host.post(msg, transfer);
	}

	private fail(e: unknown, runId: number | null, requestId: number | null): void {
		const kind: ErrorKind = e instanceof KindError ? e.kind : e instanceof ConfigError ? 'config' : e instanceof FormatError ? 'format' : 'internal';
		const message = kind === 'internal' && !(e instanceof KindError) ? `internal error: ${errorMessage(e)}` : errorMessage(e);
		try {
			this.post({ v: PROTOCOL_VERSION, type: 'error', runId, requestId, message, kind, recoverable: true });
		} catch {
			// Nothing left to tell the page with.
		}
	}
}

// ---------------------------------------------------------------------------
// Helpers.

function checkOptions(raw: RunOptions | undefined): Options {
	const o = { ...DEFAULT_OPTIONS, ...(raw ?? {}) };
	const int = (v: unknown, name: string, lo: number, hi: number) => {
		if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
			throw new KindError('config', `${name} must be an integer from ${lo} to ${hi}, got ${JSON.stringify(v)}`);
	};
	int(o.boundaryResolution, 'boundaryResolution', 8, 256);
	int(o.histogramBins, 'histogramBins', 0, 1024);
	int(o.evalEvery, 'evalEvery', 1, 1_000_000);
	int(o.samples, 'samples', 0, 256);
	if (typeof o.autoplay !== 'boolean') throw new KindError('config', `autoplay must be true or false, got ${JSON.stringify(o.autoplay)}`);
	if (o.maxSteps !== Infinity) int(o.maxSteps, 'maxSteps', 1, 1e9);
	return o;
}

/** The run's teacher from its model file: it must fit the data (inputs and classes). */
function loadTeacher(bytes: Uint8Array, data: Dataset): Model {
	let model: Model;
	try {
		model = importModel(bytes).model;
	} catch (e) {
		throw new KindError('format', `the teacher's model file: ${errorMessage(e)}`);
	}
	if (model.inputSize !== data.inputSize || model.classes !== data.numClasses)
		throw new KindError(
			'format',
			`the teacher takes ${model.inputSize} inputs and gives ${model.classes} classes; the ${data.name} data has ${data.inputSize} inputs and ${data.numClasses} classes`
		);
	return model;
}

function dataKey(spec: DataSpec): string {
	return spec.kind === 'synthetic'
		? JSON.stringify(['synthetic', spec.name, spec.noise, spec.n, spec.seed])
		: JSON.stringify(['mnist', spec.url, spec.seed, spec.trainSize ?? null, spec.testSize ?? null]);
}

function errorMessage(e: unknown): string {
	return e instanceof Error ? e.message : String(e);
}
