/**
 * Kernel benchmark for `npm run bench`: the shared suite of src/lib/bench/kernels.ts
 * (the same code the in-browser benchmark on /xnor runs in its worker), timed on
 * node's monotonic clock, plus the naive triple-loop float GEMM for context.
 *
 * Pairs at each GEMM size: JS float (register-blocked) vs JS binary, and WebAssembly
 * SIMD float vs the fastest WebAssembly binary kernel. The ratio is float median /
 * binary median.
 */
import {
	DEFAULT_PLAN,
	QUICK_PLAN,
	formatDuration,
	formatRatio,
	medianOf,
	runKernelBench,
	type BenchResult,
	type SizeResult
} from '../../src/lib/bench/kernels';
import { setFlagsFromString } from 'node:v8';
import { now } from './stats';

export type { BenchResult, SizeResult };

export interface BenchKernelsOptions {
	/** Fewer, shorter batches. */
	quick?: boolean;
	/** Progress and result lines (default: none). */
	log?: (line: string) => void;
	/** Seed of the random operands (default 1). */
	seed?: number;
}

const gflops = (r: SizeResult, ms: number): string =>
	r.spec.kind === 'gemm' && Number.isFinite(ms) ? ` (${((2 * r.spec.m * r.spec.k * r.spec.n) / (ms * 1e6)).toFixed(1)} GFLOP/s)` : '';

/** One line per size: each kernel's median and the two ratios. */
export function sizeLine(r: SizeResult): string {
	const jf = medianOf(r, 'js-float'),
		jb = medianOf(r, 'js-binary');
	let s = `  ${(r.spec.kind === 'dot' ? 'dot  ' : 'gemm ') + r.label.padEnd(15)} JS float ${formatDuration(jf).padStart(9)}${gflops(r, jf)}  JS binary ${formatDuration(jb).padStart(9)}  JS float/binary ${formatRatio(r.ratioJs)}`;
	if (r.ratioWasm !== null) {
		const wf = medianOf(r, 'wasm-float'),
			wb = medianOf(r, 'wasm-binary');
		s += `\n  ${''.padEnd(20)} WASM SIMD float ${formatDuration(wf).padStart(9)}${gflops(r, wf)}  WASM binary ${formatDuration(wb).padStart(9)}  WASM float/binary ${formatRatio(r.ratioWasm)}`;
	}
	if (r.ratioWasmPopcnt !== null) {
		s += `\n  ${''.padEnd(20)} (i8x16.popcnt kernel ${formatDuration(medianOf(r, 'wasm-binary-popcnt'))}, WASM float/binary ${formatRatio(r.ratioWasmPopcnt)})`;
	}
	const nv = medianOf(r, 'naive-float');
	if (Number.isFinite(nv)) s += `\n  ${''.padEnd(20)} naive float ${formatDuration(nv)}${gflops(r, nv)}, naive/JS binary ${formatRatio(nv / jb)}`;
	if (!r.verified) s += `\n  MISMATCH: ${r.mismatches.join('; ')}`;
	return s;
}

/**
 * Run the kernel benchmark. Logs a line per size through `opts.log`. About 15 s
 * (6 s with `quick`) on 2 cores.
 */
export async function benchKernels(opts: BenchKernelsOptions = {}): Promise<BenchResult> {
	const log = opts.log ?? (() => {});
	// Relaxed SIMD is on by default in Chrome 114+ and node 22+, where the engine's binary
	// GEMM runs on its relaxed-SIMD kernel; node 20 has the feature behind this flag. Turning
	// it on (before the kernels are first compiled) makes node time the kernel browsers run;
	// the plain i8x16.popcnt kernel is timed beside it, so node 20's default is reported too.
	setFlagsFromString('--experimental-wasm-relaxed-simd');
	const plan = { ...(opts.quick ? QUICK_PLAN : DEFAULT_PLAN), naive: true };
	const result = runKernelBench(plan, { now, seed: opts.seed ?? 1, onSize: (r) => log(sizeLine(r)) });
	log(
		`  kernels: float GEMM ${result.runtime.floatGemm}, binary GEMM ${result.runtime.binaryGemm}; binary results equal float results on ±1 data: ${result.verified ? 'yes' : 'NO'}`
	);
	return result;
}
