import { describe, expect, it } from 'vitest';
import { markFill, markPath, shapeOf } from './marks';
import { contrast } from './palette';

describe('marks', () => {
	it('gives the first six classes six different shapes', () => {
		const paths = new Set([0, 1, 2, 3, 4, 5].map((l) => `${markPath(l)}|${shapeOf(l).rotate}`));
		expect(paths.size).toBe(6);
		expect(shapeOf(0).name).toBe('circle');
		expect(shapeOf(1).name).toBe('cross');
	});
	it('puts the two classes of a diverging map at its ends, dark enough for a white outline', () => {
		for (const scheme of ['PuOr', 'BrBG'] as const) {
			expect(markFill(0, scheme)).not.toBe(markFill(1, scheme));
			expect(contrast(markFill(0, scheme), '#fff')).toBeGreaterThan(4.5);
			expect(contrast(markFill(1, scheme), '#fff')).toBeGreaterThan(4.5);
		}
	});
});
