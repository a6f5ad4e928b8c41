import { describe, expect, it } from 'vitest';
import { matmulAB, matmulABt, matmulAtB, naiveMatmulABt } from './gemm';
import { createRng, type Rng } from './rng';

function randomMatrix(rng: Rng, size: number): Float32Array {
	const x = new Float32Array(size);
	for (let i = 0; i < size; i++) x[i] = rng.normal();
	return x;
}

/** Float64 brute force of C = A · B^T, A [m, k], B [n, k]; also returns Σ|a||b| per entry for the error bound. */
function bruteABt(A: Float32Array, B: Float32Array, m: number, n: number, k: number): { value: Float64Array; scale: Float64Array } {
	const value = new Float64Array(m * n), scale = new Float64Array(m * n);
	for (let i = 0; i < m; i++) {
		for (let j = 0; j < n; j++) {
			let s = 0, a = 0;
			for (let p = 0; p < k; p++) {
				s += A[i * k + p] * B[j * k + p];
				a += Math.abs(A[i * k + p] * B[j * k + p]);
			}
			value[i * n + j] = s;
			scale[i * n + j] = a;
		}
	}
	return { value, scale };
}

function transpose(X: Float32Array, rows: number, cols: number): Float32Array {
	const T = new Float32Array(rows * cols);
	for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) T[c * rows + r] = X[r * cols + c];
	return T;
}

const sameBits = (x: Float32Array, y: Float32Array): boolean => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));

describe('float GEMMs', () => {
	it('match a float64 brute force within 1e-4 relative on random shapes, and agree with each other to the bit', () => {
		const rng = createRng(21);
		const dims = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 16, 17, 31, 33];
		for (let t = 0; t < 60; t++) {
			const m = dims[rng.int(dims.length)], n = dims[rng.int(dims.length)], k = 1 + rng.int(t < 50 ? 40 : 300);
			const A = randomMatrix(rng, m * k), B = randomMatrix(rng, n * k);
			const { value, scale } = bruteABt(A, B, m, n, k);

			const C1 = new Float32Array(m * n).fill(NaN);
			matmulABt(A, B, C1, m, n, k);
			for (let i = 0; i < m * n; i++) {
				// Relative to Σ|a_p b_p|, so cancellation near zero does not inflate the bound.
				expect(Math.abs(C1[i] - value[i])).toBeLessThanOrEqual(1e-4 * scale[i] + 1e-30);
				expect(Math.abs(C1[i] - value[i])).toBeLessThanOrEqual(1e-4 * Math.abs(value[i]) + 1e-6 * scale[i]);
			}

			// The same product through the other two layouts: A · (B^T) and (A^T)^T · (B^T).
			const Bt = transpose(B, n, k), At = transpose(A, m, k);
			const C2 = new Float32Array(m * n).fill(NaN);
			matmulAB(A, Bt, C2, m, n, k);
			const C3 = new Float32Array(m * n).fill(NaN);
			matmulAtB(At, Bt, C3, m, n, k);
			const C4 = new Float32Array(m * n).fill(NaN);
			naiveMatmulABt(A, B, C4, m, n, k);
			expect(sameBits(C2, C1)).toBe(true);
			expect(sameBits(C3, C1)).toBe(true);
			expect(sameBits(C4, C1)).toBe(true);
		}
	});

	it('compute the dense-layer shapes of a 784-256-10 MLP at batch 16', () => {
		const rng = createRng(22);
		const batch = 16, nIn = 784, nOut = 10;
		const X = randomMatrix(rng, batch * nIn), Wt = randomMatrix(rng, nOut * nIn), dY = randomMatrix(rng, batch * nOut);
		// Forward Y = X W^T.
		const Y = new Float32Array(batch * nOut);
		matmulABt(X, Wt, Y, batch, nOut, nIn);
		const ref = bruteABt(X, Wt, batch, nOut, nIn);
		for (let i = 0; i < Y.length; i++) expect(Math.abs(Y[i] - ref.value[i])).toBeLessThanOrEqual(1e-4 * ref.scale[i]);
		// dW = dY^T X: [out, in], summed over the batch.
		const dW = new Float32Array(nOut * nIn);
		matmulAtB(dY, X, dW, nOut, nIn, batch);
		const dWref = bruteABt(transpose(dY, batch, nOut), transpose(X, batch, nIn), nOut, nIn, batch);
		for (let i = 0; i < dW.length; i++) expect(Math.abs(dW[i] - dWref.value[i])).toBeLessThanOrEqual(1e-4 * dWref.scale[i]);
		// dX = dY W: [batch, in].
		const dX = new Float32Array(batch * nIn);
		matmulAB(dY, Wt, dX, batch, nIn, nOut);
		const dXref = bruteABt(dY, transpose(Wt, nOut, nIn), batch, nIn, nOut);
		for (let i = 0; i < dX.length; i++) expect(Math.abs(dX[i] - dXref.value[i])).toBeLessThanOrEqual(1e-4 * dXref.scale[i]);
	});

	it('are deterministic and give exact integers for ±1 inputs', () => {
		const rng = createRng(23);
		const m = 9, n = 14, k = 301;
		const A = new Float32Array(m * k).map(() => (rng.int(2) ? 1 : -1));
		const B = new Float32Array(n * k).map(() => (rng.int(2) ? 1 : -1));
		const C1 = new Float32Array(m * n), C2 = new Float32Array(m * n);
		matmulABt(A, B, C1, m, n, k);
		matmulABt(A, B, C2, m, n, k);
		expect(sameBits(C1, C2)).toBe(true);
		for (let i = 0; i < m; i++) {
			for (let j = 0; j < n; j++) {
				let s = 0;
				for (let p = 0; p < k; p++) s += A[i * k + p] * B[j * k + p];
				expect(C1[i * n + j]).toBe(s);
			}
		}
	});

	it('overwrite C, give zeros for k = 0 and do nothing for m = 0 or n = 0', () => {
		const C = new Float32Array(6).fill(5);
		matmulABt(new Float32Array(0), new Float32Array(0), C, 2, 3, 0);
		expect(Array.from(C)).toEqual([0, 0, 0, 0, 0, 0]);
		C.fill(5);
		matmulAB(new Float32Array(0), new Float32Array(6), C, 0, 3, 2);
		matmulAtB(new Float32Array(4), new Float32Array(0), C, 2, 0, 2);
		expect(Array.from(C)).toEqual([5, 5, 5, 5, 5, 5]);
	});

	it('reject invalid dimensions and short arrays', () => {
		const a = new Float32Array(6), b = new Float32Array(6), c = new Float32Array(4);
		expect(() => matmulABt(a, b, c, 2, 2, 4)).toThrow(RangeError);
		expect(() => matmulAB(a, b, c, 2, 2, 4)).toThrow(RangeError);
		expect(() => matmulAtB(a, b, c, 2, 2, 4)).toThrow(RangeError);
		expect(() => matmulABt(a, b, new Float32Array(3), 2, 2, 3)).toThrow(RangeError);
		expect(() => matmulABt(a, b, c, -1, 2, 3)).toThrow(RangeError);
		expect(() => naiveMatmulABt(a, b, c, 2, 2, 3.5)).toThrow(RangeError);
	});
});
