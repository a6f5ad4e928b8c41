import { describe, expect, it } from 'vitest';
import { decimalsOf, formatSignificant, formatStep } from './format';

describe('format', () => {
	it('counts decimals of a step', () => {
		expect([1, 0.5, 0.05, 1e-3, 2.5e-7, 10].map(decimalsOf)).toEqual([0, 1, 2, 3, 8, 0]);
		expect(formatStep(0.30000000000000004, 0.1)).toBe('0.3');
	});
	it('writes significant digits, switching to e-notation only for very small or large values', () => {
		expect(formatSignificant(0.0012345)).toBe('0.0012');
		expect(formatSignificant(0.00001)).toBe('1e-5');
		expect(formatSignificant(0.000025)).toBe('2.5e-5');
		expect(formatSignificant(1234567)).toBe('1.2e6');
		expect(formatSignificant(0.1, 3)).toBe('0.1');
	});
});
