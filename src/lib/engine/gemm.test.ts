import { afterEach, describe, expect, it, vi } from 'vitest';
import { gemmBackend, matmulAB, matmulABJs, matmulABt, matmulABtJs, matmulAtB, matmulAtBJs, naiveMatmulABt, setGemmBackend } from './gemm';
import { createRng, type Rng } from './rng';

type Matmul = typeof matmulABt;

function randomMatrix(rng: Rng, size: number): Float32Array {
	const x = new Float32Array(size);
	for (let i = 0; i < size; i++) x[i] = rng.normal();
	return x;
}

const randomSigns = (rng: Rng, size: number): Float32Array => new Float32Array(size).map(() => (rng.int(2) ? 1 : -1));

/** Float64 brute force of C = A · B^T, A [m, k], B [n, k]; also returns Σ|a||b| per entry for the error bound. */
function bruteABt(A: Float32Array, B: Float32Array, m: number, n: number, k: number): { value: Float64Array; scale: Float64Array } {
	const value = new Float64Array(m * n),
		scale = new Float64Array(m * n);
	for (let i = 0; i < m; i++) {
		for (let j = 0; j < n; j++) {
			let s = 0,
				a = 0;
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

/** The SIMD kernels' arithmetic, one scalar at a time: s = fl(s + fl(a_p b_p)) for p = 0..k-1. */
function float32ABt(A: Float32Array, B: Float32Array, m: number, n: number, k: number): Float32Array {
	const C = new Float32Array(m * n);
	for (let i = 0; i < m; i++) {
		for (let j = 0; j < n; j++) {
			let s = 0;
			for (let p = 0; p < k; p++) s = Math.fround(s + Math.fround(A[i * k + p] * B[j * k + p]));
			C[i * n + j] = s;
		}
	}
	return C;
}

function transpose(X: Float32Array, rows: number, cols: number): Float32Array {
	const T = new Float32Array(rows * cols);
	for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) T[c * rows + r] = X[r * cols + c];
	return T;
}

/** A · B^T through all three layouts: A · B^T directly, A · (B^T), and (A^T)^T · (B^T). */
function allLayouts(abt: Matmul, ab: Matmul, atb: Matmul, A: Float32Array, B: Float32Array, m: number, n: number, k: number): Float32Array[] {
	const Bt = transpose(B, n, k),
		At = transpose(A, m, k);
	const out = [0, 1, 2].map(() => new Float32Array(m * n).fill(NaN));
	abt(A, B, out[0], m, n, k);
	ab(A, Bt, out[1], m, n, k);
	atb(At, Bt, out[2], m, n, k);
	return out;
}

const sameBits = (x: Float32Array, y: Float32Array): boolean => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));

const U = 2 ** -24;

afterEach(() => setGemmBackend('auto'));

