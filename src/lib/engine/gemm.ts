/**
 * Float32 matrix products for the training engine: the forward pass X · W^T and
 * the two backward products dY · W and dY^T · X of a dense layer.
 *
 * Tensors are row-major Float32Arrays. Every product overwrites the first m*n
 * elements of C and never reads it; C must not share memory with A or B.
 *
 * Two backends, chosen once per worker (`gemmBackend`):
 *
 * - 'wasm-simd' (the default wherever WebAssembly SIMD runs: node, current browsers):
 *   the f32x4 kernels of ./wasm/gemm.wat. Each output is accumulated in float32,
 *
 *       C_ij = (...((a_i0 b_0j + a_i1 b_1j) + a_i2 b_2j) + ...) + a_i,k-1 b_k-1,j
 *
 *   in the order p = 0..k-1, every product and every sum rounded to float32 (no
 *   fused multiply-add). The error is the usual recursive-summation bound, about
 *   k · 2^-24 · Σ_p |a_ip b_pj| at worst and ~sqrt(k) · 2^-24 · Σ|a b| typically,
 *   where float64 accumulation rounds once. The order is fixed, so results are
 *   deterministic, the three layouts agree to the bit, and a row of C does not
 *   depend on the other rows of A (a sample's output does not depend on its batch).
 *   Sums of ±1 products stay exact integers while |partial sums| < 2^24, far beyond
 *   any layer width, so binary layers simulated in float still equal the
 *   XOR-popcount kernel's integers.
 * - 'js' (fallback, or forced by `setGemmBackend('js')`): the kernels below. Each
 *   output is the float64 sum C_ij = fround(Σ_p a_ip b_pj), added in the order
 *   p = 0..k-1 and rounded once. A product of two float32 values is exact in float64,
 *   so the three JS kernels agree with each other and with `naiveMatmulABt` to the
 *   bit, and ±1 sums are the same exact integers.
 *
 * The two backends can differ in the last bits of non-integer results; nothing in
 * the engine depends on those bits matching across backends.
 *
 * Speed: the JS kernels copy both operands into float64 panels of 4 rows (or
 * columns) interleaved along k, so the inner loop reads 8 consecutive numbers per
 * step and updates a 4x4 tile of accumulators held in locals (16 multiply-adds per
 * 8 loads), ~3.5-4 GFLOP/s. The SIMD kernels hold a 4x8 tile in eight v128
 * accumulators. `scripts/bench/kernels.ts` measures them.
 */
import { checkCount, checkRoom } from './args';
import { simdGemmAvailable, simdMatmul } from './wasm/gemm-simd';

/** Which kernels the products run on. */
export type GemmBackend = 'wasm-simd' | 'js';

let mode: 'js' | 'auto' = 'auto';

/**
 * Choose the kernels: 'auto' (the default) uses WebAssembly SIMD when available and
 * the JS kernels otherwise; 'js' forces the JS kernels (for tests and benchmarks).
 */
export function setGemmBackend(choice: 'js' | 'auto'): void {
	if (choice !== 'js' && choice !== 'auto') throw new RangeError(`unknown GEMM backend ${choice}`);
	mode = choice;
}

/** The kernels `matmulABt`, `matmulAB` and `matmulAtB` currently run on. */
export function gemmBackend(): GemmBackend {
	return mode === 'auto' && simdGemmAvailable() ? 'wasm-simd' : 'js';
}

function checkDims(m: number, n: number, k: number): void {
	checkCount(m, 'm');
	checkCount(n, 'n');
	checkCount(k, 'k');
}

/** Packed panels, grown on demand and reused (JS is single-threaded per worker). */
let scratch = new Float64Array(0);
/** The accumulators of a tile that overhangs C's edge. */
const edgeTile = new Float64Array(16);

/**
 * Copy rows r0..r0+3 of X into S at `off` as a panel, element p of row r at
 * off + 4p + r, zero-filling rows past `rows`.
 * `byRows`: X is [rows, k], row r contiguous. Otherwise X is [k, rows] (its
 * transpose is stored), and element (r, p) sits at X[p * rows + r].
 */
function packPanel(X: Float32Array, byRows: boolean, rows: number, k: number, r0: number, S: Float64Array, off: number): void {
	const valid = Math.min(4, rows - r0);
	if (byRows) {
		for (let r = 0; r < 4; r++) {
			let q = off + r;
			if (r < valid) {
				for (let p = 0, x = (r0 + r) * k; p < k; p++, q += 4) S[q] = X[x + p];
			} else {
				for (let p = 0; p < k; p++, q += 4) S[q] = 0;
			}
		}
	} else if (valid === 4) {
		for (let p = 0, q = off, x = r0; p < k; p++, q += 4, x += rows) {
			S[q] = X[x];
			S[q + 1] = X[x + 1];
			S[q + 2] = X[x + 2];
			S[q + 3] = X[x + 3];
		}
	} else {
		for (let p = 0, q = off, x = r0; p < k; p++, q += 4, x += rows) {
			for (let r = 0; r < 4; r++) S[q + r] = r < valid ? X[x + r] : 0;
		}
	}
}

