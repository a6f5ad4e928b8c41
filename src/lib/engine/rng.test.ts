import { describe, expect, it } from 'vitest';
import { createRng } from './rng';

describe('createRng', () => {
	it('replays the same stream for the same seed and differs across seeds', () => {
		const a = createRng(42),
			b = createRng(42),
			c = createRng(43);
		const sa = Array.from({ length: 100 }, () => a.nextU32());
		const sb = Array.from({ length: 100 }, () => b.nextU32());
		const sc = Array.from({ length: 100 }, () => c.nextU32());
		expect(sa).toEqual(sb);
		expect(sa).not.toEqual(sc);
	});

	it('restores a stream exactly from its saved state', () => {
		const a = createRng(7);
		for (let i = 0; i < 10; i++) a.nextU32();
		const b = createRng(a.state());
		for (let i = 0; i < 50; i++) expect(b.nextU32()).toBe(a.nextU32());
	});

	it('gives uniform floats in [0, 1) with the right mean and variance', () => {
		const r = createRng(1);
		let s = 0,
			s2 = 0,
			outside = 0;
		const n = 100_000;
		for (let i = 0; i < n; i++) {
			const x = r.float();
			if (!(x >= 0 && x < 1)) outside++;
			s += x;
			s2 += x * x;
		}
		expect(outside).toBe(0);
		expect(s / n).toBeCloseTo(0.5, 2);
		expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 2);
	});

	it('gives standard normals with mean 0 and variance 1', () => {
		const r = createRng(2);
		let s = 0,
			s2 = 0;
		const n = 100_000;
		for (let i = 0; i < n; i++) {
			const x = r.normal();
			s += x;
			s2 += x * x;
		}
		expect(Math.abs(s / n)).toBeLessThan(0.02);
		expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
	});

	it('draws every integer in [0, n) about equally often', () => {
		const r = createRng(3);
		const counts = new Array(7).fill(0);
		for (let i = 0; i < 70_000; i++) counts[r.int(7)]++;
		for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
		expect(() => r.int(0)).toThrow(RangeError);
	});

	it('shuffles into a permutation', () => {
		const r = createRng(4);
		const a = r.shuffle(Int32Array.from({ length: 1000 }, (_, i) => i));
		expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
		expect(Array.from(a.slice(0, 10))).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
	});

	it('rejects a non-finite seed', () => {
		expect(() => createRng(NaN)).toThrow(/finite/);
	});
});
