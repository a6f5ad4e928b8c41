import { describe, expect, it } from 'vitest';
import { DEFAULT_CONV_PLAN, QUICK_CONV_PLAN, XNOR_SETTING, runConvBench, type ConvSizeResult } from '$lib/bench/conv';
import { CHANNELS, KERNELS, headline, measuredCurve, ratio, theoryCurve } from './conv-figure';

const row = (c: number, kernel: number, wasm: number | null, js: number): ConvSizeResult =>
	({ spec: { c, kernel, size: 14, filters: 256 }, label: '', timings: [], ratioJs: js, ratioWasm: wasm, theoretical: 0, verified: true }) as ConvSizeResult;

describe('the 58x figure', () => {
	it("draws XNOR-Net's Figure 4 sweep: c from 1 to 512, filters 1, 3 and 5, the curve rising towards 64", () => {
		expect(CHANNELS).toEqual([1, 3, 16, 32, 64, 128, 256, 512]);
		expect(KERNELS).toEqual([1, 3, 5]);
		const s3 = theoryCurve(3);
		expect(s3.find((p) => p.c === 256)!.value).toBeCloseTo(62.27, 2);
		for (let i = 1; i < s3.length; i++) expect(s3[i].value).toBeGreaterThan(s3[i - 1].value);
		expect(s3.every((p) => p.value < 64)).toBe(true);
		expect(theoryCurve(1)[0].value).toBeCloseTo(64 / 65, 10);
	});

	it("takes the headline from the paper's own setting only, and the sweep from the rest", () => {
		const sizes = [row(256, 3, 9.3, 14.9), row(1, 3, 0.6, 0.8), row(256, 3, 8.1, 13.7), row(16, 1, null, 1.0)];
		expect(headline(sizes)).toMatchObject({ wasm: 9.3, js: 14.9, paper: 58 });
		expect(headline(sizes).ofPaper).toBeCloseTo(9.3 / 58, 12);
		expect(headline([row(32, 3, 2, 2)]).wasm).toBeNull();
		expect(measuredCurve(sizes, 3, 'wasm')).toEqual([
			{ c: 1, value: 0.6 },
			{ c: 256, value: 8.1 }
		]);
		// A pair that did not run (no WebAssembly SIMD) leaves no point.
		expect(measuredCurve(sizes, 1, 'wasm')).toEqual([]);
		expect(measuredCurve(sizes, 1, 'js')).toEqual([{ c: 16, value: 1 }]);
		expect(ratio(9.3)).toBe('9.3×');
		expect(ratio(0.617)).toBe('0.62×');
		expect(ratio(null)).toBe('–');
	});

	it("runs on the real kernels: the first size is XNOR-Net's setting and every binary result equals the float one", () => {
		expect(DEFAULT_CONV_PLAN.sizes[0]).toEqual(XNOR_SETTING);
		expect(QUICK_CONV_PLAN.sizes[0]).toEqual(XNOR_SETTING);
		let t = 0;
		const tiny = { sizes: [XNOR_SETTING, { c: 16, kernel: 3, size: 6, filters: 8 }], headlineBatches: 1, sweepBatches: 1, batchMs: 0, warmupMs: 0 };
		const r = runConvBench(tiny, { now: () => (t += 1) });
		expect(r.verified).toBe(true);
		const h = headline(r.sizes);
		expect(h.js).not.toBeNull();
		expect(measuredCurve(r.sizes, 3, 'js')).toHaveLength(1);
	});
});
