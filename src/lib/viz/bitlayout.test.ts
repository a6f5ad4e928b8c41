import { describe, expect, it } from 'vitest';
import { cellAddress, cellText, fitColumns, isOne, moveFocus, wordCount, wordHex } from './bitlayout';

describe('layout', () => {
	it('puts element i at word i >>> 5, bit i & 31, for lengths around word edges', () => {
		for (const n of [1, 31, 32, 33, 63, 64, 65, 300]) {
			expect(wordCount(n)).toBe(Math.ceil(n / 32));
			const last = cellAddress(n - 1);
			expect(last.word).toBe(wordCount(n) - 1);
			expect(last.bit).toBe((n - 1) % 32);
		}
	});
	it('reads signs as the engine does: 0 and -0 are +1', () => {
		expect([1, 0, -0, -1, NaN].map((v) => isOne(v, 'sign'))).toEqual([true, true, true, false, false]);
		expect([1, 0, -1].map((v) => isOne(v, 'bit'))).toEqual([true, false, true]);
		expect(cellText(true, 'sign') + cellText(false, 'sign') + cellText(true, 'bit') + cellText(false, 'bit')).toBe('+−10');
	});
});

describe('moveFocus', () => {
	it('moves within bounds and ignores other keys', () => {
		expect(moveFocus(0, 'ArrowLeft', 40, 16)).toBe(0);
		expect(moveFocus(39, 'ArrowRight', 40, 16)).toBe(39);
		expect(moveFocus(5, 'ArrowDown', 40, 16)).toBe(21);
		expect(moveFocus(30, 'ArrowDown', 40, 16)).toBe(30);
		expect(moveFocus(20, 'ArrowUp', 40, 16)).toBe(4);
		expect(moveFocus(20, 'Home', 40, 16)).toBe(16);
		expect(moveFocus(33, 'End', 40, 16)).toBe(39);
		expect(moveFocus(20, 'End', 40, 16, true)).toBe(39);
		expect(moveFocus(20, 'a', 40, 16)).toBeNull();
	});
});

describe('wordHex', () => {
	it('packs element i into bit i & 31, least significant first, tail bits 0', () => {
		expect(wordHex([1, -1, -1, -1, 1], 0, 'sign')).toBe('00000011');
		const v = Array.from({ length: 40 }, (_, i) => (i === 31 || i === 39 ? 1 : 0));
		expect(wordHex(v, 0, 'bit')).toBe('80000000');
		expect(wordHex(v, 1, 'bit')).toBe('00000080');
	});
});

describe('fitColumns', () => {
	it('picks a divisor of 32 that fits', () => {
		expect(fitColumns(900)).toBe(32);
		expect(fitColumns(343)).toBe(8);
		expect(fitColumns(400)).toBe(16);
	});
});
