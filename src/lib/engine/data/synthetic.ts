/**
 * Two-dimensional toy classification sets, after TensorFlow Playground (Smilkov,
 * Carter et al., 2016, `src/dataset.ts`) and scikit-learn's `make_moons`: small enough
 * to train in a blink and to draw the decision boundary over the whole input plane.
 *
 * Every set has 2 classes with n/2 points each (class 0 gets the extra point when n is
 * odd), inputSize 2, and every feature in [-1, 1]: the clean shapes lie within about
 * [-0.8, 0.8] and the noise can push them at most 0.2 further. Where Playground puts
 * label noise on circles and XOR (a point keeps its position but may take the other
 * class), here noise moves points instead, so the classes stay exactly balanced.
 *
 * Sets and what `noise` (0..1) means for each:
 * - `spiral`: two interleaved arms, 1.75 turns each, radius growing linearly from 0 to
 *   0.8 (uniform along the arm), class 0's arm being class 1's rotated by pi. Each
 *   coordinate is jittered by U(-0.2, 0.2) * noise; at noise 1 that nearly spans the
 *   0.23 gap between neighbouring arms.
 * - `circles`: class 1 a disk of radius 0.4, class 0 a ring of radii 0.56..0.8 around
 *   it (radius uniform, as Playground). Jitter U(-0.2, 0.2) * noise per coordinate;
 *   the gap is 0.16, so from noise 0.4 on the classes overlap.
 * - `xor`: class 1 in quadrants where x * y >= 0, class 0 where x * y < 0; each
 *   coordinate has magnitude U(0.05, 0.8) (Playground's padding keeps points off the
 *   axes). Jitter U(-0.2, 0.2) * noise per coordinate can carry points across an axis.
 * - `gaussians`: two round normal blobs at (-0.35, -0.35) (class 0) and (0.35, 0.35)
 *   (class 1) with standard deviation 0.1 + 0.3 * noise; draws falling outside
 *   [-1, 1]^2 are redrawn (a truncated normal). Bayes error about 0.01% at noise 0.1,
 *   11% at noise 1.
 * - `moons`: scikit-learn's two half circles, class 0 (cos t, sin t) and class 1
 *   (1 - cos t, 0.5 - sin t), t ~ U(0, pi), centred and scaled by 0.8 / 1.5 so x spans
 *   [-0.8, 0.8] and y [-0.4, 0.4]. Jitter U(-0.2, 0.2) * noise per coordinate.
 */

import { createRng, type Rng } from '../rng';
import { shuffledSplit, type Dataset } from './dataset';

/** The names {@link makeSynthetic} accepts. */
export const SYNTHETIC_NAMES = ['spiral', 'circles', 'xor', 'gaussians', 'moons'] as const;

/** One of {@link SYNTHETIC_NAMES}. */
export type SyntheticName = (typeof SYNTHETIC_NAMES)[number];

/** Options for {@link makeSynthetic} and {@link syntheticPool}. */
export interface SyntheticOptions {
	/** Total points, train + test; an integer in [2, 1e6]. Default 1000. */
	n?: number;
	/** 0 (clean) to 1 (heavily overlapping); meaning per set in the module docs. Default 0.1. */
	noise?: number;
	/** Seed for a fresh generator (default 0). Give `seed` or `rng`, not both. */
	seed?: number;
	/** A generator to draw from instead of `seed` (it is advanced). */
	rng?: Rng;
	/** Share of the n points held out for test, in [0, 1); rounded to whole points. Default 0.2. */
	testFraction?: number;
}

const MAX_N = 1_000_000;
/** Largest jitter per coordinate at noise 1; the clean shapes stay within 1 - JITTER. */
const JITTER = 0.2;

function isSyntheticName(name: string): name is SyntheticName {
	return (SYNTHETIC_NAMES as readonly string[]).includes(name);
}

function resolve(name: string, opts: SyntheticOptions) {
	if (!isSyntheticName(name)) {
		throw new RangeError(`unknown synthetic data set '${name}'; expected one of ${SYNTHETIC_NAMES.join(', ')}`);
	}
	const { n = 1000, noise = 0.1, testFraction = 0.2 } = opts;
	if (!Number.isInteger(n) || n < 2 || n > MAX_N) {
		throw new RangeError(`n must be an integer from 2 to ${MAX_N}, got ${n}`);
	}
	if (!(noise >= 0 && noise <= 1)) throw new RangeError(`noise must be in [0, 1], got ${noise}`);
	if (!(testFraction >= 0 && testFraction < 1)) {
		throw new RangeError(`testFraction must be in [0, 1), got ${testFraction}`);
	}
	if (opts.rng && opts.seed !== undefined) throw new RangeError('give either seed or rng, not both');
	if (opts.seed !== undefined && !Number.isFinite(opts.seed)) {
		throw new RangeError(`seed must be a finite number, got ${opts.seed}`);
	}
	const rng = opts.rng ?? createRng(opts.seed ?? 0);
	return { name, n, noise, testFraction, rng };
}

