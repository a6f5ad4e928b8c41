import { describe, expect, it } from 'vitest';
import {
	MISSING,
	decimalsOf,
	formatBytes,
	formatBytesExact,
	formatCompact,
	formatCount,
	formatDuration,
	formatFixed,
	formatNumber,
	formatPercent,
	formatRatio,
	formatSci,
	formatSignificant,
	formatStep
} from './format';

describe('formatBytes: SI units, 1 kB = 1000 B', () => {
	it('uses decimal units with three significant digits, trailing zeros dropped', () => {
		expect(formatBytes(552e6)).toBe('552 MB');
		expect(formatBytes(46.8e6)).toBe('46.8 MB');
		expect(formatBytes(62e6)).toBe('62 MB');
		expect(formatBytes(437_500)).toBe('438 kB');
		expect(formatBytes(6352)).toBe('6.35 kB');
		expect(formatBytes(1.5e9)).toBe('1.5 GB');
		expect(formatBytes(2e12)).toBe('2 TB');
	});

	it('counts 1000 bytes, not 1024, as a kilobyte', () => {
		expect(formatBytes(1000)).toBe('1 kB');
		expect(formatBytes(1024)).toBe('1.02 kB');
		expect(formatBytes(1_048_576)).toBe('1.05 MB');
	});

	it('prints whole bytes below 1 kB and moves up a unit when rounding reaches 1000', () => {
		expect(formatBytes(0)).toBe('0 B');
		expect(formatBytes(512)).toBe('512 B');
		expect(formatBytes(12.4)).toBe('12 B');
		expect(formatBytes(999.6)).toBe('1 kB');
		expect(formatBytes(999_999)).toBe('1 MB');
		expect(formatBytes(999_400)).toBe('999 kB');
	});

	it('handles the odd values', () => {
		expect(formatBytes(NaN)).toBe(MISSING);
		expect(formatBytes(Infinity)).toBe('∞');
		expect(formatBytes(-2048)).toBe('−2.05 kB');
	});

	it('formatBytesExact gives every byte', () => {
		expect(formatBytesExact(43_027)).toBe('43,027 bytes');
		expect(formatBytesExact(1_083_552)).toBe('1,083,552 bytes');
		expect(formatBytesExact(1)).toBe('1 byte');
		expect(formatBytesExact(0)).toBe('0 bytes');
		expect(formatBytesExact(NaN)).toBe(MISSING);
	});
});

describe('counts', () => {
	it('formatCount groups thousands and rounds', () => {
		expect(formatCount(950)).toBe('950');
		expect(formatCount(25_088)).toBe('25,088');
		expect(formatCount(1_234_567.4)).toBe('1,234,567');
		expect(formatCount(-3000)).toBe('−3,000');
		expect(formatCount(NaN)).toBe(MISSING);
	});

	it('formatCompact abbreviates with SI prefixes, three significant digits', () => {
		expect(formatCompact(950)).toBe('950');
		expect(formatCompact(25_088)).toBe('25.1k');
		expect(formatCompact(3.2e6)).toBe('3.2M');
		expect(formatCompact(61e6)).toBe('61M');
		expect(formatCompact(11.7e6)).toBe('11.7M');
		expect(formatCompact(4.56e9)).toBe('4.56G');
		expect(formatCompact(999.7)).toBe('1k');
		expect(formatCompact(999_600)).toBe('1M');
		expect(formatCompact(0.5)).toBe('0.5');
		expect(formatCompact(-12_300)).toBe('−12.3k');
		expect(formatCompact(NaN)).toBe(MISSING);
	});
});

describe('shares and ratios', () => {
	it('formatPercent takes a share in [0, 1]', () => {
		expect(formatPercent(0.93551)).toBe('93.6%');
		expect(formatPercent(0.5, 0)).toBe('50%');
		expect(formatPercent(1)).toBe('100.0%');
		expect(formatPercent(-0.05)).toBe('−5.0%');
		expect(formatPercent(undefined)).toBe(MISSING);
		expect(formatPercent(null)).toBe(MISSING);
		expect(formatPercent(NaN)).toBe(MISSING);
		expect(formatPercent(Infinity)).toBe(MISSING);
	});

	it('formatRatio', () => {
		expect(formatRatio(14.04)).toBe('14.0×');
		expect(formatRatio(null)).toBe(MISSING);
		expect(formatRatio(Infinity)).toBe(MISSING);
	});
});

