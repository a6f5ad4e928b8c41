import { describe, expect, it } from 'vitest';
import { argmaxRows, softmax, softmaxCrossEntropy } from './loss';
import { createRng, finiteDiff, randn, relErr } from '../../../tests/unit/helpers';

describe('softmaxCrossEntropy', () => {
	it('matches -log softmax at the label, computed by hand', () => {
		const z = Float32Array.of(1, 2, 3, 0, 0, 0);
		const { loss, correct } = softmaxCrossEntropy(z, [2, 1], 2, 3);
		const l1 = -Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));
		const l2 = Math.log(3);
		expect(loss).toBeCloseTo((l1 + l2) / 2, 6);
		expect(correct).toBe(1); // row 2 ties: argmax 0, label 1
	});

	it('has gradient (softmax - onehot) / B, agreeing with finite differences', () => {
		const rng = createRng(5);
		const B = 4,
			C = 5;
		const z = randn(rng, B * C, 2);
		const y = [0, 3, 4, 1];
		const dz = new Float32Array(B * C);
		softmaxCrossEntropy(z, y, B, C, dz);
		const num = finiteDiff(() => softmaxCrossEntropy(z, y, B, C).loss, z, [...Array(B * C).keys()], 1e-2);
		for (let i = 0; i < B * C; i++) expect(relErr(dz[i], num[i])).toBeLessThan(2e-2);
	});

	it('stays finite for huge logits', () => {
		const z = Float32Array.of(1e30, -1e30, 0);
		const dz = new Float32Array(3);
		const { loss } = softmaxCrossEntropy(z, [1], 1, 3, dz);
		expect(Number.isFinite(loss)).toBe(true);
		expect(loss).toBeGreaterThan(1e29);
		expect(Array.from(dz).every(Number.isFinite)).toBe(true);
	});

	it('argmax and softmax agree with each other', () => {
		const z = Float32Array.of(0.1, 3, -2, 5, 5, 1);
		expect(Array.from(argmaxRows(z, 2, 3))).toEqual([1, 0]);
		const p = softmax([1, 2, 3]);
		expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 6);
		expect(p[2]).toBeGreaterThan(p[1]);
	});
});