/**
 * C[m, n] = Σ_p a(i, p) b(p, j) with a(i, p) read from A by `aByRows` (A is [m, k])
 * or transposed (A is [k, m]), and b(p, j) from B by `bByRows` (B is [n, k]) or
 * plainly (B is [k, n]).
 */
function gemm(A: Float32Array, aByRows: boolean, B: Float32Array, bByRows: boolean, C: Float32Array, m: number, n: number, k: number): void {
	if (m === 0 || n === 0) return;
	const panel = 4 * k;
	const nPanels = (n + 3) >>> 2;
	const size = panel * (1 + nPanels);
	if (scratch.length < size) scratch = new Float64Array(size);
	const S = scratch;
	for (let jp = 0; jp < nPanels; jp++) packPanel(B, bByRows, n, k, jp * 4, S, panel * (1 + jp));
	for (let i = 0; i < m; i += 4) {
		packPanel(A, aByRows, m, k, i, S, 0);
		for (let jp = 0; jp < nPanels; jp++) {
			let c00 = 0,
				c01 = 0,
				c02 = 0,
				c03 = 0,
				c10 = 0,
				c11 = 0,
				c12 = 0,
				c13 = 0;
			let c20 = 0,
				c21 = 0,
				c22 = 0,
				c23 = 0,
				c30 = 0,
				c31 = 0,
				c32 = 0,
				c33 = 0;
			for (let qa = 0, qb = panel * (1 + jp); qa < panel; qa += 4, qb += 4) {
				const a0 = S[qa],
					a1 = S[qa + 1],
					a2 = S[qa + 2],
					a3 = S[qa + 3];
				let b = S[qb];
				c00 += a0 * b;
				c10 += a1 * b;
				c20 += a2 * b;
				c30 += a3 * b;
				b = S[qb + 1];
				c01 += a0 * b;
				c11 += a1 * b;
				c21 += a2 * b;
				c31 += a3 * b;
				b = S[qb + 2];
				c02 += a0 * b;
				c12 += a1 * b;
				c22 += a2 * b;
				c32 += a3 * b;
				b = S[qb + 3];
				c03 += a0 * b;
				c13 += a1 * b;
				c23 += a2 * b;
				c33 += a3 * b;
			}
			const j = jp * 4;
			if (i + 4 <= m && j + 4 <= n) {
				let o = i * n + j;
				C[o] = c00;
				C[o + 1] = c01;
				C[o + 2] = c02;
				C[o + 3] = c03;
				o += n;
				C[o] = c10;
				C[o + 1] = c11;
				C[o + 2] = c12;
				C[o + 3] = c13;
				o += n;
				C[o] = c20;
				C[o + 1] = c21;
				C[o + 2] = c22;
				C[o + 3] = c23;
				o += n;
				C[o] = c30;
				C[o + 1] = c31;
				C[o + 2] = c32;
				C[o + 3] = c33;
			} else {
				const rows = Math.min(4, m - i),
					cols = Math.min(4, n - j);
				const t = edgeTile;
				t.set([c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33]);
				for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) C[(i + r) * n + j + c] = t[r * 4 + c];
			}
		}
	}
}

function checkABt(A: Float32Array, B: Float32Array, C: Float32Array, m: number, n: number, k: number): void {
	checkDims(m, n, k);
	checkRoom(A.length, m * k, 'A');
	checkRoom(B.length, n * k, 'B');
	checkRoom(C.length, m * n, 'C');
}

function checkAB(A: Float32Array, B: Float32Array, C: Float32Array, m: number, n: number, k: number): void {
	checkDims(m, n, k);
	checkRoom(A.length, m * k, 'A');
	checkRoom(B.length, k * n, 'B');
	checkRoom(C.length, m * n, 'C');
}

function checkAtB(A: Float32Array, B: Float32Array, C: Float32Array, m: number, n: number, k: number): void {
	checkDims(m, n, k);
	checkRoom(A.length, k * m, 'A');
	checkRoom(B.length, k * n, 'B');
	checkRoom(C.length, m * n, 'C');
}

/**
 * C = A · B^T: C[i*n + j] = Σ_p A[i*k + p] B[j*k + p]. The dense forward pass
 * Y = X · W^T with X: [batch, in] as A [m, k] and W: [out, in] as B [n, k].
 * Runs on the backend `gemmBackend()` reports (see the numerics above).
 *
 * @param A [m, k]
 * @param B [n, k]
 * @param C [m, n], overwritten
 * @throws RangeError if a dimension is invalid or an array is too short.
 */
