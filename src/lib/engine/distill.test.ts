import { describe, expect, it } from 'vitest';
import { checkDistillOptions, distillationLoss, softTargets } from './distill';
import { softmaxCrossEntropy } from './loss';
import { createRng } from './rng';

function randomLogits(seed: number, n: number, scale = 3): Float32Array {
	const rng = createRng(seed);
	return Float32Array.from({ length: n }, () => rng.uniform(-scale, scale));
}

describe('distillationLoss', () => {
	it('has the gradient of its loss: central differences agree for random logits, a and T', () => {
		const B = 3,
			C = 5;
		for (const [seed, alpha, temperature] of [
			[1, 0.5, 4],
			[2, 0.9, 1],
			[3, 0.1, 10],
			[4, 1, 2.5],
			[5, 0, 3]
		]) {
			const zs = randomLogits(seed, B * C),
				zt = randomLogits(seed + 100, B * C);
			const labels = [0, 3, 4];
			const opts = { alpha, temperature };
			const dz = new Float32Array(B * C);
			distillationLoss(zs, zt, labels, B, C, opts, dz);
			const f = (z: Float64Array) => {
				// Evaluate in float64 for the difference quotient (the loss itself sums in float64).
				return distillationLoss(z as unknown as Float32Array, zt, labels, B, C, opts).loss;
			};
			const h = 1e-4;
			for (let i = 0; i < B * C; i++) {
				const up = Float64Array.from(zs),
					down = Float64Array.from(zs);
				up[i] += h;
				down[i] -= h;
				const numeric = (f(up) - f(down)) / (2 * h);
				expect(dz[i], `seed ${seed}, logit ${i}`).toBeCloseTo(numeric, 5);
			}
		}
	});

	it('is cross-entropy when a = 0, and the teacher term alone (zero when the logits agree) when a = 1', () => {
		const B = 4,
			C = 10;
		const zs = randomLogits(7, B * C),
			zt = randomLogits(8, B * C);
		const labels = [1, 2, 9, 0];
		const d0 = new Float32Array(B * C),
			dce = new Float32Array(B * C);
		const r0 = distillationLoss(zs, zt, labels, B, C, { alpha: 0, temperature: 4 }, d0);
		const ce = softmaxCrossEntropy(zs, labels, B, C, dce);
		expect(r0.loss).toBeCloseTo(ce.loss, 6);
		expect(r0.correct).toBe(ce.correct);
		for (let i = 0; i < B * C; i++) expect(d0[i]).toBeCloseTo(dce[i], 6);
		const same = distillationLoss(zs, zs, labels, B, C, { alpha: 1, temperature: 4 });
		expect(same.kd).toBeCloseTo(0, 10);
		const r1 = distillationLoss(zs, zt, labels, B, C, { alpha: 1, temperature: 4 });
		expect(r1.loss).toBeCloseTo(r1.kd, 10);
		expect(r1.kd).toBeGreaterThan(0);
	});

	it('keeps large logits finite', () => {
		const zs = Float32Array.from([1000, -1000, 0]),
			zt = Float32Array.from([-1000, 1000, 0]);
		const dz = new Float32Array(3);
		const r = distillationLoss(zs, zt, [1], 1, 3, { alpha: 0.5, temperature: 2 }, dz);
		expect(Number.isFinite(r.loss)).toBe(true);
		for (const g of dz) expect(Number.isFinite(g)).toBe(true);
	});
});

describe('softTargets', () => {
	it('is a distribution that keeps the order of the logits and flattens as T grows', () => {
		const z = Float32Array.from([5, 1, -2, 0.5]);
		const t1 = softTargets(z, 1),
			t4 = softTargets(z, 4),
			t100 = softTargets(z, 100);
		for (const t of [t1, t4, t100]) {
			expect(t.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
			expect(t[0]).toBeGreaterThan(t[1]);
			expect(t[1]).toBeGreaterThan(t[3]);
			expect(t[3]).toBeGreaterThan(t[2]);
		}
		expect(t4[0]).toBeLessThan(t1[0]);
		expect(t100[0]).toBeLessThan(t4[0]);
		expect(t100[2]).toBeGreaterThan(t4[2]);
	});
});

describe('checkDistillOptions', () => {
	it('accepts a in [0, 1] and T in (0, 100], and names the field it refuses', () => {
		expect(checkDistillOptions({ alpha: 0.7, temperature: 4 })).toEqual({ alpha: 0.7, temperature: 4 });
		expect(() => checkDistillOptions({ alpha: 1.5, temperature: 4 })).toThrow(/alpha/);
		expect(() => checkDistillOptions({ alpha: 0.5, temperature: 0 })).toThrow(/temperature/);
		expect(() => checkDistillOptions({ alpha: 0.5, temperature: NaN })).toThrow(/temperature/);
		expect(() => checkDistillOptions(null)).toThrow(/alpha/);
	});
});
