import { interpolator, textOn } from './palette';

/**
 * Confusion-matrix arithmetic: row = true class, column = predicted class, as the
 * engine's EvalMetrics.confusion.
 */

export interface ConfusionStats {
	n: number;
	total: number;
	rowTotals: Float64Array;
	/** Each count divided by its row's total (0 for an empty row). [n * n]. */
	rowShare: Float64Array;
	/** Diagonal over row total per class; NaN for a class with no examples. */
	perClass: Float64Array;
	/** Trace over total; NaN when empty. */
	accuracy: number;
}

export function confusionStats(counts: ArrayLike<number>, n: number): ConfusionStats {
	if (counts.length !== n * n) throw new RangeError(`confusionStats: expected ${n * n} counts, got ${counts.length}`);
	const rowTotals = new Float64Array(n);
	const rowShare = new Float64Array(n * n);
	const perClass = new Float64Array(n);
	let total = 0,
		trace = 0;
	for (let r = 0; r < n; r++) {
		let t = 0;
		for (let c = 0; c < n; c++) t += counts[r * n + c];
		rowTotals[r] = t;
		total += t;
		trace += counts[r * n + r];
		for (let c = 0; c < n; c++) rowShare[r * n + c] = t > 0 ? counts[r * n + c] / t : 0;
		perClass[r] = t > 0 ? counts[r * n + r] / t : NaN;
	}
	return { n, total, rowTotals, rowShare, perClass, accuracy: total > 0 ? trace / total : NaN };
}

/** Infer n from a square matrix's length; throws when it is not square. */
export function squareSide(length: number): number {
	const n = Math.round(Math.sqrt(length));
	if (n * n !== length) throw new RangeError(`confusion matrix of ${length} counts is not square`);
	return n;
}

/** Shares of a row below this get a tint over the page background instead of a fill. */
export const TINT_BELOW = 0.25;
/** The part of the sequential scheme used: high share dark (t near 0.05), low share light (0.95). */
export const SHADE_T: readonly [number, number] = [0.05, 0.95];

export type CellShade = { kind: 'empty' } | { kind: 'tint'; colour: string; percent: number } | { kind: 'fill'; colour: string; text: '#000' | '#fff' };

/**
 * How a confusion cell holding `share` of its row is shaded. High share is dark, so
 * the diagonal reads as the heavy part on the light theme. Below {@link TINT_BELOW}
 * a cell only takes a tint of its colour (12% to 50%) over the page background, so a
 * stray error stays quiet on both themes and the theme's own text colour keeps
 * 4.5:1 on it; from there up the cell is filled, with black or white text.
 */
export function cellShade(count: number, share: number, scheme: 'viridis' | 'cividis'): CellShade {
	if (count === 0) return { kind: 'empty' };
	const colour = interpolator(scheme)(SHADE_T[1] - (SHADE_T[1] - SHADE_T[0]) * share);
	if (share < TINT_BELOW) return { kind: 'tint', colour, percent: Math.round((0.12 + (0.38 * share) / TINT_BELOW) * 100) };
	return { kind: 'fill', colour, text: textOn(colour) };
}
