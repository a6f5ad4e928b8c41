/**
 * Colour and line-style choices shared by every figure.
 *
 * Categorical series use the Okabe–Ito palette (Okabe & Ito 2008), which stays
 * distinguishable under the common colour-vision deficiencies. Sequential data use
 * viridis or cividis, diverging data PuOr or BrBG (both from ColorBrewer, both
 * colour-blind safe). Colour is never the only carrier: series also get a dash
 * pattern ({@link seriesDash}) and the components print labels and numbers.
 */
import { interpolateBrBG, interpolateCividis, interpolatePuOr, interpolateViridis, rgb } from 'd3';

export const OKABE_ITO = {
	black: '#000000',
	orange: '#E69F00',
	skyBlue: '#56B4E9',
	bluishGreen: '#009E73',
	yellow: '#F0E442',
	blue: '#0072B2',
	vermillion: '#D55E00',
	reddishPurple: '#CC79A7'
} as const;

/**
 * Series colours in the order they are handed out. The first four keep at least
 * 3:1 contrast (the WCAG figure for graphics) on both the light and the dark page
 * background; orange and sky blue only on dark, so they come last. Black and
 * yellow are left out: each vanishes on one of the two themes.
 */
export const SERIES_COLOURS: readonly string[] = [
	OKABE_ITO.blue,
	OKABE_ITO.vermillion,
	OKABE_ITO.bluishGreen,
	OKABE_ITO.reddishPurple,
	OKABE_ITO.orange,
	OKABE_ITO.skyBlue
];

/** SVG stroke-dasharray patterns; '' is solid. Index-aligned with {@link SERIES_COLOURS}. */
export const SERIES_DASHES: readonly string[] = ['', '7 4', '2 3', '9 3 2 3', '4 4', '1 4'];

export function seriesColour(i: number): string {
	return SERIES_COLOURS[((i % SERIES_COLOURS.length) + SERIES_COLOURS.length) % SERIES_COLOURS.length];
}

/**
 * The dash pattern of series i. Without `dash` each index gets its own pattern
 * (the first is solid); `dash: false` forces solid, `dash: true` forces a dashed
 * pattern (the index's own, or '7 4' where the index's own is solid).
 */
export function seriesDash(i: number, dash?: boolean): string {
	if (dash === false) return '';
	const own = SERIES_DASHES[((i % SERIES_DASHES.length) + SERIES_DASHES.length) % SERIES_DASHES.length];
	if (dash === true && own === '') return SERIES_DASHES[1];
	return own;
}

/** Named colour scales a figure may ask for. 'ink' is paper white to ink black, for digits. */
export type SchemeName = 'PuOr' | 'BrBG' | 'viridis' | 'cividis' | 'ink';

export const DIVERGING: ReadonlySet<SchemeName> = new Set(['PuOr', 'BrBG']);

function interpolateInk(t: number): string {
	const v = Math.round(255 - 238 * Math.min(1, Math.max(0, t)));
	return `rgb(${v}, ${v}, ${v})`;
}

/** t in [0, 1] to a CSS colour. For PuOr 0 is purple and 1 is orange; for BrBG 0 is brown, 1 teal. */
export function interpolator(name: SchemeName): (t: number) => string {
	switch (name) {
		case 'PuOr':
			return interpolatePuOr;
		case 'BrBG':
			return interpolateBrBG;
		case 'viridis':
			return interpolateViridis;
		case 'cividis':
			return interpolateCividis;
		case 'ink':
			return interpolateInk;
	}
}

/**
 * A lookup table of `n` RGBA entries sampling the scheme from t0 to t1, so a canvas
 * can colour thousands of cells without parsing a CSS colour per cell. Narrowing
 * [t0, t1] keeps a heat map away from its darkest ends, leaving those for the marks
 * drawn on top.
 */
export function buildLUT(name: SchemeName, n = 256, t0 = 0, t1 = 1): Uint8ClampedArray {
	if (!(n >= 2)) throw new RangeError(`buildLUT: n must be >= 2, got ${n}`);
	// Built once per scheme and range: a figure of a dozen images would otherwise parse
	// thousands of colour strings in the frame its data arrives. Callers only read it.
	const key = `${name}|${n}|${t0}|${t1}`;
	const known = LUTS.get(key);
	if (known) return known;
	const lut = makeLUT(name, n, t0, t1);
	LUTS.set(key, lut);
	return lut;
}

const LUTS = new Map<string, Uint8ClampedArray>();

function makeLUT(name: SchemeName, n: number, t0: number, t1: number): Uint8ClampedArray {
	const f = interpolator(name);
	const lut = new Uint8ClampedArray(n * 4);
	for (let i = 0; i < n; i++) {
		const c = rgb(f(t0 + ((t1 - t0) * i) / (n - 1)));
		lut[4 * i] = c.r;
		lut[4 * i + 1] = c.g;
		lut[4 * i + 2] = c.b;
		lut[4 * i + 3] = 255;
	}
	return lut;
}

/** WCAG relative luminance of a CSS colour (0 black .. 1 white). */
export function luminance(colour: string): number {
	const c = rgb(colour);
	const lin = (v: number) => {
		const s = v / 255;
		return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
	};
	return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

/** WCAG contrast ratio of two CSS colours (1 .. 21). */
export function contrast(a: string, b: string): number {
	const la = luminance(a),
		lb = luminance(b);
	return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** Black or white, whichever reads better as text on `background`. */
export function textOn(background: string): '#000' | '#fff' {
	return contrast(background, '#000') >= contrast(background, '#fff') ? '#000' : '#fff';
}
