import { describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import { classCounts, assertDataset, type Dataset } from './dataset';
import { makeSynthetic, syntheticPool, SYNTHETIC_NAMES, type SyntheticName } from './synthetic';

/** Train and test put back together, so properties of the whole pool can be checked. */
function all(ds: Dataset): { x: Float32Array; y: Uint8Array } {
	const x = new Float32Array((ds.nTrain + ds.nTest) * 2);
	x.set(ds.trainX);
	x.set(ds.testX, ds.trainX.length);
	const y = new Uint8Array(ds.nTrain + ds.nTest);
	y.set(ds.trainY);
	y.set(ds.testY, ds.nTrain);
	return { x, y };
}

/** Test accuracy of 1-nearest-neighbour on the training points: how learnable the set is. */
function nearestNeighbourAccuracy(ds: Dataset): number {
	let ok = 0;
	for (let i = 0; i < ds.nTest; i++) {
		const a = ds.testX[2 * i];
		const b = ds.testX[2 * i + 1];
		let best = Infinity;
		let label = -1;
		for (let j = 0; j < ds.nTrain; j++) {
			const d = (a - ds.trainX[2 * j]) ** 2 + (b - ds.trainX[2 * j + 1]) ** 2;
			if (d < best) {
				best = d;
				label = ds.trainY[j];
			}
		}
		if (label === ds.testY[i]) ok++;
	}
	return ok / ds.nTest;
}

describe.each(SYNTHETIC_NAMES)('%s', (name) => {
	it('has the declared shape and a valid split', () => {
		const ds = makeSynthetic(name, { seed: 1 });
		expect(ds.name).toBe(name);
		expect(ds.inputSize).toBe(2);
		expect(ds.numClasses).toBe(2);
		expect(ds.nTrain).toBe(800);
		expect(ds.nTest).toBe(200);
		expect(ds.imageShape).toBeUndefined();
		expect(() => assertDataset(ds)).not.toThrow();
	});

	it('is balanced, for even and odd n', () => {
		for (const n of [1000, 301, 2]) {
			const { y } = all(makeSynthetic(name, { n, seed: n }));
			expect(classCounts(y, 2)).toEqual([Math.ceil(n / 2), Math.floor(n / 2)]);
		}
	});

	it('keeps every feature in [-1, 1] at any noise, and uses a good part of the range', () => {
		for (const noise of [0, 0.5, 1]) {
			const { x } = all(makeSynthetic(name, { n: 3000, noise, seed: 2 }));
			let max = 0;
			for (const v of x) max = Math.max(max, Math.abs(v)); // NaN would propagate and fail below
			expect(max).toBeLessThanOrEqual(1);
			expect(max).toBeGreaterThan(0.5);
		}
	});

	it('is deterministic per seed, and an rng gives the same as its seed', () => {
		const a = makeSynthetic(name, { seed: 42, noise: 0.3 });
		const b = makeSynthetic(name, { seed: 42, noise: 0.3 });
		const c = makeSynthetic(name, { rng: createRng(42), noise: 0.3 });
		for (const ds of [b, c]) {
			expect(ds.trainX).toEqual(a.trainX);
			expect(ds.trainY).toEqual(a.trainY);
			expect(ds.testX).toEqual(a.testX);
			expect(ds.testY).toEqual(a.testY);
		}
	});

	it('differs between seeds, and between noise levels', () => {
		const a = makeSynthetic(name, { seed: 1 });
		expect(makeSynthetic(name, { seed: 2 }).trainX).not.toEqual(a.trainX);
		expect(makeSynthetic(name, { seed: 1, noise: 0.5 }).trainX).not.toEqual(a.trainX);
	});

	it('is learnable when clean and harder with noise (1-nearest-neighbour)', () => {
		let clean = 0;
		let noisy = 0;
		for (const seed of [0, 1]) {
			clean += nearestNeighbourAccuracy(makeSynthetic(name, { noise: 0, seed })) / 2;
			noisy += nearestNeighbourAccuracy(makeSynthetic(name, { noise: 1, seed })) / 2;
		}
		expect(clean).toBeGreaterThanOrEqual(0.97);
		expect(noisy).toBeLessThan(clean - 0.02);
		expect(noisy).toBeGreaterThan(0.55);
	});

	it('rounds the test share to whole points', () => {
		const ds = makeSynthetic(name, { n: 7, testFraction: 0.2, seed: 0 });
		expect([ds.nTrain, ds.nTest]).toEqual([6, 1]);
		const none = makeSynthetic(name, { n: 10, testFraction: 0, seed: 0 });
		expect([none.nTrain, none.nTest]).toEqual([10, 0]);
	});
});

describe('the clean shapes match their documented definitions (noise 0)', () => {
	const pool = (name: SyntheticName) => syntheticPool(name, { n: 2000, noise: 0, seed: 9 });
	const each = (name: SyntheticName, f: (px: number, py: number, c: number) => void) => {
		const { x, y } = pool(name);
		for (let i = 0; i < y.length; i++) f(x[2 * i], x[2 * i + 1], y[i]);
	};
	const eps = 1e-5; // float32 storage

	it('spiral: each point lies on its arm, angle 3.5 pi r / 0.8 (+ pi for class 0)', () => {
		each('spiral', (px, py, c) => {
			const r = Math.hypot(px, py);
			expect(r).toBeLessThanOrEqual(0.8 + eps);
			const a = 3.5 * Math.PI * (r / 0.8) + (c === 1 ? 0 : Math.PI);
			expect(Math.abs(px - r * Math.sin(a))).toBeLessThan(1e-4);
			expect(Math.abs(py - r * Math.cos(a))).toBeLessThan(1e-4);
		});
	});

	it('circles: class 1 within radius 0.4, class 0 in the ring 0.56..0.8', () => {
		each('circles', (px, py, c) => {
			const r = Math.hypot(px, py);
			if (c === 1) expect(r).toBeLessThanOrEqual(0.4 + eps);
			else {
				expect(r).toBeGreaterThanOrEqual(0.56 - eps);
				expect(r).toBeLessThanOrEqual(0.8 + eps);
			}
		});
	});

	it('xor: class 1 exactly where x * y >= 0, points kept 0.05 off the axes', () => {
		each('xor', (px, py, c) => {
			expect(px * py >= 0 ? 1 : 0).toBe(c);
			expect(Math.min(Math.abs(px), Math.abs(py))).toBeGreaterThanOrEqual(0.05 - eps);
		});
	});

	it('gaussians: class means near -+(0.35, 0.35), spread 0.1', () => {
		const { x, y } = syntheticPool('gaussians', { n: 20000, noise: 0, seed: 3 });
		for (const c of [0, 1]) {
			let sx = 0;
			let sy = 0;
			let ss = 0;
			let m = 0;
			for (let i = 0; i < y.length; i++) {
				if (y[i] !== c) continue;
				sx += x[2 * i];
				sy += x[2 * i + 1];
				ss += x[2 * i] ** 2;
				m++;
			}
			const mean = c === 1 ? 0.35 : -0.35;
			expect(sx / m).toBeCloseTo(mean, 2);
			expect(sy / m).toBeCloseTo(mean, 2);
			expect(Math.sqrt(ss / m - (sx / m) ** 2)).toBeCloseTo(0.1, 2);
		}
	});

	it("moons: points lie on scikit-learn's arcs, scaled by 0.8 / 1.5 about (0.5, 0.25)", () => {
		each('moons', (px, py, c) => {
			const mx = px / (0.8 / 1.5) + 0.5;
			const my = py / (0.8 / 1.5) + 0.25;
			// class 0: unit circle about (0, 0), upper half; class 1: about (1, 0.5), lower half
			const [cx, cy] = c === 0 ? [0, 0] : [1, 0.5];
			expect(Math.hypot(mx - cx, my - cy)).toBeCloseTo(1, 4);
			expect(c === 0 ? my - cy : cy - my).toBeGreaterThanOrEqual(-eps);
		});
	});
});

describe('option checks', () => {
	const bad: [string, () => unknown, RegExp][] = [
		['unknown name', () => makeSynthetic('swirl' as SyntheticName), /unknown synthetic data set 'swirl'.*spiral/],
		['n too small', () => makeSynthetic('xor', { n: 1 }), /n must be an integer from 2/],
		['n fractional', () => makeSynthetic('xor', { n: 10.5 }), /n must be an integer/],
		['n NaN', () => makeSynthetic('xor', { n: NaN }), /n must be an integer/],
		['n huge', () => makeSynthetic('xor', { n: 2e6 }), /n must be an integer/],
		['noise < 0', () => makeSynthetic('xor', { noise: -0.1 }), /noise must be in \[0, 1\]/],
		['noise > 1', () => makeSynthetic('xor', { noise: 1.5 }), /noise must be in \[0, 1\]/],
		['noise NaN', () => makeSynthetic('xor', { noise: NaN }), /noise must be in \[0, 1\]/],
		['testFraction 1', () => makeSynthetic('xor', { testFraction: 1 }), /testFraction must be in \[0, 1\)/],
		['testFraction < 0', () => makeSynthetic('xor', { testFraction: -0.2 }), /testFraction/],
		['no training points', () => makeSynthetic('xor', { n: 2, testFraction: 0.9 }), /leaves no training points/],
		['seed NaN', () => makeSynthetic('xor', { seed: NaN }), /seed must be a finite number/],
		['seed and rng', () => makeSynthetic('xor', { seed: 1, rng: createRng(1) }), /either seed or rng/]
	];
	it.each(bad)('%s throws a RangeError saying so', (_, f, message) => {
		expect(f).toThrow(RangeError);
		expect(f).toThrow(message);
	});
});
