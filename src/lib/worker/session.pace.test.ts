import { describe, expect, it } from 'vitest';
import { mlpConfig, type MlpSpec, type TrainConfig } from '$lib/engine';
import { PROTOCOL_VERSION, type FromWorker, type RunSpec, type Snapshot } from './protocol';
import { Session } from './session';

/**
 * A session on a clock the test moves: every clock read costs 10 µs (so a 0.5 ms slice
 * does a few dozen units of work), `advance(ms)` runs the slices and timers that fall due
 * until the clock has moved by `ms`, and snapshots are acknowledged at once.
 */
function pacedHarness() {
	const posts: FromWorker[] = [];
	let t = 0;
	const soon: (() => void)[] = [];
	const timers: { at: number; fn: () => void }[] = [];
	const session = new Session(
		{
			post: (msg) => posts.push(msg),
			now: () => (t += 0.01),
			schedule: (fn) => void soon.push(fn),
			scheduleIn: (fn, ms) => void timers.push({ at: t + ms, fn }),
			fetchBytes: () => Promise.reject(new Error('no network in tests'))
		},
		{ sliceMs: 0.5 }
	);
	const send = (m: Record<string, unknown>) => session.receive({ v: PROTOCOL_VERSION, ...m });
	return {
		send,
		posts,
		advance(ms: number) {
			const end = t + ms;
			while (t < end) {
				const fn = soon.shift();
				if (fn) {
					const before = posts.length;
					fn();
					for (const p of posts.slice(before)) if (p.type === 'snapshot') send({ type: 'frame', runId: p.runId });
					continue;
				}
				timers.sort((a, b) => a.at - b.at);
				const next = timers[0];
				if (!next || next.at > end) {
					t = end;
					break;
				}
				timers.shift();
				t = Math.max(t, next.at);
				next.fn();
			}
		},
		snapshots: () => posts.filter((p): p is Snapshot => p.type === 'snapshot'),
		step(): number {
			const s = posts.filter((p): p is Snapshot => p.type === 'snapshot');
			return s.length ? s[s.length - 1].step : 0;
		}
	};
}

const SPEC: MlpSpec = { inputSize: 2, classes: 2, hidden: [8], weights: 'binary', input: 'sign', activation: 'hardtanh', batchnorm: true };
const config = (): TrainConfig => ({ model: mlpConfig(SPEC), optimizer: { type: 'adam', lr: 0.01 }, batchSize: 16, seed: 1 });
const run = (runId: number, maxSteps = 1e6): RunSpec => ({
	runId,
	data: { kind: 'synthetic', name: 'moons', noise: 0.1, n: 200, seed: 2 },
	models: [
		{ id: 'a', label: 'A', config: config() },
		{ id: 'b', label: 'B', config: config() }
	],
	options: { boundaryResolution: 8, evalEvery: 50, maxSteps }
});

describe('Session pacing (the speed message)', () => {
	it('takes about `stepsPerSecond` steps per second per model while playing', () => {
		const h = pacedHarness();
		h.send({ type: 'speed', stepsPerSecond: 10 });
		h.send({ type: 'init', run: run(1) });
		h.advance(2000);
		// The first step at once, then one every 100 ms: 21 by t = 2000 ms (give or take the tick).
		expect(h.step()).toBeGreaterThanOrEqual(19);
		expect(h.step()).toBeLessThanOrEqual(21);
		// Both models kept in step.
		const last = h.snapshots().at(-1)!;
		expect(Math.abs(last.models[0].step - last.models[1].step)).toBeLessThanOrEqual(1);
		expect(last.running).toBe(true);
	});

	it('a faster speed takes more steps in the same time, and an unpaced run many more', () => {
		const h = pacedHarness();
		h.send({ type: 'speed', stepsPerSecond: 5 });
		h.send({ type: 'init', run: run(1) });
		h.advance(1000);
		const slow = h.step();
		h.send({ type: 'speed', stepsPerSecond: 50 });
		h.advance(1000);
		const fast = h.step() - slow;
		expect(slow).toBeGreaterThanOrEqual(4);
		expect(slow).toBeLessThanOrEqual(6);
		expect(fast).toBeGreaterThanOrEqual(45);
		expect(fast).toBeLessThanOrEqual(52);
		h.send({ type: 'speed', stepsPerSecond: Infinity });
		h.advance(20);
		expect(h.step() - slow - fast).toBeGreaterThan(200);
	});

	it('keeps the speed for later runs, and pausing then playing owes no burst of steps', () => {
		const h = pacedHarness();
		h.send({ type: 'speed', stepsPerSecond: 4 });
		h.send({ type: 'init', run: run(1) });
		h.send({ type: 'init', run: run(2) });
		h.advance(1000);
		expect(h.step()).toBeLessThanOrEqual(5);
		h.send({ type: 'pause', runId: 2 });
		h.advance(3000);
		const paused = h.step();
		h.send({ type: 'play', runId: 2 });
		h.advance(10);
		expect(h.step()).toBe(paused + 1);
	});

	it('does not pace step(n), and a slow run shows test metrics of every step', () => {
		const h = pacedHarness();
		h.send({ type: 'speed', stepsPerSecond: 2 });
		h.send({ type: 'init', run: { ...run(1), options: { ...run(1).options, autoplay: false } } });
		h.send({ type: 'step', runId: 1, n: 30 });
		h.advance(5);
		expect(h.step()).toBe(30);
		h.send({ type: 'play', runId: 1 });
		h.advance(1600);
		const last = h.snapshots().at(-1)!;
		expect(last.step).toBeGreaterThanOrEqual(33);
		expect(last.step).toBeLessThanOrEqual(34);
		// Tested at the present step although evalEvery is 50: the model evaluates while it waits.
		const tested = h.snapshots().flatMap((s) => s.models.map((m) => m.test?.step).filter((x) => x !== undefined));
		expect(tested).toContain(31);
		expect(tested).toContain(32);
	});

	it('refuses a speed that is not a positive number, and keeps the old one', () => {
		const h = pacedHarness();
		h.send({ type: 'speed', stepsPerSecond: 10 });
		for (const bad of [0, -3, 'fast', null, Number.NaN]) h.send({ type: 'speed', stepsPerSecond: bad });
		const errors = h.posts.filter((p) => p.type === 'error');
		expect(errors).toHaveLength(5);
		for (const e of errors) expect(e.type === 'error' && e.kind).toBe('config');
		h.send({ type: 'init', run: run(1) });
		h.advance(1000);
		expect(h.step()).toBeLessThanOrEqual(11);
	});
});