describe('measured values', () => {
	it('formatNumber keeps three significant digits', () => {
		expect(formatNumber(0.42318)).toBe('0.423');
		expect(formatNumber(2.302585)).toBe('2.30');
		expect(formatNumber(-0.5)).toBe('−0.500');
		expect(formatNumber(0.012345)).toBe('0.0123');
		expect(formatNumber(0.001)).toBe('0.00100');
		expect(formatNumber(0)).toBe('0');
		expect(formatNumber(-0)).toBe('0');
	});

	it('formatNumber groups large values and writes tiny ones in e-notation with a minus sign', () => {
		expect(formatNumber(12_345)).toBe('12,345');
		expect(formatNumber(999.6)).toBe('1,000');
		expect(formatNumber(0.0000123)).toBe('1.23e−5');
		expect(formatNumber(-1.5e-5)).toBe('−1.50e−5');
		expect(formatNumber(0.00099996)).toBe('0.00100');
	});

	it('formatNumber: missing and infinite values', () => {
		expect(formatNumber(NaN)).toBe(MISSING);
		expect(formatNumber(null)).toBe(MISSING);
		expect(formatNumber(undefined)).toBe(MISSING);
		expect(formatNumber(Infinity)).toBe('∞');
		expect(formatNumber(-Infinity)).toBe('−∞');
		expect(formatNumber(0.123456, 2)).toBe('0.12');
	});

	it('formatSci always uses e-notation', () => {
		expect(formatSci(0.0123)).toBe('1.23e−2');
		expect(formatSci(123_456)).toBe('1.23e5');
		expect(formatSci(1)).toBe('1.00e0');
		expect(formatSci(0)).toBe('0');
		expect(formatSci(Infinity)).toBe('∞');
		expect(formatSci(-Infinity)).toBe('−∞');
		expect(formatSci(NaN)).toBe(MISSING);
	});

	it('formatFixed never prints a negative zero', () => {
		expect(formatFixed(2.345, 1)).toBe('2.3');
		expect(formatFixed(-0.5, 2)).toBe('−0.50');
		expect(formatFixed(-0.001, 2)).toBe('0.00');
		expect(formatFixed(NaN, 2)).toBe(MISSING);
	});
});

describe('settings', () => {
	it('decimalsOf and formatStep follow the step', () => {
		expect([1, 0.5, 0.05, 1e-3, 2.5e-7, 10].map(decimalsOf)).toEqual([0, 1, 2, 3, 8, 0]);
		expect(formatStep(0.30000000000000004, 0.1)).toBe('0.3');
		expect(formatStep(3, 1)).toBe('3');
		expect(formatStep(-0.25, 0.05)).toBe('−0.25');
	});

	it('formatSignificant drops trailing zeros', () => {
		expect(formatSignificant(0.0012345)).toBe('0.0012');
		expect(formatSignificant(0.00001)).toBe('1e−5');
		expect(formatSignificant(0.000025)).toBe('2.5e−5');
		expect(formatSignificant(1_234_567)).toBe('1.2e6');
		expect(formatSignificant(0.1, 3)).toBe('0.1');
		expect(formatSignificant(0.03, 3)).toBe('0.03');
		expect(formatSignificant(640, 3)).toBe('640');
		expect(formatSignificant(0)).toBe('0');
		expect(formatSignificant(NaN)).toBe(MISSING);
	});
});

describe('formatDuration', () => {
	it('picks ns, µs or ms and keeps three significant digits', () => {
		expect(formatDuration(692.4)).toBe('692 ms');
		expect(formatDuration(123.4)).toBe('123 ms');
		expect(formatDuration(12.34)).toBe('12.3 ms');
		expect(formatDuration(3.163)).toBe('3.16 ms');
		expect(formatDuration(1)).toBe('1.00 ms');
		expect(formatDuration(0.0123)).toBe('12.3 µs');
		expect(formatDuration(0.00105)).toBe('1.05 µs');
		expect(formatDuration(0.000105)).toBe('105 ns');
	});

	it('stays in whole milliseconds from 100 ms on and rounds across unit edges', () => {
		expect(formatDuration(1234.4)).toBe('1234 ms');
		expect(formatDuration(99.96)).toBe('100 ms');
		expect(formatDuration(0.99996)).toBe('1.00 ms');
		expect(formatDuration(0.00099996)).toBe('1.00 µs');
		expect(formatDuration(0)).toBe('0 ms');
		expect(formatDuration(NaN)).toBe(MISSING);
		expect(formatDuration(Infinity)).toBe(MISSING);
	});
});
