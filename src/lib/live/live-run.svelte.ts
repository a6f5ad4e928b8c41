/**
 * One page's training run, owned in one place. Every live figure of a page registers
 * with the page's LiveRun; the page says only which run it wants:
 *
 *     const url = defineUrlState(FIELDS);
 *     const run = new LiveRun({ url, request: () => runRequest(url.values.width, url.values.seed) });
 *     <LiveFigure {run} ...>          (registers, draws Play/Pause, Step, Reset, speed, present, share)
 *
 * What it owns:
 * - the training client's lifetime (created in the browser, destroyed with the page);
 * - a debounced start keyed on the request: a slider drag starts one run when it settles;
 * - playing while any registered figure is on screen and pausing when none is, the
 *   reader's pause (the one paused state: scrolling back never overrides it), and
 *   autoplay whenever a run becomes ready, in whatever order loading and scrolling happen;
 * - the step budget (the request's `options.maxSteps`): the run is `finished` there, and
 *   Play becomes Replay;
 * - the speed (steps per second, sent to the worker);
 * - a throttled view of the models for charts (`view`, refreshed at most five times a
 *   second while training, once a second under reduced motion, and at once otherwise).
 *
 * Construct it while a component initialises (it owns effects), or inside `$effect.root`.
 */
import { untrack } from 'svelte';
import { TrainingClient, type ModelView, type RunRequest } from '$lib/worker/client.svelte';

/** The part of a page's URL state a run reads: whether the link has been read, and the speed. */
export interface LiveUrl {
	readonly ready: boolean;
	readonly values: { readonly speed: string };
}

export interface LiveRunOptions {
	/** The page's URL state: no run before the link is read, and the speed comes from `speed=`. */
	url?: LiveUrl;
	/**
	 * The run the page wants, read reactively: a change starts a new run after `debounce` ms.
	 * null: not yet (e.g. the URL is not read); an Error: the settings make no run (shown, not started).
	 */
	request: () => RunRequest | Error | null;
	/** Steps per model per second while playing (Infinity: as fast as it goes), read reactively; default: the URL's speed. */
	speed?: () => number;
	/**
	 * Start only once a figure nears the screen (within one screen height below it; default
	 * false: as soon as the request is ready). A page whose figures need the digits uses it,
	 * so a reader who never scrolls there never downloads them.
	 */
	lazy?: boolean;
	/** Quiet time after the last change of the request before a new run starts (ms, default 150). */
	debounce?: number;
	/** Called just before each new run starts (clear page-side results of the old one). */
	onstart?: () => void;
	/** Make the client (tests pass one on a fake worker). */
	createClient?: () => TrainingClient;
}

/** What a live figure says about its run. */
export type LivePhase = 'waiting' | 'invalid' | 'loading' | 'running' | 'paused' | 'finished' | 'error' | 'crashed';

/** One model as the charts see it: references taken on the view's tick (cheap; the arrays are fresh per change). */
export type ModelFrame = Pick<
	ModelView,
	'id' | 'label' | 'status' | 'step' | 'trainMs' | 'history' | 'testHistory' | 'layerHistory' | 'test' | 'last' | 'boundary' | 'samples' | 'memory'
>;

/** How often the charts' view follows a training run (ms); reduced motion: once a second. */
const VIEW_EVERY = 200;
const VIEW_EVERY_REDUCED = 1000;

export class LiveRun {
	/** The training client (null before the page is in the browser). */
	client = $state.raw<TrainingClient | null>(null);
	/** The reader paused (or stepped). The one paused state: only Play (or Replay/Reset after the end) clears it. */
	paused = $state(false);
	/** Why the settings make no run (the request was an Error), or null. */
	configError = $state<string | null>(null);
	/** The models for charts, refreshed on the view's tick (see the module comment). */
	view = $state.raw<ModelFrame[]>([]);
	/** Counts view refreshes: derive from it to redraw with the charts. */
	tick = $state(0);

	#onScreen = $state<Record<string, boolean>>({});
	#seen = $state(false);
	#started = $state(false);
	#budget = $state(Infinity);
	/** Step(n) in flight: the run shows 'running' but must not be paused for being unwanted. */
	#stepping = false;
	/** The step Step(n) trains to: the worker may rest mid-way (to evaluate) and then go on. */
	#stepUntil = 0;
	readonly #opts: LiveRunOptions;

