import { describe, expect, it } from 'vitest';
import { cellShade, confusionStats, squareSide } from './confusion';
import { rgb } from 'd3';
import { contrast } from './palette';

describe('confusionStats', () => {
	it('normalises rows and reads accuracy off the diagonal', () => {
		const s = confusionStats(Uint32Array.of(8, 2, 1, 9), 2);
		expect(s.total).toBe(20);
		expect(Array.from(s.rowShare)).toEqual([0.8, 0.2, 0.1, 0.9]);
		expect(Array.from(s.perClass)).toEqual([0.8, 0.9]);
		expect(s.accuracy).toBeCloseTo(0.85, 12);
	});
	it('leaves an empty class undefined rather than 0% accurate', () => {
		const s = confusionStats([0, 0, 0, 5], 2);
		expect(Number.isNaN(s.perClass[0])).toBe(true);
		expect(s.perClass[1]).toBe(1);
	});
	it('checks the shape', () => {
		expect(squareSide(100)).toBe(10);
		expect(() => squareSide(10)).toThrow(RangeError);
		expect(() => confusionStats([1, 2, 3], 2)).toThrow(RangeError);
	});
});

/** The sRGB mix CSS color-mix(in srgb, a p%, b) produces. */
function mix(a: string, p: number, b: string): string {
	const x = rgb(a),
		y = rgb(b),
		t = p / 100;
	return rgb(x.r * t + y.r * (1 - t), x.g * t + y.g * (1 - t), x.b * t + y.b * (1 - t)).formatHex();
}

describe('cellShade', () => {
	const themes = [
		{ bg: '#fdfdfb', fg: '#1d1f21' },
		{ bg: '#15171a', fg: '#e6e6e3' }
	];
	it('keeps every cell text at 4.5:1 or better on both themes, for every share', () => {
		for (const scheme of ['viridis', 'cividis'] as const) {
			for (let k = 1; k <= 100; k++) {
				const s = cellShade(1, k / 100, scheme);
				if (s.kind === 'fill') expect(contrast(s.colour, s.text)).toBeGreaterThanOrEqual(4.5);
				else if (s.kind === 'tint') for (const t of themes) expect(contrast(mix(s.colour, s.percent, t.bg), t.fg)).toBeGreaterThanOrEqual(4.5);
			}
		}
	});
	it('leaves empty cells unshaded and gets darker as the share grows', () => {
		expect(cellShade(0, 0, 'viridis').kind).toBe('empty');
		const a = cellShade(5, 0.3, 'viridis'),
			b = cellShade(50, 0.9, 'viridis');
		if (a.kind !== 'fill' || b.kind !== 'fill') throw new Error('expected fills');
		expect(rgb(b.colour).r + rgb(b.colour).g + rgb(b.colour).b).toBeLessThan(rgb(a.colour).r + rgb(a.colour).g + rgb(a.colour).b);
	});
});
