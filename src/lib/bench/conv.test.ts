import { describe, expect, it } from 'vitest';
import { DEFAULT_CONV_PLAN, SWEEP, XNOR_SETTING, convLabel, runConvBench, theoreticalSpeedup } from './conv';

describe('convolution benchmark', () => {
	it("uses XNOR-Net's count S = 64 c N_W / (c N_W + 64): 62.27 at c = 256, 3x3", () => {
		expect(theoreticalSpeedup(256, 3)).toBeCloseTo(62.27, 2);
		expect(theoreticalSpeedup(1, 1)).toBeCloseTo(64 / 65, 10);
		expect(DEFAULT_CONV_PLAN.sizes[0]).toEqual(XNOR_SETTING);
		expect(SWEEP).toHaveLength(24);
		expect(convLabel(XNOR_SETTING)).toBe('c = 256, 3×3');
	});

	it('checks every binary convolution against the float one on ±1 data and times every rival', () => {
		const sizes = [
			{ c: 5, kernel: 3, size: 6, filters: 7 },
			{ c: 64, kernel: 1, size: 5, filters: 3 },
			{ c: 33, kernel: 5, size: 4, filters: 9 }
		];
		const seen: string[] = [];
		const r = runConvBench(
			{ sizes, headlineBatches: 2, sweepBatches: 1, batchMs: 1, warmupMs: 0 },
			{ now: () => performance.now(), onSize: (s) => seen.push(s.label) }
		);
		expect(r.verified).toBe(true);
		expect(seen).toEqual(['c = 5, 3×3', 'c = 64, 1×1', 'c = 33, 5×5']);
		for (const s of r.sizes) {
			expect(s.timings.map((t) => t.rival)).toEqual(['js-float', 'js-binary', 'wasm-float', 'wasm-binary']);
			expect(s.ratioJs).toBeGreaterThan(0);
			expect(s.ratioWasm).toBeGreaterThan(0);
		}
	});
});