describe('WebAssembly SIMD GEMMs (the default backend)', () => {
	it('are the backend in node', () => {
		expect(gemmBackend()).toBe('wasm-simd');
	});

	it('equal a sequential float32 sum to the bit, in every layout, and a float64 brute force within the float32 bound', () => {
		const rng = createRng(31);
		const dims = [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 17, 31, 33];
		// Small, then large (the memory grows), then small again.
		const ks = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 64, 100, 257, 784, 1000, 1, 6, 40, 300, 999, 3, 129, 500, 2, 11, 33, 700, 13];
		let relSum = 0,
			count = 0;
		for (const k of ks) {
			const m = dims[rng.int(dims.length)],
				n = dims[rng.int(dims.length)];
			const A = randomMatrix(rng, m * k),
				B = randomMatrix(rng, n * k);
			const expected = float32ABt(A, B, m, n, k);
			const { value, scale } = bruteABt(A, B, m, n, k);
			for (const C of allLayouts(matmulABt, matmulAB, matmulAtB, A, B, m, n, k)) {
				expect(sameBits(C, expected), `m=${m} n=${n} k=${k}`).toBe(true);
			}
			let outside = 0;
			for (let i = 0; i < m * n; i++) {
				const err = Math.abs(expected[i] - value[i]);
				// Recursive float32 summation: |error| <= γ_k Σ|a_p b_p| (Higham, Accuracy and Stability, §3.1), γ_k = ku/(1 - ku).
				if (!(err <= ((k * U) / (1 - k * U)) * scale[i] + 1e-30)) outside++;
				relSum += err / (Math.sqrt(k) * scale[i]);
				count++;
			}
			expect(outside).toBe(0);
		}
		// Rounding errors are random-walk-like: on average well under sqrt(k) · u · Σ|ab|.
		expect(relSum / count).toBeLessThan(U);
	});

	it('compute the dense-layer shapes of a 784-256-10 MLP at batch 16 within float32 accuracy', () => {
		const rng = createRng(32);
		const batch = 16,
			nIn = 784,
			nHidden = 256;
		const X = randomMatrix(rng, batch * nIn),
			W = randomMatrix(rng, nHidden * nIn),
			dY = randomMatrix(rng, batch * nHidden);
		/** The largest |error| / (4 sqrt(k) u Σ|ab|) over C: at most 1 when within float32 accuracy. */
		const worst = (C: Float32Array, ref: { value: Float64Array; scale: Float64Array }, k: number): number => {
			let w = 0;
			for (let i = 0; i < C.length; i++) w = Math.max(w, Math.abs(C[i] - ref.value[i]) / (4 * Math.sqrt(k) * U * ref.scale[i] + 1e-30));
			return w;
		};
		const Y = new Float32Array(batch * nHidden);
		matmulABt(X, W, Y, batch, nHidden, nIn);
		expect(worst(Y, bruteABt(X, W, batch, nHidden, nIn), nIn)).toBeLessThanOrEqual(1);
		// dW = dY^T X: [hidden, in], summed over the batch.
		const dW = new Float32Array(nHidden * nIn);
		matmulAtB(dY, X, dW, nHidden, nIn, batch);
		expect(worst(dW, bruteABt(transpose(dY, batch, nHidden), transpose(X, batch, nIn), nHidden, nIn, batch), batch)).toBeLessThanOrEqual(1);
		// dX = dY W: [batch, in].
		const dX = new Float32Array(batch * nIn);
		matmulAB(dY, W, dX, batch, nIn, nHidden);
		expect(worst(dX, bruteABt(dY, transpose(W, nHidden, nIn), batch, nIn, nHidden), nHidden)).toBeLessThanOrEqual(1);
	});

	it('give exact integers for ±1 inputs, equal to the JS kernels and the packed-binary arithmetic', () => {
		const rng = createRng(33);
		for (const [m, n, k] of [
			[9, 14, 301],
			[16, 10, 784],
			[5, 33, 1000],
			[3, 2, 5000]
		]) {
			const A = randomSigns(rng, m * k),
				B = randomSigns(rng, n * k);
			const js = new Float32Array(m * n);
			matmulABtJs(A, B, js, m, n, k);
			for (let i = 0; i < m; i++) {
				for (let j = 0; j < n; j++) {
					// Σ a b over ±1 = k - 2 · (number of disagreements): what XOR-popcount computes.
					let differ = 0;
					for (let p = 0; p < k; p++) differ += A[i * k + p] !== B[j * k + p] ? 1 : 0;
					expect(js[i * n + j]).toBe(k - 2 * differ);
				}
			}
			for (const C of allLayouts(matmulABt, matmulAB, matmulAtB, A, B, m, n, k)) expect(sameBits(C, js)).toBe(true);
		}
		// The extreme: all products +1, the sum reaching k.
		const k = 20000,
			ones = new Float32Array(2 * k).fill(1),
			C = new Float32Array(4);
		matmulABt(ones, ones, C, 2, 2, k);
		expect(Array.from(C)).toEqual([k, k, k, k]);
	});

	it('are deterministic, and a row of C does not depend on the other rows of A', () => {
		const rng = createRng(34);
		const m = 37,
			n = 29,
			k = 211;
		const A = randomMatrix(rng, m * k),
			B = randomMatrix(rng, n * k);
		const first = allLayouts(matmulABt, matmulAB, matmulAtB, A, B, m, n, k);
		for (let rep = 0; rep < 3; rep++) {
			const again = allLayouts(matmulABt, matmulAB, matmulAtB, A, B, m, n, k);
			for (let l = 0; l < 3; l++) expect(sameBits(again[l], first[l])).toBe(true);
		}
		// Row 35 alone (a batch of one) and in a batch of 37 give the same bits.
		const row = new Float32Array(n);
		matmulABt(A.subarray(35 * k, 36 * k), B, row, 1, n, k);
		expect(sameBits(row, first[0].subarray(35 * n, 36 * n))).toBe(true);
	});

	it('write only the first m*n elements of C and read only the first elements of longer A and B', () => {
		const rng = createRng(35);
		const m = 6,
			n = 11,
			k = 13;
		const A = randomMatrix(rng, m * k + 5),
			B = randomMatrix(rng, n * k + 7);
		const C = new Float32Array(m * n + 3).fill(42);
		matmulABt(A, B, C, m, n, k);
		expect(Array.from(C.subarray(m * n))).toEqual([42, 42, 42]);
		expect(sameBits(C.subarray(0, m * n), float32ABt(A, B, m, n, k))).toBe(true);
		C.fill(42);
		matmulAtB(A, B, C, m, n, k);
		expect(Array.from(C.subarray(m * n))).toEqual([42, 42, 42]);
		expect(sameBits(C.subarray(0, m * n), float32ABt(transpose(A.subarray(0, m * k), k, m), transpose(B.subarray(0, n * k), k, n), m, n, k))).toBe(true);
	});
});

