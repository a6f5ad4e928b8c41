import { describe, expect, it } from 'vitest';
import { interleave, median, quantile } from './measure';
import { formatDuration, formatRatio, randomSigns, resultsText, runKernelBench, type BenchProgress, type Plan } from './kernels';
import { createRng } from '../engine/rng';

describe('interleave', () => {
	it('rotates the order each batch and reports per-call medians from the injected clock', () => {
		// A fake clock: each run of rival a advances it 2 ms, of b 5 ms.
		let t = 0;
		const order: string[] = [];
		const progress: number[] = [];
		const timings = interleave(
			[
				{ name: 'a', run: () => ((t += 2), order.push('a')) },
				{ name: 'b', run: () => ((t += 5), order.push('b')) }
			],
			() => t,
			{ batches: 4, warmup: 1, warmupMs: 0, minBatchMs: 10, onBatch: (done) => progress.push(done) }
		);
		expect(timings.map((r) => r.medianMs)).toEqual([2, 5]);
		expect(timings.map((r) => r.reps)).toEqual([5, 2]);
		expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
		// The timed part: batch 0 runs a then b, batch 1 b then a, ...
		const timed = order.slice(-(4 * 5 + 4 * 2));
		expect(timed.slice(0, 7).join('')).toBe('aaaaabb');
		expect(timed.slice(7, 14).join('')).toBe('bbaaaaa');
	});

	it('quantiles interpolate and reject bad input', () => {
		expect(median([3, 1, 2])).toBe(2);
		expect(median([4, 1, 3, 2])).toBe(2.5);
		expect(quantile([0, 10], 0.25)).toBe(2.5);
		expect(() => quantile([], 0.5)).toThrow(RangeError);
		expect(() => interleave([], () => 0, { batches: 0 })).toThrow(RangeError);
	});
});

describe('runKernelBench', () => {
	const tiny: Plan = {
		sizes: [
			{ kind: 'dot', n: 100 },
			{ kind: 'gemm', m: 9, k: 70, n: 11 }
		],
		dotBatches: 3,
		gemmBatches: 3,
		bigGemmBatches: 1,
		dotBatchMs: 1,
		gemmBatchMs: 1,
		warmupMs: 0
	};

	it('verifies every binary kernel against float on ±1 data and times every rival', () => {
		const progress: BenchProgress[] = [];
		const r = runKernelBench(tiny, { now: () => performance.now(), onProgress: (p) => progress.push(p) });
		expect(r.verified).toBe(true);
		expect(r.sizes.map((s) => s.label)).toEqual(['n = 100', '9×70×11']);
		const gemm = r.sizes[1];
		expect(gemm.timings.map((t) => t.kernel)).toEqual([
			'js-float',
			'js-binary',
			'wasm-float',
			'wasm-binary',
			...(r.runtime.binaryGemm === 'wasm-relaxed-simd' ? ['wasm-binary-popcnt'] : [])
		]);
		for (const s of r.sizes) for (const t of s.timings) expect(t.medianMs).toBeGreaterThan(0);
		expect(gemm.ratioJs).toBeGreaterThan(0);
		expect(gemm.ratioWasm).toBeGreaterThan(0);
		expect(r.sizes[0].ratioWasm).toBeNull();
		// Progress only moves forward and ends at its total.
		for (let i = 1; i < progress.length; i++) expect(progress[i].done).toBeGreaterThanOrEqual(progress[i - 1].done);
		const last = progress[progress.length - 1];
		expect(last.done).toBe(last.total);
		const text = resultsText(r, 'test device');
		expect(text).toContain('Device: test device');
		expect(text).toContain(`JS ratio ${formatRatio(gemm.ratioJs)}`);
		expect(text).toContain(`WASM ratio ${formatRatio(gemm.ratioWasm)}`);
		expect(text).toContain('equal the float results on the same ±1 data: yes');
	});

	it('draws its ±1 inputs from the seed: the same seed gives the same signs, another seed others', () => {
		const a = randomSigns(createRng(3), 500),
			b = randomSigns(createRng(3), 500),
			c = randomSigns(createRng(4), 500);
		expect(a.every((v) => v === 1 || v === -1)).toBe(true);
		expect(Array.from(a)).toEqual(Array.from(b));
		expect(Array.from(a)).not.toEqual(Array.from(c));
		const plus = a.reduce((s, v) => s + (v > 0 ? 1 : 0), 0);
		expect(plus).toBeGreaterThan(200);
		expect(plus).toBeLessThan(300);
	});
});

describe('formatting', () => {
	it('formats durations and ratios for people', () => {
		expect(formatDuration(692.4)).toBe('692 ms');
		expect(formatDuration(3.163)).toBe('3.16 ms');
		expect(formatDuration(0.00105)).toBe('1.05 µs');
		expect(formatDuration(0.000105)).toBe('105 ns');
		expect(formatDuration(NaN)).toBe('–');
		expect(formatRatio(14.04)).toBe('14.0×');
		expect(formatRatio(null)).toBe('–');
	});
});
