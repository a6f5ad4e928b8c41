import { flushSync } from 'svelte';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mlpConfig, type MlpSpec, type TrainConfig } from '$lib/engine';
import { TrainingClient, type RunRequest } from '$lib/worker/client.svelte';
import { FakeWorker, until as untilRaw } from '$lib/worker/fake-worker';
import { floatTwin } from '$lib/worker/twin';
import { readFileSync } from 'node:fs';
import { LiveRun, stepsPerSecond, type LiveRunOptions } from './live-run.svelte';

beforeAll(() => {
	globalThis.requestAnimationFrame ??= ((cb: FrameRequestCallback) => setTimeout(() => cb(performance.now()), 16)) as unknown as typeof requestAnimationFrame;
});

/** Wait for `cond`, letting effects run between polls (as a page's microtask flush would). */
const until = (cond: () => boolean, what: string, ms?: number) =>
	untilRaw(
		() => {
			flushSync();
			return cond();
		},
		what,
		ms
	);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SPEC: MlpSpec = { inputSize: 2, classes: 2, hidden: [8], weights: 'binary', input: 'sign', activation: 'hardtanh', batchnorm: true };
const cfg = (s: MlpSpec = SPEC): TrainConfig => ({ model: mlpConfig(s), optimizer: { type: 'adam', lr: 0.01 }, batchSize: 16, seed: 1 });
const moons = (maxSteps = 1e6, seed = 1): RunRequest => ({
	data: { kind: 'synthetic', name: 'moons', noise: 0.1, n: 200, seed },
	models: [
		{ id: 'binary', label: 'Binary', config: cfg() },
		{ id: 'float', label: 'Float twin', config: cfg(floatTwin(SPEC)) }
	],
	options: { boundaryResolution: 8, evalEvery: 25, maxSteps }
});

interface Made {
	run: LiveRun;
	workers: FakeWorker[];
	client: () => TrainingClient;
}

let cleanups: (() => void)[] = [];
afterEach(() => {
	for (const c of cleanups) c();
	cleanups = [];
});

/** A LiveRun on fake workers, inside an effect root (as a page's script would own it). */
function make(opts: Partial<LiveRunOptions> & { request: LiveRunOptions['request'] }, fetchBytes?: (url: string) => Promise<Uint8Array>): Made {
	const workers: FakeWorker[] = [];
	let run!: LiveRun;
	const stop = $effect.root(() => {
		run = new LiveRun({
			debounce: 20,
			createClient: () =>
				new TrainingClient({
					createWorker: () => {
						const w = new FakeWorker(fetchBytes);
						workers.push(w);
						return w;
					}
				}),
			...opts
		});
	});
	cleanups.push(stop);
	flushSync();
	return { run, workers, client: () => run.client! };
}

/** The step once snapshots stop changing it (the client's status is optimistic; the worker's last snapshot lags). */
async function settledStep(c: TrainingClient): Promise<number> {
	let last = -1;
	for (;;) {
		await sleep(60);
		flushSync();
		if (c.step === last) return last;
		last = c.step;
	}
}

function deferred<T>() {
	let resolve!: (v: T) => void;
	const promise = new Promise<T>((r) => (resolve = r));
	return { promise, resolve };
}

