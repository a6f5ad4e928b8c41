import { describe, expect, it } from 'vitest';
import { finiteExtent, formatPercent, formatReadout, formatTick, niceLinearDomain, niceLogDomain } from './scales';

describe('finiteExtent', () => {
	it('skips NaN and infinities, and non-positive values for a log axis', () => {
		expect(finiteExtent([Float32Array.of(NaN, 2, -1), [Infinity, 5, 0]])).toEqual([-1, 5]);
		expect(finiteExtent([[NaN, 2, -1, 0, 0.5]], true)).toEqual([0.5, 2]);
		expect(finiteExtent([[NaN], []])).toBeNull();
	});
});

describe('nice domains', () => {
	it('contains the extent and ends on round numbers', () => {
		for (const [lo, hi] of [
			[0.13, 2.71],
			[-3.2, 0.4],
			[0, 1],
			[17, 1789]
		] as const) {
			const [a, b] = niceLinearDomain([lo, hi]);
			expect(a).toBeLessThanOrEqual(lo);
			expect(b).toBeGreaterThanOrEqual(hi);
		}
		expect(niceLinearDomain([0.13, 2.71])).toEqual([0, 3]);
	});
	it('opens up a flat extent and falls back when empty', () => {
		const [a, b] = niceLinearDomain([2, 2]);
		expect(a).toBeLessThan(2);
		expect(b).toBeGreaterThan(2);
		expect(niceLinearDomain(null, 5, [0, 1])).toEqual([0, 1]);
	});
	it('spans whole decades on a log axis', () => {
		expect(niceLogDomain([0.023, 2.3])).toEqual([0.01, 10]);
		expect(niceLogDomain([1, 1])).toEqual([1, 10]);
		expect(niceLogDomain(null)).toEqual([0.01, 1]);
	});
});

describe('readouts', () => {
	it('prints three significant digits, groups large values, marks missing ones', () => {
		expect(formatReadout(0.42318)).toBe('0.423');
		expect(formatReadout(2.302585)).toBe('2.30');
		expect(formatReadout(12345)).toBe('12,345');
		expect(formatReadout(NaN)).toBe('–');
		expect(formatReadout(-0.5)).toBe('−0.500');
		expect(formatReadout(0.0000123)).toBe('1.23e−5');
		expect(formatTick(0.5) + ' ' + formatTick(1) + ' ' + formatTick(-0.25)).toBe('0.5 1 −0.25');
		expect(formatPercent(0.93551)).toBe('93.6%');
	});
});
