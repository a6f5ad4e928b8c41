/**
 * The digit pad's pure parts: a soft brush that draws MNIST-thick strokes into a
 * 28x28 ink grid, and the MNIST preprocessing (LeCun et al.: "size normalized to
 * fit in a 20x20 pixel box while preserving their aspect ratio ... centered in a
 * 28x28 image by computing the center of mass of the pixels").
 *
 * Ink is in [0, 1], row-major, row 0 at the top; the network sees 2 * ink - 1, the
 * engine's scaling of MNIST grey levels (background -1, full ink +1).
 */

export const DIGIT_SIZE = 28;
/** The box the digit's bounding box is scaled to fit, as MNIST. */
export const DIGIT_BOX = 20;

/** Brush radii in cells: full ink out to `core`, fading linearly to nothing at `outer`. */
export interface Brush {
	core: number;
	outer: number;
}

/** Close to MNIST's strokes: about two to three cells of full ink with a soft edge. */
export const MNIST_BRUSH: Brush = { core: 0.9, outer: 1.9 };

/**
 * Stamp the brush centred at (cx, cy) in cell units (cell c spans [c, c + 1)).
 * Ink only grows (max-combine), so going over a stroke again does not darken a halo
 * into a blob. Returns whether any cell changed.
 */
export function stamp(ink: Float32Array, size: number, cx: number, cy: number, brush: Brush = MNIST_BRUSH): boolean {
	const r = Math.ceil(brush.outer);
	const c0 = Math.max(0, Math.floor(cx) - r),
		c1 = Math.min(size - 1, Math.floor(cx) + r);
	const r0 = Math.max(0, Math.floor(cy) - r),
		r1 = Math.min(size - 1, Math.floor(cy) + r);
	let changed = false;
	for (let y = r0; y <= r1; y++) {
		for (let x = c0; x <= c1; x++) {
			const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
			// fround: compare as stored, or a float32 grid would "change" on every repeat.
			const a = Math.fround(d <= brush.core ? 1 : d >= brush.outer ? 0 : (brush.outer - d) / (brush.outer - brush.core));
			const k = y * size + x;
			if (a > ink[k]) {
				ink[k] = a;
				changed = true;
			}
		}
	}
	return changed;
}

/** Stamp along the segment from (x0, y0) to (x1, y1) every quarter cell, so fast strokes stay continuous. */
export function strokeSegment(ink: Float32Array, size: number, x0: number, y0: number, x1: number, y1: number, brush: Brush = MNIST_BRUSH): boolean {
	const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / 0.25));
	let changed = false;
	for (let s = 0; s <= steps; s++) {
		const t = s / steps;
		if (stamp(ink, size, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, brush)) changed = true;
	}
	return changed;
}

/** Centre of mass in cell units (cell centres at c + 0.5), or null for an empty image. */
export function centreOfMass(ink: ArrayLike<number>, size: number): { x: number; y: number; mass: number } | null {
	let m = 0,
		sx = 0,
		sy = 0;
	for (let y = 0; y < size; y++) {
		for (let x = 0; x < size; x++) {
			const v = ink[y * size + x];
			if (v <= 0) continue;
			m += v;
			sx += v * (x + 0.5);
			sy += v * (y + 0.5);
		}
	}
	return m > 0 ? { x: sx / m, y: sy / m, mass: m } : null;
}

/** Bounding box of cells with ink above `threshold`: [x0, y0, x1, y1] inclusive, or null. */
export function inkBounds(ink: ArrayLike<number>, size: number, threshold = 0.05): [number, number, number, number] | null {
	let x0 = size,
		y0 = size,
		x1 = -1,
		y1 = -1;
	for (let y = 0; y < size; y++) {
		for (let x = 0; x < size; x++) {
			if (ink[y * size + x] <= threshold) continue;
			if (x < x0) x0 = x;
			if (x > x1) x1 = x;
			if (y < y0) y0 = y;
			if (y > y1) y1 = y;
		}
	}
	return x1 >= 0 ? [x0, y0, x1, y1] : null;
}

/** Bilinear sample of the ink at a point in cell units; outside the grid is empty. */
function sample(ink: ArrayLike<number>, size: number, x: number, y: number): number {
	const fx = x - 0.5,
		fy = y - 0.5;
	const xa = Math.floor(fx),
		ya = Math.floor(fy);
	const tx = fx - xa,
		ty = fy - ya;
	const at = (cx: number, cy: number) => (cx < 0 || cy < 0 || cx >= size || cy >= size ? 0 : ink[cy * size + cx]);
	return (1 - ty) * ((1 - tx) * at(xa, ya) + tx * at(xa + 1, ya)) + ty * ((1 - tx) * at(xa, ya + 1) + tx * at(xa + 1, ya + 1));
}

/**
 * MNIST preprocessing of a drawing: scale its bounding box to fit a `box` x `box`
 * square (aspect ratio kept; 4x4 supersampling per output cell smooths the edges as
 * MNIST's anti-aliasing did), then shift by whole cells so the centre of mass lands
 * on the frame's centre. A whole-cell shift moves ink without blurring it again.
 * Empty input gives an empty frame. Output ink in [0, 1], a new array.
 */
export function normaliseDigit(ink: ArrayLike<number>, size = DIGIT_SIZE, box = DIGIT_BOX): Float32Array {
	const out = new Float32Array(size * size);
	const b = inkBounds(ink, size);
	if (!b) return out;
	const [x0, y0, x1, y1] = b;
	const w = x1 - x0 + 1,
		h = y1 - y0 + 1;
	const s = box / Math.max(w, h);
	// The scaled box, centred in the frame before the centre-of-mass shift.
	const ox = (size - w * s) / 2,
		oy = (size - h * s) / 2;
	const scaled = new Float32Array(size * size);
	const SS = 4;
	for (let y = 0; y < size; y++) {
		for (let x = 0; x < size; x++) {
			let acc = 0;
			for (let j = 0; j < SS; j++) {
				for (let i = 0; i < SS; i++) {
					const px = (x + (i + 0.5) / SS - ox) / s + x0;
					const py = (y + (j + 0.5) / SS - oy) / s + y0;
					acc += sample(ink, size, px, py);
				}
			}
			scaled[y * size + x] = Math.min(1, acc / (SS * SS));
		}
	}
	const com = centreOfMass(scaled, size);
	if (!com) return out;
	const dx = Math.round(size / 2 - com.x),
		dy = Math.round(size / 2 - com.y);
	for (let y = 0; y < size; y++) {
		const sy = y - dy;
		if (sy < 0 || sy >= size) continue;
		for (let x = 0; x < size; x++) {
			const sx = x - dx;
			if (sx >= 0 && sx < size) out[y * size + x] = scaled[sy * size + sx];
		}
	}
	return out;
}

/** Ink [0, 1] to the network's input scaling 2 * ink - 1 (background -1). */
export function toSigned(ink: ArrayLike<number>): Float32Array {
	const out = new Float32Array(ink.length);
	for (let i = 0; i < ink.length; i++) out[i] = 2 * ink[i] - 1;
	return out;
}
