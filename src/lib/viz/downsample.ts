/**
 * Thinning a long series before it becomes an SVG path. A 2,000-point path redrawn
 * 60 times a second costs string building, parsing and rasterising for points that
 * share a pixel column; keeping each bucket's first, lowest, highest and last point
 * draws the same envelope (spikes survive, unlike averaging or striding).
 */

/**
 * Indices (ascending, unique) of the points to draw: all of them when there are no
 * more than 4 per bucket, otherwise per bucket of consecutive indices its first,
 * min, max and last finite point, plus the first non-finite point so a gap in the
 * data stays a gap in the line.
 */
export function minMaxIndices(ys: ArrayLike<number>, buckets: number): Uint32Array {
	const n = ys.length;
	const b = Math.max(1, Math.floor(buckets));
	if (n <= 4 * b) {
		const all = new Uint32Array(n);
		for (let i = 0; i < n; i++) all[i] = i;
		return all;
	}
	const out = new Uint32Array(5 * b);
	let k = 0;
	for (let j = 0; j < b; j++) {
		const start = Math.floor((j * n) / b);
		const end = Math.floor(((j + 1) * n) / b);
		let first = -1,
			last = -1,
			lo = -1,
			hi = -1,
			gap = -1;
		for (let i = start; i < end; i++) {
			const v = ys[i];
			if (!Number.isFinite(v)) {
				if (gap < 0) gap = i;
				continue;
			}
			if (first < 0) first = i;
			last = i;
			if (lo < 0 || v < ys[lo]) lo = i;
			if (hi < 0 || v > ys[hi]) hi = i;
		}
		// Five candidates, emitted in index order without repeats.
		const cand = [first, lo, hi, last, gap].filter((i) => i >= 0).sort((p, q) => p - q);
		for (let c = 0; c < cand.length; c++) if (c === 0 || cand[c] !== cand[c - 1]) out[k++] = cand[c];
	}
	return out.slice(0, k);
}
