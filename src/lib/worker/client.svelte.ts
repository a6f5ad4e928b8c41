/**
 * The page's handle on the training worker: runes the figures render, methods the
 * controls call. Create it in the browser only (onMount or $effect) and call
 * `destroy()` when the figure goes away.
 *
 *     const client = new TrainingClient();
 *     client.start({ data, models: [{ id: 'binary', label: 'Binary', config }], options });
 *     // render client.status, client.step, client.models[0].history.loss ...
 *     return () => client.destroy();
 *
 * Backpressure: each snapshot is acknowledged with `frame` from requestAnimationFrame,
 * so the worker posts at most one per painted frame, and the work per snapshot here is
 * small (appending a few points to bounded series, swapping references). Liveness: a
 * ping every couple of seconds; a worker that stops answering, or fires `error` /
 * `messageerror`, turns the status to 'crashed', and `restart()` is the way back.
 */
import {
	PROTOCOL_VERSION,
	type DataSummary,
	type ErrorKind,
	type FromWorker,
	type InferenceTiming,
	type Inspection,
	type ModelInfo,
	type RunSpec,
	type Snapshot,
	type ToWorker
} from './protocol';
import { ModelView } from './model-view.svelte';
import type { AttackName, AttackSpec, QuantizedResult } from '$lib/engine';

export { ModelView, STEP_KEYS, TEST_KEYS, type StepSeriesView, type TestSeriesView } from './model-view.svelte';

export type ClientStatus = 'idle' | 'loading' | 'running' | 'paused' | 'error' | 'crashed';

/** The answer to {@link TrainingClient.evaluateQuantized}: the model's step and one result per width. */
/** The answer to {@link TrainingClient.attack}: accuracy at each budget, for the weights at `step`. */
export interface AttackReply {
	modelId: string;
	step: number;
	examples: number;
	accuracy: number[];
}

export interface QuantizedEvalReply {
	modelId: string;
	step: number;
	/** Each float dense layer's quantiser range max |W| at that step. */
	ranges: number[];
	results: QuantizedResult[];
}

/** What `start` takes: a run without its id (the client numbers runs). */
export type RunRequest = Omit<RunSpec, 'runId'>;

/** The smallest surface of a Worker the client uses (tests pass a fake). */
export interface WorkerLike {
	postMessage(message: ToWorker, transfer?: Transferable[]): void;
	terminate(): void;
	onmessage: ((ev: MessageEvent) => void) | null;
	onerror: ((ev: ErrorEvent) => void) | null;
	onmessageerror: ((ev: MessageEvent) => void) | null;
}

export interface ClientOptions {
	/** Make the worker (default: the module worker next to this file). */
	createWorker?: () => WorkerLike;
	/** Ping period and how long a ping may go unanswered before the worker counts as crashed (ms). */
	pingEvery?: number;
	pingTimeout?: number;
	/** Most points per chart series (default 2000). */
	historyCap?: number;
}

interface Pending {
	resolve: (value: never) => void;
	reject: (reason: Error) => void;
}

/** Rejections of predict/export/import carry the worker's readable message and its kind. */
export class WorkerRequestError extends Error {
	readonly kind: ErrorKind;
	/**
	 * The request only lost its run: a new run started, the page closed the client, or no
	 * worker runs (a crash, which the client's status already shows). Nothing to tell the reader.
	 */
	readonly superseded: boolean;
	constructor(message: string, kind: ErrorKind, superseded = false) {
		super(message);
		this.name = 'WorkerRequestError';
		this.kind = kind;
		this.superseded = superseded;
	}
}

/** True for a rejection that only means the run it asked about is gone (see WorkerRequestError.superseded). */
export function isSuperseded(e: unknown): boolean {
	return e instanceof WorkerRequestError && e.superseded;
}

export class TrainingClient {
	status = $state<ClientStatus>('idle');
	/** A readable message when status is 'error' or 'crashed'. */
	error = $state<string | null>(null);
	errorKind = $state<ErrorKind | 'crashed' | null>(null);
	/** The run's data set, once loaded. */
	data = $state.raw<DataSummary | null>(null);
	/** While the data set downloads: bytes so far and in all (total null when unknown). */
	download = $state.raw<{ loaded: number; total: number | null } | null>(null);
	/** The run's step (the most any model has done) and epoch (fractional). */
	step = $state(0);
	epoch = $state(0);
	/** The models of the run, in the order given to start(). */
	models = $state.raw<ModelView[]>([]);
	/** Snapshots applied so far (any run): something to watch for "the models changed". */
	frames = $state(0);
	/** Most training steps per model per second while playing (Infinity: as fast as it goes). */
	speed = $state(Infinity);

