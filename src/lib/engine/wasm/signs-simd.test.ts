import { describe, expect, it } from 'vitest';
import { createRng, randArray } from '../../../../tests/unit/helpers';
import { packRows } from '../bits';
import { simdSignRows } from './signs-simd';

describe('simdSignRows', () => {
	it('packs like packRows and counts |x| <= 1, for row lengths around word edges and odd values', () => {
		const rng = createRng(1);
		for (const cols of [1, 3, 4, 31, 32, 33, 64, 70, 784])
			for (const rows of [1, 5]) {
				const X = randArray(rng, rows * cols, -1.5, 1.5);
				const odd = [0, -0, NaN, 1, -1, 1.0000001, -1.0000001, Infinity, -Infinity];
				for (let i = 0; i < X.length; i += 7) X[i] = odd[(i / 7) % odd.length];
				const got = simdSignRows(X, rows, cols);
				expect(got, 'node 20 has SIMD: the check must not be vacuous').not.toBeNull();
				expect(Array.from(got!.words), `${rows}x${cols}`).toEqual(Array.from(packRows(X, rows, cols)));
				expect(got!.inside).toBe(Array.from(X).filter((x) => Math.abs(x) <= 1).length);
			}
	});
});
