import { setFlagsFromString } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { packRows, wordsFor } from '../bits';
import { sign } from '../quantize';
import { randomValues } from '../../../../tests/unit/helpers';
import { createRng, type Rng } from '../rng';
import { binaryGemm, binaryGemmBackend, binaryGemmJs, binaryGemmReference, setBinaryGemmBackend, type BinaryGemmBackend } from './binary-gemm';

// Relaxed SIMD is on by default in node 22+ and behind this flag in node 20: set before the
// first kernel compiles, so every backend is tested here.
setFlagsFromString('--experimental-wasm-relaxed-simd');

afterEach(() => setBinaryGemmBackend('auto'));

/** Rows packed by packRows, then garbage written past k in each row's last word (every kernel must ignore it). */
function packDirty(rng: Rng, X: Float32Array, rows: number, k: number): Uint32Array {
	const P = packRows(X, rows, k);
	const W = wordsFor(k),
		r = k & 31;
	if (r !== 0) for (let row = 0; row < rows; row++) P[row * W + W - 1] |= (rng.int(2 ** 31) << r) >>> 0;
	return P;
}

/** Random shapes: edge cases of k around word and tile boundaries first, then random ones (tails not multiples of 32). */
function shapes(rng: Rng): [number, number, number][] {
	const s: [number, number, number][] = [
		[1, 1, 0],
		[1, 1, 1],
		[3, 2, 31],
		[2, 3, 32],
		[4, 4, 33],
		[5, 7, 63],
		[7, 5, 64],
		[9, 4, 65],
		[4, 9, 127],
		[6, 6, 128],
		[3, 8, 129],
		[2, 5, 1000]
	];
	for (let t = 0; t < 60; t++) s.push([1 + rng.int(13), 1 + rng.int(13), rng.int(400)]);
	return s;
}

describe('binaryGemmReference (the /xnor code cell)', () => {
	it('is the ±1 matrix product: C_ij = Σ_p sign(X_ip) sign(Y_jp), tails ignored', () => {
		const rng = createRng(31);
		for (const [m, n, k] of shapes(rng)) {
			const X = randomValues(rng, m * k),
				Y = randomValues(rng, n * k);
			const C = new Int32Array(m * n).fill(777);
			binaryGemmReference(packDirty(rng, X, m, k), packDirty(rng, Y, n, k), C, m, n, k);
			for (let i = 0; i < m; i++)
				for (let j = 0; j < n; j++) {
					let dot = 0;
					for (let p = 0; p < k; p++) dot += sign(X[i * k + p]) * sign(Y[j * k + p]);
					expect(C[i * n + j]).toBe(dot);
				}
		}
	});

	const backends: BinaryGemmBackend[] = ['js', 'wasm-simd', 'wasm-relaxed-simd'];
	for (const which of backends) {
		it(`binaryGemm on '${which}' equals it bit for bit, into Int32Array and Float32Array`, () => {
			setBinaryGemmBackend(which);
			expect(binaryGemmBackend()).toBe(which);
			const rng = createRng(32);
			for (const [m, n, k] of shapes(rng)) {
				const A = packDirty(rng, randomValues(rng, m * k), m, k),
					B = packDirty(rng, randomValues(rng, n * k), n, k);
				const want = new Int32Array(m * n);
				binaryGemmReference(A, B, want, m, n, k);
				const C = new Int32Array(m * n).fill(-5);
				binaryGemm(A, B, C, m, n, k);
				expect(C).toEqual(want);
				const F = new Float32Array(m * n).fill(NaN);
				binaryGemm(A, B, F, m, n, k);
				expect(F).toEqual(Float32Array.from(want));
			}
		});
	}

	it('binaryGemmJs (the hand-unrolled kernel) equals it bit for bit', () => {
		const rng = createRng(33);
		for (const [m, n, k] of shapes(rng)) {
			const A = packDirty(rng, randomValues(rng, m * k), m, k),
				B = packDirty(rng, randomValues(rng, n * k), n, k);
			const want = new Int32Array(m * n),
				got = new Int32Array(m * n);
			binaryGemmReference(A, B, want, m, n, k);
			binaryGemmJs(A, B, got, m, n, k);
			expect(got).toEqual(want);
		}
	});
});
