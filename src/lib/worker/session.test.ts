import { describe, expect, it } from 'vitest';
import { AttackEvaluation, fgsm, importModel, makeSynthetic, mlpConfig, type MlpSpec, type TrainConfig } from '$lib/engine';
import { loadMnistBytes } from '../../../scripts/load-mnist';
import { PROTOCOL_VERSION, type RunOptions, type RunSpec, type Snapshot, type DataSpec } from './protocol';
import { sessionHarness } from './session-harness';
import { floatTwin } from './twin';

const harness = sessionHarness;

const SPEC: MlpSpec = { inputSize: 2, classes: 2, hidden: [16], weights: 'binary', input: 'sign', activation: 'hardtanh', batchnorm: true };

function train(spec: MlpSpec, over: Partial<TrainConfig> = {}): TrainConfig {
	return { model: mlpConfig(spec), optimizer: { type: 'adam', lr: 0.01 }, batchSize: 32, seed: 1, ...over };
}

const MOONS: DataSpec = { kind: 'synthetic', name: 'moons', noise: 0.1, n: 300, seed: 2 };

function runSpec(runId: number, options: RunOptions = {}, models = [{ id: 'binary', label: 'Binary', config: train(SPEC) }], data = MOONS): RunSpec {
	return { runId, data, models, options: { boundaryResolution: 8, evalEvery: 20, ...options } };
}

const twins = () => [
	{ id: 'binary', label: 'Binary', config: train(SPEC) },
	{ id: 'float', label: 'Float twin', config: train(floatTwin(SPEC)) }
];

/** Every per-step loss of a model, in order, from a list of snapshots. */
function losses(snaps: Snapshot[], id: string): number[] {
	return snaps.flatMap((s) => Array.from(s.models.find((m) => m.id === id)!.series.loss));
}
function stepsOf(snaps: Snapshot[], id: string): number[] {
	return snaps.flatMap((s) => Array.from(s.models.find((m) => m.id === id)!.series.step));
}
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

