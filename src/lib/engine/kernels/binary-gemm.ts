/**
 * The binary matrix product by XOR-popcount, on packed ±1 rows (see ../bits.ts for the
 * encoding: +1 is bit 1, rows start on a fresh word, tail bits 0):
 *
 *     C[i*n + j] = Σ_p A_ip B_jp = k - 2 popcount(A_i XOR B_j),   i < m, j < n.
 *
 * - {@link binaryGemmReference}: the definition in plain loops, a few lines to read (the
 *   /xnor lesson shows it). Every fast kernel is tested to equal it to the bit.
 * - {@link binaryGemm}: the entry point the layers call. It runs the fastest WebAssembly
 *   SIMD kernel the runtime has (../wasm/bits-relaxed.wat, ../wasm/bits.wat), else
 *   {@link binaryGemmJs}, the hand-unrolled JavaScript kernel below.
 *
 * All of them count exact integers, so the result is the same whichever runs.
 */
import { checkCount, checkRoom } from '../args';
import { POP16, popcount32, tailMask, wordsFor } from '../bits';
import { bestBinaryWasmKernel, binaryWasmKernelAvailable, wasmBinaryGemm, type BinaryWasmKernel } from '../wasm/bits-simd';

/**
 * The binary matrix product in its plainest form, the definition the fast kernels are
 * tested against: for A (m rows) and B (n rows) of k ±1 values each, packed by rows
 * (`packRows`, wordsFor(k) words a row), the dot product of two rows is
 * (#agreements) - (#disagreements) = k - 2 popcount(A_i XOR B_j):
 *
 *     C[i*n + j] = k - 2 popcount(A_i XOR B_j),   i < m, j < n.
 *
 * Only the k valid bits of each row count (the last word is masked). Overwrites C [m, n].
 */
export function binaryGemmReference(A: Uint32Array, B: Uint32Array, C: Int32Array | Float32Array, m: number, n: number, k: number): void {
	const W = wordsFor(k); // words per row
	for (let i = 0; i < m; i++) {
		for (let j = 0; j < n; j++) {
			let differ = 0; // popcount(A_i XOR B_j): the positions where the signs disagree
			for (let w = 0; w < W; w++) {
				const valid = w === W - 1 ? tailMask(k) : -1; // the last word holds k mod 32 valid bits
				differ += popcount32((A[i * W + w] ^ B[j * W + w]) & valid);
			}
			C[i * n + j] = k - 2 * differ;
		}
	}
}

/** Packed operands of binaryGemm, grown on demand and reused (JS is single-threaded per worker). */
let gemmScratch = new Uint32Array(0);
/** The 16 popcounts of an edge tile. */
const tileCounts = new Int32Array(16);

/** Which kernels `binaryGemm` runs on. */
export type BinaryGemmBackend = BinaryWasmKernel | 'js';

let binaryMode: 'auto' | BinaryGemmBackend = 'auto';

/**
 * Choose the kernels of `binaryGemm`: 'auto' (the default) runs the fastest available
 * WebAssembly kernel ('wasm-relaxed-simd', else 'wasm-simd') and the JS kernel where
 * neither runs; 'wasm-simd' or 'wasm-relaxed-simd' prefer that kernel (still falling
 * back to JS where it cannot run); 'js' forces the JS kernel. For tests and
 * benchmarks; every choice gives the same integers.
 * @throws RangeError on an unknown choice.
 */
export function setBinaryGemmBackend(choice: 'auto' | BinaryGemmBackend): void {
	if (choice !== 'auto' && choice !== 'js' && choice !== 'wasm-simd' && choice !== 'wasm-relaxed-simd') {
		throw new RangeError(`unknown binary GEMM backend ${choice}`);
	}
	binaryMode = choice;
}

/** The kernel `binaryGemm` currently runs on (instantiates the WebAssembly modules on first call). */
export function binaryGemmBackend(): BinaryGemmBackend {
	if (binaryMode === 'js') return 'js';
	if (binaryMode !== 'auto') return binaryWasmKernelAvailable(binaryMode) ? binaryMode : 'js';
	return bestBinaryWasmKernel() ?? 'js';
}

