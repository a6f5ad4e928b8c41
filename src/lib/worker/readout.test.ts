import { describe, expect, it } from 'vitest';
import { Model, Trainer, createRng, evaluateModel, makeSynthetic, mlpConfig, validateModelConfig } from '$lib/engine';
import { TestEvaluation, decisionGrid, histogram, samplePredictions } from './readout';

describe('decisionGrid', () => {
	it('puts row 0 at the top (y = +1) and column 0 at the left (x = -1), at cell centres', () => {
		// One dense layer whose class-1 logit is x + 2y and class-0 logit is 0: P(1) grows rightwards and upwards.
		const model = new Model(validateModelConfig({ inputSize: 2, classes: 2, layers: [{ type: 'dense', units: 2 }] }), createRng(1));
		const [dense] = model.dense;
		dense.W.value.set([0, 0, 1, 2]);
		dense.b!.value.fill(0);
		model.invalidate();
		const res = 4;
		const g = decisionGrid(model, res);
		expect(g.length).toBe(16);
		const at = (r: number, c: number) => g[r * res + c];
		const x = (c: number) => -1 + (2 * c + 1) / res,
			y = (r: number) => 1 - (2 * r + 1) / res;
		for (let r = 0; r < res; r++) for (let c = 0; c < res; c++) expect(at(r, c)).toBeCloseTo(1 / (1 + Math.exp(-(x(c) + 2 * y(r)))), 6);
		expect(at(0, res - 1)).toBeGreaterThan(0.9); // top right
		expect(at(res - 1, 0)).toBeLessThan(0.1); // bottom left
	});
});

describe('histogram', () => {
	it('counts every weight once, clamping values outside [-1, 1] into the end bins', () => {
		const h = histogram(Float32Array.of(-5, -1, -0.01, 0, 0.99, 1, 7), 4);
		expect(Array.from(h)).toEqual([2, 1, 1, 3]);
	});
});

describe('TestEvaluation', () => {
	it('matches evaluateModel exactly in accuracy and confusion, whatever the chunk size', () => {
		const data = makeSynthetic('spiral', { n: 400, noise: 0.2, seed: 4 });
		const t = new Trainer(
			{
				model: mlpConfig({ inputSize: 2, classes: 2, hidden: [16], weights: 'binary', input: 'sign', batchnorm: true }),
				optimizer: { type: 'adam', lr: 0.01 },
				batchSize: 32,
				seed: 1
			},
			data
		);
		for (let i = 0; i < 40; i++) t.step();
		const reference = evaluateModel(t.model, data, 'test');
		for (const rows of [1, 7, 80, 1000]) {
			const e = new TestEvaluation(t.stepsDone, data);
			let r: ReturnType<typeof e.advance>,
				chunks = 0;
			while (!(r = e.advance(t.model, rows))) chunks++;
			expect(chunks + 1).toBe(Math.ceil(data.nTest / rows));
			expect(r.step).toBe(40);
			expect(r.accuracy).toBe(reference.accuracy);
			expect(Array.from(r.confusion)).toEqual(Array.from(reference.confusion));
			expect(r.loss).toBeCloseTo(reference.loss, 5);
		}
	});

	it('gives sample predictions whose confidence is the largest class probability', () => {
		const data = makeSynthetic('moons', { n: 100, seed: 1 });
		const model = new Model(mlpConfig({ inputSize: 2, classes: 2, hidden: [4] }), createRng(2));
		const s = samplePredictions(model, data, 5);
		expect(s.map((p) => p.index)).toEqual([0, 1, 2, 3, 4]);
		expect(s.map((p) => p.label)).toEqual(Array.from(data.testY.subarray(0, 5)));
		for (const p of s) expect(p.confidence).toBeGreaterThanOrEqual(0.5);
	});
});