	constructor(opts: LiveRunOptions) {
		this.#opts = opts;

		$effect(() => {
			const c = opts.createClient?.() ?? new TrainingClient();
			this.client = c;
			return () => c.destroy();
		});

		// The run: started when the request is ready (and, when lazy, a figure has been seen),
		// restarted after the request settles.
		$effect(() => {
			const c = this.client;
			if (!c) return;
			if (opts.url && !opts.url.ready) return;
			const r = opts.request();
			if (r === null) return;
			if (r instanceof Error) {
				this.configError = r.message;
				return;
			}
			this.configError = null;
			if (opts.lazy && !this.#seen) return;
			const delay = untrack(() => this.#started) ? (opts.debounce ?? 150) : 0;
			const t = setTimeout(() => untrack(() => this.#start(c, r)), delay);
			return () => clearTimeout(t);
		});

		$effect(() => {
			const c = this.client;
			const speed = opts.speed?.() ?? (opts.url ? stepsPerSecond(opts.url.values.speed) : Infinity);
			if (c && speed > 0) c.setSpeed(speed);
		});

		// Play while wanted, pause while not: whenever either side changes (a figure scrolls in or
		// out, the reader pauses, a run becomes ready, the budget is reached). While the run loads,
		// the worker holds whether to play once it is ready: it is told each change, so a figure that
		// scrolled away during loading does not start training for the steps before its pause.
		$effect(() => {
			const c = this.client;
			if (!c) return;
			const status = c.status;
			const want = this.wantsToRun;
			const ready = c.data !== null;
			untrack(() => {
				// A resting worker has finished the steps asked for, unless it rested to answer a
				// question (a test or quantised evaluation) and has steps left to train.
				if (status !== 'running' && c.step >= this.#stepUntil) this.#stepping = false;
				if (status === 'running' && !want && !this.#stepping) c.pause();
				else if (status === 'paused' && want && ready) c.play();
				else if (status === 'loading') {
					if (want) c.play();
					else c.pause();
				}
			});
		});

		// The charts' view: on a timer while training on screen, at once on anything else.
		$effect(() => {
			const c = this.client;
			if (!c) return;
			if (c.status === 'running' && this.visible) {
				const reduced = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
				const id = setInterval(() => this.#refresh(), reduced ? VIEW_EVERY_REDUCED : VIEW_EVERY);
				untrack(() => this.#refresh());
				return () => clearInterval(id);
			}
			void c.frames;
			void c.models;
			untrack(() => this.#refresh());
		});
	}

	/** True while any registered figure is on screen. */
	get visible(): boolean {
		return Object.values(this.#onScreen).some(Boolean);
	}

	/** Steps per model at which the run stops by itself (the request's maxSteps; Infinity if none). */
	get budget(): number {
		return this.#budget;
	}

	/** Every model that trains has reached the budget. */
	get finished(): boolean {
		const c = this.client;
		if (!c || this.#budget === Infinity || (c.status !== 'paused' && c.status !== 'running')) return false;
		const training = c.models.filter((m) => m.source !== 'imported' && m.status !== 'diverged');
		return training.length > 0 && training.every((m) => m.step >= this.#budget);
	}

	/** The run should be training now: on screen, not paused by the reader, not finished. */
	get wantsToRun(): boolean {
		return this.visible && !this.paused && !this.finished;
	}

	/** Training right now (not merely asked to). */
	get running(): boolean {
		return this.client?.status === 'running';
	}

	get phase(): LivePhase {
		const c = this.client;
		if (this.configError !== null) return 'invalid';
		if (!c || !this.#started) return 'waiting';
		if (c.status === 'crashed') return 'crashed';
		if (c.status === 'error') return 'error';
		if (c.status === 'idle' || c.status === 'loading') return 'loading';
		if (this.finished) return 'finished';
		return c.status === 'running' && !this.#stepping ? 'running' : 'paused';
	}

	/** A figure of this run is about to scroll into view: a lazy run may start loading. */
	near(): void {
		this.#seen = true;
	}

	/** A figure of this run scrolled into (true) or out of (false) view. */
	seen(id: string, onScreen: boolean): void {
		if (onScreen) this.#seen = true;
		if (this.#onScreen[id] !== onScreen) this.#onScreen = { ...this.#onScreen, [id]: onScreen };
	}

	/** A figure went away: it no longer keeps the run going. */
	forget(id: string): void {
		if (!(id in this.#onScreen)) return;
		const rest = { ...this.#onScreen };
		delete rest[id];
		this.#onScreen = rest;
	}

	/** Play, pause, or (when finished) replay from step 0. */
	toggle(): void {
		if (this.phase === 'finished') this.reset();
		else if (this.phase === 'running') this.pause();
		else this.play();
	}

	play(): void {
		this.paused = false;
		this.#stepping = false;
		const c = this.client;
		if (c?.status === 'paused' && !this.finished) c.play();
	}

	pause(): void {
		this.paused = true;
		this.#stepping = false;
		if (this.client?.status === 'running') this.client.pause();
	}

	/** Train `n` steps (each model), then rest; the reader's pause holds afterwards. */
	step(n = 1): void {
		const c = this.client;
		if (!c || (c.status !== 'paused' && c.status !== 'running') || this.finished) return;
		this.paused = true;
		this.#stepping = true;
		this.#stepUntil = Math.min(c.step + n, this.#budget);
		c.stepBy(n);
	}

	/**
	 * The same run from step 0, with the same numbers (same seed). After the end, or after a
	 * divergence, it plays again; otherwise it keeps the reader's pause. A crashed worker or a
	 * failed setup starts again from scratch.
	 */
	reset(): void {
		const c = this.client;
		if (!c) return;
		this.#stepping = false;
		if (this.finished || c.models.some((m) => m.status === 'diverged')) this.paused = false;
		if (c.status === 'crashed' || (c.status === 'error' && c.errorKind !== 'internal')) c.restart();
		else c.reset();
	}

	#start(c: TrainingClient, r: RunRequest): void {
		this.#opts.onstart?.();
		this.#started = true;
		this.#stepping = false;
		this.#budget = r.options?.maxSteps ?? Infinity;
		c.start({ ...r, options: { ...r.options, autoplay: this.wantsToRun } });
	}

	#refresh(): void {
		this.view = (this.client?.models ?? []).map((m): ModelFrame => ({
			id: m.id,
			label: m.label,
			status: m.status,
			step: m.step,
			trainMs: m.trainMs,
			history: m.history,
			testHistory: m.testHistory,
			layerHistory: m.layerHistory,
			test: m.test,
			last: m.last,
			boundary: m.boundary,
			samples: m.samples,
			memory: m.memory
		}));
		this.tick++;
	}
}

/** Steps per second for a URL speed value ('max' or a number of steps per second). */
export function stepsPerSecond(speed: string): number {
	const n = Number(speed);
	return speed === 'max' || !(n > 0) ? Infinity : n;
}
