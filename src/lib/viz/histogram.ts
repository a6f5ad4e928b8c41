/**
 * Histogram helpers: which markers are worth drawing, statistics, a text summary.
 */
import { formatPercent, formatReadout } from './scales';

export interface MarkerPlan {
	/** Markers inside [lo, hi], in the order given. */
	inside: number[];
	/** True when neighbours would sit closer than the minimum gap: draw none, say how many. */
	tooDense: boolean;
	/** Smallest distance between neighbouring markers, in data units (Infinity for < 2). */
	spacing: number;
}

/**
 * Decide whether vertical markers (say, the 255 levels of an 8-bit quantiser) can be
 * drawn as separate lines at `widthPx` pixels for [lo, hi], or would merge into a
 * solid block. A figure states the count and spacing instead of painting a block.
 */
export function planMarkers(markers: ArrayLike<number>, lo: number, hi: number, widthPx: number, minGapPx = 3): MarkerPlan {
	const inside: number[] = [];
	for (let i = 0; i < markers.length; i++) {
		const m = markers[i];
		if (m >= lo && m <= hi) inside.push(m);
	}
	const sorted = [...inside].sort((a, b) => a - b);
	let spacing = Infinity;
	for (let i = 1; i < sorted.length; i++) spacing = Math.min(spacing, sorted[i] - sorted[i - 1]);
	const pxPerUnit = widthPx / (hi - lo);
	return { inside, tooDense: spacing * pxPerUnit < minGapPx, spacing };
}

export interface HistogramStats {
	total: number;
	/** Mean estimated from bin centres. */
	mean: number;
	/** Index of the fullest bin (the first such), -1 when empty. */
	mode: number;
	/** Share of the count in bins whose range touches 0 (0 when 0 is outside [lo, hi]). */
	nearZero: number;
}

export function histogramStats(counts: ArrayLike<number>, lo: number, hi: number): HistogramStats {
	const bins = counts.length;
	const w = (hi - lo) / bins;
	let total = 0,
		sum = 0,
		mode = -1,
		zero = 0;
	for (let i = 0; i < bins; i++) {
		const c = counts[i];
		total += c;
		sum += c * (lo + (i + 0.5) * w);
		if (c > 0 && (mode < 0 || c > counts[mode])) mode = i;
		const a = lo + i * w,
			b = a + w;
		if (a <= 0 && b >= 0) zero += c;
	}
	return { total, mean: total > 0 ? sum / total : NaN, mode, nearZero: total > 0 ? zero / total : 0 };
}

/** One sentence for a screen reader: how many values, where most sit, the mean. */
export function histogramSummary(counts: ArrayLike<number>, lo: number, hi: number, what = 'values'): string {
	const s = histogramStats(counts, lo, hi);
	if (s.total === 0) return `No ${what} yet (range ${formatReadout(lo)} to ${formatReadout(hi)}).`;
	const w = (hi - lo) / counts.length;
	const a = lo + s.mode * w;
	const parts = [
		`${s.total} ${what} in ${counts.length} bins from ${formatReadout(lo)} to ${formatReadout(hi)}`,
		`the fullest bin is ${formatReadout(a)} to ${formatReadout(a + w)} with ${counts[s.mode]}`,
		`mean about ${formatReadout(s.mean)}`
	];
	if (lo < 0 && hi > 0) parts.push(`${formatPercent(s.nearZero)} in the bins at zero`);
	return parts.join('; ') + '.';
}