describe('JS GEMMs', () => {
	it('match a float64 brute force within 1e-4 relative on random shapes, and agree with each other and the naive loop to the bit', () => {
		const rng = createRng(21);
		const dims = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 16, 17, 31, 33];
		for (let t = 0; t < 40; t++) {
			const m = dims[rng.int(dims.length)],
				n = dims[rng.int(dims.length)],
				k = 1 + rng.int(t < 30 ? 40 : 300);
			const A = randomMatrix(rng, m * k),
				B = randomMatrix(rng, n * k);
			const { value, scale } = bruteABt(A, B, m, n, k);
			const [C1, C2, C3] = allLayouts(matmulABtJs, matmulABJs, matmulAtBJs, A, B, m, n, k);
			let outside = 0;
			for (let i = 0; i < m * n; i++) {
				const err = Math.abs(C1[i] - value[i]);
				// Relative to Σ|a_p b_p|, so cancellation near zero does not inflate the bound.
				if (!(err <= 1e-4 * scale[i] + 1e-30)) outside++;
				// One float64 sum rounded once: within half an ulp of float32 plus float64 noise.
				if (!(err <= U * Math.abs(value[i]) + 1e-12 * scale[i])) outside++;
			}
			expect(outside).toBe(0);
			const C4 = new Float32Array(m * n).fill(NaN);
			naiveMatmulABt(A, B, C4, m, n, k);
			expect(sameBits(C2, C1)).toBe(true);
			expect(sameBits(C3, C1)).toBe(true);
			expect(sameBits(C4, C1)).toBe(true);
		}
	});

	it("run behind matmulABt, matmulAB and matmulAtB after setGemmBackend('js')", () => {
		const rng = createRng(24);
		const m = 7,
			n = 19,
			k = 333;
		const A = randomMatrix(rng, m * k),
			B = randomMatrix(rng, n * k);
		const simd = allLayouts(matmulABt, matmulAB, matmulAtB, A, B, m, n, k);
		const js = allLayouts(matmulABtJs, matmulABJs, matmulAtBJs, A, B, m, n, k);
		// The backends round differently (float32 vs float64 accumulation), so the switch is visible.
		expect(sameBits(simd[0], js[0])).toBe(false);
		setGemmBackend('js');
		expect(gemmBackend()).toBe('js');
		const forced = allLayouts(matmulABt, matmulAB, matmulAtB, A, B, m, n, k);
		for (let l = 0; l < 3; l++) expect(sameBits(forced[l], js[l])).toBe(true);
		setGemmBackend('auto');
		expect(gemmBackend()).toBe('wasm-simd');
		expect(sameBits(allLayouts(matmulABt, matmulAB, matmulAtB, A, B, m, n, k)[0], simd[0])).toBe(true);
		expect(() => setGemmBackend('gpu' as 'js')).toThrow(RangeError);
	});
});

