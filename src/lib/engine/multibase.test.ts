import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from './rng';
import {
	activationBase,
	activationBasesBackward,
	activationBasesForward,
	activationThreshold,
	baseShifts,
	defaultActivationScales,
	defaultActivationShifts,
	weightBases
} from './multibase';

/** Plain Gaussian elimination with partial pivoting, float64: the test's own reference solver. */
function gaussSolve(A: number[][], b: number[]): number[] {
	const n = b.length;
	const M = A.map((row, i) => [...row, b[i]]);
	for (let c = 0; c < n; c++) {
		let p = c;
		for (let i = c + 1; i < n; i++) if (Math.abs(M[i][c]) > Math.abs(M[p][c])) p = i;
		[M[c], M[p]] = [M[p], M[c]];
		for (let i = c + 1; i < n; i++) {
			const f = M[i][c] / M[c][c];
			for (let j = c; j <= n; j++) M[i][j] -= f * M[c][j];
		}
	}
	const x = new Array<number>(n).fill(0);
	for (let i = n - 1; i >= 0; i--) {
		let s = M[i][n];
		for (let j = i + 1; j < n; j++) s -= M[i][j] * x[j];
		x[i] = s / M[i][i];
	}
	return x;
}

/** The ABC-Net weight bases straight from the definition, by brute force. */
function bruteWeightBases(W: Float32Array, M: number) {
	const n = W.length;
	let mean = 0;
	for (const w of W) mean += w;
	mean /= n;
	let v = 0;
	for (const w of W) v += (w - mean) ** 2;
	const std = Math.sqrt(v / n);
	const u = Array.from({ length: M }, (_, i) => (M === 1 ? 0 : -1 + (2 * i) / (M - 1)));
	const B = u.map((ui) => Array.from(W, (w) => (w - mean + ui * std >= 0 ? 1 : -1)));
	const G = B.map((bi) => B.map((bj) => bi.reduce((s, x, k) => s + x * bj[k], 0)));
	const r = B.map((bi) => bi.reduce((s, x, k) => s + x * W[k], 0));
	return { mean, std, u, B, alphas: gaussSolve(G, r) };
}

const gaussian = (r: Rng, n: number, s = 0.1, m = 0) => new Float32Array(n).map(() => m + s * r.normal());
const uniform = (r: Rng, n: number) => new Float32Array(n).map(() => r.uniform(-1, 1));

describe('baseShifts', () => {
	it('follows u_i = -1 + 2(i - 1)/(M - 1), with u = [0] at M = 1', () => {
		expect(Array.from(baseShifts(1))).toEqual([0]);
		expect(Array.from(baseShifts(2))).toEqual([-1, 1]);
		expect(Array.from(baseShifts(3))).toEqual([-1, 0, 1]);
		expect(Array.from(baseShifts(5))).toEqual([-1, -0.5, 0, 0.5, 1]);
		for (let M = 2; M <= 9; M++) {
			const u = baseShifts(M);
			for (let i = 1; i <= M; i++) expect(u[i - 1]).toBeCloseTo(-1 + (2 * (i - 1)) / (M - 1), 15);
		}
		expect(() => baseShifts(0)).toThrow(RangeError);
	});
});

