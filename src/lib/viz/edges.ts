/**
 * Which units and edges a network drawing shows when the network is too big to
 * draw whole. The choice of units never depends on the values, so a live figure
 * keeps the same units in place while it trains.
 */

/**
 * Up to `cap` unit indices out of n, evenly spaced and including the first and the
 * last, ascending. All of them when n <= cap.
 */
export function pickUnits(n: number, cap: number): number[] {
	if (n <= cap) return Array.from({ length: n }, (_, i) => i);
	if (cap <= 0) return [];
	if (cap === 1) return [0];
	const out: number[] = [];
	for (let k = 0; k < cap; k++) out.push(Math.round((k * (n - 1)) / (cap - 1)));
	return out;
}

export interface PickedEdge {
	/** Positions in the drawn input and output unit lists. */
	from: number;
	to: number;
	/** values[out * inSize + in], NaN when there are no values. */
	value: number;
}

/**
 * The edges between drawn units `ins` (of a layer with inSize inputs) and `outs`,
 * reading the weight of (o, i) at values[o * inSize + i] (the engine's [out, in]
 * layout). When more than `maxEdges` would be drawn, keep those with the largest
 * |value| (ties: lower output, then lower input index first), so the choice is
 * deterministic. Returned in drawing order: smaller |value| first, so strong edges
 * are painted on top.
 */
export function pickEdges(
	values: ArrayLike<number> | null | undefined,
	inSize: number,
	ins: readonly number[],
	outs: readonly number[],
	maxEdges = Infinity
): PickedEdge[] {
	const all: PickedEdge[] = [];
	for (let b = 0; b < outs.length; b++) {
		for (let a = 0; a < ins.length; a++) {
			all.push({ from: a, to: b, value: values ? values[outs[b] * inSize + ins[a]] : NaN });
		}
	}
	const mag = (e: PickedEdge) => (Number.isFinite(e.value) ? Math.abs(e.value) : -1);
	if (values && all.length > maxEdges) {
		// Stable sort keeps index order among ties.
		all.sort((p, q) => mag(q) - mag(p));
		all.length = Math.max(0, maxEdges);
	}
	if (values) all.sort((p, q) => mag(p) - mag(q));
	return all;
}

export interface EdgeStats {
	count: number;
	/** Largest |value| over every edge of the layer (not only the drawn ones). */
	maxAbs: number;
	meanAbs: number;
	/** Share of values >= 0 (the engine's sign: sign(0) = +1). */
	positive: number;
}

export function edgeStats(values: ArrayLike<number>): EdgeStats {
	let maxAbs = 0,
		sum = 0,
		pos = 0,
		n = 0;
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (!Number.isFinite(v)) continue;
		n++;
		const a = Math.abs(v);
		sum += a;
		if (a > maxAbs) maxAbs = a;
		if (v >= 0) pos++;
	}
	return { count: n, maxAbs, meanAbs: n ? sum / n : NaN, positive: n ? pos / n : NaN };
}