	private worker: WorkerLike | null = null;
	private readonly opts: Required<Omit<ClientOptions, 'createWorker'>> & { createWorker: () => WorkerLike };
	private run: RunSpec | null = null;
	private runCounter = 0;
	private generation = 0;
	/** After start/reset: snapshots wait for the `ready` that names the new generation. */
	private awaitingReady = true;
	/** play/pause/step/reset messages sent for this run (see Snapshot.control). */
	private controlsSent = 0;
	private errorAtControl = -1;
	private requestCounter = 0;
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- request bookkeeping, never rendered
	private pending = new Map<number, Pending>();
	private frameRequested = false;
	private frameFallback: ReturnType<typeof setTimeout> | null = null;
	private pingTimer: ReturnType<typeof setInterval> | null = null;
	private pingSent: { id: number; at: number } | null = null;
	private pingCounter = 0;
	private destroyed = false;

	constructor(options: ClientOptions = {}) {
		this.opts = {
			createWorker: options.createWorker ?? defaultWorker,
			pingEvery: options.pingEvery ?? 2000,
			pingTimeout: options.pingTimeout ?? 10000,
			historyCap: options.historyCap ?? 2000
		};
	}

	/** The model with this id, if the run has it. */
	model(id: string): ModelView | undefined {
		return this.models.find((m) => m.id === id);
	}

	/** Start a run (replacing any current one at once; its late messages are ignored). */
	start(request: RunRequest): void {
		if (this.destroyed) return;
		this.rejectAll('a new run started', true);
		const run: RunSpec = { ...request, runId: ++this.runCounter };
		this.run = run;
		this.generation = 0;
		this.awaitingReady = true;
		this.controlsSent = 0;
		this.models = run.models.map((m) => new ModelView(m.id, m.label, this.opts.historyCap));
		this.data = null;
		this.download = null;
		this.step = 0;
		this.epoch = 0;
		this.error = null;
		this.errorKind = null;
		this.status = 'loading';
		this.ensureWorker();
		this.send({ v: PROTOCOL_VERSION, type: 'init', run });
	}

	/** Train on. Asked while the run loads, the worker trains as soon as it is ready (the status says 'loading' until then). */
	play(): void {
		this.setPlaying(true);
	}

	/** Stop training. Asked while the run loads, the worker will rest once it is ready (whatever `autoplay` said). */
	pause(): void {
		this.setPlaying(false);
	}

	private setPlaying(on: boolean): void {
		if (!this.run || !(this.live || this.status === 'loading')) return;
		this.control({ v: PROTOCOL_VERSION, type: on ? 'play' : 'pause', runId: this.run.runId });
		if (this.status !== 'loading') this.status = on ? 'running' : 'paused';
	}

	/**
	 * Train `n` more steps (each model), then pause. (Named stepBy because `step` is the
	 * step counter: a class cannot have a field and a method of one name.)
	 */
	stepBy(n = 1): void {
		if (this.run && this.live) {
			this.control({ v: PROTOCOL_VERSION, type: 'step', runId: this.run.runId, n });
			this.status = 'running';
		}
	}

	/**
	 * Pace training: at most `stepsPerSecond` steps per model per second while playing
	 * (Infinity: as fast as the machine allows). Kept for every later run and a restarted worker;
	 * Step is never paced.
	 */
	setSpeed(stepsPerSecond: number): void {
		if (!(stepsPerSecond > 0)) throw new RangeError(`speed must be a positive number of steps per second, got ${stepsPerSecond}`);
		if (stepsPerSecond === this.speed) return;
		this.speed = stepsPerSecond;
		if (this.worker) this.send({ v: PROTOCOL_VERSION, type: 'speed', stepsPerSecond });
	}

	/** The same run from step 0; playing or paused as before. Imported models give way to fresh ones. */
	reset(): void {
		// Nothing to reset before a run is ready, or after a crash (restart) or a bad config or data set (start again).
		if (!this.run || !this.live) return;
		this.awaitingReady = true;
		this.control({ v: PROTOCOL_VERSION, type: 'reset', runId: this.run.runId });
		for (const m of this.models) m.clear();
		this.step = 0;
		this.epoch = 0;
		this.error = null;
		this.errorKind = null;
	}

