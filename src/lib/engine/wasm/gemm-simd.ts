/**
 * Loader and memory manager of the WebAssembly SIMD float32 GEMM kernels (gemm.wat,
 * compiled by scripts/build-wasm.mjs into gemm.generated.ts). `../gemm` dispatches to
 * these functions and falls back to its JS kernels whenever they return false.
 *
 * The module (about 1.5 KB) is compiled and instantiated synchronously from the
 * embedded bytes on first use, so it works the same in node, a CLI and a Web Worker
 * without fetch. If WebAssembly is missing, the engine lacks SIMD (the module fails
 * `WebAssembly.validate`, which checks exactly the instructions the kernels use), or
 * instantiation throws, the kernels report themselves unavailable, once, for good.
 *
 * Memory: one growable WebAssembly.Memory owned here. Each call copies A and B in,
 * runs, and copies C out: O(mk + nk + mn) copying against O(mnk) arithmetic. The
 * memory only grows (to the largest product seen) and is reused across calls; the
 * engine is single-threaded per worker, so one buffer is enough.
 */
import { GEMM_WASM_BASE64 } from './gemm.generated';
import { growTo } from './memory';

export interface GemmExports {
	abt(a: number, b: number, c: number, m: number, n: number, k: number, pa: number, pb: number, tmp: number): void;
	ab(a: number, b: number, c: number, m: number, n: number, k: number, pa: number, tmp: number): void;
	atb(a: number, b: number, c: number, m: number, n: number, k: number, pa: number, tmp: number): void;
}

/** The operand layouts: C = A B^T, A B, A^T B (see ../gemm). */
export type SimdLayout = 'abt' | 'ab' | 'atb';

/** Floats of zero padding after A and B: tail tiles read up to 7 floats past a row. */
const PAD = 16;
/** The 4 x 8 tile buffer for tiles that overhang C, at address 0. */
const TMP_FLOATS = 32;
/** Addresses are u32 byte offsets; stay well inside them. */
const MAX_FLOATS = 2 ** 29;

let tried = false;
let kernels: GemmExports | null = null;
let memory: WebAssembly.Memory | null = null;
let heap = new Float32Array(0);

/** Decode standard base64 (no dependence on atob or Buffer). */
export function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
	const value = new Uint8Array(128);
	for (let i = 0; i < 64; i++) value[alphabet.charCodeAt(i)] = i;
	const len = s.replace(/=+$/, '').length;
	const out = new Uint8Array((len * 3) >>> 2);
	let bits = 0,
		nbits = 0,
		o = 0;
	for (let i = 0; i < len; i++) {
		bits = (bits << 6) | value[s.charCodeAt(i)];
		nbits += 6;
		if (nbits >= 8) {
			nbits -= 8;
			out[o++] = (bits >>> nbits) & 0xff;
		}
	}
	return out;
}

function load(): void {
	tried = true;
	try {
		if (typeof WebAssembly !== 'object') return;
		const bytes = decodeBase64(GEMM_WASM_BASE64);
		if (!WebAssembly.validate(bytes)) return;
		const mem = new WebAssembly.Memory({ initial: 1 });
		const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: mem } });
		const e = instance.exports as unknown as GemmExports;
		if (typeof e.abt !== 'function' || typeof e.ab !== 'function' || typeof e.atb !== 'function') return;
		memory = mem;
		kernels = e;
	} catch {
		memory = null;
		kernels = null;
	}
}

const onMemory = new WeakMap<WebAssembly.Memory, GemmExports>();

/**
 * The GEMM kernels instantiated on another module's memory (once per memory), for callers
 * that keep their operands there and lay them out as {@link simdMatmul} does (room for the
 * panels, a 32-float tile buffer). Null where the kernels cannot run.
 */
export function gemmOn(mem: WebAssembly.Memory): GemmExports | null {
	if (!simdGemmAvailable()) return null;
	let e = onMemory.get(mem);
	if (!e) {
		try {
			e = new WebAssembly.Instance(new WebAssembly.Module(decodeBase64(GEMM_WASM_BASE64)), { env: { memory: mem } }).exports as unknown as GemmExports;
		} catch {
			return null;
		}
		onMemory.set(mem, e);
	}
	return e;
}

/** Whether the WebAssembly SIMD kernels can run here (instantiates them on first call). */
export function simdGemmAvailable(): boolean {
	if (!tried) load();
	return kernels !== null;
}

const align16 = (x: number): number => (x + 15) & ~15;

/** Make the memory hold `floats` floats and refresh the view; false if it cannot grow. */
function reserve(floats: number): boolean {
	const mem = memory!;
	if (!growTo(mem, floats * 4, MAX_FLOATS * 4)) return false;
	if (heap.buffer !== mem.buffer) heap = new Float32Array(mem.buffer);
	return true;
}

/**
 * C[m, n] = Σ_p a(i, p) b(p, j) on the SIMD kernels, accumulated in float32 in the
 * order p = 0..k-1 (see gemm.wat). Layouts: 'abt' A [m, k], B [n, k]; 'ab' A [m, k],
 * B [k, n]; 'atb' A [k, m], B [k, n]. Writes the first m*n elements of C.
 * Dimensions and array lengths must already be checked, m, n > 0.
 *
 * @returns false, leaving C untouched, if the kernels are unavailable or the memory
 *   cannot grow to the operands; the caller then computes C itself.
 */
export function simdMatmul(layout: SimdLayout, A: Float32Array, B: Float32Array, C: Float32Array, m: number, n: number, k: number): boolean {
	if (!tried) load();
	const e = kernels;
	if (!e) return false;
	const aLen = m * k,
		bLen = n * k,
		cLen = m * n;
	const aOff = TMP_FLOATS;
	const bOff = align16(aOff + aLen + PAD);
	const cOff = align16(bOff + bLen + PAD);
	const paOff = align16(cOff + cLen);
	const paLen = 4 * Math.ceil(m / 4) * k;
	const pbOff = align16(paOff + paLen);
	const pbLen = layout === 'abt' ? 8 * Math.ceil(n / 8) * k : 0;
	if (!reserve(pbOff + pbLen)) return false;
	const h = heap;
	h.set(A.length === aLen ? A : A.subarray(0, aLen), aOff);
	h.fill(0, aOff + aLen, aOff + aLen + PAD);
	h.set(B.length === bLen ? B : B.subarray(0, bLen), bOff);
	h.fill(0, bOff + bLen, bOff + bLen + PAD);
	if (layout === 'abt') e.abt(aOff * 4, bOff * 4, cOff * 4, m, n, k, paOff * 4, pbOff * 4, 0);
	else if (layout === 'ab') e.ab(aOff * 4, bOff * 4, cOff * 4, m, n, k, paOff * 4, 0);
	else e.atb(aOff * 4, bOff * 4, cOff * 4, m, n, k, paOff * 4, 0);
	C.set(h.subarray(cOff, cOff + cLen));
	return true;
}