describe('weightBases', () => {
	it('builds the bases of the definition and the true least-squares scales', () => {
		const r = createRng(31);
		for (const [M, n] of [
			[1, 50],
			[2, 97],
			[3, 200],
			[5, 333],
			[6, 64]
		] as const) {
			for (const W of [gaussian(r, n, 0.2, 0.05), uniform(r, n)]) {
				const got = weightBases(W, M);
				const ref = bruteWeightBases(W, M);
				expect(got.mean).toBeCloseTo(ref.mean, 14);
				expect(got.std).toBeCloseTo(ref.std, 14);
				expect(Array.from(got.shifts)).toEqual(ref.u);
				for (let i = 0; i < M; i++) {
					expect(Array.from(got.bases.subarray(i * n, (i + 1) * n))).toEqual(ref.B[i]);
					expect(Math.abs(got.alphas[i] - ref.alphas[i])).toBeLessThan(1e-9 * (1 + Math.abs(ref.alphas[i])));
				}
				// the residual is orthogonal to every base (normal equations hold), checked in float64
				const res = Array.from(W, (w, j) => w - ref.B.reduce((s, Bi, i) => s + got.alphas[i] * Bi[j], 0));
				const wn = Math.sqrt(W.reduce((s, w) => s + w * w, 0));
				for (let i = 0; i < M; i++) {
					const dot = res.reduce((s, e, j) => s + e * ref.B[i][j], 0);
					expect(Math.abs(dot)).toBeLessThan(1e-9 * wn * Math.sqrt(n));
				}
				// approx and relError are what they claim
				let e2 = 0;
				for (let j = 0; j < n; j++) {
					const want = ref.B.reduce((s, Bi, i) => s + got.alphas[i] * Bi[j], 0);
					expect(got.approx[j]).toBeCloseTo(want, 6);
					e2 += (W[j] - got.approx[j]) ** 2;
				}
				expect(got.relError).toBeCloseTo(Math.sqrt(e2) / wn, 12);
			}
		}
	});

	it('no other scales do better (perturbing alpha raises the error)', () => {
		const r = createRng(32);
		const W = gaussian(r, 500);
		const { bases, alphas } = weightBases(W, 3);
		const err = (a: ArrayLike<number>) => {
			let s = 0;
			for (let j = 0; j < W.length; j++) {
				let q = 0;
				for (let i = 0; i < 3; i++) q += a[i] * bases[i * W.length + j];
				s += (W[j] - q) ** 2;
			}
			return s;
		};
		const best = err(alphas);
		for (let t = 0; t < 30; t++) {
			const a = Array.from(alphas, (x) => x + 0.01 * r.normal());
			expect(err(a)).toBeGreaterThan(best);
		}
	});

	it('relative error falls strictly as M goes from 1 to 5, on Gaussian and uniform weights', () => {
		const r = createRng(33);
		for (const W of [gaussian(r, 20000), uniform(r, 20000), gaussian(r, 784 * 32, 0.05)]) {
			const errs = [1, 2, 3, 4, 5].map((M) => weightBases(W, M).relError);
			for (let i = 1; i < errs.length; i++) expect(errs[i]).toBeLessThan(errs[i - 1]);
			expect(errs[0]).toBeGreaterThan(0.5); // one base: about 0.6 for a Gaussian
			expect(errs[4]).toBeLessThan(0.3);
		}
	});

	it('M = 1 is the mean-centred sign with alpha = mean |W| for zero-mean weights', () => {
		const W = Float32Array.of(-0.5, 0.5, -1, 1, 0.25, -0.25);
		const { bases, alphas } = weightBases(W, 1);
		expect(Array.from(bases)).toEqual([-1, 1, -1, 1, 1, -1]);
		expect(alphas[0]).toBeCloseTo(3.5 / 6, 15); // mean |W|
	});

	it('reuses the buffers it is given and survives degenerate tensors', () => {
		const r = createRng(34);
		const n = 1000,
			M = 4;
		const out = { shifts: new Float64Array(M), bases: new Float32Array(M * n), alphas: new Float64Array(M), approx: new Float32Array(n) };
		const W = gaussian(r, n);
		const a = weightBases(W, M, out);
		expect(a.bases).toBe(out.bases);
		expect(a.alphas).toBe(out.alphas);
		expect(a.approx).toBe(out.approx);
		expect(a.shifts).toBe(out.shifts);
		const b = weightBases(W, M);
		expect(Array.from(a.approx)).toEqual(Array.from(b.approx));
		expect(() => weightBases(W, M, { bases: new Float32Array(5) })).toThrow(RangeError);
		// skipping the bases changes nothing else
		const nb = weightBases(W, M, {}, { bases: false });
		expect(nb.bases.length).toBe(0);
		expect(Array.from(nb.alphas)).toEqual(Array.from(b.alphas));
		expect(Array.from(nb.approx)).toEqual(Array.from(b.approx));
		expect(nb.relError).toBe(b.relError);
		// a constant tensor: all bases coincide, the scales share the value, the fit is exact
		const c = weightBases(new Float32Array(100).fill(0.3), 3);
		expect(c.std).toBe(0);
		for (let i = 0; i < 3; i++) expect(c.alphas[i]).toBeCloseTo(0.1, 6);
		expect(c.relError).toBeLessThan(1e-7);
		// all zeros, a single element, and an empty tensor
		const z = weightBases(new Float32Array(10), 2);
		expect(Array.from(z.approx)).toEqual(new Array(10).fill(0));
		expect(z.relError).toBe(0);
		expect(weightBases(Float32Array.of(-2), 3).approx[0]).toBeCloseTo(-2, 6);
		expect(weightBases(new Float32Array(0), 2).relError).toBe(0);
	});
});

