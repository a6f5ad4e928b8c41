import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildLUT, contrast, interpolator, OKABE_ITO, seriesColour, seriesDash, SERIES_COLOURS, SERIES_DASHES, textOn } from './palette';

/** The colour tokens of src/app.css, where each is written once: name -> [light, dark]. */
function cssTokens(): Map<string, [string, string]> {
	const css = readFileSync(new URL('../../app.css', import.meta.url), 'utf8');
	const tokens = new Map<string, [string, string]>();
	for (const m of css.matchAll(/^\s*--([a-z0-9-]+):\s*([^;]+);/gm)) {
		const [, name, value] = m;
		if (tokens.has(name)) throw new Error(`--${name} is defined twice in app.css`);
		const both = /^light-dark\(\s*(#[0-9a-f]+)\s*,\s*(#[0-9a-f]+)\s*\)$/i.exec(value.trim());
		if (both) tokens.set(name, [both[1], both[2]]);
		else if (/^#[0-9a-f]+$/i.test(value.trim())) tokens.set(name, [value.trim(), value.trim()]);
	}
	return tokens;
}
const TOKENS = cssTokens();
const token = (name: string): [string, string] => {
	const t = TOKENS.get(name);
	if (!t) throw new Error(`no colour token --${name} in app.css`);
	return t;
};
const [LIGHT_BG, DARK_BG] = token('bg');

describe('the colour tokens of app.css', () => {
	it('define every Okabe–Ito colour as palette.ts does', () => {
		const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
		for (const [name, hex] of Object.entries(OKABE_ITO)) {
			if (name === 'black') continue;
			expect(token(`oi-${kebab(name)}`)[0].toLowerCase(), name).toBe(hex.toLowerCase());
		}
	});
	it('keep text readable (4.5:1) on the page and on surfaces, in both themes', () => {
		const text = ['fg', 'muted', 'danger', 'code-keyword', 'code-string', 'code-number', 'code-comment', 'code-title', 'code-type'];
		for (const theme of [0, 1]) {
			const where = theme ? 'dark' : 'light';
			for (const fg of text)
				for (const bg of ['bg', 'surface'])
					expect(contrast(token(fg)[theme], token(bg)[theme]), `--${fg} on --${bg}, ${where}`).toBeGreaterThanOrEqual(4.5);
			// Links sit on the page; on a surface the accent marks controls (borders, sliders, pressed buttons).
			expect(contrast(token('accent')[theme], token('bg')[theme]), `--accent on --bg, ${where}`).toBeGreaterThanOrEqual(4.5);
			expect(contrast(token('accent')[theme], token('surface')[theme]), `--accent on --surface, ${where}`).toBeGreaterThanOrEqual(3);
		}
	});
	it('keep pressed-button text readable on the accent', () => {
		for (const theme of [0, 1]) expect(contrast(token('on-accent')[theme], token('accent')[theme])).toBeGreaterThanOrEqual(4.5);
	});
});

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
		const full = buildLUT('PuOr', 8),
			narrow = buildLUT('PuOr', 8, 0.2, 0.8);
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