describe('GEMM fallback', () => {
	afterEach(() => {
		vi.unstubAllGlobals();
		vi.resetModules();
	});

	const broken: [string, () => unknown][] = [
		['no WebAssembly', () => undefined],
		['no SIMD (the module does not validate)', () => Object.create(WebAssembly, { validate: { value: () => false } })],
		[
			'instantiation throws',
			() =>
				Object.create(WebAssembly, {
					Instance: {
						value: function () {
							throw new Error('out of memory');
						}
					}
				})
		]
	];
	for (const [what, stub] of broken) {
		it(`uses the JS kernels when there is ${what}`, async () => {
			vi.resetModules();
			vi.stubGlobal('WebAssembly', stub());
			const g = await import('./gemm');
			expect(g.gemmBackend()).toBe('js');
			const rng = createRng(25);
			const m = 5,
				n = 9,
				k = 17;
			const A = randomMatrix(rng, m * k),
				B = randomMatrix(rng, n * k);
			const C = new Float32Array(m * n),
				ref = new Float32Array(m * n);
			g.matmulABt(A, B, C, m, n, k);
			naiveMatmulABt(A, B, ref, m, n, k);
			expect(sameBits(C, ref)).toBe(true);
		});
	}
});

describe('GEMM argument handling (both backends)', () => {
	for (const backend of ['auto', 'js'] as const) {
		it(`${backend}: overwrite C, give zeros for k = 0 and do nothing for m = 0 or n = 0`, () => {
			setGemmBackend(backend);
			const C = new Float32Array(6).fill(5);
			matmulABt(new Float32Array(0), new Float32Array(0), C, 2, 3, 0);
			expect(Array.from(C)).toEqual([0, 0, 0, 0, 0, 0]);
			C.fill(5);
			matmulAB(new Float32Array(0), new Float32Array(0), C, 3, 2, 0);
			expect(Array.from(C)).toEqual([0, 0, 0, 0, 0, 0]);
			C.fill(5);
			matmulAtB(new Float32Array(0), new Float32Array(0), C, 1, 6, 0);
			expect(Array.from(C)).toEqual([0, 0, 0, 0, 0, 0]);
			C.fill(5);
			matmulAB(new Float32Array(0), new Float32Array(6), C, 0, 3, 2);
			matmulAtB(new Float32Array(4), new Float32Array(0), C, 2, 0, 2);
			expect(Array.from(C)).toEqual([5, 5, 5, 5, 5, 5]);
		});

		it(`${backend}: reject invalid dimensions and short arrays`, () => {
			setGemmBackend(backend);
			const a = new Float32Array(6),
				b = new Float32Array(6),
				c = new Float32Array(4);
			for (const f of [matmulABt, matmulAB, matmulAtB, matmulABtJs, matmulABJs, matmulAtBJs]) {
				expect(() => f(a, b, c, 2, 2, 4)).toThrow(RangeError);
				expect(() => f(a, b, new Float32Array(3), 2, 2, 3)).toThrow(RangeError);
				expect(() => f(a, b, c, -1, 2, 3)).toThrow(RangeError);
				expect(() => f(a, b, c, 2, 2, 3.5)).toThrow(RangeError);
			}
			expect(() => naiveMatmulABt(a, b, c, 2, 2, 3.5)).toThrow(RangeError);
		});
	}
});
