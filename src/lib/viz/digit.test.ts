import { describe, expect, it } from 'vitest';
import { centreOfMass, DIGIT_SIZE, inkBounds, MNIST_BRUSH, normaliseDigit, stamp, strokeSegment, toSigned } from './digit';

const N = DIGIT_SIZE;

describe('brush', () => {
	it('paints a full core and a soft edge, about MNIST stroke width', () => {
		const ink = new Float32Array(N * N);
		expect(stamp(ink, N, 14, 14)).toBe(true);
		expect(ink[13 * N + 13]).toBe(1);
		const across = Array.from({ length: N }, (_, x) => ink[13 * N + x]).filter((v) => v > 0);
		expect(across.filter((v) => v === 1).length).toBe(2);
		expect(across.length).toBeGreaterThanOrEqual(3);
		expect(across.length).toBeLessThanOrEqual(5);
		// Ink only grows: stamping again changes nothing.
		expect(stamp(ink, N, 14, 14)).toBe(false);
	});
	it('keeps values in [0, 1] and strokes continuous', () => {
		const ink = new Float32Array(N * N);
		strokeSegment(ink, N, 3, 3, 25, 20, MNIST_BRUSH);
		for (const v of ink) expect(v >= 0 && v <= 1).toBe(true);
		for (let x = 4; x < 24; x++) {
			let col = 0;
			for (let y = 0; y < N; y++) col = Math.max(col, ink[y * N + x]);
			expect(col).toBe(1);
		}
	});
	it('clips at the frame edge without throwing', () => {
		const ink = new Float32Array(N * N);
		stamp(ink, N, 0, 0);
		stamp(ink, N, 28, 28);
		expect(ink[0]).toBe(1);
		expect(ink[N * N - 1]).toBe(1);
	});
});

describe('normaliseDigit', () => {
	it('gives an empty frame for an empty drawing', () => {
		expect(normaliseDigit(new Float32Array(N * N)).every((v) => v === 0)).toBe(true);
	});
	it('moves a corner drawing so its centre of mass is within a cell of the centre, and fits it to 20 cells', () => {
		const ink = new Float32Array(N * N);
		strokeSegment(ink, N, 2, 2, 2, 10);
		strokeSegment(ink, N, 2, 10, 7, 10);
		const out = normaliseDigit(ink);
		const c = centreOfMass(out, N)!;
		expect(Math.abs(c.x - 14)).toBeLessThanOrEqual(0.5);
		expect(Math.abs(c.y - 14)).toBeLessThanOrEqual(0.5);
		const b = inkBounds(out, N, 0.3)!;
		expect(b[3] - b[1] + 1).toBeGreaterThanOrEqual(18);
		expect(b[3] - b[1] + 1).toBeLessThanOrEqual(21);
		for (const v of out) expect(v >= 0 && v <= 1).toBe(true);
	});
	it('keeps the aspect ratio of a tall thin stroke', () => {
		const ink = new Float32Array(N * N);
		strokeSegment(ink, N, 14, 9, 14, 19);
		const b = inkBounds(normaliseDigit(ink), N, 0.3)!;
		const w = b[2] - b[0] + 1,
			h = b[3] - b[1] + 1;
		expect(h).toBeGreaterThanOrEqual(18);
		expect(w).toBeLessThanOrEqual(8);
	});
	it('maps ink to the network scaling, background -1', () => {
		expect(Array.from(toSigned([0, 0.5, 1]))).toEqual([-1, 0, 1]);
	});
});