	/** Class probabilities of one example (inputSize features) under model `modelId`. */
	predict(modelId: string, input: Float32Array): Promise<Float32Array> {
		return this.request((requestId, runId) => ({ v: PROTOCOL_VERSION, type: 'predict', runId, requestId, modelId, input }));
	}

	/** The model file of `modelId` (the packed format of docs/engine.md). */
	exportModel(modelId: string): Promise<Uint8Array> {
		return this.request((requestId, runId) => ({ v: PROTOCOL_VERSION, type: 'export', runId, requestId, modelId }));
	}

	/**
	 * Load a model file into slot `modelId` (default: the run's first model). It stops
	 * training and shows its test metrics and predictions. Rejects with a readable
	 * message (a WorkerRequestError of kind 'format') when the file is not usable; the
	 * run goes on.
	 */
	async importModel(bytes: Uint8Array, modelId?: string): Promise<void> {
		const id = modelId ?? this.models[0]?.id;
		if (id === undefined) throw new WorkerRequestError('no run to load a model into', 'config');
		await this.request<ModelInfo>((requestId, runId) => ({ v: PROTOCOL_VERSION, type: 'import', runId, requestId, modelId: id, bytes }));
	}

	/**
	 * Test accuracy (and weight MSE) of model `modelId` with its float dense layers' weights
	 * quantised to each k in `bits` (1..32; 32 = unquantised), measured in the worker on the
	 * weights as they are when the request arrives (`step`). The model pauses its training
	 * while it is evaluated. Rejects when the run is reset or replaced first.
	 */
	evaluateQuantized(modelId: string, bits: number[]): Promise<QuantizedEvalReply> {
		return this.request((requestId, runId) => ({ v: PROTOCOL_VERSION, type: 'evalQuantized', runId, requestId, modelId, bits: [...bits] }));
	}

	/**
	 * Test accuracy of model `modelId` under an attack at each budget of `spec` (the engine's
	 * AttackEvaluation), measured in the worker on the weights as they are when the request
	 * arrives; `sourceId` names the model a transfer attack crafts on. The model pauses its
	 * training while it is attacked. Rejects when the run is reset or replaced first.
	 */
	attack(modelId: string, spec: AttackSpec, sourceId: string | null = null): Promise<AttackReply> {
		return this.request((requestId, runId) => ({
			v: PROTOCOL_VERSION,
			type: 'attack',
			runId,
			requestId,
			modelId,
			sourceId,
			spec: { ...spec, eps: [...spec.eps] }
		}));
	}

	/**
	 * One example attacked at budget `eps` (pixel scale) against model `modelId` (transfer:
	 * crafted on `sourceId`): the adversarial input. Ask `predict` of each model what it sees.
	 */
	attackOne(
		modelId: string,
		o: { attack: AttackName; eps: number; input: Float32Array; label: number; seed: number; sourceId?: string | null }
	): Promise<Float32Array> {
		return this.request((requestId, runId) => ({
			v: PROTOCOL_VERSION,
			type: 'attackOne',
			runId,
			requestId,
			modelId,
			sourceId: o.sourceId ?? null,
			attack: o.attack,
			eps: o.eps,
			input: o.input.slice(),
			label: o.label,
			seed: o.seed
		}));
	}

	/**
	 * Model `modelId`'s dense layers now: weights, the last step's gradients, input-base
	 * shifts and scales; with `activations`, dense layer `layer`'s input (before its
	 * binarization) for the first `count` test examples. `only` limits the copied weights to
	 * some layers (the others come empty) and `gradients: false` leaves out dL/dW, to keep
	 * the copies small for a figure that polls. Cheap enough to poll a few times
	 * a second for a live figure (await each answer before asking again).
	 */
	inspect(modelId: string, opts: { activations?: { layer: number; count: number }; only?: number[]; gradients?: boolean } = {}): Promise<Inspection> {
		return this.request((requestId, runId) => ({
			v: PROTOCOL_VERSION,
			type: 'inspect',
			runId,
			requestId,
			modelId,
			activations: opts.activations ?? null,
			only: opts.only ?? null,
			gradients: opts.gradients ?? true
		}));
	}

	/**
	 * Median time of an inference-mode forward pass of `batch` test examples (default 256)
	 * through each model (default: all), `repeats` times (default 15), models interleaved.
	 */
	timeInference(opts: { modelIds?: string[]; batch?: number; repeats?: number } = {}): Promise<InferenceTiming[]> {
		return this.request((requestId, runId) => ({
			v: PROTOCOL_VERSION,
			type: 'timeInference',
			runId,
			requestId,
			modelIds: opts.modelIds ?? [],
			batch: opts.batch ?? 256,
			repeats: opts.repeats ?? 15
		}));
	}