/**
 * The unsplit points of a synthetic set, in class order: rows 0..n0-1 are class 0 and
 * the rest class 1, with n0 = ceil(n / 2).
 *
 * @returns `x`: [n, 2] row-major features in [-1, 1]; `y`: [n] labels in {0, 1}
 * @throws RangeError for an unknown name or options out of range
 */
export function syntheticPool(name: SyntheticName, opts: SyntheticOptions = {}): { x: Float32Array; y: Uint8Array } {
	const { n, noise, rng } = resolve(name, opts);
	return generate(name, n, noise, rng);
}

/**
 * A 2-D, 2-class data set by name (see the module docs for the shapes and what noise
 * does), split into train and test by a seeded shuffle. Same name and options with the
 * same seed give identical arrays.
 *
 * @returns a {@link Dataset} with inputSize 2, numClasses 2, nTest = round(n * testFraction),
 *   nTrain = n - nTest
 * @throws RangeError for an unknown name, n not an integer in [2, 1e6], noise outside
 *   [0, 1], testFraction outside [0, 1), both seed and rng, or a split leaving no training point
 */
export function makeSynthetic(name: SyntheticName, opts: SyntheticOptions = {}): Dataset {
	const r = resolve(name, opts);
	const nTest = Math.round(r.n * r.testFraction);
	const nTrain = r.n - nTest;
	if (nTrain < 1) throw new RangeError(`testFraction ${r.testFraction} of n = ${r.n} leaves no training points`);
	const { x, y } = generate(r.name, r.n, r.noise, r.rng);
	return { name: r.name, inputSize: 2, numClasses: 2, ...shuffledSplit(x, y, 2, nTrain, nTest, r.rng) };
}

function generate(name: SyntheticName, n: number, noise: number, rng: Rng): { x: Float32Array; y: Uint8Array } {
	const x = new Float32Array(n * 2);
	const y = new Uint8Array(n);
	const n0 = Math.ceil(n / 2);
	const amp = JITTER * noise;
	const jitter = () => (amp === 0 ? 0 : rng.uniform(-amp, amp));
	const point = pointMaker(name, noise, rng);
	for (let i = 0; i < n; i++) {
		const c = i < n0 ? 0 : 1;
		const [px, py] = point(c);
		// Jitter is bounded by JITTER and the shapes by 1 - JITTER; the clamp only absorbs rounding.
		x[2 * i] = clamp1(px + (name === 'gaussians' ? 0 : jitter()));
		x[2 * i + 1] = clamp1(py + (name === 'gaussians' ? 0 : jitter()));
		y[i] = c;
	}
	return { x, y };
}

function pointMaker(name: SyntheticName, noise: number, rng: Rng): (c: number) => [number, number] {
	switch (name) {
		case 'spiral':
			return (c) => {
				const t = rng.float();
				const r = 0.8 * t;
				const a = 1.75 * 2 * Math.PI * t + (c === 1 ? 0 : Math.PI);
				return [r * Math.sin(a), r * Math.cos(a)];
			};
		case 'circles':
			return (c) => {
				const r = c === 1 ? rng.uniform(0, 0.4) : rng.uniform(0.56, 0.8);
				const a = rng.uniform(0, 2 * Math.PI);
				return [r * Math.sin(a), r * Math.cos(a)];
			};
		case 'xor':
			return (c) => {
				const sx = rng.int(2) === 1 ? 1 : -1;
				const sy = c === 1 ? sx : -sx;
				return [sx * rng.uniform(0.05, 0.8), sy * rng.uniform(0.05, 0.8)];
			};
		case 'gaussians': {
			const sd = 0.1 + 0.3 * noise;
			return (c) => {
				const m = c === 1 ? 0.35 : -0.35;
				for (;;) {
					const px = m + sd * rng.normal();
					const py = m + sd * rng.normal();
					if (Math.abs(px) <= 1 && Math.abs(py) <= 1) return [px, py];
				}
			};
		}
		case 'moons':
			return (c) => {
				const t = rng.uniform(0, Math.PI);
				const [mx, my] = c === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
				const s = 0.8 / 1.5;
				return [(mx - 0.5) * s, (my - 0.25) * s];
			};
	}
}

function clamp1(v: number): number {
	return v > 1 ? 1 : v < -1 ? -1 : v;
}