describe('Session', () => {
	it('trains every model in turns, the loss falls, and the run rests at maxSteps', () => {
		const h = harness();
		h.send({ type: 'init', run: runSpec(1, { maxSteps: 200 }, twins()) });
		const ready = h.of('ready')[0];
		expect(ready.data).toMatchObject({ name: 'moons', nTrain: 240, nTest: 60, inputSize: 2, classes: 2, imageShape: null });
		expect(ready.data.points!.trainX.length).toBe(480);
		expect(ready.models.map((m) => m.id)).toEqual(['binary', 'float']);
		expect(ready.models[0].memory.packedBytes).toBeLessThan(ready.models[0].memory.floatBytes);
		h.run();
		const snaps = h.snapshots();
		const last = h.last();
		expect(last.running).toBe(false);
		expect(last.step).toBe(200);
		for (const id of ['binary', 'float']) {
			expect(stepsOf(snaps, id)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
			const l = losses(snaps, id);
			expect(mean(l.slice(-20))).toBeLessThan(mean(l.slice(0, 20)) * 0.8);
		}
		// Models stay within a step of each other while training (round robin).
		for (const s of snaps) expect(Math.abs(s.models[0].step - s.models[1].step)).toBeLessThanOrEqual(1);
		// Test metrics: at step 0, every evalEvery steps, and at rest.
		const testSteps = snaps.flatMap((s) => (s.models[0].test ? [s.models[0].test.step] : []));
		expect(testSteps).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
		const test = snaps.flatMap((s) => (s.models[1].test ? [s.models[1].test] : [])).pop()!;
		expect(test.accuracy).toBeGreaterThan(0.8);
		expect(Array.from(test.confusion).reduce((a, b) => a + b, 0)).toBe(60);
		const boundary = snaps.flatMap((s) => (s.models[0].boundary ? [s.models[0].boundary] : [])).pop()!;
		expect(boundary.length).toBe(64);
		expect(boundary.every((p) => p >= 0 && p <= 1)).toBe(true);
		const layer = snaps.flatMap((s) => (s.models[0].last ? [s.models[0].last] : [])).pop()!.layers[0];
		expect(layer.histogram!.reduce((a, b) => a + b, 0)).toBe(16 * 2);
		expect(layer.latent).toBe(true);
		expect(h.of('error')).toEqual([]);
	});

	it('does not post another snapshot until the page acknowledges a frame', () => {
		const h = harness({ autoFrame: false });
		h.send({ type: 'init', run: runSpec(1) });
		h.run(20);
		expect(h.snapshots().length).toBe(1);
		expect(h.queue.length).toBe(1); // training went on regardless
		h.send({ type: 'frame', runId: 1 });
		h.run(1);
		expect(h.snapshots().length).toBe(2);
		// The second snapshot carries every step since the first.
		const [a, b] = h.snapshots();
		expect(b.models[0].series.step[0]).toBe(a.models[0].step + 1);
		expect(b.models[0].series.step.length).toBe(b.models[0].step - a.models[0].step);
		h.run(5);
		expect(h.snapshots().length).toBe(2);
	});

	it('lists every typed array of a snapshot in its transfer list', () => {
		const h = harness();
		h.send({ type: 'init', run: runSpec(1, { maxSteps: 45 }, twins()) });
		h.run();
		const posts = h.posts.filter((p) => p.msg.type === 'snapshot' || p.msg.type === 'ready');
		expect(posts.length).toBeGreaterThan(2);
		for (const p of posts) {
			const buffers = typedArrays(p.msg).map((a) => a.buffer);
			expect(buffers.length).toBeGreaterThan(0);
			for (const b of buffers) expect(p.transfer).toContain(b);
			expect(new Set(buffers).size).toBe(buffers.length); // fresh buffers, none shared
		}
	});

	it('pause stops the steps (twins at the same step) and posts the final state, play goes on', () => {
		const h = harness();
		h.send({ type: 'init', run: runSpec(1, {}, twins()) });
		h.run(10);
		h.send({ type: 'pause', runId: 1 });
		h.run();
		expect(h.queue.length).toBe(0);
		const paused = h.last();
		expect(paused.running).toBe(false);
		expect(paused.control).toBe(1);
		expect(paused.models.map((m) => m.step)).toEqual([paused.step, paused.step]);
		// Paused: the test metrics are for the weights as they are now.
		const lastTest = h
			.snapshots()
			.flatMap((s) => (s.models[0].test ? [s.models[0].test] : []))
			.pop()!;
		expect(lastTest.step).toBe(paused.step);
		const count = h.snapshots().length;
		h.send({ type: 'frame', runId: 1 });
		h.run();
		expect(h.snapshots().length).toBe(count); // a resting run does not answer frames
		h.send({ type: 'play', runId: 1 });
		h.run(3);
		expect(h.last().step).toBeGreaterThan(paused.step);
		expect(h.last().running).toBe(true);
	});

	it('step(n) trains exactly n steps per model, then pauses', () => {
		const h = harness();
		h.send({ type: 'init', run: runSpec(1, { autoplay: false }, twins()) });
		h.run();
		expect(h.last().step).toBe(0);
		h.send({ type: 'step', runId: 1, n: 7 });
		h.run();
		expect(h.last()).toMatchObject({ step: 7, running: false });
		expect(h.last().models.map((m) => m.step)).toEqual([7, 7]);
		expect(stepsOf(h.snapshots(), 'float')).toEqual([1, 2, 3, 4, 5, 6, 7]);
		h.send({ type: 'step', runId: 1, n: 1 });
		h.run();
		expect(h.last().models.map((m) => m.step)).toEqual([8, 8]);
	});

	it('reset replays the run with bit-identical metrics', () => {
		const h = harness();
		h.send({ type: 'init', run: runSpec(1, { maxSteps: 60 }, twins()) });
		h.run();
		const first = h.snapshots();
		h.send({ type: 'reset', runId: 1 });
		h.run();
		// The run had come to rest at maxSteps: the reset one rests at step 0 until play.
		expect(h.last()).toMatchObject({ generation: 1, step: 0, running: false });
		h.send({ type: 'play', runId: 1 });
		h.run();
		const second = h.snapshots().filter((s) => s.generation === 1);
		expect(h.of('ready').map((r) => r.generation)).toEqual([0, 1]);
		expect(second.at(-1)!.step).toBe(60);
		for (const id of ['binary', 'float']) {
			expect(losses(second, id)).toEqual(losses(first, id));
			const tests = (ss: Snapshot[]) => ss.flatMap((s) => s.models.filter((m) => m.id === id && m.test).map((m) => m.test!.loss));
			expect(tests(second)).toEqual(tests(first));
		}
	});

	it('a new init cancels the old run at once; messages of the old run are ignored', () => {
		const h = harness();
		h.send({ type: 'init', run: runSpec(1) });
		h.run(5);
		h.send({ type: 'init', run: runSpec(2, { autoplay: false }) });
		const mark = h.posts.length;
		h.send({ type: 'play', runId: 1 });
		h.send({ type: 'step', runId: 1, n: 5 });
		h.run();
		const after = h.posts.slice(mark).map((p) => p.msg);
		expect(after.every((m) => !('runId' in m) || m.runId === 2)).toBe(true);
		expect(h.last()).toMatchObject({ runId: 2, step: 0, running: false });
		expect(h.queue.length).toBe(0);
	});

	it('reports a bad config as an error of kind config, without throwing', () => {
		const h = harness();
		const bad = train({ ...SPEC, classes: 3 }); // moons has 2 classes
		expect(() => h.send({ type: 'init', run: runSpec(1, {}, [{ id: 'b', label: 'Three-way', config: bad }]) })).not.toThrow();
		const [err] = h.of('error');
		expect(err).toMatchObject({ kind: 'config', runId: 1, requestId: null, recoverable: true });
		expect(err.message).toMatch(/Three-way: .*3 outputs.*2 classes/);
		// Requests to the run that failed get an answer, not silence.
		h.send({ type: 'predict', runId: 1, requestId: 9, modelId: 'b', input: new Float32Array(2) });
		expect(h.of('error')[1]).toMatchObject({ requestId: 9, kind: 'config' });
		h.posts.length = 0;
		h.send({ type: 'init', run: runSpec(2, {}, [{ id: 'b', label: 'B', config: { ...train(SPEC), batchSize: 0 } }]) });
		expect(h.of('error')[0]).toMatchObject({ kind: 'config' });
		expect(h.of('error')[0].message).toMatch(/batchSize/);
		h.send({ type: 'init', run: runSpec(3, { evalEvery: 0 }) });
		expect(h.of('error')[1].message).toMatch(/evalEvery/);
		h.send({ type: 'init', run: { ...runSpec(4), data: { ...MOONS, n: -5 } } });
		expect(h.of('error')[2]).toMatchObject({ kind: 'config' });
		// The worker still works.
		h.send({ type: 'init', run: runSpec(5, { maxSteps: 3 }) });
		h.run();
		expect(h.last()).toMatchObject({ runId: 5, step: 3 });
	});

	it('answers malformed messages and other protocol versions with an error, and pings with pong', () => {
		const h = harness();
		h.session.receive({ v: 99, type: 'ping', id: 1 });
		h.session.receive(null);
		h.send({ type: 'ping', id: 7 });
		expect(h.of('error').map((e) => e.kind)).toEqual(['internal', 'internal']);
		expect(h.of('error')[0].message).toMatch(/version 99/);
		expect(h.of('pong')).toEqual([{ v: PROTOCOL_VERSION, type: 'pong', id: 7 }]);
	});

	it('predicts class probabilities that sum to 1', () => {
		const h = harness();
		h.send({ type: 'init', run: runSpec(1, { maxSteps: 30 }) });
		h.run();
		h.send({ type: 'predict', runId: 1, requestId: 5, modelId: 'binary', input: new Float32Array([0.5, -0.2]) });
		const [p] = h.of('prediction');
		expect(p.requestId).toBe(5);
		expect(p.probabilities.length).toBe(2);
		expect(p.probabilities[0] + p.probabilities[1]).toBeCloseTo(1, 6);
		h.send({ type: 'predict', runId: 1, requestId: 6, modelId: 'nope', input: new Float32Array(2) });
		h.send({ type: 'predict', runId: 1, requestId: 7, modelId: 'binary', input: new Float32Array(3) });
		expect(h.of('error').map((e) => [e.requestId, e.kind])).toEqual([
			[6, 'config'],
			[7, 'config']
		]);
	});

	it('export then import round-trips the model: the same test metrics', () => {
		const h = harness();
		h.send({ type: 'init', run: runSpec(1, { maxSteps: 80 }, twins()) });
		h.run();
		const before = h
			.snapshots()
			.flatMap((s) => s.models.filter((m) => m.id === 'binary' && m.test).map((m) => m.test!))
			.pop()!;
		expect(before.step).toBe(80);
		h.send({ type: 'export', runId: 1, requestId: 1, modelId: 'binary' });
		const [ex] = h.of('exported');
		expect(ex.bytes).toBeInstanceOf(Uint8Array);
		expect(h.posts.find((p) => p.msg === ex)!.transfer).toContain(ex.bytes.buffer);
		h.send({ type: 'import', runId: 1, requestId: 2, modelId: 'float', bytes: ex.bytes.slice() });
		const [im] = h.of('imported');
		expect(im.model).toMatchObject({ id: 'float', source: 'imported' });
		expect(im.model.meta).toMatchObject({ label: 'Binary', dataset: 'moons', steps: 80 });
		h.run();
		const after = h.last().models.find((m) => m.id === 'float')!;
		expect(after.status).toBe('imported');
		expect(after.test!.accuracy).toBe(before.accuracy);
		expect(after.test!.loss).toBeCloseTo(before.loss, 5);
		expect(Array.from(after.test!.confusion)).toEqual(Array.from(before.confusion));
		// Imported models do not train; reset brings the trained one back.
		h.send({ type: 'play', runId: 1 });
		h.run(5);
		expect(h.last().models.find((m) => m.id === 'float')!.step).toBe(0);
		h.send({ type: 'reset', runId: 1 });
		expect(h.of('ready').at(-1)!.models[1].source).toBe('trained');
	});

	it('refuses a corrupt model file with a format error, and training goes on', () => {
		const h = harness();
		h.send({ type: 'init', run: runSpec(1) });
		h.run(5);
		h.send({ type: 'export', runId: 1, requestId: 1, modelId: 'binary' });
		const bytes = h.of('exported')[0].bytes.slice();
		bytes[bytes.length - 10] ^= 0xff;
		h.send({ type: 'import', runId: 1, requestId: 2, modelId: 'binary', bytes });
		h.send({ type: 'import', runId: 1, requestId: 3, modelId: 'binary', bytes: new Uint8Array([1, 2, 3]) });
		const errs = h.of('error');
		expect(errs.map((e) => [e.requestId, e.kind, e.recoverable])).toEqual([
			[2, 'format', true],
			[3, 'format', true]
		]);
		expect(errs[0].message).toMatch(/checksum/);
		expect(errs[1].message).toMatch(/not a Bitwise model file/);
		const step = h.last().step;
		h.run(5);
		expect(h.last().step).toBeGreaterThan(step);
		expect(h.last().running).toBe(true);
	});

	it('stops a model whose loss goes non-finite and lets the others go on', () => {
		const h = harness();
		// Three ReLU layers, no batch norm, SGD at lr 10 with heavy momentum: the logits blow up within ~10 steps.
		const wild = train({ inputSize: 2, classes: 2, hidden: [64, 64, 64] }, { optimizer: { type: 'sgd', lr: 10, momentum: 0.999 } });
		h.send({
			type: 'init',
			run: runSpec(1, { maxSteps: 150 }, [
				{ id: 'wild', label: 'Wild', config: wild },
				{ id: 'calm', label: 'Calm', config: train(SPEC) }
			])
		});
		h.run();
		const [d] = h.of('diverged');
		expect(d).toMatchObject({ runId: 1, modelId: 'wild' });
		const last = h.last();
		expect(last.models[0]).toMatchObject({ status: 'diverged', step: d.step });
		expect(last.models[1]).toMatchObject({ status: 'training', step: 150 });
		expect(h.of('error')).toEqual([]);
	});

	it('an engine failure mid-run becomes an internal error and the run stops', () => {
		const h = harness();
		h.send({ type: 'init', run: runSpec(1) });
		h.run(3);
		// Sabotage: a model whose forward pass throws.
		const run = (h.session as unknown as { run: { slots: { trainer: { step(): void } }[] } }).run;
		run.slots[0].trainer.step = () => {
			throw new Error('boom');
		};
		h.run();
		const [err] = h.of('error');
		expect(err).toMatchObject({ kind: 'internal', runId: 1, recoverable: true });
		expect(err.message).toMatch(/boom/);
		expect(h.queue.length).toBe(0);
	});
});

describe('Session with the digits', () => {
	const bytes = loadMnistBytes();
	const digits = (): DataSpec => ({ kind: 'mnist', seed: 1, url: '/data/mnist.bin', trainSize: 256, testSize: 100 });
	const mlp = (): TrainConfig => train({ inputSize: 784, classes: 10, hidden: [32], weights: 'binary', input: 'sign', batchnorm: true });

	it('fetches the asset once, and sends sample predictions instead of a boundary', async () => {
		let fetches = 0;
		const h = harness({
			fetchBytes: async (url) => {
				fetches++;
				expect(url).toBe('/data/mnist.bin');
				return bytes;
			}
		});
		h.send({ type: 'init', run: { runId: 1, data: digits(), models: [{ id: 'b', label: 'B', config: mlp() }], options: { maxSteps: 10, samples: 5 } } });
		expect(h.of('ready')).toEqual([]);
		// Predictions while loading are refused, readably.
		h.send({ type: 'predict', runId: 1, requestId: 1, modelId: 'b', input: new Float32Array(784) });
		expect(h.of('error')[0]).toMatchObject({ requestId: 1, kind: 'config' });
		await new Promise((r) => setTimeout(r, 0));
		const [ready] = h.of('ready');
		expect(ready.data).toMatchObject({ name: 'mnist', inputSize: 784, classes: 10, imageShape: [28, 28], points: null });
		expect(ready.data.samples!.images.length).toBe(5 * 784);
		h.run();
		const last = h.last();
		expect(last.step).toBe(10);
		expect(last.models[0].boundary).toBeNull();
		const samples = h.snapshots().flatMap((s) => s.models[0].samples ?? []);
		expect(samples.length).toBeGreaterThanOrEqual(5);
		expect(samples.slice(-5).map((s) => s.label)).toEqual(Array.from(ready.data.samples!.labels));
		// The same asset again (twice in a row, as a slider drag does): one fetch in all.
		h.send({ type: 'init', run: { runId: 2, data: { ...digits(), seed: 2 }, models: [{ id: 'b', label: 'B', config: mlp() }] } });
		h.send({ type: 'init', run: { runId: 3, data: { ...digits(), seed: 3 }, models: [{ id: 'b', label: 'B', config: mlp() }] } });
		await new Promise((r) => setTimeout(r, 0));
		expect(h.of('ready').map((r) => r.runId)).toEqual([1, 3]);
		expect(fetches).toBe(1);
	});

	it('reports download progress to the run waiting for the bytes, about ten times a second and at the end', async () => {
		let report: (loaded: number, total: number | null) => void = () => {};
		let release: (b: Uint8Array) => void = () => {};
		const h = harness({
			fetchBytes: (_url, progress) => {
				report = progress ?? report;
				return new Promise((r) => (release = r));
			}
		});
		h.send({ type: 'init', run: { runId: 4, data: digits(), models: [{ id: 'b', label: 'B', config: mlp() }] } });
		await new Promise((r) => setTimeout(r, 0));
		report(1000, 5000);
		report(2000, 5000); // within 100 ms of the last: not sent
		h.advance(150);
		report(3000, 5000);
		report(5000, 5000); // the last always is
		expect(h.of('loading').map((m) => [m.runId, m.loaded, m.total])).toEqual([
			[4, 1000, 5000],
			[4, 3000, 5000],
			[4, 5000, 5000]
		]);
		release(bytes);
		await new Promise((r) => setTimeout(r, 0));
		expect(h.of('ready').map((r) => r.runId)).toEqual([4]);
	});

	it('reports a failed download as a data error, and a newer run wins over a slow one', async () => {
		let release: (b: Uint8Array) => void = () => {};
		const h = harness({
			fetchBytes: (url) => (url === '/missing' ? Promise.reject(new Error('404 Not Found')) : new Promise((r) => (release = r)))
		});
		h.send({ type: 'init', run: { runId: 1, data: { ...digits(), url: '/missing' }, models: [{ id: 'b', label: 'B', config: mlp() }] } });
		await new Promise((r) => setTimeout(r, 0));
		expect(h.of('error')[0]).toMatchObject({ kind: 'data', runId: 1 });
		expect(h.of('error')[0].message).toMatch(/404/);
		h.send({ type: 'init', run: { runId: 2, data: digits(), models: [{ id: 'b', label: 'B', config: mlp() }] } });
		h.send({ type: 'init', run: runSpec(3, { autoplay: false }) });
		await new Promise((r) => setTimeout(r, 0));
		release(bytes);
		await new Promise((r) => setTimeout(r, 0));
		expect(h.of('ready').map((r) => r.runId)).toEqual([3]);
		// The download finished for nobody, but is kept: the digits are ready at once next time.
		h.send({ type: 'init', run: { runId: 4, data: digits(), models: [{ id: 'b', label: 'B', config: mlp() }] } });
		await new Promise((r) => setTimeout(r, 0));
		expect(h.of('ready').map((r) => r.runId)).toEqual([3, 4]);
	});
});

/** The typed arrays inside a message. */
function typedArrays(v: unknown, out: ArrayBufferView[] = []): ArrayBufferView[] {
	if (ArrayBuffer.isView(v)) out.push(v);
	else if (Array.isArray(v)) for (const x of v) typedArrays(x, out);
	else if (v && typeof v === 'object') for (const x of Object.values(v)) typedArrays(x, out);
	return out;
}

describe('Session attacks', () => {
	it('answers an attack with the accuracy at each budget, the same numbers the engine gives on the model', () => {
		const h = harness();
		h.send({ type: 'init', run: runSpec(1, { maxSteps: 60 }, twins()) });
		h.run();
		const spec = { attack: 'pgd', eps: [0, 0.2, 0.5], examples: 40, steps: 4, seed: 2 } as const;
		h.send({ type: 'attack', runId: 1, requestId: 1, modelId: 'binary', sourceId: null, spec });
		h.send({ type: 'attack', runId: 1, requestId: 2, modelId: 'binary', sourceId: 'float', spec: { ...spec, attack: 'transfer' } });
		h.send({ type: 'export', runId: 1, requestId: 3, modelId: 'binary' });
		h.send({ type: 'export', runId: 1, requestId: 4, modelId: 'float' });
		h.run();
		expect(h.of('error')).toEqual([]);
		const [white, transfer] = h.of('attacked');
		expect(white).toMatchObject({ requestId: 1, modelId: 'binary', step: 60, examples: 40 });
		expect(transfer).toMatchObject({ requestId: 2, modelId: 'binary', step: 60, examples: 40 });
		// The same attack run by the engine on exported copies of the two models.
		const [binary, float] = h.of('exported').map((e) => importModel(e.bytes).model);
		const data = makeSynthetic('moons', { noise: 0.1, n: 300, seed: 2 });
		expect(white.accuracy).toEqual(new AttackEvaluation(binary, null, data, spec).run());
		expect(transfer.accuracy).toEqual(new AttackEvaluation(binary, float, data, { ...spec, attack: 'transfer' }).run());
		expect(white.accuracy[2]).toBeLessThan(white.accuracy[0]);
	});

	it('refuses a malformed attack with a readable error, and drops one the reset overtakes', () => {
		const h = harness();
		h.send({ type: 'init', run: runSpec(1, { maxSteps: 20 }, twins()) });
		h.run();
		h.send({ type: 'attack', runId: 1, requestId: 1, modelId: 'binary', sourceId: null, spec: { attack: 'pgd', eps: [3], examples: 10, seed: 1 } });
		h.send({ type: 'attack', runId: 1, requestId: 2, modelId: 'binary', sourceId: null, spec: { attack: 'transfer', eps: [0.1], examples: 10, seed: 1 } });
		const errors = h.of('error');
		expect(errors.map((e) => [e.requestId, e.kind])).toEqual([
			[1, 'config'],
			[2, 'config']
		]);
		expect(errors[0].message).toMatch(/each from 0 to 1/);
		expect(errors[1].message).toMatch(/crafted on/);
		h.send({ type: 'attack', runId: 1, requestId: 3, modelId: 'binary', sourceId: null, spec: { attack: 'fgsm', eps: [0.1], examples: 200, seed: 1 } });
		h.send({ type: 'reset', runId: 1 });
		h.run();
		expect(h.of('attacked')).toEqual([]);
		expect(h.of('error').at(-1)).toMatchObject({ requestId: 3, message: expect.stringMatching(/reset before the attack finished/) });
	});
});

describe('Session: one example attacked', () => {
	it('returns the adversarial input within the budget, the engine’s own crafting, and refuses a bad request', () => {
		const h = harness();
		h.send({ type: 'init', run: runSpec(1, { maxSteps: 40 }, twins()) });
		h.run();
		const data = makeSynthetic('moons', { noise: 0.1, n: 300, seed: 2 });
		const input = data.testX.slice(0, 2),
			label = data.testY[0];
		h.send({ type: 'attackOne', runId: 1, requestId: 1, modelId: 'binary', sourceId: null, attack: 'fgsm', eps: 0.3, input, label, seed: 1 });
		h.send({ type: 'attackOne', runId: 1, requestId: 2, modelId: 'binary', sourceId: 'float', attack: 'transfer', eps: 0.3, input, label, seed: 1 });
		h.send({ type: 'export', runId: 1, requestId: 3, modelId: 'binary' });
		expect(h.of('error')).toEqual([]);
		const [fg, tr] = h.of('attackedOne');
		expect(fg).toMatchObject({ requestId: 1, modelId: 'binary' });
		// The 2-D sets have no pixel range: each value moves a full ε, or not at all where its gradient is 0.
		for (let i = 0; i < 2; i++) expect([0, 0.3].some((d) => Math.abs(Math.abs(fg.adversarial[i] - input[i]) - d) < 1e-6)).toBe(true);
		const binary = importModel(h.of('exported')[0].bytes).model;
		expect(Array.from(fg.adversarial)).toEqual(Array.from(fgsm(binary, input, [label], 1, { eps: 0.3, lo: -Infinity, hi: Infinity })));
		expect(tr.adversarial).toHaveLength(2);
		h.send({ type: 'attackOne', runId: 1, requestId: 4, modelId: 'binary', sourceId: null, attack: 'fgsm', eps: 2, input, label, seed: 1 });
		h.send({
			type: 'attackOne',
			runId: 1,
			requestId: 5,
			modelId: 'binary',
			sourceId: null,
			attack: 'fgsm',
			eps: 0.1,
			input: new Float32Array(3),
			label,
			seed: 1
		});
		h.send({ type: 'attackOne', runId: 1, requestId: 6, modelId: 'binary', sourceId: null, attack: 'fgsm', eps: 0.1, input, label: 7, seed: 1 });
		expect(h.of('error').map((e) => [e.requestId, e.kind, e.message])).toEqual([
			[4, 'config', 'eps must be from 0 to 1, got 2'],
			[5, 'config', 'an attacked example needs 2 input values as a Float32Array'],
			[6, 'config', 'the label must be a class from 0 to 1, got 7']
		]);
	});
});
