/** The inspect and timeInference requests, and the per-layer step series (see session.test.ts for the rest). */
import { describe, expect, it } from 'vitest';
import { makeSynthetic, mlpConfig, Trainer, type TrainConfig } from '$lib/engine';
import { PROTOCOL_VERSION, type DataSpec, type FromWorker, type RunSpec } from './protocol';
import { Session } from './session';

function harness() {
	const posts: { msg: FromWorker; transfer: Transferable[] }[] = [];
	const queue: (() => void)[] = [];
	let t = 0;
	const session = new Session({
		post: (msg, transfer) => posts.push({ msg, transfer }),
		now: () => ++t,
		schedule: (fn) => void queue.push(fn),
		fetchBytes: () => Promise.reject(new Error('no network in tests'))
	});
	const send = (m: Record<string, unknown>) => session.receive({ v: PROTOCOL_VERSION, ...m });
	return {
		posts,
		send,
		run() {
			while (queue.length) {
				const before = posts.length;
				queue.shift()!();
				for (const p of posts.slice(before)) if (p.msg.type === 'snapshot') send({ type: 'frame', runId: p.msg.runId });
			}
		},
		of<T extends FromWorker['type']>(type: T): Extract<FromWorker, { type: T }>[] {
			return posts.filter((p) => p.msg.type === type).map((p) => p.msg) as Extract<FromWorker, { type: T }>[];
		}
	};
}

const DATA: DataSpec = { kind: 'synthetic', name: 'moons', noise: 0.1, n: 400, seed: 2 };
const BINARY: TrainConfig = {
	model: mlpConfig({ inputSize: 2, classes: 2, hidden: [16, 16], weights: 'binary', input: 'sign', batchnorm: true }),
	optimizer: { type: 'adam', lr: 0.01 },
	batchSize: 32,
	seed: 1
};
const MULTI: TrainConfig = {
	...BINARY,
	model: mlpConfig({ inputSize: 2, classes: 2, hidden: [8], weights: 'multibase', bases: 3, input: 'multibase', inputBases: 2, batchnorm: true })
};
const spec = (models = [{ id: 'binary', label: 'Binary', config: BINARY }]): RunSpec => ({
	runId: 1,
	data: DATA,
	models,
	options: { boundaryResolution: 8, evalEvery: 1000, autoplay: false }
});

/** The same model trained the same number of steps directly in the engine. */
function engineTwin(config: TrainConfig, steps: number): Trainer {
	const t = new Trainer(config, makeSynthetic('moons', { n: 400, noise: 0.1, seed: 2 }), { histogramBins: 0 });
	for (let i = 0; i < steps; i++) t.step();
	return t;
}

describe('Session: inspect', () => {
	it("returns each dense layer's weights and last gradients, equal to the engine's, transferred", () => {
		const h = harness();
		h.send({ type: 'init', run: spec() });
		h.send({ type: 'step', runId: 1, n: 25 });
		h.run();
		h.send({ type: 'inspect', runId: 1, requestId: 7, modelId: 'binary', activations: null });
		const [r] = h.of('inspected');
		expect(r.requestId).toBe(7);
		const ins = r.inspection;
		expect(ins.step).toBe(25);
		expect(ins.layers.map((l) => [l.name, l.units, l.inputs, l.weightMode, l.inputMode])).toEqual([
			['dense1', 16, 2, 'binary', 'float'],
			['dense2', 16, 16, 'binary', 'sign'],
			['dense3', 2, 16, 'binary', 'sign']
		]);
		const t = engineTwin(BINARY, 25);
		t.model.dense.forEach((d, k) => {
			expect(ins.layers[k].weights).toEqual(d.W.value);
			expect(ins.layers[k].grad).toEqual(d.W.grad);
			expect(ins.layers[k].inputShifts).toBeNull();
		});
		// Gradients of a trained step are not all zero; arrays are fresh buffers, listed for transfer.
		expect(ins.layers[1].grad.some((g) => g !== 0)).toBe(true);
		const post = h.posts.find((p) => p.msg.type === 'inspected')!;
		expect(post.transfer).toContain(ins.layers[0].weights.buffer);
		expect(post.transfer).toContain(ins.layers[2].grad.buffer);
	});

	it("gives a layer's inputs on test examples, and multibase shifts and scales", () => {
		const h = harness();
		h.send({ type: 'init', run: spec([{ id: 'multi', label: 'ABC', config: MULTI }]) });
		h.send({ type: 'step', runId: 1, n: 10 });
		h.run();
		h.send({ type: 'inspect', runId: 1, requestId: 1, modelId: 'multi', activations: { layer: 1, count: 5 } });
		const ins = h.of('inspected')[0].inspection;
		const t = engineTwin(MULTI, 10);
		expect(ins.layers[1]).toMatchObject({ bases: 3, inputBases: 2, inputMode: 'multibase' });
		expect(ins.layers[1].inputShifts).toEqual(t.model.dense[1].v!.value);
		expect(ins.layers[1].inputScales).toEqual(t.model.dense[1].beta!.value);
		expect(ins.activations!.values.length).toBe(5 * 8);
		expect(ins.activations!.values).toEqual(t.model.denseInput(1, t.data.testX.subarray(0, 10), 5));
	});

	it('copies only the layers asked for, and no gradients when told', () => {
		const h = harness();
		h.send({ type: 'init', run: spec() });
		h.send({ type: 'step', runId: 1, n: 3 });
		h.run();
		h.send({ type: 'inspect', runId: 1, requestId: 5, modelId: 'binary', activations: null, only: [1], gradients: false });
		const ins = h.of('inspected')[0].inspection;
		expect(ins.layers.map((l) => [l.name, l.weights.length, l.grad.length])).toEqual([
			['dense1', 0, 0],
			['dense2', 256, 0],
			['dense3', 0, 0]
		]);
		h.send({ type: 'inspect', runId: 1, requestId: 6, modelId: 'binary', activations: null, only: [3] });
		expect(h.of('error')[0]).toMatchObject({ requestId: 6, message: 'only must list dense layers from 0 to 2, got [3]' });
	});

	it('refuses an unknown model or layer, or a bad count, with a readable error naming the request', () => {
		const h = harness();
		h.send({ type: 'init', run: spec() });
		h.send({ type: 'inspect', runId: 1, requestId: 2, modelId: 'nope', activations: null });
		h.send({ type: 'inspect', runId: 1, requestId: 3, modelId: 'binary', activations: { layer: 3, count: 5 } });
		h.send({ type: 'inspect', runId: 1, requestId: 4, modelId: 'binary', activations: { layer: 0, count: 0 } });
		const errs = h.of('error');
		expect(errs.map((e) => e.requestId)).toEqual([2, 3, 4]);
		expect(errs[0].message).toMatch(/no model 'nope'/);
		expect(errs[1].message).toMatch(/layer must be an integer from 0 to 2/);
		expect(errs[2].message).toMatch(/count must be an integer from 1 to 80/);
		expect(errs.map((e) => [e.kind, e.recoverable])).toEqual([
			['config', true],
			['config', true],
			['config', true]
		]);
	});
});

