import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mlpConfig, type MlpSpec, type TrainConfig } from '$lib/engine';
import { TrainingClient, WorkerRequestError, type RunRequest } from './client.svelte';
import { FakeWorker, until } from './fake-worker';
import { PROTOCOL_VERSION } from './protocol';
import { floatTwin } from './twin';

beforeAll(() => {
	// Node has no animation frames; a page paints about every 16 ms.
	globalThis.requestAnimationFrame ??= ((cb: FrameRequestCallback) => setTimeout(() => cb(performance.now()), 16)) as unknown as typeof requestAnimationFrame;
});

const spec: MlpSpec = { inputSize: 2, classes: 2, hidden: [16], weights: 'binary', input: 'sign', activation: 'hardtanh', batchnorm: true };
const cfg = (s: MlpSpec = spec): TrainConfig => ({ model: mlpConfig(s), optimizer: { type: 'adam', lr: 0.01 }, batchSize: 32, seed: 1 });
const request = (over: Partial<RunRequest['options']> = {}): RunRequest => ({
	data: { kind: 'synthetic', name: 'circles', noise: 0.1, n: 300, seed: 1 },
	models: [
		{ id: 'binary', label: 'Binary', config: cfg() },
		{ id: 'float', label: 'Float twin', config: cfg(floatTwin(spec)) }
	],
	options: { boundaryResolution: 16, evalEvery: 25, ...over }
});

let clients: TrainingClient[] = [];
afterEach(() => {
	for (const c of clients) c.destroy();
	clients = [];
});

function make(opts: { pingEvery?: number; pingTimeout?: number } = {}) {
	const workers: FakeWorker[] = [];
	const client = new TrainingClient({
		...opts,
		createWorker: () => {
			const w = new FakeWorker();
			workers.push(w);
			return w;
		}
	});
	clients.push(client);
	return { client, workers };
}

