import { describe, expect, it } from 'vitest';
import { Trainer, evaluateModel } from './train';
import { mlpConfig } from './mlp';
import { makeSynthetic } from './data/synthetic';
import { QuantizedEvaluation, evaluateQuantized, quantizeModelWeights, quantizeTensor, weightMse, weightRange, withWeights } from './quantize-model';
import { levels } from './quantize';

const data = makeSynthetic('spiral', { n: 800, noise: 0.05, seed: 2 });

function trained(steps: number) {
	const t = new Trainer(
		{ model: mlpConfig({ inputSize: 2, classes: 2, hidden: [64, 64] }), optimizer: { type: 'adam', lr: 0.01 }, batchSize: 32, seed: 1 },
		data,
		{ histogramBins: 0 }
	);
	for (let i = 0; i < steps; i++) t.step();
	return t;
}

describe('quantizeTensor', () => {
	it('is an exact copy at 32 bits', () => {
		const w = Float32Array.of(0.1, -0.3, 0.25, 1e-9, -0);
		const q = quantizeTensor(w, 32);
		expect(q).not.toBe(w);
		expect(Array.from(q)).toEqual(Array.from(w));
	});

	it('is max|W| times sign(W) at 1 bit (sign(0) = +1)', () => {
		const w = Float32Array.of(0.1, -0.4, 0, 0.2, -0.05);
		expect(Array.from(quantizeTensor(w, 1))).toEqual([0.4, -0.4, 0.4, 0.4, -0.4].map(Math.fround));
	});

	it('puts every value on the grid levels(signed, k, max|W|) and keeps max|W| itself', () => {
		const w = Float32Array.from({ length: 200 }, (_, i) => Math.sin(i * 1.7) * 0.3);
		const r = weightRange(w);
		for (const k of [2, 3, 4, 8]) {
			const grid = new Set(Array.from(levels('signed', k, r), Math.fround));
			const q = quantizeTensor(w, k);
			for (const v of q) expect(grid.has(v)).toBe(true);
			expect(Math.max(...Array.from(q, Math.abs))).toBeCloseTo(r, 6);
		}
	});

	it('rounds ties half to even', () => {
		// range 1, 2 bits: levels -1, 0, 1 (step 1); 3 bits: step 1/3. A tie at 0.5 with L = 1 goes to 0 (even).
		expect(Array.from(quantizeTensor(Float32Array.of(1, 0.5, -0.5), 2))).toEqual([1, 0, 0]);
	});
});

describe('quantised evaluation of a trained model', () => {
	const t = trained(600);
	const model = t.model;
	const float = evaluateModel(model, data, 'test').accuracy;

	it('trains a model that works (sanity)', () => {
		expect(float).toBeGreaterThan(0.9);
	});

	it('gives the float accuracy exactly at 32 bits, within a point at 8 bits, and less at 1 bit', () => {
		const before = model.dense.map((d) => d.W.value.slice());
		const r = evaluateQuantized(model, data, [1, 2, 8, 32]);
		expect(r.map((x) => x.bits)).toEqual([1, 2, 8, 32]);
		expect(r[3].accuracy).toBe(float);
		expect(r[3].mse).toBe(0);
		expect(Math.abs(r[2].accuracy - float)).toBeLessThanOrEqual(0.01);
		expect(r[0].accuracy).toBeLessThan(float);
		// Error falls as bits rise.
		expect(r[0].mse).toBeGreaterThan(r[1].mse);
		expect(r[1].mse).toBeGreaterThan(r[2].mse);
		// The model is restored.
		model.dense.forEach((d, k) => expect(d.W.value).toEqual(before[k]));
		expect(evaluateModel(model, data, 'test').accuracy).toBe(float);
	});

	it('withWeights swaps in, restores even on throw, and weightMse matches', () => {
		const q = quantizeModelWeights(model, 1);
		const acc1 = withWeights(model, q, () => evaluateModel(model, data, 'test').accuracy);
		expect(acc1).toBe(evaluateQuantized(model, data, [1])[0].accuracy);
		const w0 = model.dense[0].W.value.slice();
		expect(() =>
			withWeights(model, q, () => {
				throw new Error('boom');
			})
		).toThrow('boom');
		expect(model.dense[0].W.value).toEqual(w0);
		let s = 0,
			n = 0;
		model.dense.forEach((d, k) =>
			d.W.value.forEach((v, i) => {
				s += (v - q[k][i]) ** 2;
				n++;
			})
		);
		expect(weightMse(model, q)).toBeCloseTo(s / n, 12);
	});

	it('gives the same results in any chunking', () => {
		const whole = evaluateQuantized(model, data, [1, 4, 32]);
		const job = new QuantizedEvaluation(model, data, [1, 4, 32]);
		let r: ReturnType<typeof job.advance>,
			calls = 0;
		while (!(r = job.advance(7))) calls++;
		expect(calls).toBeGreaterThan(10);
		expect(r).toEqual(whole);
	});

	it('rejects bad bit widths', () => {
		expect(() => evaluateQuantized(model, data, [0])).toThrow(RangeError);
		expect(() => evaluateQuantized(model, data, [33])).toThrow(RangeError);
		expect(() => evaluateQuantized(model, data, [2.5])).toThrow(RangeError);
	});
});
