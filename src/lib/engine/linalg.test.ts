import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from './rng';
import { solveSymmetric } from './linalg';

function matVec(A: Float64Array, x: Float64Array, n: number): Float64Array {
	const y = new Float64Array(n);
	for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) y[i] += A[i * n + j] * x[j];
	return y;
}

function norm(v: ArrayLike<number>): number {
	let s = 0;
	for (let i = 0; i < v.length; i++) s += v[i] * v[i];
	return Math.sqrt(s);
}

/** Gram matrix B^T B and B^T w of an m x n matrix B given by columns. */
function gram(cols: Float64Array[], w: Float64Array): { A: Float64Array; b: Float64Array } {
	const n = cols.length;
	const A = new Float64Array(n * n),
		b = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		for (let j = 0; j < n; j++) {
			let s = 0;
			for (let k = 0; k < w.length; k++) s += cols[i][k] * cols[j][k];
			A[i * n + j] = s;
		}
		let s = 0;
		for (let k = 0; k < w.length; k++) s += cols[i][k] * w[k];
		b[i] = s;
	}
	return { A, b };
}

const randVec = (r: Rng, m: number) => new Float64Array(m).map(() => r.normal());

describe('solveSymmetric', () => {
	it('solves random positive-definite systems of size 1..8 to near machine precision', () => {
		const r = createRng(21);
		for (let n = 1; n <= 8; n++) {
			for (let t = 0; t < 20; t++) {
				const cols = Array.from({ length: n }, () => randVec(r, n + 5));
				const { A, b } = gram(cols, randVec(r, n + 5));
				const A0 = A.slice(),
					b0 = b.slice();
				const x = solveSymmetric(A, b, n);
				expect(Array.from(A)).toEqual(Array.from(A0)); // inputs untouched
				expect(Array.from(b)).toEqual(Array.from(b0));
				const res = matVec(A, x, n).map((v, i) => v - b[i]);
				expect(norm(res)).toBeLessThan(1e-10 * (norm(b) + 1));
			}
		}
	});

	it('solves indefinite symmetric systems exactly (eigen path)', () => {
		const A = Float64Array.of(0, 1, 1, 0);
		const x = solveSymmetric(A, Float64Array.of(2, 3), 2);
		expect(x[0]).toBeCloseTo(3, 12);
		expect(x[1]).toBeCloseTo(2, 12);
		const B = Float64Array.of(1, 2, 0, 2, -3, 1, 0, 1, 4);
		const want = Float64Array.of(1, -2, 0.5);
		const y = solveSymmetric(B, matVec(B, want, 3), 3);
		for (let i = 0; i < 3; i++) expect(y[i]).toBeCloseTo(want[i], 10);
	});

	it('gives the minimum-norm least-squares solution when bases repeat', () => {
		const r = createRng(22);
		const m = 40;
		const c1 = randVec(r, m),
			c2 = randVec(r, m),
			w = randVec(r, m);
		// columns c1, c1, c2: singular Gram matrix
		const { A, b } = gram([c1, c1, c2], w);
		const x = solveSymmetric(A, b, 3);
		// reference: the full-rank problem on [c1, c2], with c1's weight split in two
		const ref = gram([c1, c2], w);
		const z = solveSymmetric(ref.A, ref.b, 2);
		expect(x[0]).toBeCloseTo(z[0] / 2, 10);
		expect(x[1]).toBeCloseTo(z[0] / 2, 10);
		expect(x[2]).toBeCloseTo(z[1], 10);
		// the all-equal case of a constant tensor: every base is the same column of ones
		const ones = new Float64Array(m).fill(1);
		const w3 = new Float64Array(m).fill(0.3);
		const g = gram([ones, ones, ones, ones], w3);
		const a = solveSymmetric(g.A, g.b, 4);
		for (let i = 0; i < 4; i++) expect(a[i]).toBeCloseTo(0.3 / 4, 12);
	});

	it('returns zeros for a zero system, handles n = 0 and reuses out', () => {
		expect(Array.from(solveSymmetric(new Float64Array(9), new Float64Array(3), 3))).toEqual([0, 0, 0]);
		expect(solveSymmetric(new Float64Array(0), new Float64Array(0), 0).length).toBe(0);
		const out = new Float64Array(1);
		expect(solveSymmetric(Float64Array.of(4), Float64Array.of(2), 1, out)).toBe(out);
		expect(out[0]).toBe(0.5);
		expect(() => solveSymmetric(new Float64Array(3), new Float64Array(2), 2)).toThrow(RangeError);
	});
});
