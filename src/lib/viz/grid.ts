/**
 * Value grids painted on a canvas (heat maps, digits): colour mapping into RGBA
 * bytes, and the sample points a decision-boundary grid is evaluated at.
 */

/** A rectangle in data coordinates. */
export interface Extent {
	x: readonly [number, number];
	y: readonly [number, number];
}

/**
 * Map each value through `lut` (RGBA entries from {@link buildLUT}) with [lo, hi]
 * spread over the table, clamping outside values to its ends. Non-finite values
 * become transparent. `out` holds values.length * 4 bytes (an ImageData's data).
 */
export function fillRGBA(values: ArrayLike<number>, lut: Uint8ClampedArray, lo: number, hi: number, out: Uint8ClampedArray): void {
	const n = values.length;
	if (out.length < 4 * n) throw new RangeError(`fillRGBA: out holds ${out.length} bytes, need ${4 * n}`);
	const entries = lut.length >> 2;
	const scale = hi > lo ? (entries - 1) / (hi - lo) : 0;
	for (let i = 0; i < n; i++) {
		const v = values[i];
		const o = 4 * i;
		if (!Number.isFinite(v)) {
			out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
			continue;
		}
		let k = Math.round((v - lo) * scale);
		k = k < 0 ? 0 : k >= entries ? entries - 1 : k;
		const l = 4 * k;
		out[o] = lut[l];
		out[o + 1] = lut[l + 1];
		out[o + 2] = lut[l + 2];
		out[o + 3] = lut[l + 3];
	}
}

/**
 * The cell centres of a rows x cols grid over `extent`, as [x, y] pairs in the
 * order a Heatmap reads its values: row 0 is the TOP row (largest y), columns run
 * left to right (smallest x first). Feed these to a model and hand its outputs,
 * in the same order, to the Heatmap.
 */
export function gridPoints(rows: number, cols: number, extent: Extent): Float32Array {
	const out = new Float32Array(rows * cols * 2);
	const [x0, x1] = extent.x;
	const [y0, y1] = extent.y;
	for (let r = 0; r < rows; r++) {
		const y = y1 - ((r + 0.5) * (y1 - y0)) / rows;
		for (let c = 0; c < cols; c++) {
			const k = 2 * (r * cols + c);
			out[k] = x0 + ((c + 0.5) * (x1 - x0)) / cols;
			out[k + 1] = y;
		}
	}
	return out;
}

/** Share of the finite values strictly above `threshold` (0 when there are none). */
export function fractionAbove(values: ArrayLike<number>, threshold: number): number {
	let above = 0,
		finite = 0;
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (!Number.isFinite(v)) continue;
		finite++;
		if (v > threshold) above++;
	}
	return finite > 0 ? above / finite : 0;
}

/** Row and column of the cell holding data point (x, y), or null outside the extent. Row 0 is the top. */
export function cellAt(x: number, y: number, rows: number, cols: number, extent: Extent): { row: number; col: number } | null {
	const [x0, x1] = extent.x;
	const [y0, y1] = extent.y;
	const fx = (x - x0) / (x1 - x0),
		fy = (y1 - y) / (y1 - y0);
	if (!(fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1)) return null;
	const col = Math.floor(fx * cols),
		row = Math.floor(fy * rows);
	// A point exactly on the far edge belongs to the last cell.
	return { row: Math.min(rows - 1, row), col: Math.min(cols - 1, col) };
}

/**
 * How many labelled points lie on their own class's side of a two-class map:
 * label 1 where the value is above `threshold`, label 0 where it is not. Points of
 * other labels or outside the extent are not counted.
 */
export function pointsOnTheirSide(
	values: ArrayLike<number>,
	rows: number,
	cols: number,
	extent: Extent,
	points: readonly { x: number; y: number; label: number }[],
	threshold: number
): { agree: number; counted: number } {
	let agree = 0,
		counted = 0;
	for (const p of points) {
		if (p.label !== 0 && p.label !== 1) continue;
		const c = cellAt(p.x, p.y, rows, cols, extent);
		if (!c) continue;
		const v = values[c.row * cols + c.col];
		if (!Number.isFinite(v)) continue;
		counted++;
		if (v > threshold === (p.label === 1)) agree++;
	}
	return { agree, counted };
}
