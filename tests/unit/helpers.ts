/** Shared helpers for the engine's unit tests. */
import { createRng, type Rng } from '../../src/lib/engine/rng';

export function randArray(rng: Rng, n: number, lo = -1, hi = 1): Float32Array {
	const a = new Float32Array(n);
	for (let i = 0; i < n; i++) a[i] = rng.uniform(lo, hi);
	return a;
}

export function randn(rng: Rng, n: number, scale = 1): Float32Array {
	const a = new Float32Array(n);
	for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
	return a;
}

/** Σ r_i y_i in float64: a scalar loss whose gradient w.r.t. y is r. */
export function dotLoss(y: Float32Array, r: Float32Array): number {
	let s = 0;
	for (let i = 0; i < r.length; i++) s += y[i] * r[i];
	return s;
}

/**
 * Central finite differences of f at coordinates `idx` of `x` (perturbed in place, then restored).
 * Returns the numeric derivatives in the order of `idx`.
 */
export function finiteDiff(f: () => number, x: Float32Array, idx: number[], h = 1e-2): number[] {
	return idx.map((i) => {
		const x0 = x[i];
		x[i] = x0 + h;
		const up = f();
		x[i] = x0 - h;
		const down = f();
		x[i] = x0;
		return (up - down) / (2 * h);
	});
}

/** A few random indices in [0, n). */
export function someIndices(rng: Rng, n: number, k: number): number[] {
	return Array.from({ length: Math.min(k, n) }, () => rng.int(n));
}

export function relErr(a: number, b: number): number {
	return Math.abs(a - b) / Math.max(1e-3, Math.abs(a), Math.abs(b));
}

/** Random values with plenty of exact zeros and negative zeros, and a few NaNs, mixed in (every sign case the packers meet). */
export function randomValues(rng: Rng, n: number): Float32Array {
	const x = new Float32Array(n);
	for (let i = 0; i < n; i++) {
		const r = rng.int(16);
		x[i] = r < 2 ? 0 : r < 4 ? -0 : r === 4 ? NaN : rng.uniform(-1, 1);
	}
	return x;
}

export { createRng };
