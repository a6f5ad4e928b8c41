import { describe, expect, it } from 'vitest';
import { createRng, randArray } from '../../../../tests/unit/helpers';
import { packRows } from '../bits';
import { simdClipMask, simdSignRows } from './train-simd';

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
				// With the ±1 floats as well: the same words, and sign(x) with sign(-0) = +1, sign(NaN) = -1.
				const pm = new Float32Array(rows * cols).fill(7);
				const again = simdSignRows(X, rows, cols, pm)!;
				expect(Array.from(again.words)).toEqual(Array.from(packRows(X, rows, cols)));
				expect(Array.from(pm)).toEqual(Array.from(X, (x) => (x >= 0 ? 1 : -1)));
			}
	});
});

describe('simdClipMask', () => {
	it("gives the clipped estimator loop's bits: dy inside |x| <= 1, +0 outside, NaN x closed, Inf and NaN dy passed inside", () => {
		const rng = createRng(2);
		for (const n of [1, 3, 4, 5, 64, 1001]) {
			const x = randArray(rng, n, -1.5, 1.5),
				dy = randArray(rng, n, -2, 2);
			const oddX = [1, -1, NaN, -0, Infinity, 1.0000001],
				oddDy = [NaN, Infinity, -Infinity, -0];
			for (let i = 0; i < n; i += 3) x[i] = oddX[(i / 3) % oddX.length];
			for (let i = 1; i < n; i += 5) dy[i] = oddDy[((i - 1) / 5) % oddDy.length];
			const dx = new Float32Array(n);
			expect(simdClipMask(x, dy, dx)).toBe(true);
			const want = Array.from(x, (v, i) => (v <= 1 && v >= -1 ? dy[i] : 0));
			expect(
				Array.from(dx).every((v, i) => Object.is(v, want[i])),
				`n=${n}`
			).toBe(true);
		}
	});
});
