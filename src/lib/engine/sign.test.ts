/**
 * One sign in the engine: quantize.ts's signBit, and everything built on it (sign, signArray,
 * the packers of bits.ts, the estimators' forward, the WebAssembly sign packing) agrees on
 * every value, the awkward ones included: 0 and -0 are +1, NaN is -1.
 */
import { describe, expect, it } from 'vitest';
import { packRows, packSigns, signRows, unpackSigns, wordsFor } from './bits';
import { sign, signArray, signBit } from './quantize';
import { createRng } from './rng';
import { ESTIMATOR_NAMES, estimator } from './ste';
import { simdSignRows } from './wasm/train-simd';

const SPECIAL = [0, -0, NaN, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, 1, -1, 1 + 2 ** -23, -(1 + 2 ** -23), 3.5, -3.5];

describe('the engine has one sign', () => {
	it('sign = 2 signBit - 1: +1 for x >= 0 (0 and -0 too), -1 for x < 0 and NaN', () => {
		for (const x of SPECIAL) {
			expect(signBit(x)).toBe(x >= 0 ? 1 : 0);
			expect(sign(x)).toBe(signBit(x) * 2 - 1);
		}
		expect([sign(0), sign(-0), sign(NaN)]).toEqual([1, 1, -1]);
	});

	it('signArray, packSigns, packRows, signRows, the estimators and the WebAssembly packer agree with it', () => {
		const rng = createRng(3);
		const rows = 7,
			cols = 45;
		const X = new Float32Array(rows * cols).map((_, i) => (i < SPECIAL.length ? SPECIAL[i] : rng.uniform(-2, 2)));
		const want = Float32Array.from(X, sign);
		expect(Array.from(signArray(X))).toEqual(Array.from(want));
		expect(Array.from(unpackSigns(packSigns(X), X.length))).toEqual(Array.from(want));
		const words = packRows(X, rows, cols);
		const pm = new Float32Array(X.length),
			sw = new Uint32Array(rows * wordsFor(cols));
		const inside = signRows(X, rows, cols, pm, sw);
		expect(Array.from(pm)).toEqual(Array.from(want));
		expect(Array.from(sw)).toEqual(Array.from(words));
		expect(inside).toBe(Array.from(X).filter((v) => Math.abs(v) <= 1).length);
		const simd = simdSignRows(X, rows, cols, new Float32Array(X.length));
		if (simd) {
			expect(Array.from(simd.words)).toEqual(Array.from(words));
			expect(simd.inside).toBe(inside);
		}
		for (const name of ESTIMATOR_NAMES) for (const x of X) expect(estimator(name).forward(x)).toBe(sign(x));
	});
});
