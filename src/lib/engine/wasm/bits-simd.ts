/**
 * Loader and memory manager of the WebAssembly binary GEMM kernels, compiled by
 * scripts/build-wasm.mjs into gemm.generated.ts:
 *
 * - 'wasm-relaxed-simd' (bits-relaxed.wat): nibble table lookups with
 *   i8x16.relaxed_swizzle on nibble-split rows, the fastest where relaxed SIMD runs
 *   (Chrome/Edge 114+, node 22+).
 * - 'wasm-simd' (bits.wat): i8x16.popcnt of v128 XORs, wherever SIMD runs.
 *
 * `../kernels/binary-gemm` dispatches `binaryGemm` to the best of these and falls back to its JS
 * kernel whenever they return false. Each module is compiled and instantiated
 * synchronously from the embedded bytes on first use (both are under 4 KB), so it
 * works the same in node, a CLI and a Web Worker. A module that fails
 * `WebAssembly.validate` (which checks exactly the instructions it uses) or
 * instantiation is reported unavailable, once, for good.
 *
 * Memory: one growable WebAssembly.Memory shared by both modules (only one runs at a
 * time; the engine is single-threaded per worker). Each call copies the packed rows
 * in, with every bit past k cleared, the rows padded to whole 128-bit steps and
 * their count to the kernel's tile (2 or 4 rows of A, 4 of B) with zero rows, runs, and
 * copies the valid part of C out: O((m + n) k / 32 + m n) copying against the
 * product's O(m n k / 128) vector steps.
 */
import { decodeBase64 } from './gemm-simd';
import { growTo } from './memory';
import { BITS_RELAXED_WASM_BASE64, BITS_WASM_BASE64 } from './gemm.generated';

/** The WebAssembly binary GEMM kernels, fastest first. */
export type BinaryWasmKernel = 'wasm-relaxed-simd' | 'wasm-simd';

type Bgemm = (a: number, b: number, c: number, m: number, n: number, steps: number, k: number, tmp: number) => void;
/** The relaxed module's nibble split (bits-relaxed.wat): `steps` 16-byte steps at src to 32-byte pairs at dst. */
type Split = (src: number, dst: number, steps: number) => void;
interface Kernel {
	bgemm: Bgemm;
	split: Split | null;
}

/** Bytes of scratch at address 0: a 4 x 4 tile's i32x4 partial sums, carried between chunks of rows longer than 31 steps. */
const TMP_BYTES = 256;
/** Stay well inside 32-bit addresses. */
const MAX_BYTES = 2 ** 31;

let memory: WebAssembly.Memory | null = null;
let u32 = new Uint32Array(0);
let i32 = new Int32Array(0);
const kernels = new Map<BinaryWasmKernel, Kernel | null>();

function instantiate(base64: string): Kernel | null {
	try {
		if (typeof WebAssembly !== 'object') return null;
		const bytes = decodeBase64(base64);
		if (!WebAssembly.validate(bytes)) return null;
		const mem = memory ?? new WebAssembly.Memory({ initial: 1 });
		const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: mem } });
		const { bgemm, split } = instance.exports as { bgemm?: unknown; split?: unknown };
		if (typeof bgemm !== 'function') return null;
		memory = mem;
		return { bgemm: bgemm as Bgemm, split: typeof split === 'function' ? (split as Split) : null };
	} catch {
		return null;
	}
}

function kernel(which: BinaryWasmKernel): Kernel | null {
	if (!kernels.has(which)) kernels.set(which, instantiate(which === 'wasm-relaxed-simd' ? BITS_RELAXED_WASM_BASE64 : BITS_WASM_BASE64));
	return kernels.get(which)!;
}

/** Whether the given WebAssembly binary kernel runs here (instantiates it on first call). */
export function binaryWasmKernelAvailable(which: BinaryWasmKernel): boolean {
	return kernel(which) !== null;
}

/** The fastest WebAssembly binary kernel that runs here, or null if none does. */
export function bestBinaryWasmKernel(): BinaryWasmKernel | null {
	if (kernel('wasm-relaxed-simd')) return 'wasm-relaxed-simd';
	if (kernel('wasm-simd')) return 'wasm-simd';
	return null;
}

/** Make the memory hold `bytes` bytes and refresh the views; false if it cannot grow. */
function reserve(bytes: number): boolean {
	const mem = memory!;
	if (!growTo(mem, bytes, MAX_BYTES)) return false;
	if (u32.buffer !== mem.buffer) {
		u32 = new Uint32Array(mem.buffer);
		i32 = new Int32Array(mem.buffer);
	}
	return true;
}