/** Forward from the literal definition: A_n = 2 * 1[clip(x + v_n, 0, 1) >= 0.5] - 1. */
const clip01 = (v: number) => Math.min(1, Math.max(0, v));
const defBase = (x: number, v: number) => (clip01(x + v) >= 0.5 ? 1 : -1);

function randomActivationSetup(r: Rng, L: number, N: number) {
	const x = new Float32Array(L).map(() => r.normal());
	const shifts = new Float32Array(N).map(() => r.uniform(-0.5, 1.5));
	const scales = new Float32Array(N).map(() => r.uniform(0.1, 1));
	const dy = new Float32Array(L).map(() => r.normal());
	return { x, shifts, scales, dy };
}

describe('activation bases', () => {
	it('forward matches the definition elementwise, and basesOut holds each A_n', () => {
		const r = createRng(41);
		for (const N of [1, 2, 3, 5]) {
			const L = 513;
			const { x, shifts, scales } = randomActivationSetup(r, L, N);
			const out = new Float32Array(L),
				bases = new Float32Array(N * L),
				out2 = new Float32Array(L);
			activationBasesForward(x, shifts, scales, out, bases);
			activationBasesForward(x, shifts, scales, out2);
			for (let j = 0; j < L; j++) {
				let s = 0;
				for (let n = 0; n < N; n++) {
					const a = defBase(x[j], shifts[n]);
					expect(bases[n * L + j]).toBe(a);
					expect(activationBase(x[j], shifts[n])).toBe(a);
					s += scales[n] * a;
				}
				expect(out[j]).toBe(Math.fround(s));
			}
			expect(Array.from(out2)).toEqual(Array.from(out));
		}
		expect(activationThreshold(0.5)).toBe(0);
	});

	it('with N = 1 and the default init, the base is exactly sign(x), even for tiny negatives', () => {
		const v = defaultActivationShifts(1),
			b = defaultActivationScales(1);
		expect(Array.from(v)).toEqual([0.5]);
		expect(Array.from(b)).toEqual([1]);
		const r = createRng(42);
		const x = new Float32Array(1000).map(() => r.normal());
		x.set([0, -0, 1e-40, -1e-40, 1e-20, -1e-20, 0.5, -0.5, 3, -3]);
		const out = new Float32Array(x.length);
		activationBasesForward(x, v, b, out);
		for (let j = 0; j < x.length; j++) expect(out[j]).toBe(x[j] >= 0 ? 1 : -1);
	});

	it('default init for N > 1 is the rounding staircase of clip(x, -1, 1) with N + 1 levels', () => {
		for (let N = 1; N <= 6; N++) {
			const v = defaultActivationShifts(N),
				b = defaultActivationScales(N);
			const xs = new Float32Array(401).map((_, i) => -2 + i / 100);
			const out = new Float32Array(xs.length);
			activationBasesForward(xs, v, b, out);
			const lv = Array.from({ length: N + 1 }, (_, k) => -1 + (2 * k) / N);
			for (let j = 0; j < xs.length; j++) {
				const c = Math.min(1, Math.max(-1, xs[j]));
				expect(Math.abs(out[j] - c)).toBeLessThanOrEqual(1 / N + 1e-6);
				expect(lv.some((l) => Math.abs(l - out[j]) < 1e-6)).toBe(true);
			}
			expect(out[0]).toBeCloseTo(-1, 6);
			expect(out[out.length - 1]).toBeCloseTo(1, 6);
			// thresholds spread evenly over (-1, 1)
			for (let n = 1; n <= N; n++) expect(activationThreshold(v[n - 1])).toBeCloseTo(-1 + (2 * n - 1) / N, 6);
		}
	});

	it('backward matches the straight-through definition and overwrites its outputs', () => {
		const r = createRng(43);
		for (const N of [1, 3, 5]) {
			const L = 700;
			const { x, shifts, scales, dy } = randomActivationSetup(r, L, N);
			x[0] = -shifts[0]; // x + v = 0 exactly: inclusive
			x[1] = 1 - shifts[0]; // x + v = 1 exactly: inclusive
			const dx = new Float32Array(L).fill(9),
				ds = new Float32Array(N).fill(9),
				db = new Float32Array(N).fill(9);
			activationBasesBackward(x, shifts, scales, dy, dx, ds, db);
			const wantS = new Array<number>(N).fill(0),
				wantB = new Array<number>(N).fill(0);
			for (let j = 0; j < L; j++) {
				let g = 0;
				for (let n = 0; n < N; n++) {
					const z = x[j] + shifts[n];
					const m = z >= 0 && z <= 1 ? 1 : 0;
					g += scales[n] * dy[j] * m;
					wantS[n] += dy[j] * scales[n] * m;
					wantB[n] += dy[j] * defBase(x[j], shifts[n]);
				}
				expect(dx[j]).toBeCloseTo(g, 6);
			}
			expect(dx[0]).not.toBe(0);
			expect(dx[1]).not.toBe(0);
			for (let n = 0; n < N; n++) {
				expect(ds[n]).toBeCloseTo(wantS[n], 4);
				expect(db[n]).toBeCloseTo(wantB[n], 4);
			}
		}
	});

	it('dScales equals the finite difference of the loss (the output is linear in beta)', () => {
		const r = createRng(44);
		const N = 4,
			L = 600;
		const { x, shifts, scales, dy } = randomActivationSetup(r, L, N);
		const loss = (s: Float32Array) => {
			const out = new Float32Array(L);
			activationBasesForward(x, shifts, s, out);
			return out.reduce((acc, o, j) => acc + o * dy[j], 0);
		};
		const dx = new Float32Array(L),
			ds = new Float32Array(N),
			db = new Float32Array(N);
		activationBasesBackward(x, shifts, scales, dy, dx, ds, db);
		const h = 0.25;
		for (let n = 0; n < N; n++) {
			const up = scales.slice(),
				dn = scales.slice();
			up[n] += h;
			dn[n] -= h;
			const fd = (loss(up) - loss(dn)) / (2 * h);
			expect(Math.abs(fd - db[n])).toBeLessThan(1e-3 * (1 + Math.abs(db[n])));
		}
	});

	it('dShifts and dx are the finite differences of the clip surrogate where it is smooth', () => {
		// The STE treats A_n as clip(x + v_n, 0, 1) (+ const) on the way back.
		const r = createRng(45);
		const N = 3,
			L = 300;
		const { x, shifts, scales, dy } = randomActivationSetup(r, L, N);
		const h = 1e-7;
		const sur = (xs: ArrayLike<number>, vs: ArrayLike<number>) => {
			let s = 0;
			for (let j = 0; j < L; j++) for (let n = 0; n < N; n++) s += dy[j] * scales[n] * clip01(xs[j] + vs[n]);
			return s;
		};
		const nearKink = (j: number, n: number) => {
			const z = x[j] + shifts[n];
			return Math.abs(z) < 10 * h || Math.abs(z - 1) < 10 * h;
		};
		const dx = new Float32Array(L),
			ds = new Float32Array(N),
			db = new Float32Array(N);
		activationBasesBackward(x, shifts, scales, dy, dx, ds, db);
		const vs = Array.from(shifts);
		const xs = Array.from(x);
		for (let n = 0; n < N; n++) {
			if (xs.some((_, j) => nearKink(j, n))) continue;
			const up = vs.slice(),
				dn = vs.slice();
			up[n] += h;
			dn[n] -= h;
			const fd = (sur(xs, up) - sur(xs, dn)) / (2 * h);
			expect(Math.abs(fd - ds[n])).toBeLessThan(1e-4 * (1 + Math.abs(fd)));
		}
		let checked = 0;
		for (let j = 0; j < L; j += 7) {
			if (vs.some((_, n) => nearKink(j, n))) continue;
			const up = xs.slice(),
				dn = xs.slice();
			up[j] += h;
			dn[j] -= h;
			const fd = (sur(up, vs) - sur(dn, vs)) / (2 * h);
			expect(Math.abs(fd - dx[j])).toBeLessThan(1e-4 * (1 + Math.abs(fd)));
			checked++;
		}
		expect(checked).toBeGreaterThan(30);
	});
});
