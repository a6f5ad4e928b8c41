/**
 * Kernel benchmark: packed binary kernels against their float32 rivals, timed
 * interleaved batch by batch (see ./stats), medians over the batches.
 *
 * - dot: binaryDotXor on packed words vs a Float32Array dot product (4 float64
 *   accumulators, the loop a careful JS author writes), n = 1k, 4k, 16k, 64k.
 * - gemm: the JS binaryGemm vs the register-blocked JS float GEMM `matmulABtJs` at
 *   256x1024x256 and 1024x1024x1024 (m x k x n): the like-for-like pair, both plain
 *   JavaScript. For context, the engine's WebAssembly SIMD float GEMM (what training
 *   uses where SIMD exists) and, at the small size, the naive float triple loop.
 *
 * The ratio is float median / binary median: how many times faster the binary
 * kernel does the same product. One 32-bit word holds 32 elements, so 32x is the
 * ceiling a word-at-a-time JS kernel can approach, minus the cost of counting bits
 * without a popcount instruction.
 */
import { binaryDotXor, binaryGemm, packRows, packSigns } from '../../src/lib/engine/bits';
import { gemmBackend, matmulABt, matmulABtJs, naiveMatmulABt } from '../../src/lib/engine/gemm';
import { createRng, type Rng } from '../../src/lib/engine/rng';
import { interleave, type RivalTiming } from './stats';

export interface KernelTiming {
	/** Which implementation. */
	kernel: string;
	/** Median milliseconds per call over the interleaved batches. */
	medianMs: number;
	/** Quartiles of milliseconds per call. */
	q1Ms: number;
	q3Ms: number;
	/** Calls per timed batch. */
	reps: number;
	/** Nanoseconds per element (dot products only). */
	nsPerElement?: number;
	/** Useful float operations per second, 2mnk / time (GEMMs only; for the binary kernel, the ±1 operations it stands for). */
	gflops?: number;
}

export interface KernelResult {
	/** 'dot' or 'gemm'. */
	name: string;
	/** 'n=1024' for dots, 'm x k x n' for GEMMs. */
	size: string;
	binary: KernelTiming;
	float: KernelTiming;
	/** The naive float triple loop, for context (256x1024x256 only). */
	naive?: KernelTiming;
	/** The engine's WebAssembly SIMD float GEMM, where available (context: a different instruction set). */
	simd?: KernelTiming;
	/** simd.medianMs / binary.medianMs. */
	ratioSimd?: number;
	/** float.medianMs / binary.medianMs. */
	ratio: number;
	/** naive.medianMs / binary.medianMs, when naive was timed. */
	ratioNaive?: number;
	/** Timed batches per rival. */
	batches: number;
}

export interface BenchKernelsOptions {
	/** Fewer, shorter batches. */
	quick?: boolean;
	/** Progress and result lines (default: none). */
	log?: (line: string) => void;
	/** Seed of the random operands (default 1). */
	seed?: number;
}

/** The float rival for dot products: a Float32Array dot with four float64 accumulators. */
function dotF32(a: Float32Array, b: Float32Array, n: number): number {
	let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;
	for (; i + 4 <= n; i += 4) {
		s0 += a[i] * b[i];
		s1 += a[i + 1] * b[i + 1];
		s2 += a[i + 2] * b[i + 2];
		s3 += a[i + 3] * b[i + 3];
	}
	for (; i < n; i++) s0 += a[i] * b[i];
	return s0 + s1 + s2 + s3;
}

function randomFloats(rng: Rng, n: number): Float32Array {
	const x = new Float32Array(n);
	for (let i = 0; i < n; i++) x[i] = rng.uniform(-1, 1);
	return x;
}

function toTiming(t: RivalTiming, extra: Partial<KernelTiming> = {}): KernelTiming {
	return { kernel: t.name, medianMs: t.medianMs, q1Ms: t.q1Ms, q3Ms: t.q3Ms, reps: t.reps, ...extra };
}

const fmtMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms >= 0.01 ? ms.toFixed(4) : ms.toExponential(2)) + ' ms';

/** Results land here so no call's result is dead code. */
let sink = 0;

/**
 * Run the kernel benchmark. Returns one result per (kernel, size); logs a line for
 * each through `opts.log`. Takes about 15 s (7 s with `quick`) on 2 cores.
 */