/**
 * Copy `rows` packed rows of W words (row r at X[r * W]) into the heap at word `at`
 * in the kernel's layout, `steps` 128-bit steps per row, then zero rows up to
 * `padRows`. The last word of each row is ANDed with `last`, so bits past k are 0.
 * Plain layout: the step's 4 words as they are. Nibble layout (`split` given): per step,
 * the 4 words' low nibbles (w & 0x0f0f0f0f), then their high nibbles; the rows are laid
 * out plainly at word `stage` first and split from there by the module's SIMD `split`.
 */
function copyRows(X: Uint32Array, rows: number, padRows: number, W: number, steps: number, last: number, split: Split | null, at: number, stage: number): void {
	const h = u32;
	const plain = steps * 4,
		to = split ? stage : at;
	if (W === plain && last === -1) h.set(X.subarray(0, rows * W), to);
	else {
		// Word by word: a subarray per row costs more than the copy for the short rows this path sees.
		for (let r = 0, x = 0; r < rows; r++) {
			const o = to + r * plain;
			for (let w = 0; w < W; w++, x++) h[o + w] = X[x];
			if (W > 0) h[o + W - 1] &= last;
			for (let w = W; w < plain; w++) h[o + w] = 0;
		}
	}
	if (split) split(stage * 4, at * 4, rows * steps);
	const rowWords = split ? 2 * plain : plain;
	h.fill(0, at + rows * rowWords, at + padRows * rowWords);
}

/**
 * C[i*n + j] = k - 2 popcount(A_i XOR B_j) on a WebAssembly kernel: the same integers
 * as `binaryGemmJs` (see ../kernels/binary-gemm), for A (m rows) and B (n rows) packed by `packRows`
 * (row r at word r * ceil(k / 32)); bits past k in a row's last word are ignored.
 * Dimensions and array lengths must already be checked, m, n > 0.
 *
 * @param which the kernel to run
 * @param C Int32Array or Float32Array, first m*n elements written (exact in both)
 * @returns false, leaving C untouched, if the kernel is unavailable here or the
 *   memory cannot grow to the operands; the caller then computes C itself.
 */
export function wasmBinaryGemm(
	which: BinaryWasmKernel,
	A: Uint32Array,
	B: Uint32Array,
	C: Int32Array | Float32Array,
	m: number,
	n: number,
	k: number
): boolean {
	const f = kernel(which);
	if (!f) return false;
	const split = which === 'wasm-relaxed-simd' ? f.split : null;
	if (which === 'wasm-relaxed-simd' && !split) return false;
	const W = Math.ceil(k / 32),
		steps = Math.ceil(W / 4);
	// Empty rows: every dot product is 0 (the kernels need at least one step).
	if (steps === 0) {
		C.fill(0, 0, m * n);
		return true;
	}
	const rowBytes = steps * (split ? 32 : 16);
	// Tiles: 4 x 4 (relaxed) or 2 x 4 (plain) rows of A by rows of B.
	const mPad = split ? (m + 3) & ~3 : (m + 1) & ~1,
		nPad = (n + 3) & ~3;
	const aOff = TMP_BYTES,
		bOff = aOff + mPad * rowBytes,
		cOff = bOff + nPad * rowBytes,
		// The nibble layout's staging rows, plain, past C (one operand at a time).
		stageOff = cOff + mPad * nPad * 4;
	if (!reserve(stageOff + (split ? Math.max(m, n) * steps * 16 : 0))) return false;
	const r = k & 31;
	const last = r === 0 ? -1 : (1 << r) - 1;
	copyRows(A, m, mPad, W, steps, last, split, aOff >>> 2, stageOff >>> 2);
	copyRows(B, n, nPad, W, steps, last, split, bOff >>> 2, stageOff >>> 2);
	f.bgemm(aOff, bOff, cOff, mPad, nPad, steps, k, 0);
	const c0 = cOff >>> 2;
	if (nPad === n) C.set(i32.subarray(c0, c0 + m * n));
	else for (let i = 0; i < m; i++) C.set(i32.subarray(c0 + i * nPad, c0 + i * nPad + n), i * n);
	return true;
}

/**
 * Which binary kernels this runtime can compile, by `WebAssembly.validate` alone
 * (no instantiation, so it is cheap enough for a page's main thread): `simd` for
 * bits.wat (i8x16.popcnt), `relaxedSimd` for bits-relaxed.wat.
 */
export function binaryWasmSupport(): { simd: boolean; relaxedSimd: boolean } {
	const ok = (base64: string): boolean => {
		try {
			return typeof WebAssembly === 'object' && WebAssembly.validate(decodeBase64(base64));
		} catch {
			return false;
		}
	};
	return { simd: ok(BITS_WASM_BASE64), relaxedSimd: ok(BITS_RELAXED_WASM_BASE64) };
}
