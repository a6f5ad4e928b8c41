import { describe, expect, it } from 'vitest';
import { levels, quantizeSigned } from '$lib/engine';
import { accuracyAt, cropHistogram, errorCurves, errorStats, layerLevels, maxAbs, quantizeWith, requestBits, testSignal, uniformLevelCount } from './lesson';

const { x } = testSignal();

describe('quantizeWith', () => {
	it('uniform: the engine quantizer on r = max|x|, 2^k - 1 levels (2 at 1 bit)', () => {
		const r = maxAbs(x);
		for (const k of [1, 2, 3, 8]) {
			const q = quantizeWith(x, 'uniform', k, 0.5);
			expect(q.count).toBe(uniformLevelCount(k));
			expect(q.levels).toEqual(q.count <= 64 ? Array.from(levels('signed', k, r)) : null);
			for (let i = 0; i < x.length; i += 37) expect(q.q[i]).toBe(quantizeSigned(x[i], k, r));
			expect(new Set(q.q).size).toBeLessThanOrEqual(q.count);
		}
		expect(uniformLevelCount(32)).toBe(2 ** 32 - 1);
		expect(quantizeWith(x, 'uniform', 12, 0.5).levels).toBeNull();
	});

	it('sign: alpha sign(x) with alpha = mean |x|', () => {
		const q = quantizeWith(x, 'sign', 5, 0.5);
		const a = x.reduce((s, v) => s + Math.abs(v), 0) / x.length;
		expect(q.scale).toBeCloseTo(a, 12);
		expect(new Set(q.q)).toEqual(new Set([a, -a].map((v) => q.q.find((y) => Math.abs(y - v) < 1e-12)!)));
		expect(q.count).toBe(2);
	});

	it('ternary: zero inside the threshold, alpha = mean |x| of the rest', () => {
		const q = quantizeWith(x, 'ternary', 2, 0.5);
		const d = 0.5 * maxAbs(x);
		x.forEach((v, i) => {
			if (Math.abs(v) < d) expect(q.q[i]).toBe(0);
			else expect(Math.abs(q.q[i])).toBeCloseTo(q.scale, 12);
		});
		expect(q.count).toBe(3);
	});
});

describe('errorCurves', () => {
	it('error falls with bits, about 6 dB per bit at higher widths', () => {
		const c = errorCurves(x, 0.5, 16);
		for (let k = 1; k < 16; k++) expect(c.mse[k]).toBeLessThan(c.mse[k - 1]);
		const perBit = (c.sqnr[13] - c.sqnr[7]) / 6;
		expect(perBit).toBeGreaterThan(5.5);
		expect(perBit).toBeLessThan(6.5);
		// The fitted sign scale beats 1-bit uniform on r = max |x|.
		expect(c.sign.mse).toBeLessThan(c.mse[0]);
		expect(errorStats(x, x).sqnr).toBe(Infinity);
	});
});

describe('helpers', () => {
	it('requestBits adds the slider width once, sorted', () => {
		expect(requestBits(5)).toEqual([1, 2, 3, 4, 5, 6, 8, 16, 32]);
		expect(requestBits(8)).toEqual([1, 2, 3, 4, 6, 8, 16, 32]);
	});

	it('cropHistogram keeps every count, in a symmetric window around the non-empty bins', () => {
		const counts = new Uint32Array(400);
		counts[190] = 5;
		counts[205] = 7;
		counts[199] = 100;
		const h = cropHistogram(counts, -1, 1, 60);
		expect(h.counts.reduce((a, b) => a + b, 0)).toBe(112);
		expect(h.lo).toBeLessThanOrEqual(-0.05 + 1e-9);
		expect(h.hi).toBeGreaterThanOrEqual(0.05 - 1e-9);
		expect(h.lo).toBeCloseTo(-h.hi, 9);
		expect(h.counts.length).toBeLessThanOrEqual(60);
		const wide = new Uint32Array(400);
		wide[0] = 1;
		wide[399] = 1;
		const w = cropHistogram(wide, -1, 1, 64);
		expect(w.lo).toBeLessThanOrEqual(-1);
		expect(w.hi).toBeGreaterThanOrEqual(1);
		expect(w.lo + w.hi).toBeLessThanOrEqual(2 / 400 + 1e-9);
		expect(w.counts[0] + w.counts[w.counts.length - 1]).toBe(2);
		expect(w.counts.reduce((a, b) => a + b, 0)).toBe(2);
	});

	it('layerLevels: the signed grid on the layer range, none when too dense or float', () => {
		expect(layerLevels(2, 0.3)).toEqual([-0.3, 0, 0.3]);
		expect(layerLevels(1, 0.3)).toEqual([-0.3, 0.3]);
		expect(layerLevels(8, 0.3)).toBeNull();
		expect(layerLevels(32, 0.3)).toBeNull();
	});

	it('accuracyAt', () => {
		expect(accuracyAt([{ bits: 4, accuracy: 0.9, mse: 0 }], 4)).toBe(0.9);
		expect(accuracyAt(null, 4)).toBeUndefined();
	});
});
