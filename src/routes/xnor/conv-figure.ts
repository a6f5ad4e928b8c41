/**
 * The "Can your browser reach 58×?" figure's numbers, pure: XNOR-Net's Figure 4 as the
 * reader's run fills it in. Theoretical curves S(c) = 64 c N_W / (c N_W + 64) per filter
 * size (from the engine's bench module, the same function `npm run bench` prints), the
 * measured ratios as points, and the headline at the paper's own setting.
 */
import { SWEEP, XNOR_MEASURED, XNOR_SETTING, theoreticalSpeedup, type ConvSizeResult } from '$lib/bench/conv';

/** The channel counts of the sweep, ascending: the chart's x positions. */
export const CHANNELS: readonly number[] = [...new Set(SWEEP.map((s) => s.c))].sort((a, b) => a - b);
/** Filter sizes of the sweep (1×1, 3×3, 5×5). */
export const KERNELS: readonly number[] = [...new Set(SWEEP.map((s) => s.kernel))].sort((a, b) => a - b);

export interface CurvePoint {
	c: number;
	value: number;
}

/** XNOR-Net's count for one filter size at every channel count of the sweep. */
export function theoryCurve(kernel: number): CurvePoint[] {
	return CHANNELS.map((c) => ({ c, value: theoreticalSpeedup(c, kernel) }));
}

/** Measured ratios of one filter size ('wasm' or 'js' pair), from the sweep's rows (the headline row excluded). */
export function measuredCurve(sizes: readonly ConvSizeResult[], kernel: number, pair: 'wasm' | 'js'): CurvePoint[] {
	return sizes
		.slice(1)
		.filter((s) => s.spec.kernel === kernel)
		.map((s) => ({ c: s.spec.c, value: pair === 'wasm' ? (s.ratioWasm ?? NaN) : s.ratioJs }))
		.filter((p) => Number.isFinite(p.value) && p.value > 0)
		.sort((a, b) => a.c - b.c);
}

export interface Headline {
	/** Your WebAssembly ratio and JavaScript ratio at c = 256, 3×3, 14×14 (null until measured). */
	wasm: number | null;
	js: number | null;
	/** S at that setting (62.27), and the paper's measured 58. */
	theory: number;
	paper: number;
	/** Share of the paper's 58 the WebAssembly (else JavaScript) ratio reaches. */
	ofPaper: number | null;
}

/** The first row of a run is XNOR-Net's own setting (see DEFAULT_CONV_PLAN). */
export function headline(sizes: readonly ConvSizeResult[]): Headline {
	const h = sizes[0];
	const isSetting =
		h &&
		h.spec.c === XNOR_SETTING.c &&
		h.spec.kernel === XNOR_SETTING.kernel &&
		h.spec.size === XNOR_SETTING.size &&
		h.spec.filters === XNOR_SETTING.filters;
	const wasm = isSetting ? h.ratioWasm : null;
	const js = isSetting ? h.ratioJs : null;
	const best = wasm ?? js;
	return {
		wasm,
		js,
		theory: theoreticalSpeedup(XNOR_SETTING.c, XNOR_SETTING.kernel),
		paper: XNOR_MEASURED,
		ofPaper: best === null ? null : best / XNOR_MEASURED
	};
}

/** '9.3×', '0.62×' (two significant digits under 10). */
export function ratio(x: number | null): string {
	if (x === null || !Number.isFinite(x)) return '–';
	return `${x >= 10 ? x.toFixed(1) : x.toPrecision(2)}×`;
}
