/**
 * Numbers for people: the one place the notebook turns numbers, sizes, shares and durations
 * into text, so every page writes them the same way.
 *
 * Conventions:
 * - **Bytes are SI decimal units: 1 kB = 1000 B, 1 MB = 10⁶ B, 1 GB = 10⁹ B**, the units of
 *   download limits, app stores and phone storage screens, and the ones lesson 0 states in words
 *   ("we count 1 MB as 10⁶ bytes"). {@link formatBytes} gives three significant digits
 *   (`'6.35 kB'`, `'552 MB'`); {@link formatBytesExact} gives the exact count (`'43,027 bytes'`)
 *   for a readout that must not round.
 * - Sizes and counts drop trailing zeros (`'62 MB'`, `'3.2M'`): they are exact quantities
 *   abbreviated, not measurements. Measured values ({@link formatNumber}, {@link formatSci},
 *   {@link formatDuration}) keep their significant digits (`'2.30'`), so a live readout neither
 *   claims more precision than it has nor jumps in width as it updates.
 * - A missing or not-a-number value prints as an en dash, `'–'` ({@link MISSING}); infinities as
 *   `'∞'` and `'−∞'`.
 * - Negative numbers and exponents use the minus sign U+2212 (`'−0.500'`, `'1.23e−5'`), as d3
 *   prints them on every chart axis, not the hyphen.
 * - Thousands are grouped with commas (`'25,088'`), English style, whatever the reader's locale.
 *
 * Pure functions, no DOM: they run in the pages, the worker, node and the tests alike.
 */

/** What a value that is missing, or not a number, prints as. */
export const MISSING = '–';

/** The minus sign, U+2212. */
const MINUS = '−';

/** Replace hyphen-minus with the minus sign. */
function minus(s: string): string {
	return s.replace(/-/g, MINUS);
}

/** `x` rounded to `digits` significant digits, as a number (so 0.30000000000000004 -> 0.3). */
function roundSig(x: number, digits: number): number {
	return Number(x.toPrecision(digits));
}

/** Shortest text for a number already rounded: no trailing zeros, no exponent for the sizes used here. */
function trimmed(x: number): string {
	return minus(String(x));
}

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0, useGrouping: true });

/** Null, undefined and NaN: the values that print as {@link MISSING}. */
function missing(x: number | null | undefined): x is null | undefined {
	return x === null || x === undefined || Number.isNaN(x);
}

/** '∞' or '−∞' for infinities, else null. */
function infinite(x: number): string | null {
	return x === Infinity ? '∞' : x === -Infinity ? `${MINUS}∞` : null;
}

// ---------------------------------------------------------------------------
// Bytes.

const BYTE_UNITS: readonly [number, string][] = [
	[1e3, 'kB'],
	[1e6, 'MB'],
	[1e9, 'GB'],
	[1e12, 'TB']
];

/**
 * A size in SI units with three significant digits, trailing zeros dropped:
 * `512 -> '512 B'`, `6352 -> '6.35 kB'`, `46.8e6 -> '46.8 MB'`, `1.5e9 -> '1.5 GB'`.
 * 1 kB is 1000 bytes (see the module comment). Fractions of a byte round to whole bytes.
 */
export function formatBytes(bytes: number): string {
	if (missing(bytes)) return MISSING;
	const inf = infinite(bytes);
	if (inf) return inf;
	const sign = bytes < 0 ? MINUS : '';
	const a = Math.abs(bytes);
	if (Math.round(a) < 1000) return `${sign}${Math.round(a)} B`;
	// The largest unit that leaves at least 1 after rounding (999,999 B is '1 MB', not '1000 kB').
	let i = BYTE_UNITS.length - 1;
	while (i > 0 && roundSig(a / BYTE_UNITS[i][0], 3) < 1) i--;
	const [size, unit] = BYTE_UNITS[i];
	return `${sign}${trimmed(roundSig(a / size, 3))} ${unit}`;
}

/** The exact size in bytes, grouped: `43027 -> '43,027 bytes'`, `1 -> '1 byte'`. */
export function formatBytesExact(bytes: number): string {
	if (missing(bytes)) return MISSING;
	return `${formatCount(bytes)} ${Math.abs(Math.round(bytes)) === 1 ? 'byte' : 'bytes'}`;
}

// ---------------------------------------------------------------------------
// Counts.

/** A whole number with thousands grouped: `25088 -> '25,088'`, `-3 -> '−3'` (rounds fractions). */
export function formatCount(n: number): string {
	if (missing(n)) return MISSING;
	return infinite(n) ?? minus(grouped.format(Math.round(n)));
}

const COUNT_UNITS: readonly [number, string][] = [
	[1e3, 'k'],
	[1e6, 'M'],
	[1e9, 'G'],
	[1e12, 'T']
];

/**
 * A large count with an SI prefix, three significant digits, trailing zeros dropped:
 * `950 -> '950'`, `25088 -> '25.1k'`, `3.2e6 -> '3.2M'`, `61e6 -> '61M'`. For axis labels and
 * parameter counts; {@link formatCount} when the reader needs every digit.
 */
export function formatCompact(n: number): string {
	if (missing(n)) return MISSING;
	const inf = infinite(n);
	if (inf) return inf;
	const sign = n < 0 ? MINUS : '';
	const a = Math.abs(n);
	if (roundSig(a, 3) < 1000) return sign + trimmed(roundSig(a, 3));
	let i = COUNT_UNITS.length - 1;
	while (i > 0 && roundSig(a / COUNT_UNITS[i][0], 3) < 1) i--;
	const [size, prefix] = COUNT_UNITS[i];
	return `${sign}${trimmed(roundSig(a / size, 3))}${prefix}`;
}

