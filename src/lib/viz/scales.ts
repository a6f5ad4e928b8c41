/**
 * Domain and number-format choices for axes and readouts.
 */
import { format, scaleLinear } from 'd3';

/**
 * [min, max] over the finite values of several arrays (and, with `positiveOnly`,
 * over the values > 0, for a log axis). null when there is no such value.
 */
export function finiteExtent(arrays: readonly ArrayLike<number>[], positiveOnly = false): [number, number] | null {
	let lo = Infinity,
		hi = -Infinity;
	for (const a of arrays) {
		for (let i = 0; i < a.length; i++) {
			const v = a[i];
			if (!Number.isFinite(v) || (positiveOnly && v <= 0)) continue;
			if (v < lo) lo = v;
			if (v > hi) hi = v;
		}
	}
	return lo <= hi ? [lo, hi] : null;
}

/**
 * A linear domain that contains `extent`, rounded outward to tick values so the
 * axis ends on a labelled tick. A flat extent gets room around it; none gets `fallback`.
 * Rounding also makes the domain change in steps, so a chart fed 60 times a second
 * rebuilds its scale only when the data cross a tick.
 */
export function niceLinearDomain(extent: readonly [number, number] | null, ticks = 5, fallback: readonly [number, number] = [0, 1]): [number, number] {
	if (!extent) return [fallback[0], fallback[1]];
	let [lo, hi] = extent;
	if (lo === hi) {
		const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
		lo -= pad;
		hi += pad;
	}
	const d = scaleLinear().domain([lo, hi]).nice(ticks).domain();
	return [d[0], d[1]];
}

/** A log domain from the power of ten at or below the minimum to the one at or above the maximum. */
export function niceLogDomain(extent: readonly [number, number] | null, fallback: readonly [number, number] = [0.01, 1]): [number, number] {
	if (!extent || !(extent[0] > 0)) return [fallback[0], fallback[1]];
	let lo = 10 ** Math.floor(Math.log10(extent[0]));
	let hi = 10 ** Math.ceil(Math.log10(extent[1]));
	if (lo === hi) hi = lo * 10;
	// Math.log10 and ** can land a hair off a power of ten; snap back.
	lo = Number(lo.toPrecision(12));
	hi = Number(hi.toPrecision(12));
	return [lo, hi];
}

/**
 * Readouts, percentages and counts on the charts are written as everywhere else in the notebook
 * ($lib/format): formatReadout is formatNumber (three significant digits, large values grouped,
 * tiny ones in e-notation, non-finite as '–').
 */
export { formatNumber as formatReadout, formatPercent, formatCount } from '../format';

const fTick = format('.3~g');

/** A short label: up to three significant digits, trailing zeros dropped (0.5, 1, 0.25). */
export function formatTick(v: number): string {
	return fTick(v);
}

/** One axis tick: its value, its position in pixels along the axis, its label ('' for an unlabelled minor tick). */
export interface Tick {
	value: number;
	pos: number;
	label: string;
}

/** The part of a d3 continuous scale that tick layout needs. */
export interface TickScale {
	(v: number): number;
	ticks(count?: number): number[];
	tickFormat(count?: number, specifier?: string): (v: number) => string;
}

/**
 * Ticks of a linear or log scale. On a log scale d3 returns the 2..9 multiples as
 * well and formats only some of them; the rest stay as unlabelled minor ticks.
 */
export function scaleTicks(scale: TickScale, count: number, specifier?: string): Tick[] {
	const fmt = scale.tickFormat(count, specifier);
	return scale.ticks(count).map((value) => ({ value, pos: scale(value), label: fmt(value) }));
}

/** About one tick per `spacing` pixels, at least 2. */
export function tickCount(lengthPx: number, spacing = 70): number {
	return Math.max(2, Math.floor(lengthPx / spacing));
}
