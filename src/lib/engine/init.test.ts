import { describe, expect, it } from 'vitest';
import { makeSynthetic } from './data/synthetic';
import { initFromModel, sameDenseShape } from './init';
import { mlpConfig } from './mlp';
import { Model } from './model';
import { createRng } from './rng';
import { Trainer } from './train';
import { evaluateModel } from './train';
import type { TrainConfig } from './config';

const moons = makeSynthetic('moons', { n: 600, noise: 0.1, seed: 5 });
const floatSpec = { inputSize: 2, classes: 2, hidden: [16, 16], batchnorm: true };
const binarySpec = { ...floatSpec, weights: 'binary' as const, input: 'sign' as const, estimator: 'clipped' as const };
const cfg = (model: TrainConfig['model'], lr: number, seed = 1): TrainConfig => ({ model, optimizer: { type: 'adam', lr }, batchSize: 32, seed });

function trainedFloat(steps = 150): Model {
	const t = new Trainer(cfg(mlpConfig(floatSpec), 1e-2), moons, { histogramBins: 0 });
	for (let i = 0; i < steps; i++) t.step();
	return t.model;
}

describe('initFromModel', () => {
	it("gives a binary layer the float layer's signs, every latent weight in [-1, 1] and the largest at exactly ±1", () => {
		const teacher = trainedFloat(40);
		const student = new Model(mlpConfig(binarySpec), createRng(9));
		const report = initFromModel(student, teacher);
		student.dense.forEach((d, k) => {
			const w = d.W.value,
				src = teacher.dense[k].W.value;
			let max = 0;
			for (let i = 0; i < w.length; i++) {
				expect(w[i] >= 0).toBe(src[i] >= 0);
				expect(Math.abs(w[i])).toBeLessThanOrEqual(1);
				max = Math.max(max, Math.abs(w[i]));
			}
			expect(max).toBeCloseTo(1, 6);
			expect(report[k].scale).toBeGreaterThan(0);
		});
	});

	it('copies float layers as they are, biases included, so the copy computes what the source does', () => {
		const teacher = trainedFloat(40);
		const noBn = { inputSize: 2, classes: 2, hidden: [8] };
		const src = new Trainer(cfg(mlpConfig(noBn), 1e-2), moons, { histogramBins: 0 });
		for (let i = 0; i < 30; i++) src.step();
		const copy = new Model(mlpConfig(noBn), createRng(3));
		const report = initFromModel(copy, src.model);
		expect(report.every((l) => l.scale === 1 && l.bias)).toBe(true);
		expect(evaluateModel(copy, moons).accuracy).toBe(evaluateModel(src.model, moons).accuracy);
		expect(sameDenseShape(copy, teacher)).toBe(false);
	});

	it('refuses a model of another shape, naming both', () => {
		const teacher = trainedFloat(1);
		const other = new Model(mlpConfig({ ...binarySpec, hidden: [16, 8] }), createRng(1));
		expect(() => initFromModel(other, teacher)).toThrow(/2-16-8-2.*2-16-16-2/);
	});

	it('through the Trainer: step 0 of an initialised binary network already classifies, a fresh one does not', () => {
		const teacher = trainedFloat();
		const fresh = new Trainer(cfg(mlpConfig(binarySpec), 1e-2), moons, { histogramBins: 0 });
		const init = new Trainer(cfg(mlpConfig(binarySpec), 1e-2), moons, { histogramBins: 0, init: teacher });
		const a = init.model.dense.map((d) => Array.from(d.W.value, (w) => w >= 0));
		expect(a[0]).toEqual(Array.from(teacher.dense[0].W.value, (w) => w >= 0));
		expect(init.evaluate('test').accuracy).not.toBe(fresh.evaluate('test').accuracy);
	});
});

describe('Trainer with a teacher', () => {
	it('distils: same seed and teacher give identical steps; a = 0 gives the plain run (to rounding); a > 0 changes it', () => {
		const teacher = trainedFloat();
		const run = (alpha: number | null) => {
			const t = new Trainer(cfg(mlpConfig(binarySpec), 1e-2), moons, {
				histogramBins: 0,
				teacher: alpha === null ? undefined : { model: teacher, alpha, temperature: 4 }
			});
			return Array.from({ length: 20 }, () => t.step().loss);
		};
		expect(run(0.7)).toEqual(run(0.7));
		// a = 0 is cross-entropy summed in another order: equal to rounding.
		const plain = run(null);
		run(0).forEach((l, i) => expect(l).toBeCloseTo(plain[i], 9));
		expect(run(0.7)).not.toEqual(run(null));
	});

	it('refuses a teacher for other data, and bad distillation options', () => {
		const teacher = trainedFloat(1);
		const digitsShaped = new Model(mlpConfig({ inputSize: 3, classes: 2, hidden: [4] }), createRng(1));
		expect(() => new Trainer(cfg(mlpConfig(binarySpec), 1e-2), moons, { teacher: { model: digitsShaped, alpha: 0.5, temperature: 2 } })).toThrow(
			/teacher takes 3 inputs/
		);
		expect(() => new Trainer(cfg(mlpConfig(binarySpec), 1e-2), moons, { teacher: { model: teacher, alpha: 2, temperature: 2 } })).toThrow(/alpha/);
	});
});