export async function benchKernels(opts: BenchKernelsOptions = {}): Promise<KernelResult[]> {
	const log = opts.log ?? (() => {});
	const quick = !!opts.quick;
	const rng = createRng(opts.seed ?? 1);
	const results: KernelResult[] = [];

	// Dot products.
	for (const n of [1024, 4096, 16384, 65536]) {
		const x = randomFloats(rng, n), y = randomFloats(rng, n);
		const a = packSigns(x), b = packSigns(y);
		const [bin, flt] = interleave(
			[
				{ name: 'binaryDotXor', run: () => void (sink += binaryDotXor(a, b, n)) },
				{ name: 'Float32Array dot', run: () => void (sink += dotF32(x, y, n)) }
			],
			{ batches: quick ? 7 : 21, minBatchMs: quick ? 5 : 15, warmupMs: quick ? 50 : 100 }
		);
		const r: KernelResult = {
			name: 'dot',
			size: `n=${n}`,
			binary: toTiming(bin, { nsPerElement: (bin.medianMs * 1e6) / n }),
			float: toTiming(flt, { nsPerElement: (flt.medianMs * 1e6) / n }),
			ratio: flt.medianMs / bin.medianMs,
			batches: bin.perCallMs.length
		};
		results.push(r);
		log(
			`  dot   n=${String(n).padEnd(6)} binary ${fmtMs(r.binary.medianMs).padStart(12)}  float ${fmtMs(r.float.medianMs).padStart(12)}  ` +
				`float/binary ${r.ratio.toFixed(1)}x`
		);
		await Promise.resolve();
	}

	// GEMMs, m x k x n.
	for (const [m, k, n] of [
		[256, 1024, 256],
		[1024, 1024, 1024]
	] as const) {
		const X = randomFloats(rng, m * k), Wt = randomFloats(rng, n * k);
		const A = packRows(X, m, k), B = packRows(Wt, n, k);
		const Ci = new Int32Array(m * n), Cf = new Float32Array(m * n), Cn = new Float32Array(m * n);
		const big = m * n * k > 1e9;
		const Cs = new Float32Array(m * n);
		const rivals = [
			{ name: 'binaryGemm', run: () => binaryGemm(A, B, Ci, m, n, k) },
			{ name: 'matmulABtJs (register-blocked float)', run: () => matmulABtJs(X, Wt, Cf, m, n, k) }
		];
		const withSimd = gemmBackend() === 'wasm-simd';
		if (withSimd) rivals.push({ name: 'matmulABt (WebAssembly SIMD float)', run: () => matmulABt(X, Wt, Cs, m, n, k) });
		const withNaive = !big;
		if (withNaive) rivals.push({ name: 'naiveMatmulABt', run: () => naiveMatmulABt(X, Wt, Cn, m, n, k) });
		const timings = interleave(rivals, {
			batches: quick ? (big ? 3 : 5) : big ? 9 : 15,
			minBatchMs: quick ? 20 : 60,
			warmup: big ? 1 : 3
		});
		sink += Ci[0] + Cf[0] + Cn[0] + Cs[0];
		const flops = 2 * m * n * k;
		const gf = (t: RivalTiming) => flops / (t.medianMs * 1e6);
		const [bin, flt] = timings;
		const simd = withSimd ? timings[2] : undefined;
		const nv = withNaive ? timings[withSimd ? 3 : 2] : undefined;
		const r: KernelResult = {
			name: 'gemm',
			size: `${m}x${k}x${n}`,
			binary: toTiming(bin, { gflops: gf(bin) }),
			float: toTiming(flt, { gflops: gf(flt) }),
			ratio: flt.medianMs / bin.medianMs,
			batches: bin.perCallMs.length
		};
		if (simd) {
			r.simd = toTiming(simd, { gflops: gf(simd) });
			r.ratioSimd = simd.medianMs / bin.medianMs;
		}
		if (nv) {
			r.naive = toTiming(nv, { gflops: gf(nv) });
			r.ratioNaive = nv.medianMs / bin.medianMs;
		}
		results.push(r);
		log(
			`  gemm  ${r.size.padEnd(15)} binary ${fmtMs(r.binary.medianMs).padStart(9)}  float ${fmtMs(r.float.medianMs).padStart(9)} ` +
				`(${r.float.gflops!.toFixed(2)} GFLOP/s)  float/binary ${r.ratio.toFixed(1)}x` +
				(r.simd ? `  | SIMD float ${fmtMs(r.simd.medianMs)} (${r.simd.gflops!.toFixed(1)} GFLOP/s), simd/binary ${r.ratioSimd!.toFixed(2)}x` : '') +
				(r.naive ? `  | naive float ${fmtMs(r.naive.medianMs)} (${r.naive.gflops!.toFixed(2)} GFLOP/s), naive/binary ${r.ratioNaive!.toFixed(1)}x` : '')
		);
		await Promise.resolve();
	}
	if (Number.isNaN(sink)) log('(sink was NaN)');
	return results;
}
