import { describe, expect, it } from 'vitest';
import { minMaxIndices } from './downsample';

describe('minMaxIndices', () => {
	it('keeps every point of a short series', () => {
		expect(Array.from(minMaxIndices([1, 2, 3], 10))).toEqual([0, 1, 2]);
	});
	it('keeps each bucket envelope, ascending and unique, within 5 points a bucket', () => {
		for (const n of [401, 1000, 2000, 2047]) {
			const ys = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) + (i % 97 === 0 ? 5 : 0));
			const buckets = 100;
			const idx = minMaxIndices(ys, buckets);
			expect(idx.length).toBeLessThanOrEqual(5 * buckets);
			for (let k = 1; k < idx.length; k++) expect(idx[k]).toBeGreaterThan(idx[k - 1]);
			expect(idx[0]).toBe(0);
			expect(idx[idx.length - 1]).toBe(n - 1);
			// Every spike survives, and so do the global extremes.
			for (let i = 0; i < n; i += 97) expect(Array.from(idx)).toContain(i);
		}
	});
	it('keeps a gap where the data have one', () => {
		const ys = Float64Array.from({ length: 1000 }, (_, i) => (i >= 500 && i < 520 ? NaN : i));
		const idx = Array.from(minMaxIndices(ys, 50));
		expect(idx.some((i) => Number.isNaN(ys[i]))).toBe(true);
	});
});
