import { describe, expect, it } from 'vitest';
import { buildLUT, contrast, interpolator, seriesColour, seriesDash, SERIES_COLOURS, SERIES_DASHES, textOn } from './palette';

const LIGHT_BG = '#fdfdfb';
const DARK_BG = '#15171a';

describe('series styles', () => {
	it('gives the first four series colours >= 3:1 contrast on both themes', () => {
		for (let i = 0; i < 4; i++) {
			expect(contrast(seriesColour(i), LIGHT_BG)).toBeGreaterThanOrEqual(3);
			expect(contrast(seriesColour(i), DARK_BG)).toBeGreaterThanOrEqual(3);
		}
	});
	it('gives every series a colour and dash pair distinct from the others in the cycle', () => {
		const seen = new Set<string>();
		for (let i = 0; i < SERIES_COLOURS.length; i++) seen.add(`${seriesColour(i)}|${seriesDash(i)}`);
		expect(seen.size).toBe(SERIES_COLOURS.length);
		expect(new Set(SERIES_DASHES).size).toBe(SERIES_DASHES.length);
	});
	it('honours an explicit dash flag', () => {
		expect(seriesDash(0)).toBe('');
		expect(seriesDash(0, true)).not.toBe('');
		expect(seriesDash(2, false)).toBe('');
		expect(seriesDash(2, true)).toBe(seriesDash(2));
	});
});

describe('colour scales', () => {
	it('builds a lookup table whose ends match the interpolator', () => {
		const lut = buildLUT('viridis', 16);
		expect(lut.length).toBe(64);
		expect(Array.from(lut.slice(0, 4))).toEqual([0x44, 0x01, 0x54, 255]);
		expect(Array.from(lut.slice(60, 64))).toEqual([0xfd, 0xe7, 0x25, 255]);
	});
	it('keeps a narrowed table away from the diverging ends', () => {
		const full = buildLUT('PuOr', 8), narrow = buildLUT('PuOr', 8, 0.2, 0.8);
		expect(Array.from(narrow.slice(0, 3))).not.toEqual(Array.from(full.slice(0, 3)));
	});
	it('runs the ink scale from paper to ink', () => {
		const f = interpolator('ink');
		expect(contrast(f(0), '#fff')).toBeLessThan(1.01);
		expect(contrast(f(1), '#000')).toBeLessThan(1.2);
	});
	it('picks the text colour with the better contrast', () => {
		for (const t of [0, 0.25, 0.5, 0.75, 1]) {
			const bg = interpolator('viridis')(t);
			const other = textOn(bg) === '#000' ? '#fff' : '#000';
			expect(contrast(bg, textOn(bg))).toBeGreaterThanOrEqual(contrast(bg, other));
			expect(contrast(bg, textOn(bg))).toBeGreaterThanOrEqual(4.5);
		}
	});
});