	/** After a crash (or any time): a new worker, the same run from step 0. */
	restart(): void {
		if (this.destroyed) return;
		this.killWorker();
		const run = this.run;
		if (run) this.start({ data: run.data, models: run.models, options: run.options });
		else this.status = 'idle';
	}

	/** Terminate the worker; the client is done. */
	destroy(): void {
		this.destroyed = true;
		this.rejectAll('the training worker was closed', true);
		this.killWorker();
	}

	// -------------------------------------------------------------------------

	/** A run the worker holds: ready, or stopped by an internal error it survived. */
	private get live(): boolean {
		return this.status === 'running' || this.status === 'paused' || (this.status === 'error' && this.errorKind === 'internal');
	}

	private ensureWorker(): void {
		if (this.worker) return;
		let w: WorkerLike;
		try {
			w = this.opts.createWorker();
		} catch (e) {
			this.crash(`the training worker could not start: ${message(e)}`);
			return;
		}
		this.worker = w;
		w.onmessage = (ev) => this.onMessage(ev.data as FromWorker);
		w.onerror = (ev) => {
			ev.preventDefault?.();
			// An error event without a message is what a worker whose script never loaded fires
			// (offline, blocked, or a stale page after a deploy).
			this.crash(ev.message ? `the training worker failed: ${ev.message}` : 'the training worker could not be loaded or stopped without a message');
		};
		w.onmessageerror = () => this.crash('the training worker sent a message that could not be read');
		this.pingSent = null;
		this.pingTimer = setInterval(() => this.heartbeat(), this.opts.pingEvery);
		// A new worker (first start or restart) runs unpaced until told otherwise.
		if (this.speed !== Infinity) this.send({ v: PROTOCOL_VERSION, type: 'speed', stepsPerSecond: this.speed });
	}

	private killWorker(): void {
		if (this.pingTimer !== null) clearInterval(this.pingTimer);
		if (this.frameFallback !== null) clearTimeout(this.frameFallback);
		this.pingTimer = null;
		this.frameFallback = null;
		this.frameRequested = false;
		this.pingSent = null;
		if (this.worker) {
			this.worker.onmessage = this.worker.onerror = this.worker.onmessageerror = null;
			this.worker.terminate();
		}
		this.worker = null;
	}

	private heartbeat(): void {
		const now = Date.now();
		if (this.pingSent) {
			// A hidden tab's timers run late; only count time the page could have seen an answer.
			const hidden = typeof document !== 'undefined' && document.hidden;
			if (!hidden && now - this.pingSent.at > this.opts.pingTimeout) this.crash('the training worker stopped responding');
			return;
		}
		this.pingSent = { id: ++this.pingCounter, at: now };
		this.send({ v: PROTOCOL_VERSION, type: 'ping', id: this.pingSent.id });
	}

	private crash(msg: string): void {
		this.killWorker();
		this.rejectAll(msg);
		this.status = 'crashed';
		this.error = msg;
		this.errorKind = 'crashed';
	}

	private control(msg: ToWorker): void {
		this.controlsSent++;
		this.send(msg);
	}

	private send(msg: ToWorker): void {
		try {
			this.worker?.postMessage(msg);
		} catch (e) {
			this.crash(`could not reach the training worker: ${message(e)}`);
		}
	}

	private request<T>(make: (requestId: number, runId: number) => ToWorker): Promise<T> {
		if (!this.run || !this.worker) return Promise.reject(new WorkerRequestError('the training worker is not running', 'internal', true));
		const requestId = ++this.requestCounter;
		const p = new Promise<T>((resolve, reject) => this.pending.set(requestId, { resolve: resolve as (v: never) => void, reject }));
		this.send(make(requestId, this.run.runId));
		return p;
	}

	private settle(requestId: number, value: unknown, error?: Error): void {
		const p = this.pending.get(requestId);
		if (!p) return;
		this.pending.delete(requestId);
		if (error) p.reject(error);
		else p.resolve(value as never);
	}

	private rejectAll(reason: string, superseded = false): void {
		const all = [...this.pending.values()];
		this.pending.clear();
		for (const p of all) p.reject(new WorkerRequestError(reason, 'internal', superseded));
	}