describe('LiveRun', () => {
	it('starts when the request is ready, but plays only while a figure is on screen', async () => {
		let ready = $state(false);
		const { run, client } = make({ request: () => (ready ? moons() : null) });
		await sleep(40);
		expect(client().status).toBe('idle'); // no request yet
		ready = true;
		await until(() => client().status === 'paused', 'the run to be ready, paused (nothing on screen)');
		expect(run.phase).toBe('paused');
		expect(client().step).toBe(0);

		run.seen('fig', true);
		await until(() => client().step > 20 && run.phase === 'running', 'training once on screen');
		run.seen('fig', false);
		await until(() => client().status === 'paused', 'the pause off screen');
		expect(run.paused).toBe(false); // not the reader's pause: it resumes on screen
		run.seen('other', true);
		const at = client().step;
		await until(() => client().step > at + 20, 'training again when another figure is on screen');
	});

	it('plays once the digits are ready exactly when a figure is on screen and the reader has not paused, whatever the order', async () => {
		// Built by `npm test`'s pre-step (scripts/build-data.mjs); read directly, as this client-compiled module cannot resolve the script's paths.
		const bytes = new Uint8Array(readFileSync('static/data/mnist.bin'));
		const digits = (): RunRequest => ({
			data: { kind: 'mnist', seed: 1, url: '/data/mnist.bin', trainSize: 300, testSize: 100 },
			models: [{ id: 'm', label: 'M', config: { ...cfg({ ...SPEC, inputSize: 784, classes: 10 }), batchSize: 32 } }],
			options: { evalEvery: 50, samples: 4 }
		});
		// 'request': the page asks for the run (the digits start loading); 'loaded': they arrive;
		// 'seen'/'gone': the figure scrolls into/out of view; 'pause': the reader pauses.
		type Event = 'request' | 'loaded' | 'seen' | 'gone' | 'pause';
		const orders: { events: Event[]; plays: boolean }[] = [
			{ events: ['seen', 'request', 'loaded'], plays: true },
			{ events: ['request', 'seen', 'loaded'], plays: true },
			{ events: ['request', 'loaded', 'seen'], plays: true },
			{ events: ['seen', 'request', 'gone', 'loaded'], plays: false },
			{ events: ['request', 'seen', 'gone', 'loaded'], plays: false },
			{ events: ['request', 'gone', 'seen', 'loaded'], plays: true },
			{ events: ['request', 'seen', 'pause', 'loaded'], plays: false },
			{ events: ['seen', 'pause', 'request', 'loaded'], plays: false }
		];
		for (const { events, plays } of orders) {
			const order = events.join(' → ');
			let requested = $state(false);
			const download = deferred<Uint8Array>();
			const { run, client } = make({ request: () => (requested ? digits() : null) }, () => download.promise);
			for (const e of events) {
				if (e === 'request') {
					requested = true;
					await until(() => client().status === 'loading', `loading (${order})`);
				} else if (e === 'loaded') {
					download.resolve(bytes);
					await until(() => client().data !== null, `the digits (${order})`, 15000);
				} else if (e === 'pause') run.pause();
				else run.seen('fig', e === 'seen');
				flushSync();
				await sleep(20);
			}
			if (plays) await until(() => client().step >= 5 && run.phase === 'running', `training (${order})`, 15000);
			else {
				await until(() => client().status === 'paused', `resting (${order})`);
				await sleep(60);
				flushSync();
				expect(client().step, order).toBe(0);
				expect(run.phase, order).toBe('paused');
				// Whatever kept it resting, the way back to training works.
				run.seen('fig', true);
				run.play();
				await until(() => client().step >= 5 && run.phase === 'running', `training after all (${order})`, 15000);
			}
		}
	});

	it("keeps the reader's pause across scrolling; Play clears it", async () => {
		const { run, client } = make({ request: () => moons() });
		run.seen('fig', true);
		await until(() => client().step > 10, 'training');
		run.toggle();
		expect(run.paused).toBe(true);
		await until(() => client().status === 'paused', 'paused');
		run.seen('fig', false);
		run.seen('fig', true);
		await sleep(60);
		flushSync();
		expect(client().status).toBe('paused');
		expect(run.phase).toBe('paused');
		run.toggle();
		expect(run.paused).toBe(false);
		const at = client().step;
		await until(() => client().step > at + 10, 'playing again');
	});

	it('steps exactly n and stays paused', async () => {
		const { run, client } = make({ request: () => moons() });
		run.seen('fig', true);
		await until(() => client().step > 5, 'training');
		run.pause();
		const at = await settledStep(client());
		run.step(3);
		expect(run.paused).toBe(true);
		await until(() => client().step === at + 3 && client().status === 'paused', 'three steps').catch((e) => {
			throw new Error(`${e.message}: at ${at}, step ${client().step}, status ${client().status}, phase ${run.phase}`);
		});
		await sleep(40);
		flushSync();
		expect(client().step).toBe(at + 3);
	});

	it('steps all n even when the worker rests mid-way to evaluate (a figure asked it something)', async () => {
		// Enough test points that an evaluation takes several slices of the worker.
		const big = moons();
		const { run, client } = make({ request: () => ({ ...big, data: { kind: 'synthetic', name: 'moons', noise: 0.1, n: 40000, seed: 1 } }) });
		run.seen('fig', true);
		await until(() => client().step > 5, 'training');
		run.seen('fig', false);
		run.pause();
		const at = await settledStep(client());
		run.step(400);
		// Questions while it steps: each makes the worker rest for an evaluation, and a snapshot
		// then says it is not running before it goes on with the steps.
		const asked: Promise<unknown>[] = [];
		for (let i = 0; i < 40 && client().step < at + 400; i++) {
			asked.push(
				client()
					.evaluateQuantized('binary', [1, 2, 3, 4, 5, 6, 8, 12, 16, 32])
					.catch(() => {})
			);
			await sleep(10);
			flushSync();
		}
		await Promise.all(asked);
		await until(() => client().step === at + 400 && client().status === 'paused', 'all the steps').catch((e) => {
			throw new Error(`${e.message}: at ${at}, step ${client().step}, status ${client().status}, phase ${run.phase}`);
		});
		expect(run.paused).toBe(true);
		expect(run.phase).toBe('paused');
	});

	it('finishes at the budget, says so, and Replay gives the same numbers again', async () => {
		const { run, client, workers } = make({ request: () => moons(60) });
		run.seen('fig', true);
		await until(() => run.phase === 'finished', 'the budget');
		expect(run.budget).toBe(60);
		expect(client().step).toBe(60);
		const first = Array.from(client().model('binary')!.history.loss);
		expect(first).toHaveLength(60);
		run.toggle(); // Replay
		expect(run.paused).toBe(false);
		expect(workers[0].sent.filter((m) => m.type === 'reset')).toHaveLength(1);
		await until(() => client().model('binary')!.history.length < 60, 'the replay to start from 0');
		await until(() => run.phase === 'finished', 'the replay to finish');
		expect(Array.from(client().model('binary')!.history.loss)).toEqual(first);
	});

	it('debounces request changes into one run, and sends the speed to the worker', async () => {
		let seed = $state(1);
		let speed = $state('max');
		const { run, workers, client } = make({ request: () => moons(1e6, seed), speed: () => stepsPerSecond(speed) });
		run.seen('fig', true);
		await until(() => client().step > 0, 'the first run');
		for (let s = 2; s <= 6; s++) {
			seed = s;
			flushSync();
			await sleep(2);
		}
		await until(() => client().step > 0 && client().data !== null, 'the new run');
		await sleep(60);
		const inits = workers[0].sent.filter((m) => m.type === 'init');
		expect(inits).toHaveLength(2); // the first run and one for the settled seed
		expect(inits[1].type === 'init' && inits[1].run.data.seed).toBe(6);

		speed = '5';
		flushSync();
		expect(client().speed).toBe(5);
		expect(workers[0].sent.filter((m) => m.type === 'speed').at(-1)).toMatchObject({ type: 'speed', stepsPerSecond: 5 });
		const at = await settledStep(client());
		await sleep(600);
		flushSync();
		expect(client().step - at).toBeLessThanOrEqual(6);
	});

	it('a lazy run waits for its figure; a bad request is shown, not started', async () => {
		let bad = $state(false);
		const { run, workers, client } = make({ lazy: true, request: () => (bad ? new Error('hidden layers must be 1..512') : moons()) });
		await sleep(40);
		flushSync();
		expect(run.phase).toBe('waiting');
		expect(workers).toHaveLength(0); // no worker until there is a run
		run.seen('fig', true);
		await until(() => client().step > 0, 'the lazy start');
		bad = true;
		flushSync();
		expect(run.phase).toBe('invalid');
		expect(run.configError).toMatch(/hidden layers/);
	});

	it('throttles the charts view while training and refreshes it at once at rest', async () => {
		const { run, client } = make({ request: () => moons() });
		run.seen('fig', true);
		await until(() => client().step > 0, 'training');
		const t0 = run.tick;
		await sleep(1000);
		flushSync();
		const ticks = run.tick - t0;
		// About five a second (timers on a busy machine may drop some), far fewer than the snapshots.
		expect(ticks).toBeGreaterThanOrEqual(2);
		expect(ticks).toBeLessThanOrEqual(8);
		run.pause();
		await until(() => client().status === 'paused', 'paused');
		await sleep(30);
		flushSync();
		expect(run.view.find((m) => m.id === 'binary')!.step).toBe(client().model('binary')!.step);
	});

	it('Reset after a divergence plays again', async () => {
		// Three ReLU layers, no batch norm, SGD at lr 10 with heavy momentum: the logits blow up within ~10 steps.
		const float = {
			...cfg({ inputSize: 2, classes: 2, hidden: [64, 64, 64] }),
			batchSize: 32,
			optimizer: { type: 'sgd' as const, lr: 10, momentum: 0.999 }
		};
		const diverging: RunRequest = {
			...moons(),
			data: { kind: 'synthetic', name: 'moons', noise: 0.1, n: 300, seed: 2 },
			models: [{ id: 'x', label: 'X', config: float }]
		};
		const { run, client, workers } = make({ request: () => diverging });
		run.seen('fig', true);
		await until(() => client().model('x')?.status === 'diverged', 'the divergence');
		const at = client().model('x')!.divergedAt;
		run.pause();
		const sent = workers[0].sent.length;
		run.reset();
		expect(run.paused).toBe(false);
		// It plays from step 0 and, with the same seed, diverges at the same step again.
		await until(() => workers[0].sent.slice(sent).some((m) => m.type === 'play'), 'play after the reset');
		await until(() => client().model('x')?.status === 'diverged', 'the same divergence again');
		expect(client().model('x')!.divergedAt).toBe(at);
	});
});