describe('Session: timeInference', () => {
	it('times every model, interleaved, and says which ran on the packed kernel', () => {
		const h = harness();
		const float: TrainConfig = { ...BINARY, model: mlpConfig({ inputSize: 2, classes: 2, hidden: [16, 16], batchnorm: true }) };
		h.send({
			type: 'init',
			run: spec([
				{ id: 'binary', label: 'Binary', config: BINARY },
				{ id: 'float', label: 'Float', config: float }
			])
		});
		h.send({ type: 'timeInference', runId: 1, requestId: 9, modelIds: [], batch: 64, repeats: 5 });
		const [r] = h.of('inferenceTimes');
		expect(r.requestId).toBe(9);
		expect(r.timings.map((x) => [x.modelId, x.packed, x.batch, x.repeats])).toEqual([
			['binary', true, 64, 5],
			['float', false, 64, 5]
		]);
		// The fake clock advances 1 per read: two reads per timed pass make every median exactly 1 ms.
		for (const x of r.timings) {
			expect(x.msPerBatch).toBe(1);
			expect(x.msPerExample).toBeCloseTo(1 / 64, 12);
			expect(x.kernels).toMatch(/float: /);
		}
		expect(r.timings[0].kernels).toMatch(/binary/);
		h.send({ type: 'timeInference', runId: 1, requestId: 10, modelIds: ['float'], batch: 100, repeats: 5 });
		h.send({ type: 'timeInference', runId: 1, requestId: 11, modelIds: [], batch: 8, repeats: 0 });
		expect(h.of('error').map((e) => [e.requestId, e.message])).toEqual([
			[10, 'batch must be an integer from 1 to 80, got 100'],
			[11, 'repeats must be an integer from 1 to 50, got 0']
		]);
	});
});

describe('Session: per-layer series', () => {
	it("streams gradient norms, clip-window shares and flips per layer and step, equal to the engine's", () => {
		const h = harness();
		h.send({ type: 'init', run: spec() });
		h.send({ type: 'step', runId: 1, n: 30 });
		h.run();
		const series = h
			.of('snapshot')
			.map((s) => s.models[0].series)
			.filter((s) => s.step.length > 0);
		const cat = (k: number, key: 'gradNorm' | 'clipShare' | 'weightClipShare' | 'flips') => series.flatMap((s) => Array.from(s.layers[k][key]));
		const t = new Trainer(BINARY, makeSynthetic('moons', { n: 400, noise: 0.1, seed: 2 }), { histogramBins: 0 });
		const ms = Array.from({ length: 30 }, () => t.step());
		for (let k = 0; k < 3; k++) {
			expect(cat(k, 'gradNorm')).toEqual(ms.map((m) => Math.fround(m.layers[k].gradNorm)));
			expect(cat(k, 'flips')).toEqual(ms.map((m) => m.layers[k].flips));
			expect(cat(k, 'weightClipShare')).toEqual(ms.map(() => 1));
		}
		// dense1 sees the raw data (no clip window); dense2 and dense3 see sign inputs.
		expect(cat(0, 'clipShare').every(Number.isNaN)).toBe(true);
		expect(cat(1, 'clipShare')).toEqual(ms.map((m) => Math.fround(m.layers[1].clipShare!)));
		expect(cat(1, 'clipShare').every((v) => v > 0 && v <= 1)).toBe(true);
		const last = h.of('snapshot').at(-1)!.models[0].last!;
		expect(last.layers[1].clipShare).toBe(ms[29].layers[1].clipShare);
		expect(last.layers[0].weightClipShare).toBe(1);
	});
});
