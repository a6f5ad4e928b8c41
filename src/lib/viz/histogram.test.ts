import { describe, expect, it } from 'vitest';
import { histogramStats, histogramSummary, planMarkers } from './histogram';

describe('planMarkers', () => {
	it('draws well-spaced levels and drops the ones outside the range', () => {
		const p = planMarkers([-2, -1, 0, 1, 2], -1, 1, 300);
		expect(p.inside).toEqual([-1, 0, 1]);
		expect(p.tooDense).toBe(false);
		expect(p.spacing).toBe(1);
	});
	it('refuses 255 levels of an 8-bit quantiser at phone width', () => {
		const levels = Array.from({ length: 255 }, (_, c) => (c - 127) / 127);
		expect(planMarkers(levels, -1, 1, 340).tooDense).toBe(true);
		expect(
			planMarkers(
				levels.filter((_, i) => i % 32 === 0),
				-1,
				1,
				340
			).tooDense
		).toBe(false);
	});
});

describe('histogramStats', () => {
	it('counts, finds the fullest bin and the mean of bin centres', () => {
		const s = histogramStats([0, 2, 6, 2], -1, 1);
		expect(s.total).toBe(10);
		expect(s.mode).toBe(2);
		expect(s.mean).toBeCloseTo((2 * -0.25 + 6 * 0.25 + 2 * 0.75) / 10, 12);
		// Bins [-0.5, 0] and [0, 0.5] both touch zero.
		expect(s.nearZero).toBeCloseTo(0.8, 12);
	});
	it('says when there is nothing yet', () => {
		expect(histogramSummary([0, 0], -1, 1, 'weights')).toMatch(/No weights/);
		expect(histogramSummary([1, 3], -1, 1, 'weights')).toMatch(/^4 weights in 2 bins/);
	});
});