/**
 * Binary matrix product by XOR-popcount, the engine's packed kernel (inference, and the
 * forward pass of binary layers in training):
 *
 *     C[i*n + j] = Σ_p A_ip B_jp = k - 2 popcount(A_i XOR B_j),   i < m, j < n,
 *
 * with A (m rows) and B (n rows) of ±1 values packed by `packRows`: row r at word
 * r * wordsFor(k), k valid bits per row (X · W^T for a binary dense layer: X [batch,
 * in] packed as A, W [out, in] packed as B). Overwrites C [m, n]. Bits past k in each
 * row's last word are ignored.
 *
 * Runs on `binaryGemmBackend()`: a WebAssembly SIMD kernel where one runs
 * (./wasm/bits-relaxed.wat, ./wasm/bits.wat), else `binaryGemmJs`. All of them
 * compute exact integer counts, so the result is the same to the bit whichever runs.
 *
 * @param C Int32Array or Float32Array of length >= m * n (|C_ij| <= k, exact in both)
 * @throws RangeError if a dimension is invalid or an array is too short.
 */
export function binaryGemm(A: Uint32Array, B: Uint32Array, C: Int32Array | Float32Array, m: number, n: number, k: number): void {
	checkCount(m, 'm');
	checkCount(n, 'n');
	checkCount(k, 'k');
	const W = wordsFor(k);
	checkRoom(A.length, m * W, 'A');
	checkRoom(B.length, n * W, 'B');
	checkRoom(C.length, m * n, 'C');
	if (m === 0 || n === 0) return;
	if (binaryMode !== 'js') {
		const which = binaryGemmBackend();
		if (which !== 'js' && wasmBinaryGemm(which, A, B, C, m, n, k)) return;
	}
	binaryGemmJs(A, B, C, m, n, k);
}

/**
 * Binary matrix product by XOR-popcount in plain JavaScript, whatever the backend
 * (`binaryGemm` is the dispatching entry point; this is its fallback and the
 * benchmark's JS rival):
 *
 *     C[i*n + j] = Σ_p A_ip B_jp = k - 2 popcount(A_i XOR B_j),   i < m, j < n,
 *
 * with A (m rows) and B (n rows) of ±1 values packed by `packRows`: row r at word
 * r * wordsFor(k), k valid bits per row. This is X · W^T for a binary dense layer
 * (X: [batch, in] packed as A, W: [out, in] packed as B). Overwrites C [m, n].
 * Bits past k in each row's last word are ignored (masked while packing the tiles).
 *
 * Blocking: B is copied once into panels of 4 rows interleaved word by word, and A
 * one panel at a time, padded with zero rows to a multiple of 4 and zero words to
 * a multiple of 4. Each 4x4 tile of outputs then streams the two panels once,
 * reading 4 words of each of the 8 rows per step and using each word 4 times. Per
 * row pair, a Harley-Seal carry-save adder network (Muła, Kurz & Lemire 2018) folds
 * the step's 4 XOR words into running `ones` (o) and `twos` (w) words and one
 * "fours" word whose popcount (a 16-bit table lookup) is added to f; at the end
 * popcount = 4 f + 2 popcount(w) + popcount(o). The tile is unrolled by hand
 * because V8 keeps scalars, not array elements, in registers.
 * Exact integer arithmetic: the result does not depend on the blocking.
 *
 * @param C Int32Array or Float32Array of length >= m * n (|C_ij| <= k, exact in both)
 * @throws RangeError if a dimension is invalid or an array is too short.
 */
