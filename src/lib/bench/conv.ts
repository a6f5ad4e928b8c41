/**
 * The convolution benchmark: XNOR-Net's speed-up claim tested where it was made.
 * Rastegari et al. (2016, section 4.1) count, for one binary convolution with c input
 * channels and N_W = kernel² filter taps,
 *
 *     S = 64 · c · N_W / (c · N_W + 64)
 *
 * (64 binary operations per clock against one multiply-add; 62.27 at c = 256, 3x3), and
 * report 58x for their CPU implementation at c = 256, N_I = 14x14, N_W = 3x3 (their
 * Figure 4 sweeps c and N_W). Here one whole convolution of a 14x14xc float map with
 * F filters (stride 1, "same" padding) is timed both ways, with the same interleaved
 * timing as the kernel benchmark (./measure), so `npm run bench` and a page's worker
 * measure alike (the clock is injected; this module is pure):
 *
 * - float: im2col of the map, then the float GEMM (`floatConv2d`);
 * - binary: the signs of the map packed pixel by pixel, im2col of the words, then the
 *   XOR-popcount GEMM (`binaryConv2d`); the filters are packed once beforehand, as a
 *   deployed network's are.
 *
 * in two like-for-like pairs: JavaScript (`matmulABtJs` vs `binaryGemmJs`) and
 * WebAssembly (the SIMD float GEMM vs the fastest WebAssembly binary GEMM). The ratio is
 * float time / binary time. Inputs are ±1 (padding -1 on both sides), so every float
 * result is an exact integer that the binary result must equal; each size is checked
 * before it is timed.
 */
import { packRows } from '../engine/bits';
import { binaryGemmJs } from '../engine/kernels/binary-gemm';
import { binaryConv2d, convGeometry, floatConv2d, im2colJs, packFilters, type ConvGeometry } from '../engine/conv';
import { gemmBackend, matmulABt, matmulABtJs } from '../engine/gemm';
import { createRng } from '../engine/rng';
import { bestBinaryWasmKernel, wasmBinaryGemm } from '../engine/wasm/bits-simd';
import { randomSigns } from './kernels';
import { interleave, type Clock } from './measure';

/** One convolution: a size x size x c map, kernel x kernel filters, F of them. */
export interface ConvSize {
	c: number;
	kernel: number;
	/** Side of the input map (14 in XNOR-Net's setting). */
	size: number;
	filters: number;
}

/** The four rivals: float and binary convolutions on the JS kernels and on the WebAssembly ones. */
export type ConvRivalId = 'js-float' | 'js-binary' | 'wasm-float' | 'wasm-binary';

/** One rival's milliseconds per convolution: median and quartiles over the interleaved batches. */
export interface ConvTiming {
	rival: ConvRivalId;
	medianMs: number;
	q1Ms: number;
	q3Ms: number;
	reps: number;
}

export interface ConvSizeResult {
	spec: ConvSize;
	/** 'c = 256, 3×3'. */
	label: string;
	timings: ConvTiming[];
	/** JS float median / JS binary median. */
	ratioJs: number;
	/** WebAssembly SIMD float median / WebAssembly binary median (null where either is missing). */
	ratioWasm: number | null;
	/** XNOR-Net's count S = 64 c N_W / (c N_W + 64). */
	theoretical: number;
	/** The binary convolution equalled the float one on the same ±1 data. */
	verified: boolean;
}

/** A whole run: the kernels this runtime has, every size, and whether every binary result equalled the float one. */
export interface ConvBenchResult {
	floatGemm: 'wasm-simd' | 'js';
	wasmBinary: string | null;
	sizes: ConvSizeResult[];
	verified: boolean;
	elapsedMs: number;
}

export interface ConvPlan {
	sizes: ConvSize[];
	/** Timed batches per rival at the first size (XNOR-Net's) and at the others. */
	headlineBatches: number;
	sweepBatches: number;
	/** Target milliseconds per batch. */
	batchMs: number;
	warmupMs: number;
	/** Time the JavaScript pair too (default true). */
	js?: boolean;
}

/** XNOR-Net's setting: c = 256, 3x3 filters, a 14x14 input; 256 filters. */
export const XNOR_SETTING: ConvSize = { c: 256, kernel: 3, size: 14, filters: 256 };
/** The paper's measured figure at that setting. */
export const XNOR_MEASURED = 58;

/** The sweep of XNOR-Net's Figure 4: c in {1, 3, 16, ..., 512}, filters 1x1, 3x3, 5x5, at 14x14 with 256 filters. */
export const SWEEP: ConvSize[] = [1, 3, 5].flatMap((kernel) => [1, 3, 16, 32, 64, 128, 256, 512].map((c) => ({ c, kernel, size: 14, filters: 256 })));

