import { describe, expect, it } from 'vitest';
import { edgeStats, pickEdges, pickUnits } from './edges';

describe('pickUnits', () => {
	it('keeps every unit of a small layer', () => {
		expect(pickUnits(5, 12)).toEqual([0, 1, 2, 3, 4]);
	});
	it('spreads a cap over a large layer, first and last included, distinct and ascending', () => {
		for (const [n, cap] of [
			[784, 12],
			[13, 12],
			[256, 7],
			[10, 2]
		]) {
			const u = pickUnits(n, cap);
			expect(u.length).toBe(cap);
			expect(u[0]).toBe(0);
			expect(u[cap - 1]).toBe(n - 1);
			for (let k = 1; k < u.length; k++) expect(u[k]).toBeGreaterThan(u[k - 1]);
		}
	});
});

describe('pickEdges', () => {
	// 3 inputs, 2 outputs, [out, in] layout.
	const w = Float32Array.of(0.1, -0.9, 0.3, -0.2, 0.5, 0.05);
	it('reads values in the [out, in] layout and draws strong edges last', () => {
		const e = pickEdges(w, 3, [0, 1, 2], [0, 1]);
		expect(e.length).toBe(6);
		expect(e[e.length - 1]).toEqual({ from: 1, to: 0, value: w[1] });
		expect(e[0].value).toBeCloseTo(0.05, 6);
	});
	it('keeps the strongest edges when capped, the same ones every time', () => {
		const e = pickEdges(w, 3, [0, 1, 2], [0, 1], 2);
		expect(e.map((x) => x.value)).toEqual([w[4], w[1]]);
		expect(pickEdges(w, 3, [0, 1, 2], [0, 1], 2)).toEqual(e);
	});
	it('gives every edge without values', () => {
		expect(pickEdges(null, 3, [0, 2], [1]).map((e) => [e.from, e.to])).toEqual([
			[0, 0],
			[1, 0]
		]);
	});
});

describe('edgeStats', () => {
	it('uses the engine sign (0 counts as positive) and skips NaN', () => {
		const s = edgeStats([0, -2, 1, NaN]);
		expect(s).toEqual({ count: 3, maxAbs: 2, meanAbs: 1, positive: 2 / 3 });
	});
});