export function binaryGemmJs(A: Uint32Array, B: Uint32Array, C: Int32Array | Float32Array, m: number, n: number, k: number): void {
	checkCount(m, 'm');
	checkCount(n, 'n');
	checkCount(k, 'k');
	const W = wordsFor(k);
	checkRoom(A.length, m * W, 'A');
	checkRoom(B.length, n * W, 'B');
	checkRoom(C.length, m * n, 'C');
	if (m === 0 || n === 0) return;
	const Wp = (W + 3) & ~3; // a tile step reads 4 words per row
	const panel = 4 * Wp;
	const nPanels = (n + 3) >>> 2;
	const size = panel * (1 + nPanels);
	if (gemmScratch.length < size) gemmScratch = new Uint32Array(size);
	const S = gemmScratch,
		T = POP16;
	const last = tailMask(k);
	for (let jp = 0; jp < nPanels; jp++) packPanel(B, n, W, Wp, jp * 4, last, S, panel * (1 + jp));
	for (let i = 0; i < m; i += 4) {
		packPanel(A, m, W, Wp, i, last, S, 0);
		for (let jp = 0; jp < nPanels; jp++) {
			// aRU / bCU: word u of row r (c) of the A (B) panel in this step. oRC, wRC: the
			// running ones and twos words of row pair (r, c); fRC: its count of fours.
			let qa = 0,
				qb = panel * (1 + jp);
			const qEnd = panel;
			let o00 = 0,
				w00 = 0,
				f00 = 0,
				o01 = 0,
				w01 = 0,
				f01 = 0,
				o02 = 0,
				w02 = 0,
				f02 = 0,
				o03 = 0,
				w03 = 0,
				f03 = 0;
			let o10 = 0,
				w10 = 0,
				f10 = 0,
				o11 = 0,
				w11 = 0,
				f11 = 0,
				o12 = 0,
				w12 = 0,
				f12 = 0,
				o13 = 0,
				w13 = 0,
				f13 = 0;
			let o20 = 0,
				w20 = 0,
				f20 = 0,
				o21 = 0,
				w21 = 0,
				f21 = 0,
				o22 = 0,
				w22 = 0,
				f22 = 0,
				o23 = 0,
				w23 = 0,
				f23 = 0;
			let o30 = 0,
				w30 = 0,
				f30 = 0,
				o31 = 0,
				w31 = 0,
				f31 = 0,
				o32 = 0,
				w32 = 0,
				f32 = 0,
				o33 = 0,
				w33 = 0,
				f33 = 0;
			for (; qa < qEnd; qa += 16, qb += 16) {
				const a00 = S[qa],
					a10 = S[qa + 1],
					a20 = S[qa + 2],
					a30 = S[qa + 3];
				const b00 = S[qb],
					b10 = S[qb + 1],
					b20 = S[qb + 2],
					b30 = S[qb + 3];
				const a01 = S[qa + 4],
					a11 = S[qa + 5],
					a21 = S[qa + 6],
					a31 = S[qa + 7];
				const b01 = S[qb + 4],
					b11 = S[qb + 5],
					b21 = S[qb + 6],
					b31 = S[qb + 7];
				const a02 = S[qa + 8],
					a12 = S[qa + 9],
					a22 = S[qa + 10],
					a32 = S[qa + 11];
				const b02 = S[qb + 8],
					b12 = S[qb + 9],
					b22 = S[qb + 10],
					b32 = S[qb + 11];
				const a03 = S[qa + 12],
					a13 = S[qa + 13],
					a23 = S[qa + 14],
					a33 = S[qa + 15];
				const b03 = S[qb + 12],
					b13 = S[qb + 13],
					b23 = S[qb + 14],
					b33 = S[qb + 15];
				// Each block: CSA(o, x0, x1) -> (o, t0); CSA(o, x2, x3) -> (o, t1); CSA(w, t0, t1) -> (w, f).
				{
					const x0 = a00 ^ b00,
						x1 = a01 ^ b01,
						x2 = a02 ^ b02,
						x3 = a03 ^ b03;
					let u = o00 ^ x0;
					const t0 = (o00 & x0) | (u & x1);
					o00 = u ^ x1;
					u = o00 ^ x2;
					const t1 = (o00 & x2) | (u & x3);
					o00 = u ^ x3;
					u = w00 ^ t0;
					const f = (w00 & t0) | (u & t1);
					w00 = u ^ t1;
					f00 = (f00 + T[f & 0xffff] + T[f >>> 16]) | 0;
				}
				{
					const x0 = a00 ^ b10,
						x1 = a01 ^ b11,
						x2 = a02 ^ b12,
						x3 = a03 ^ b13;
					let u = o01 ^ x0;
					const t0 = (o01 & x0) | (u & x1);
					o01 = u ^ x1;
					u = o01 ^ x2;
					const t1 = (o01 & x2) | (u & x3);
					o01 = u ^ x3;
					u = w01 ^ t0;
					const f = (w01 & t0) | (u & t1);
					w01 = u ^ t1;
					f01 = (f01 + T[f & 0xffff] + T[f >>> 16]) | 0;
				}
				{
					const x0 = a00 ^ b20,
						x1 = a01 ^ b21,
						x2 = a02 ^ b22,
						x3 = a03 ^ b23;
					let u = o02 ^ x0;
					const t0 = (o02 & x0) | (u & x1);
					o02 = u ^ x1;
					u = o02 ^ x2;
					const t1 = (o02 & x2) | (u & x3);
					o02 = u ^ x3;
					u = w02 ^ t0;
					const f = (w02 & t0) | (u & t1);
					w02 = u ^ t1;
					f02 = (f02 + T[f & 0xffff] + T[f >>> 16]) | 0;
				}
				{
					const x0 = a00 ^ b30,
						x1 = a01 ^ b31,
						x2 = a02 ^ b32,
						x3 = a03 ^ b33;
					let u = o03 ^ x0;
					const t0 = (o03 & x0) | (u & x1);
					o03 = u ^ x1;
					u = o03 ^ x2;
					const t1 = (o03 & x2) | (u & x3);
					o03 = u ^ x3;
					u = w03 ^ t0;
					const f = (w03 & t0) | (u & t1);
					w03 = u ^ t1;
					f03 = (f03 + T[f & 0xffff] + T[f >>> 16]) | 0;
				}
				{
					const x0 = a10 ^ b00,
						x1 = a11 ^ b01,
						x2 = a12 ^ b02,
						x3 = a13 ^ b03;
					let u = o10 ^ x0;
					const t0 = (o10 & x0) | (u & x1);
					o10 = u ^ x1;
					u = o10 ^ x2;
					const t1 = (o10 & x2) | (u & x3);
					o10 = u ^ x3;
					u = w10 ^ t0;
					const f = (w10 & t0) | (u & t1);
					w10 = u ^ t1;
					f10 = (f10 + T[f & 0xffff] + T[f >>> 16]) | 0;
				}
				{
					const x0 = a10 ^ b10,
						x1 = a11 ^ b11,
						x2 = a12 ^ b12,
						x3 = a13 ^ b13;
					let u = o11 ^ x0;
					const t0 = (o11 & x0) | (u & x1);
					o11 = u ^ x1;
					u = o11 ^ x2;
					const t1 = (o11 & x2) | (u & x3);
					o11 = u ^ x3;
					u = w11 ^ t0;
					const f = (w11 & t0) | (u & t1);
					w11 = u ^ t1;
					f11 = (f11 + T[f & 0xffff] + T[f >>> 16]) | 0;
				}
				{
					const x0 = a10 ^ b20,
						x1 = a11 ^ b21,
						x2 = a12 ^ b22,
						x3 = a13 ^ b23;
					let u = o12 ^ x0;
					const t0 = (o12 & x0) | (u & x1);
					o12 = u ^ x1;
					u = o12 ^ x2;
					const t1 = (o12 & x2) | (u & x3);
					o12 = u ^ x3;
					u = w12 ^ t0;
					const f = (w12 & t0) | (u & t1);
					w12 = u ^ t1;
					f12 = (f12 + T[f & 0xffff] + T[f >>> 16]) | 0;
				}
				{
					const x0 = a10 ^ b30,
						x1 = a11 ^ b31,
						x2 = a12 ^ b32,
						x3 = a13 ^ b33;
					let u = o13 ^ x0;
					const t0 = (o13 & x0) | (u & x1);
					o13 = u ^ x1;
					u = o13 ^ x2;
					const t1 = (o13 & x2) | (u & x3);
					o13 = u ^ x3;
					u = w13 ^ t0;
					const f = (w13 & t0) | (u & t1);
					w13 = u ^ t1;
					f13 = (f13 + T[f & 0xffff] + T[f >>> 16]) | 0;
				}
				{
					const x0 = a20 ^ b00,
						x1 = a21 ^ b01,
						x2 = a22 ^ b02,
						x3 = a23 ^ b03;
					let u = o20 ^ x0;
					const t0 = (o20 & x0) | (u & x1);
					o20 = u ^ x1;
					u = o20 ^ x2;
					const t1 = (o20 & x2) | (u & x3);
					o20 = u ^ x3;
					u = w20 ^ t0;
					const f = (w20 & t0) | (u & t1);
					w20 = u ^ t1;
					f20 = (f20 + T[f & 0xffff] + T[f >>> 16]) | 0;
				}
				{
					const x0 = a20 ^ b10,
						x1 = a21 ^ b11,
						x2 = a22 ^ b12,
						x3 = a23 ^ b13;
					let u = o21 ^ x0;
					const t0 = (o21 & x0) | (u & x1);
					o21 = u ^ x1;
					u = o21 ^ x2;
					const t1 = (o21 & x2) | (u & x3);
					o21 = u ^ x3;
					u = w21 ^ t0;
					const f = (w21 & t0) | (u & t1);
					w21 = u ^ t1;
					f21 = (f21 + T[f & 0xffff] + T[f >>> 16]) | 0;
				}
				{
					const x0 = a20 ^ b20,
						x1 = a21 ^ b21,
						x2 = a22 ^ b22,
						x3 = a23 ^ b23;
					let u = o22 ^ x0;
					const t0 = (o22 & x0) | (u & x1);
					o22 = u ^ x1;
					u = o22 ^ x2;
					const t1 = (o22 & x2) | (u & x3);
					o22 = u ^ x3;
					u = w22 ^ t0;
					const f = (w22 & t0) | (u & t1);
					w22 = u ^ t1;
					f22 = (f22 + T[f & 0xffff] + T[f >>> 16]) | 0;
				}
				{
					const x0 = a20 ^ b30,
						x1 = a21 ^ b31,
						x2 = a22 ^ b32,
						x3 = a23 ^ b33;
					let u = o23 ^ x0;
					const t0 = (o23 & x0) | (u & x1);
					o23 = u ^ x1;
					u = o23 ^ x2;
					const t1 = (o23 & x2) | (u & x3);
					o23 = u ^ x3;
					u = w23 ^ t0;
					const f = (w23 & t0) | (u & t1);
					w23 = u ^ t1;
					f23 = (f23 + T[f & 0xffff] + T[f >>> 16]) | 0;
				}
				{
					const x0 = a30 ^ b00,
						x1 = a31 ^ b01,
						x2 = a32 ^ b02,
						x3 = a33 ^ b03;
					let u = o30 ^ x0;
					const t0 = (o30 & x0) | (u & x1);
					o30 = u ^ x1;
					u = o30 ^ x2;
					const t1 = (o30 & x2) | (u & x3);
					o30 = u ^ x3;
					u = w30 ^ t0;
					const f = (w30 & t0) | (u & t1);
					w30 = u ^ t1;
					f30 = (f30 + T[f & 0xffff] + T[f >>> 16]) | 0;
				}
				{
					const x0 = a30 ^ b10,
						x1 = a31 ^ b11,
						x2 = a32 ^ b12,
						x3 = a33 ^ b13;
					let u = o31 ^ x0;
					const t0 = (o31 & x0) | (u & x1);
					o31 = u ^ x1;
					u = o31 ^ x2;
					const t1 = (o31 & x2) | (u & x3);
					o31 = u ^ x3;
					u = w31 ^ t0;
					const f = (w31 & t0) | (u & t1);
					w31 = u ^ t1;
					f31 = (f31 + T[f & 0xffff] + T[f >>> 16]) | 0;
				}
				{
					const x0 = a30 ^ b20,
						x1 = a31 ^ b21,
						x2 = a32 ^ b22,
						x3 = a33 ^ b23;
					let u = o32 ^ x0;
					const t0 = (o32 & x0) | (u & x1);
					o32 = u ^ x1;
					u = o32 ^ x2;
					const t1 = (o32 & x2) | (u & x3);
					o32 = u ^ x3;
					u = w32 ^ t0;
					const f = (w32 & t0) | (u & t1);
					w32 = u ^ t1;
					f32 = (f32 + T[f & 0xffff] + T[f >>> 16]) | 0;
				}
				{
					const x0 = a30 ^ b30,
						x1 = a31 ^ b31,
						x2 = a32 ^ b32,
						x3 = a33 ^ b33;
					let u = o33 ^ x0;
					const t0 = (o33 & x0) | (u & x1);
					o33 = u ^ x1;
					u = o33 ^ x2;
					const t1 = (o33 & x2) | (u & x3);
					o33 = u ^ x3;
					u = w33 ^ t0;
					const f = (w33 & t0) | (u & t1);
					w33 = u ^ t1;
					f33 = (f33 + T[f & 0xffff] + T[f >>> 16]) | 0;
				}
			}
			// popcount(A_r XOR B_c) = 4 fRC + 2 popcount(wRC) + popcount(oRC).
			const j = jp * 4;
			if (i + 4 <= m && j + 4 <= n) {
				let o = i * n + j;
				C[o] = k - 2 * (4 * f00 + 2 * (T[w00 & 0xffff] + T[w00 >>> 16]) + (T[o00 & 0xffff] + T[o00 >>> 16]));
				C[o + 1] = k - 2 * (4 * f01 + 2 * (T[w01 & 0xffff] + T[w01 >>> 16]) + (T[o01 & 0xffff] + T[o01 >>> 16]));
				C[o + 2] = k - 2 * (4 * f02 + 2 * (T[w02 & 0xffff] + T[w02 >>> 16]) + (T[o02 & 0xffff] + T[o02 >>> 16]));
				C[o + 3] = k - 2 * (4 * f03 + 2 * (T[w03 & 0xffff] + T[w03 >>> 16]) + (T[o03 & 0xffff] + T[o03 >>> 16]));
				o += n;
				C[o] = k - 2 * (4 * f10 + 2 * (T[w10 & 0xffff] + T[w10 >>> 16]) + (T[o10 & 0xffff] + T[o10 >>> 16]));
				C[o + 1] = k - 2 * (4 * f11 + 2 * (T[w11 & 0xffff] + T[w11 >>> 16]) + (T[o11 & 0xffff] + T[o11 >>> 16]));
				C[o + 2] = k - 2 * (4 * f12 + 2 * (T[w12 & 0xffff] + T[w12 >>> 16]) + (T[o12 & 0xffff] + T[o12 >>> 16]));
				C[o + 3] = k - 2 * (4 * f13 + 2 * (T[w13 & 0xffff] + T[w13 >>> 16]) + (T[o13 & 0xffff] + T[o13 >>> 16]));
				o += n;
				C[o] = k - 2 * (4 * f20 + 2 * (T[w20 & 0xffff] + T[w20 >>> 16]) + (T[o20 & 0xffff] + T[o20 >>> 16]));
				C[o + 1] = k - 2 * (4 * f21 + 2 * (T[w21 & 0xffff] + T[w21 >>> 16]) + (T[o21 & 0xffff] + T[o21 >>> 16]));
				C[o + 2] = k - 2 * (4 * f22 + 2 * (T[w22 & 0xffff] + T[w22 >>> 16]) + (T[o22 & 0xffff] + T[o22 >>> 16]));
				C[o + 3] = k - 2 * (4 * f23 + 2 * (T[w23 & 0xffff] + T[w23 >>> 16]) + (T[o23 & 0xffff] + T[o23 >>> 16]));
				o += n;
				C[o] = k - 2 * (4 * f30 + 2 * (T[w30 & 0xffff] + T[w30 >>> 16]) + (T[o30 & 0xffff] + T[o30 >>> 16]));
				C[o + 1] = k - 2 * (4 * f31 + 2 * (T[w31 & 0xffff] + T[w31 >>> 16]) + (T[o31 & 0xffff] + T[o31 >>> 16]));
				C[o + 2] = k - 2 * (4 * f32 + 2 * (T[w32 & 0xffff] + T[w32 >>> 16]) + (T[o32 & 0xffff] + T[o32 >>> 16]));
				C[o + 3] = k - 2 * (4 * f33 + 2 * (T[w33 & 0xffff] + T[w33 >>> 16]) + (T[o33 & 0xffff] + T[o33 >>> 16]));
			} else {
				const counts = tileCounts;
				counts[0] = 4 * f00 + 2 * (T[w00 & 0xffff] + T[w00 >>> 16]) + (T[o00 & 0xffff] + T[o00 >>> 16]);
				counts[1] = 4 * f01 + 2 * (T[w01 & 0xffff] + T[w01 >>> 16]) + (T[o01 & 0xffff] + T[o01 >>> 16]);
				counts[2] = 4 * f02 + 2 * (T[w02 & 0xffff] + T[w02 >>> 16]) + (T[o02 & 0xffff] + T[o02 >>> 16]);
				counts[3] = 4 * f03 + 2 * (T[w03 & 0xffff] + T[w03 >>> 16]) + (T[o03 & 0xffff] + T[o03 >>> 16]);
				counts[4] = 4 * f10 + 2 * (T[w10 & 0xffff] + T[w10 >>> 16]) + (T[o10 & 0xffff] + T[o10 >>> 16]);
				counts[5] = 4 * f11 + 2 * (T[w11 & 0xffff] + T[w11 >>> 16]) + (T[o11 & 0xffff] + T[o11 >>> 16]);
				counts[6] = 4 * f12 + 2 * (T[w12 & 0xffff] + T[w12 >>> 16]) + (T[o12 & 0xffff] + T[o12 >>> 16]);
				counts[7] = 4 * f13 + 2 * (T[w13 & 0xffff] + T[w13 >>> 16]) + (T[o13 & 0xffff] + T[o13 >>> 16]);
				counts[8] = 4 * f20 + 2 * (T[w20 & 0xffff] + T[w20 >>> 16]) + (T[o20 & 0xffff] + T[o20 >>> 16]);
				counts[9] = 4 * f21 + 2 * (T[w21 & 0xffff] + T[w21 >>> 16]) + (T[o21 & 0xffff] + T[o21 >>> 16]);
				counts[10] = 4 * f22 + 2 * (T[w22 & 0xffff] + T[w22 >>> 16]) + (T[o22 & 0xffff] + T[o22 >>> 16]);
				counts[11] = 4 * f23 + 2 * (T[w23 & 0xffff] + T[w23 >>> 16]) + (T[o23 & 0xffff] + T[o23 >>> 16]);
				counts[12] = 4 * f30 + 2 * (T[w30 & 0xffff] + T[w30 >>> 16]) + (T[o30 & 0xffff] + T[o30 >>> 16]);
				counts[13] = 4 * f31 + 2 * (T[w31 & 0xffff] + T[w31 >>> 16]) + (T[o31 & 0xffff] + T[o31 >>> 16]);
				counts[14] = 4 * f32 + 2 * (T[w32 & 0xffff] + T[w32 >>> 16]) + (T[o32 & 0xffff] + T[o32 >>> 16]);
				counts[15] = 4 * f33 + 2 * (T[w33 & 0xffff] + T[w33 >>> 16]) + (T[o33 & 0xffff] + T[o33 >>> 16]);
				const rows = Math.min(4, m - i),
					cols = Math.min(4, n - j);
				for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) C[(i + r) * n + j + c] = k - 2 * counts[r * 4 + c];
			}
		}
	}
}

/** Copy rows r0..r0+3 of X (rows of W words) into S at `off`, interleaved word by word, zero-padded. */
function packPanel(X: Uint32Array, rows: number, W: number, Wp: number, r0: number, last: number, S: Uint32Array, off: number): void {
	for (let r = 0; r < 4; r++) {
		const row = r0 + r;
		let q = off + r;
		if (row < rows) {
			const base = row * W;
			for (let w = 0; w < W - 1; w++, q += 4) S[q] = X[base + w];
			if (W > 0) {
				S[q] = X[base + W - 1] & last;
				q += 4;
			}
			for (let w = W; w < Wp; w++, q += 4) S[q] = 0;
		} else {
			for (let w = 0; w < Wp; w++, q += 4) S[q] = 0;
		}
	}
}