describe('TrainingClient', () => {
	it('starts a run, streams snapshots into runes, pauses and steps', async () => {
		const { client, workers } = make();
		expect(client.status).toBe('idle');
		client.start(request());
		expect(client.status).toBe('loading');
		expect(client.models.map((m) => m.label)).toEqual(['Binary', 'Float twin']);
		await until(() => client.step > 40, 'training');
		expect(client.status).toBe('running');
		expect(client.data).toMatchObject({ name: 'circles', classes: 2, nTest: 60 });
		const [binary, float] = client.models;
		expect(binary.memory!.packedBytes).toBeLessThan(binary.memory!.floatBytes);
		expect(binary.backend).toBeTruthy();
		expect(binary.history.length).toBeGreaterThan(0);
		expect(binary.history.step[0]).toBe(1);
		expect(float.test).not.toBeNull();
		expect(float.testHistory.step[0]).toBe(0);
		expect(binary.boundary!.length).toBe(256);
		expect(binary.last!.layers.length).toBe(2);

		client.pause();
		expect(client.status).toBe('paused');
		await until(() => workers[0].session['run']?.slots.every((s: { target: number; step: number }) => s.step === s.target) === true, 'the pause');
		await new Promise((r) => setTimeout(r, 100));
		expect(client.status).toBe('paused'); // snapshots in flight did not flip it back
		const at = client.step;
		expect(binary.test!.step).toBe(binary.step); // evaluated on pausing

		client.stepBy(5);
		await until(() => client.step === at + 5 && client.status === 'paused', 'five steps');
		expect(binary.step).toBe(at + 5);
		expect(binary.history.step[binary.history.length - 1]).toBe(at + 5);
	});

	it('predicts, exports and imports; a bad file rejects readably and the run goes on', async () => {
		const { client } = make();
		client.start(request({ maxSteps: 60 }));
		await until(() => client.status === 'paused' && client.step === 60, 'maxSteps');
		const p = await client.predict('float', new Float32Array([0, 0]));
		expect(p[0] + p[1]).toBeCloseTo(1, 6);
		const bytes = await client.exportModel('binary');
		expect(bytes.subarray(0, 4)).toEqual(new TextEncoder().encode('BWNN'));

		const broken = bytes.slice(0, bytes.length - 3);
		await expect(client.importModel(broken, 'float')).rejects.toThrow(/truncated model file/);
		await expect(client.importModel(broken, 'float')).rejects.toBeInstanceOf(WorkerRequestError);
		expect(client.status).toBe('paused');
		expect(client.error).toBeNull();

		const accuracy = client.models[0].test!.accuracy;
		await client.importModel(bytes, 'float');
		const float = client.model('float')!;
		expect(float.status).toBe('imported');
		expect(float.source).toBe('imported');
		expect(float.meta).toMatchObject({ label: 'Binary', steps: 60 });
		await until(() => float.test !== null, 'the imported model evaluated');
		expect(float.test!.accuracy).toBe(accuracy);
	});

	it('inspects weights and gradients, times inference, and keeps per-layer series', async () => {
		const { client } = make();
		client.start(request({ maxSteps: 40 }));
		await until(() => client.status === 'paused' && client.step === 40, 'maxSteps');
		const ins = await client.inspect('binary', { activations: { layer: 1, count: 3 } });
		expect(ins.step).toBe(40);
		expect(ins.layers.map((l) => l.weights.length)).toEqual([32, 32]);
		expect(ins.activations!.values.length).toBe(3 * 16);
		const times = await client.timeInference({ batch: 16, repeats: 3 });
		expect(times.map((t) => [t.modelId, t.packed])).toEqual([
			['binary', true],
			['float', false]
		]);
		for (const t of times) expect(t.msPerBatch).toBeGreaterThanOrEqual(0);
		await expect(client.inspect('nope')).rejects.toThrow(/no model 'nope'/);
		const [binary] = client.models;
		expect(binary.layerHistory.length).toBe(2);
		const h = binary.layerHistory[1];
		expect(h.length).toBe(40);
		expect(Array.from(h.step).at(-1)).toBe(40);
		expect(h.clipShare.every((v) => v > 0 && v <= 1)).toBe(true);
		expect(binary.layerHistory[0].clipShare.every(Number.isNaN)).toBe(true);
		client.reset();
		expect(binary.layerHistory).toEqual([]);
	});

	it('reset starts the curves over; a new run replaces the old one', async () => {
		const { client } = make();
		client.start(request({ maxSteps: 30 }));
		await until(() => client.step === 30 && client.status === 'paused', 'the first run');
		const first = Array.from(client.models[0].history.loss);
		client.reset();
		expect(client.models[0].history.length).toBe(0);
		client.play();
		await until(() => client.step === 30 && client.status === 'paused', 'the replay');
		expect(Array.from(client.models[0].history.loss)).toEqual(first);

		client.start({ ...request({ maxSteps: 10 }), models: [{ id: 'solo', label: 'Solo', config: cfg() }] });
		await until(() => client.status === 'paused', 'the second run');
		expect(client.models.map((m) => m.id)).toEqual(['solo']);
		expect(client.step).toBe(10);
	});

	it('shows a bad config as an error the page can read', async () => {
		const { client } = make();
		client.start({ ...request(), models: [{ id: 'x', label: 'Wide', config: { ...cfg(), batchSize: 0 } }] });
		await until(() => client.status === 'error', 'the error');
		expect(client.errorKind).toBe('config');
		expect(client.error).toMatch(/Wide: batchSize/);
	});

	it('turns a worker error into a crash with restart() as the way back', async () => {
		const { client, workers } = make();
		client.start(request());
		await until(() => client.step > 5, 'training');
		const pending = client.predict('binary', new Float32Array(2));
		workers[0].fail('out of memory');
		expect(client.status).toBe('crashed');
		expect(client.error).toMatch(/out of memory/);
		expect(workers[0].terminated).toBe(true);
		await expect(pending).rejects.toThrow();
		client.restart();
		expect(workers.length).toBe(2);
		await until(() => client.status === 'running' && client.step > 5, 'the restarted run');
	});

	it('counts a worker that stops answering pings as crashed', async () => {
		const { client, workers } = make({ pingEvery: 20, pingTimeout: 100 });
		client.start(request());
		await until(() => client.step > 0, 'training');
		workers[0].deaf = true;
		await until(() => client.status === 'crashed', 'the crash');
		expect(client.error).toMatch(/stopped responding/);
	});

	it('acknowledges snapshots with frames, one per snapshot', async () => {
		const { client, workers } = make();
		client.start(request({ maxSteps: 200 }));
		await until(() => client.status === 'paused', 'the run');
		await new Promise((r) => setTimeout(r, 50));
		const frames = workers[0].sent.filter((m) => m.type === 'frame').length;
		expect(frames).toBeGreaterThan(0);
		client.destroy();
		expect(workers[0].terminated).toBe(true);
	});

	it('paces training with setSpeed, and a restarted worker keeps the speed', async () => {
		const { client, workers } = make();
		client.setSpeed(20);
		client.start(request());
		await until(() => client.step >= 1, 'the first step');
		const t0 = performance.now(),
			s0 = client.step;
		await new Promise((r) => setTimeout(r, 500));
		const rate = ((client.step - s0) * 1000) / (performance.now() - t0);
		// 20 a second, give or take timer slack on a busy machine; unpaced it would be hundreds.
		expect(rate).toBeGreaterThan(5);
		expect(rate).toBeLessThan(30);
		expect(workers[0].sent.filter((m) => m.type === 'speed')).toEqual([{ v: PROTOCOL_VERSION, type: 'speed', stepsPerSecond: 20 }]);
		expect(() => client.setSpeed(0)).toThrow(/positive/);
		workers[0].fail('boom');
		client.restart();
		expect(workers[1].sent[0]).toMatchObject({ type: 'speed', stepsPerSecond: 20 });
		client.setSpeed(Infinity);
		await until(() => client.step > 100, 'unpaced training');
	});
});