export function matmulABt(A: Float32Array, B: Float32Array, C: Float32Array, m: number, n: number, k: number): void {
	checkABt(A, B, C, m, n, k);
	if (m === 0 || n === 0) return;
	if (mode === 'auto' && simdMatmul('abt', A, B, C, m, n, k)) return;
	gemm(A, true, B, true, C, m, n, k);
}

/**
 * C = A · B: C[i*n + j] = Σ_p A[i*k + p] B[p*n + j]. The input gradient of a dense
 * layer, dX = dY · W, with dY: [batch, out] as A [m, k] and W: [out, in] as B [k, n].
 * Runs on the backend `gemmBackend()` reports.
 *
 * @param A [m, k]
 * @param B [k, n]
 * @param C [m, n], overwritten
 * @throws RangeError if a dimension is invalid or an array is too short.
 */
export function matmulAB(A: Float32Array, B: Float32Array, C: Float32Array, m: number, n: number, k: number): void {
	checkAB(A, B, C, m, n, k);
	if (m === 0 || n === 0) return;
	if (mode === 'auto' && simdMatmul('ab', A, B, C, m, n, k)) return;
	gemm(A, true, B, false, C, m, n, k);
}

/**
 * C = A^T · B: C[i*n + j] = Σ_p A[p*m + i] B[p*n + j]. The weight gradient of a
 * dense layer, dW = dY^T · X, with dY: [batch, out] as A [k, m] and X: [batch, in]
 * as B [k, n]; the batch is the summed dimension k. Runs on the backend
 * `gemmBackend()` reports.
 *
 * @param A [k, m]
 * @param B [k, n]
 * @param C [m, n], overwritten
 * @throws RangeError if a dimension is invalid or an array is too short.
 */
export function matmulAtB(A: Float32Array, B: Float32Array, C: Float32Array, m: number, n: number, k: number): void {
	checkAtB(A, B, C, m, n, k);
	if (m === 0 || n === 0) return;
	if (mode === 'auto' && simdMatmul('atb', A, B, C, m, n, k)) return;
	gemm(A, false, B, false, C, m, n, k);
}

/**
 * `matmulABt` on the JS kernels whatever the backend: C = A · B^T with float64
 * accumulation, rounded once per element.
 *
 * @param A [m, k]
 * @param B [n, k]
 * @param C [m, n], overwritten
 * @throws RangeError if a dimension is invalid or an array is too short.
 */
export function matmulABtJs(A: Float32Array, B: Float32Array, C: Float32Array, m: number, n: number, k: number): void {
	checkABt(A, B, C, m, n, k);
	gemm(A, true, B, true, C, m, n, k);
}

/**
 * `matmulAB` on the JS kernels whatever the backend: C = A · B with float64
 * accumulation, rounded once per element.
 *
 * @param A [m, k]
 * @param B [k, n]
 * @param C [m, n], overwritten
 * @throws RangeError if a dimension is invalid or an array is too short.
 */
export function matmulABJs(A: Float32Array, B: Float32Array, C: Float32Array, m: number, n: number, k: number): void {
	checkAB(A, B, C, m, n, k);
	gemm(A, true, B, false, C, m, n, k);
}

/**
 * `matmulAtB` on the JS kernels whatever the backend: C = A^T · B with float64
 * accumulation, rounded once per element.
 *
 * @param A [k, m]
 * @param B [k, n]
 * @param C [m, n], overwritten
 * @throws RangeError if a dimension is invalid or an array is too short.
 */
export function matmulAtBJs(A: Float32Array, B: Float32Array, C: Float32Array, m: number, n: number, k: number): void {
	checkAtB(A, B, C, m, n, k);
	gemm(A, false, B, false, C, m, n, k);
}

/**
 * Reference C = A · B^T by the plain triple loop (float64 sum in the order
 * p = 0..k-1, rounded once), for tests and as the benchmark's unblocked baseline.
 * Gives bit-identical results to `matmulABtJs`, only slower.
 *
 * @param A [m, k]
 * @param B [n, k]
 * @param C [m, n], overwritten
 */
export function naiveMatmulABt(A: Float32Array, B: Float32Array, C: Float32Array, m: number, n: number, k: number): void {
	checkABt(A, B, C, m, n, k);
	for (let i = 0; i < m; i++) {
		for (let j = 0; j < n; j++) {
			let s = 0;
			for (let p = 0; p < k; p++) s += A[i * k + p] * B[j * k + p];
			C[i * n + j] = s;
		}
	}
}