/** `npm run bench`'s plan: the headline and the 24-size sweep, about 50 s on this machine. */
export const DEFAULT_CONV_PLAN: ConvPlan = { sizes: [XNOR_SETTING, ...SWEEP], headlineBatches: 11, sweepBatches: 5, batchMs: 30, warmupMs: 40 };
/** `--quick`: the headline and the 3x3 sweep with fewer batches, about 15 s. */
export const QUICK_CONV_PLAN: ConvPlan = {
	sizes: [XNOR_SETTING, ...SWEEP.filter((s) => s.kernel === 3)],
	headlineBatches: 5,
	sweepBatches: 3,
	batchMs: 15,
	warmupMs: 20
};

/** S = 64 c N_W / (c N_W + 64), XNOR-Net's operation count of the speed-up (Rastegari et al. 2016, section 4.1). */
export function theoreticalSpeedup(c: number, kernel: number): number {
	const cn = c * kernel * kernel;
	return (64 * cn) / (cn + 64);
}

/** 'c = 256, 3×3'. */
export function convLabel(s: ConvSize): string {
	return `c = ${s.c}, ${s.kernel}×${s.kernel}`;
}

/** The geometry of a size: stride 1, padding (kernel - 1) / 2 so the output stays size x size. */
export function convSizeGeometry(s: ConvSize): ConvGeometry {
	return convGeometry(s.size, s.size, s.c, s.kernel, 1, (s.kernel - 1) >> 1);
}

let sink = 0;

/** Time every size of the plan, each checked first. Synchronous; reports each size as it is done. */
export function runConvBench(plan: ConvPlan, opts: { now: Clock; seed?: number; onSize?: (r: ConvSizeResult) => void }): ConvBenchResult {
	const t0 = opts.now();
	const rng = createRng(opts.seed ?? 1);
	const simd = gemmBackend() === 'wasm-simd';
	const wasmBinary = bestBinaryWasmKernel();
	const sizes: ConvSizeResult[] = [];
	plan.sizes.forEach((spec, index) => {
		const g = convSizeGeometry(spec),
			F = spec.filters;
		const x = randomSigns(rng, g.h * g.w * g.c),
			W = randomSigns(rng, F * g.k);
		const Wp = packFilters(W, F, g);
		const rows = g.oh * g.ow;
		const outs = {
			'js-float': new Float32Array(rows * F),
			'js-binary': new Int32Array(rows * F),
			'wasm-float': new Float32Array(rows * F),
			'wasm-binary': new Int32Array(rows * F)
		};
		const rivals: { id: ConvRivalId; run: () => void }[] = [];
		if (plan.js ?? true) {
			// All JavaScript: the scalar im2col and sign packer too, not the SIMD ones the defaults prefer.
			rivals.push({ id: 'js-float', run: () => floatConv2d(x, W, g, 1, F, -1, outs['js-float'], matmulABtJs, im2colJs) });
			rivals.push({ id: 'js-binary', run: () => binaryConv2d(x, Wp, g, 1, F, outs['js-binary'], binaryGemmJs, packRows) });
		}
		if (simd) rivals.push({ id: 'wasm-float', run: () => floatConv2d(x, W, g, 1, F, -1, outs['wasm-float'], matmulABt) });
		if (wasmBinary)
			rivals.push({
				id: 'wasm-binary',
				run: () => binaryConv2d(x, Wp, g, 1, F, outs['wasm-binary'], (A, B, C, m, n, k) => void wasmBinaryGemm(wasmBinary, A, B, C, m, n, k))
			});
		for (const r of rivals) r.run();
		const ref = rivals.some((r) => r.id === 'wasm-float') ? outs['wasm-float'] : outs['js-float'];
		const verified = rivals.every((r) => {
			const o = outs[r.id];
			for (let i = 0; i < o.length; i++) if (o[i] !== ref[i]) return false;
			return true;
		});
		const timings = interleave(
			rivals.map((r) => ({ name: r.id, run: r.run })),
			opts.now,
			{ batches: index === 0 ? plan.headlineBatches : plan.sweepBatches, minBatchMs: plan.batchMs, warmup: 2, warmupMs: plan.warmupMs }
		);
		const med = (id: ConvRivalId) => timings[rivals.findIndex((r) => r.id === id)]?.medianMs ?? NaN;
		const wf = med('wasm-float'),
			wb = med('wasm-binary');
		const r: ConvSizeResult = {
			spec,
			label: convLabel(spec),
			timings: rivals.map((rv, i) => ({
				rival: rv.id,
				medianMs: timings[i].medianMs,
				q1Ms: timings[i].q1Ms,
				q3Ms: timings[i].q3Ms,
				reps: timings[i].reps
			})),
			ratioJs: med('js-float') / med('js-binary'),
			ratioWasm: Number.isFinite(wf) && Number.isFinite(wb) ? wf / wb : null,
			theoretical: theoreticalSpeedup(spec.c, spec.kernel),
			verified
		};
		sink += outs['js-binary'][0];
		sizes.push(r);
		opts.onSize?.(r);
	});
	if (Number.isNaN(sink)) sink = 0;
	return { floatGemm: simd ? 'wasm-simd' : 'js', wasmBinary, sizes, verified: sizes.every((s) => s.verified), elapsedMs: opts.now() - t0 };
}
