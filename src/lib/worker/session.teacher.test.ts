/** A run's teacher: models that start from it or distil from it, and the training time each model reports. */
import { describe, expect, it } from 'vitest';
import { Model, Trainer, createRng, exportModel, importModel, makeSynthetic, mlpConfig, type TrainConfig } from '$lib/engine';
import type { DataSpec, ModelSpec, RunSpec } from './protocol';
import { sessionHarness } from './session-harness';

const harness = sessionHarness;

const DATA: DataSpec = { kind: 'synthetic', name: 'moons', noise: 0.1, n: 400, seed: 2 };
const moons = () => makeSynthetic('moons', { n: 400, noise: 0.1, seed: 2 });
const shape = { inputSize: 2, classes: 2, hidden: [16, 16], batchnorm: true };
const FLOAT: TrainConfig = { model: mlpConfig(shape), optimizer: { type: 'adam', lr: 0.01 }, batchSize: 32, seed: 1 };
const BINARY: TrainConfig = { ...FLOAT, model: mlpConfig({ ...shape, weights: 'binary', input: 'sign' }) };

function teacherBytes(): Uint8Array {
	const t = new Trainer(FLOAT, moons(), { histogramBins: 0 });
	for (let i = 0; i < 60; i++) t.step();
	return exportModel(t.model);
}

const spec = (models: ModelSpec[], teacher?: Uint8Array): RunSpec => ({
	runId: 1,
	data: DATA,
	models,
	teacher,
	options: { boundaryResolution: 8, evalEvery: 10, autoplay: false }
});

describe('Session: a run with a teacher', () => {
	it('trains from scratch, from the teacher, and distilled from it, each equal to the engine given the same teacher', () => {
		const bytes = teacherBytes();
		const h = harness();
		const distill = { alpha: 0.7, temperature: 3 };
		h.send({
			type: 'init',
			run: spec(
				[
					{ id: 'scratch', label: 'Scratch', config: BINARY },
					{ id: 'init', label: 'Init', config: BINARY, init: 'teacher' },
					{ id: 'kd', label: 'Distilled', config: BINARY, distill }
				],
				bytes
			)
		});
		h.send({ type: 'step', runId: 1, n: 25 });
		h.run();
		expect(h.of('error')).toEqual([]);
		const losses = (id: string) =>
			h
				.of('snapshot')
				.flatMap((s) => s.models.filter((m) => m.id === id))
				.flatMap((m) => Array.from(m.series.loss));
		const teacher = importModel(bytes).model;
		const engine = (opts: ConstructorParameters<typeof Trainer>[2]) => {
			const t = new Trainer(BINARY, moons(), { histogramBins: 0, ...opts });
			return Array.from({ length: 25 }, () => Math.fround(t.step().loss));
		};
		expect(losses('scratch')).toEqual(engine({}));
		expect(losses('init')).toEqual(engine({ init: teacher }));
		expect(losses('kd')).toEqual(engine({ teacher: { model: teacher, ...distill } }));
		expect(losses('init')).not.toEqual(losses('scratch'));
		expect(losses('kd')).not.toEqual(losses('scratch'));

		// Each model's own training time, on the worker's clock, growing with its steps; tests carry it.
		const last = h.of('snapshot').at(-1)!;
		for (const m of last.models) expect(m.trainMs).toBeGreaterThan(0);
		const tests = h.of('snapshot').flatMap((s) => s.models.filter((m) => m.id === 'kd' && m.test).map((m) => m.test!));
		expect(tests.map((t) => t.step)).toEqual([0, 10, 20, 25]);
		expect(tests[0].trainMs).toBe(0);
		for (let i = 1; i < tests.length; i++) expect(tests[i].trainMs).toBeGreaterThan(tests[i - 1].trainMs);

		// Reset keeps the teacher: the same numbers again.
		const before = losses('kd');
		h.send({ type: 'reset', runId: 1 });
		h.send({ type: 'step', runId: 1, n: 25 });
		h.run();
		expect(losses('kd').slice(before.length)).toEqual(before);
	});

	it('says what is wrong with a missing, corrupt or unfitting teacher, or bad distillation options', () => {
		const h = harness();
		h.send({ type: 'init', run: spec([{ id: 'kd', label: 'Distilled', config: BINARY, distill: { alpha: 0.5, temperature: 4 } }]) });
		h.send({
			type: 'init',
			run: { ...spec([{ id: 'kd', label: 'Distilled', config: BINARY, distill: { alpha: 2, temperature: 4 } }], teacherBytes()), runId: 2 }
		});
		const bad = teacherBytes();
		bad[20] ^= 0xff;
		h.send({ type: 'init', run: { ...spec([{ id: 'i', label: 'Init', config: BINARY, init: 'teacher' }], bad), runId: 3 } });
		const three = new Model(mlpConfig({ ...shape, classes: 3 }), createRng(1));
		h.send({ type: 'init', run: { ...spec([{ id: 'i', label: 'Init', config: BINARY, init: 'teacher' }], exportModel(three)), runId: 4 } });
		const shallow = new Model(mlpConfig({ ...shape, hidden: [8] }), createRng(1));
		h.send({ type: 'init', run: { ...spec([{ id: 'i', label: 'Init', config: BINARY, init: 'teacher' }], exportModel(shallow)), runId: 5 } });
		const errors = h.of('error').map((e) => [e.runId, e.kind, e.message]);
		expect(errors[0]).toEqual([1, 'config', "Distilled: learning from a teacher needs the run's teacher (a model file)"]);
		expect(errors[1]).toEqual([2, 'config', 'Distilled: distillation alpha must be a number from 0 to 1, got 2']);
		expect(errors[2][1]).toBe('format');
		expect(errors[2][2]).toMatch(/^the teacher's model file: /);
		expect(errors[3]).toEqual([4, 'format', 'the teacher takes 2 inputs and gives 3 classes; the moons data has 2 inputs and 2 classes']);
		expect(errors[4][1]).toBe('config');
		expect(errors[4][2]).toMatch(/Init: initialisation needs a model with the same dense layers: this network is 2-16-16-2, the model file's is 2-8-2/);
	});
});
