import { describe, expect, it } from 'vitest';
import { ema } from './series';

/** The definition, written out: a weighted mean of the values so far with weights (1 - w) w^(i - j), normalised. */
function reference(values: number[], w: number): number[] {
	return values.map((_, i) => {
		let num = 0,
			den = 0;
		for (let j = 0; j <= i; j++) {
			if (!Number.isFinite(values[j])) continue;
			const k = (1 - w) * w ** (i - j);
			num += k * values[j];
			den += k;
		}
		return Number.isFinite(values[i]) ? num / den : values[i];
	});
}

describe('ema', () => {
	it('is the normalised exponentially weighted mean of the values so far', () => {
		const values = Array.from({ length: 50 }, (_, i) => Math.sin(i) * 3 + i / 10);
		for (const w of [0, 0.5, 0.9, 0.99]) {
			const got = Array.from(ema(values, w)),
				want = reference(values, w);
			got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 10));
		}
	});

	it('starts at the first value rather than at 0, and w = 0 gives the values back', () => {
		expect(ema([5, 5, 5], 0.9)[0]).toBeCloseTo(5, 12);
		expect(Array.from(ema([1, 2, 3], 0))).toEqual([1, 2, 3]);
	});

	it('carries a non-finite step through without letting it poison the average', () => {
		const out = ema([1, NaN, Infinity, 1], 0.9);
		expect(out[1]).toBeNaN();
		expect(out[2]).toBe(Infinity);
		expect(out[3]).toBeCloseTo(1, 12);
	});
});
