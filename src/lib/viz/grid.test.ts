import { describe, expect, it } from 'vitest';
import { cellAt, fillRGBA, fractionAbove, gridPoints, pointsOnTheirSide } from './grid';

describe('fillRGBA', () => {
	const lut = Uint8ClampedArray.from([0, 0, 0, 255, 100, 100, 100, 255, 200, 200, 200, 255]);
	it('maps lo and hi to the table ends, clamps outside, clears non-finite', () => {
		const out = new Uint8ClampedArray(6 * 4);
		fillRGBA([0, 0.5, 1, -3, 9, NaN], lut, 0, 1, out);
		expect(Array.from(out)).toEqual([0, 0, 0, 255, 100, 100, 100, 255, 200, 200, 200, 255, 0, 0, 0, 255, 200, 200, 200, 255, 0, 0, 0, 0]);
	});
	it('rejects a buffer too small', () => {
		expect(() => fillRGBA([1, 2], lut, 0, 1, new Uint8ClampedArray(4))).toThrow(RangeError);
	});
});

describe('gridPoints', () => {
	it('puts row 0 at the top and cell centres inside the extent', () => {
		const p = gridPoints(2, 4, { x: [-1, 1], y: [-1, 1] });
		expect(p.length).toBe(16);
		expect([p[0], p[1]]).toEqual([-0.75, 0.5]);
		expect([p[14], p[15]]).toEqual([0.75, -0.5]);
	});
});

describe('fractionAbove', () => {
	it('ignores non-finite values', () => {
		expect(fractionAbove([0.1, 0.9, NaN, 0.6], 0.5)).toBeCloseTo(2 / 3, 12);
		expect(fractionAbove([], 0.5)).toBe(0);
	});
});

describe('cellAt', () => {
	const ext = { x: [-1, 1], y: [-1, 1] } as const;
	it('agrees with gridPoints: every cell centre maps back to its own cell', () => {
		const rows = 3,
			cols = 5;
		const p = gridPoints(rows, cols, ext);
		for (let k = 0; k < rows * cols; k++) {
			expect(cellAt(p[2 * k], p[2 * k + 1], rows, cols, ext)).toEqual({ row: Math.floor(k / cols), col: k % cols });
		}
	});
	it('keeps the far edges inside and rejects points outside', () => {
		expect(cellAt(1, -1, 4, 4, ext)).toEqual({ row: 3, col: 3 });
		expect(cellAt(1.01, 0, 4, 4, ext)).toBeNull();
	});
});

describe('pointsOnTheirSide', () => {
	it('counts class-1 points above the threshold and class-0 points below it', () => {
		// Left half 0.1, right half 0.9.
		const values = Float32Array.of(0.1, 0.9, 0.1, 0.9);
		const ext = { x: [-1, 1], y: [-1, 1] } as const;
		const pts = [
			{ x: 0.5, y: 0.5, label: 1 },
			{ x: -0.5, y: -0.5, label: 0 },
			{ x: -0.5, y: 0.5, label: 1 },
			{ x: 5, y: 0, label: 0 },
			{ x: 0.5, y: 0.5, label: 2 }
		];
		expect(pointsOnTheirSide(values, 2, 2, ext, pts, 0.5)).toEqual({ agree: 2, counted: 3 });
	});
});