	private onMessage(msg: FromWorker): void {
		if (!msg || msg.v !== PROTOCOL_VERSION) {
			this.crash(`the training worker speaks protocol version ${msg?.v}; this page speaks ${PROTOCOL_VERSION}`);
			return;
		}
		if (msg.type === 'pong') {
			if (this.pingSent?.id === msg.id) this.pingSent = null;
			return;
		}
		const runId = this.run?.runId;
		if (msg.runId !== runId && !(msg.type === 'error' && msg.runId === null)) return;
		switch (msg.type) {
			case 'ready':
				if (!this.awaitingReady && msg.generation <= this.generation) return;
				this.awaitingReady = false;
				this.generation = msg.generation;
				this.data = msg.data;
				this.download = null;
				for (const info of msg.models) this.model(info.id)?.setInfo(info);
				return;
			case 'loading':
				this.download = { loaded: msg.loaded, total: msg.total };
				return;
			case 'snapshot':
				if (this.awaitingReady || msg.generation !== this.generation) return;
				this.applySnapshot(msg);
				return;
			case 'prediction':
				this.settle(msg.requestId, msg.probabilities);
				return;
			case 'exported':
				this.settle(msg.requestId, msg.bytes);
				return;
			case 'inspected':
				this.settle(msg.requestId, msg.inspection);
				return;
			case 'inferenceTimes':
				this.settle(msg.requestId, msg.timings);
				return;
			case 'attackedOne':
				this.settle(msg.requestId, msg.adversarial);
				return;
			case 'attacked':
				this.settle(msg.requestId, { modelId: msg.modelId, step: msg.step, examples: msg.examples, accuracy: msg.accuracy } satisfies AttackReply);
				return;
			case 'quantizedEval':
				this.settle(msg.requestId, { modelId: msg.modelId, step: msg.step, ranges: msg.ranges, results: msg.results } satisfies QuantizedEvalReply);
				return;
			case 'imported': {
				// Cleared here, before any later snapshot of the loaded model is applied.
				const view = this.model(msg.model.id);
				if (view) {
					view.clear();
					view.setInfo(msg.model);
					view.status = 'imported';
				}
				this.settle(msg.requestId, msg.model);
				return;
			}
			case 'diverged': {
				const m = this.model(msg.modelId);
				if (m) {
					m.status = 'diverged';
					m.divergedAt = msg.step;
				}
				return;
			}
			case 'error':
				if (msg.requestId !== null) {
					this.settle(msg.requestId, undefined, new WorkerRequestError(msg.message, msg.kind));
					return;
				}
				this.status = 'error';
				this.error = msg.message;
				this.errorKind = msg.kind;
				this.errorAtControl = this.controlsSent;
				return;
		}
	}

	private applySnapshot(s: Snapshot): void {
		this.step = s.step;
		this.epoch = s.epoch;
		for (const ms of s.models) this.model(ms.id)?.apply(ms);
		this.frames++;
		this.requestFrame();
		// A snapshot posted before the page's last play/pause reached the worker says nothing about
		// the status; an error stays shown until the reader acts (play, pause, step or reset).
		if (this.status === 'crashed' || (this.status === 'error' && this.controlsSent === this.errorAtControl)) return;
		if (s.control === this.controlsSent || this.status === 'loading' || this.status === 'error') {
			this.status = s.running ? 'running' : 'paused';
			this.error = null;
			this.errorKind = null;
		}
	}

	/** Acknowledge the snapshot once the browser paints (or after a second when frames stop, e.g. a hidden tab). */
	private requestFrame(): void {
		if (this.frameRequested) return;
		this.frameRequested = true;
		const ack = () => {
			if (!this.frameRequested) return;
			this.frameRequested = false;
			if (this.frameFallback !== null) clearTimeout(this.frameFallback);
			this.frameFallback = null;
			// For the current run (a new one may have started since): the worker drops stale acks.
			if (this.run) this.send({ v: PROTOCOL_VERSION, type: 'frame', runId: this.run.runId });
		};
		if (typeof requestAnimationFrame === 'function') requestAnimationFrame(ack);
		this.frameFallback = setTimeout(ack, 1000);
	}
}

function defaultWorker(): WorkerLike {
	return new Worker(new URL('./trainer.worker.ts', import.meta.url), { type: 'module' }) as unknown as WorkerLike;
}

function message(e: unknown): string {
	return e instanceof Error ? e.message : String(e);
}
