/**
 * Convolution benchmark for `npm run bench`: the shared suite of src/lib/bench/conv.ts
 * (one binary convolution against the float convolution doing the same work, at
 * XNOR-Net's setting and across its Figure 4 sweep), timed on node's monotonic clock.
 */
import { setFlagsFromString } from 'node:v8';
import { DEFAULT_CONV_PLAN, QUICK_CONV_PLAN, XNOR_MEASURED, runConvBench, type ConvBenchResult, type ConvSizeResult } from '../../src/lib/bench/conv';
import { formatDuration, formatRatio } from '../../src/lib/bench/kernels';
import { now } from './stats';

const med = (r: ConvSizeResult, id: string) => r.timings.find((t) => t.rival === id)?.medianMs ?? NaN;
/** Spread of a ratio from the quartiles: (float q1 / binary q3) .. (float q3 / binary q1). */
const spread = (r: ConvSizeResult, f: string, b: string) => {
	const tf = r.timings.find((t) => t.rival === f),
		tb = r.timings.find((t) => t.rival === b);
	return tf && tb ? `${(tf.q1Ms / tb.q3Ms).toFixed(1)}-${(tf.q3Ms / tb.q1Ms).toFixed(1)}` : '';
};

/** One line per size: medians, the two ratios with their quartile spread, and S. */
export function convLine(r: ConvSizeResult): string {
	let s = `  ${r.label.padEnd(16)} JS float ${formatDuration(med(r, 'js-float')).padStart(9)}  JS binary ${formatDuration(med(r, 'js-binary')).padStart(9)}  JS ${formatRatio(r.ratioJs).padStart(6)} (${spread(r, 'js-float', 'js-binary')})`;
	if (r.ratioWasm !== null)
		s += `  |  WASM float ${formatDuration(med(r, 'wasm-float')).padStart(9)}  WASM binary ${formatDuration(med(r, 'wasm-binary')).padStart(9)}  WASM ${formatRatio(r.ratioWasm).padStart(6)} (${spread(r, 'wasm-float', 'wasm-binary')})`;
	s += `  |  S = ${r.theoretical.toFixed(2)}`;
	if (!r.verified) s += '  MISMATCH: binary result differs from float';
	return s;
}

/** Run the convolution benchmark (default or quick plan), logging a line per size; resolves to the JSON result. */
export async function benchConv(opts: { quick?: boolean; log?: (line: string) => void; seed?: number } = {}): Promise<ConvBenchResult> {
	const log = opts.log ?? (() => {});
	// As in the kernel benchmark: time the relaxed-SIMD binary kernel browsers run (node 20 has it behind a flag).
	setFlagsFromString('--experimental-wasm-relaxed-simd');
	const result = runConvBench(opts.quick ? QUICK_CONV_PLAN : DEFAULT_CONV_PLAN, { now, seed: opts.seed ?? 1, onSize: (r) => log(convLine(r)) });
	log(
		`  one convolution of a 14x14xc map with 256 filters, same padding; ratio = float / binary (quartile spread); S = XNOR-Net's 64cN_W/(cN_W+64); the paper measured ${XNOR_MEASURED}x at c = 256, 3x3`
	);
	log(
		`  kernels: float GEMM ${result.floatGemm}, WebAssembly binary GEMM ${result.wasmBinary ?? 'none'}; binary results equal float results on ±1 data: ${result.verified ? 'yes' : 'NO'}`
	);
	return result;
}