// ---------------------------------------------------------------------------
// Shares and ratios.

/** A share in [0, 1] as a percentage: `0.93551 -> '93.6%'`, with `digits` decimals (1 by default). */
export function formatPercent(fraction: number | null | undefined, digits = 1): string {
	if (missing(fraction) || !Number.isFinite(fraction)) return MISSING;
	return `${formatFixed(100 * fraction, digits)}%`;
}

/** How many times larger: `14.04 -> '14.0×'`. */
export function formatRatio(ratio: number | null | undefined, digits = 1): string {
	if (missing(ratio) || !Number.isFinite(ratio)) return MISSING;
	return `${formatFixed(ratio, digits)}×`;
}

// ---------------------------------------------------------------------------
// Measured values.

/** `decimals` places after the point: `fixed(2.345, 2) -> '2.35'`, `-0.5 -> '−0.50'`. */
export function formatFixed(x: number | null | undefined, decimals: number): string {
	if (missing(x)) return MISSING;
	const inf = infinite(x);
	if (inf) return inf;
	const s = x.toFixed(decimals);
	// -0.001 to two places is '-0.00': no sign on a zero.
	return Number(s) === 0 ? s.replace('-', '') : minus(s);
}

/** Mantissa and exponent of an already rounded number: `1.23e−5`. */
function exponential(x: number, digits: number): string {
	const [m, e] = x.toExponential(digits - 1).split('e');
	return minus(`${m}e${Number(e)}`);
}

/**
 * A measured value with `digits` significant digits (3 by default), significant zeros kept:
 * `0.42318 -> '0.423'`, `2.302585 -> '2.30'`, `-0.5 -> '−0.500'`. At 1000 and above, the whole
 * number grouped (`12345 -> '12,345'`); below 0.001, e-notation (`0.0000123 -> '1.23e−5'`).
 * Null, undefined and NaN print as '–'.
 */
export function formatNumber(x: number | null | undefined, digits = 3): string {
	if (missing(x)) return MISSING;
	const inf = infinite(x);
	if (inf) return inf;
	if (x === 0) return '0';
	const r = roundSig(x, digits);
	const a = Math.abs(r);
	if (a >= 1000) return formatCount(x);
	if (a < 1e-3) return exponential(r, digits);
	return minus(r.toPrecision(digits));
}

/**
 * Always e-notation, for values compared across decades (quantization error over bit widths):
 * `0.0123 -> '1.23e−2'`, `0 -> '0'`.
 */
export function formatSci(x: number | null | undefined, digits = 3): string {
	if (missing(x)) return MISSING;
	const inf = infinite(x);
	if (inf) return inf;
	if (x === 0) return '0';
	return exponential(x, digits);
}

/**
 * `digits` significant digits without trailing zeros, for settings rather than measurements
 * (a learning rate on a log slider, an energy figure): `0.0012345 -> '0.0012'`, `0.1 -> '0.1'`;
 * e-notation below 1e-4 and from 1e6 (`1e-5 -> '1e−5'`, `2.5e-5 -> '2.5e−5'`, `1234567 -> '1.2e6'`).
 */
export function formatSignificant(value: number, digits = 2): string {
	if (missing(value)) return MISSING;
	const inf = infinite(value);
	if (inf) return inf;
	if (value === 0) return '0';
	const r = roundSig(value, digits);
	const a = Math.abs(r);
	if (a < 1e-4 || a >= 1e6) {
		const [m, e] = r.toExponential(digits - 1).split('e');
		return minus(`${Number(m)}e${Number(e)}`);
	}
	return trimmed(r);
}

/** Decimal places in a step such as 0.05 (2) or 1e-3 (3). */
export function decimalsOf(step: number): number {
	if (!Number.isFinite(step) || Number.isInteger(step)) return 0;
	const s = String(step);
	const e = /e-(\d+)$/.exec(s);
	if (e) return Number(e[1]) + (s.split('e')[0].split('.')[1]?.length ?? 0);
	return s.split('.')[1]?.length ?? 0;
}

/** A value on a linear slider, with as many decimals as its step: `formatStep(0.30000000000000004, 0.1) -> '0.3'`. */
export function formatStep(value: number, step: number): string {
	return formatFixed(value, decimalsOf(step));
}

// ---------------------------------------------------------------------------
// Durations.

/**
 * A duration given in milliseconds, three significant digits in the unit that fits:
 * `0.000105 -> '105 ns'`, `0.0123 -> '12.3 µs'`, `3.163 -> '3.16 ms'`, `692.4 -> '692 ms'`.
 * From 1000 ms on it stays in whole milliseconds (`'1234 ms'`), so timings compare at a glance.
 */
export function formatDuration(ms: number | null | undefined): string {
	if (missing(ms) || !Number.isFinite(ms)) return MISSING;
	if (ms === 0) return '0 ms';
	const r = roundSig(ms, 3);
	const a = Math.abs(r);
	if (a >= 100) return `${formatFixed(ms, 0)} ms`;
	if (a >= 1) return `${minus(r.toPrecision(3))} ms`;
	if (a >= 1e-3) return `${minus(roundSig(r * 1e3, 3).toPrecision(3))} µs`;
	return `${minus(roundSig(r * 1e6, 3).toPrecision(3))} ns`;
}
