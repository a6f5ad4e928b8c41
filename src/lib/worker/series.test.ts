import { describe, expect, it } from 'vitest';
import { Series } from './series';

describe('Series', () => {
	it('keeps every step until the cap, then halves to twice the stride, never exceeding the cap', () => {
		const s = new Series(['loss'] as const, 8);
		for (let i = 1; i <= 8; i++) s.push(i, i * 10);
		expect(s.view()).toMatchObject({ length: 8, stride: 1 });
		for (let i = 9; i <= 1000; i++) {
			s.push(i, i * 10);
			expect(s.length).toBeLessThanOrEqual(8);
		}
		const v = s.view();
		expect(v.stride).toBe(128);
		// Every point is the mean of `stride` consecutive steps and sits at the last of them.
		for (let p = 0; p < v.length; p++) {
			const last = v.step[p];
			const first = last - v.stride + 1;
			expect(v.loss[p]).toBeCloseTo(((first + last) / 2) * 10, 3);
		}
		// Uniform resolution: consecutive points are exactly one stride apart.
		for (let p = 1; p < v.length; p++) expect(v.step[p] - v.step[p - 1]).toBe(v.stride);
	});

	it('takes columns in bulk, gives fresh copies, and clears', () => {
		const s = new Series(['loss', 'accuracy'] as const, 4);
		s.pushMany(Uint32Array.of(1, 2, 3), { loss: Float32Array.of(3, 2, 1), accuracy: [0.5, 0.6, 0.7] });
		const v = s.view();
		expect(Array.from(v.step)).toEqual([1, 2, 3]);
		expect(Array.from(v.loss)).toEqual([3, 2, 1]);
		expect(v.accuracy[2]).toBeCloseTo(0.7, 6);
		s.push(4, 0, 1);
		expect(v.length).toBe(3); // the earlier view is unaffected
		s.clear();
		expect(s.view()).toMatchObject({ length: 0, stride: 1 });
	});

	it('rejects an odd or tiny cap', () => {
		expect(() => new Series(['x'] as const, 3)).toThrow(RangeError);
		expect(() => new Series(['x'] as const, 0)).toThrow(RangeError);
	});
});
