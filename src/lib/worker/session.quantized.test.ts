/** The evalQuantized request of the training worker's session (see session.test.ts for the rest). */
import { describe, expect, it } from 'vitest';
import { evaluateQuantized, makeSynthetic, weightRange, mlpConfig, Trainer, type TrainConfig } from '$lib/engine';
import type { DataSpec, RunSpec } from './protocol';
import { sessionHarness } from './session-harness';

const harness = sessionHarness;

const DATA: DataSpec = { kind: 'synthetic', name: 'moons', noise: 0.1, n: 400, seed: 2 };
const CONFIG: TrainConfig = { model: mlpConfig({ inputSize: 2, classes: 2, hidden: [32] }), optimizer: { type: 'adam', lr: 0.01 }, batchSize: 32, seed: 1 };
const spec = (runId: number, options = {}): RunSpec => ({
	runId,
	data: DATA,
	models: [{ id: 'float', label: 'Float', config: CONFIG }],
	options: { boundaryResolution: 8, evalEvery: 20, ...options }
});

describe('Session: evalQuantized', () => {
	it('answers with the accuracy at each width, equal to the engine evaluated on the same weights', () => {
		const h = harness();
		h.send({ type: 'init', run: spec(1, { autoplay: false }) });
		h.send({ type: 'step', runId: 1, n: 60 });
		h.run();
		h.send({ type: 'evalQuantized', runId: 1, requestId: 4, modelId: 'float', bits: [1, 2, 8, 32] });
		h.run();
		const [r] = h.of('quantizedEval');
		expect(r).toMatchObject({ runId: 1, requestId: 4, modelId: 'float', step: 60 });
		// The same model trained the same way in the engine gives the same numbers.
		const t = new Trainer(CONFIG, makeSynthetic('moons', { n: 400, noise: 0.1, seed: 2 }), { histogramBins: 0 });
		for (let i = 0; i < 60; i++) t.step();
		expect(r.results).toEqual(evaluateQuantized(t.model, t.data, [1, 2, 8, 32]));
		expect(r.ranges).toEqual(t.model.dense.map((d) => weightRange(d.W.value)));
		// 32 bits is the float model: the session's own test evaluation at that step agrees.
		const tests = h.of('snapshot').flatMap((s) => s.models[0].test ?? []);
		expect(tests.at(-1)).toMatchObject({ step: 60, accuracy: r.results[3].accuracy });
	});

	it('holds the model still while it evaluates during play, then training goes on', () => {
		const h = harness();
		h.send({ type: 'init', run: spec(1, { maxSteps: 200 }) });
		h.run(3);
		h.send({ type: 'evalQuantized', runId: 1, requestId: 1, modelId: 'float', bits: [1, 4, 32] });
		h.run();
		const [r] = h.of('quantizedEval');
		expect(r.results.map((x) => x.bits)).toEqual([1, 4, 32]);
		expect(r.results[2].mse).toBe(0);
		expect(r.results[0].mse).toBeGreaterThan(r.results[1].mse);
		const snaps = h.of('snapshot');
		expect(snaps[snaps.length - 1].step).toBe(200);
	});

	it('rejects bad requests with an error naming the request, and the run goes on', () => {
		const h = harness();
		h.send({ type: 'init', run: spec(1, { autoplay: false }) });
		h.run();
		h.send({ type: 'evalQuantized', runId: 1, requestId: 2, modelId: 'nope', bits: [1] });
		h.send({ type: 'evalQuantized', runId: 1, requestId: 3, modelId: 'float', bits: [0] });
		h.send({ type: 'evalQuantized', runId: 1, requestId: 5, modelId: 'float', bits: [] });
		h.run();
		expect(h.of('error').map((e) => [e.requestId, e.kind, e.recoverable])).toEqual([
			[2, 'config', true],
			[3, 'config', true],
			[5, 'config', true]
		]);
		h.send({ type: 'evalQuantized', runId: 1, requestId: 6, modelId: 'float', bits: [2] });
		h.run();
		expect(h.of('quantizedEval').map((q) => q.requestId)).toEqual([6]);
	});

	it('a reset answers a pending evaluation with an error; an old run gets no answer', () => {
		const h = harness();
		h.send({ type: 'init', run: spec(1, { autoplay: false }) });
		h.run();
		h.send({ type: 'evalQuantized', runId: 1, requestId: 7, modelId: 'float', bits: [1, 2, 3] });
		h.send({ type: 'reset', runId: 1 });
		h.run();
		expect(h.of('error').map((e) => e.requestId)).toEqual([7]);
		expect(h.of('quantizedEval')).toEqual([]);
		h.send({ type: 'evalQuantized', runId: 0, requestId: 8, modelId: 'float', bits: [1] });
		h.run();
		expect(h.of('quantizedEval')).toEqual([]);
	});
});
