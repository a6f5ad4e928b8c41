import { describe, expect, it } from 'vitest';
import {
	andPopcount,
	binaryDotXnor,
	binaryDotXor,
	bitSerialDot,
	fromBitPlanes,
	packRows,
	packSigns,
	popcount32,
	popcountArray,
	toBitPlanes,
	unpackSigns,
	wordsFor
} from './bits';
import { binaryGemm } from './kernels/binary-gemm';
import { randomValues } from '../../../tests/unit/helpers';
import { createRng } from './rng';

const sign = (v: number): number => (v >= 0 ? 1 : -1);

function signDot(x: ArrayLike<number>, y: ArrayLike<number>, n: number): number {
	let s = 0;
	for (let i = 0; i < n; i++) s += sign(x[i]) * sign(y[i]);
	return s;
}

function naivePopcount(x: number): number {
	let c = 0;
	for (let b = 0; b < 32; b++) c += (x >>> b) & 1;
	return c;
}

describe('wordsFor', () => {
	it('is ceil(n / 32)', () => {
		for (let n = 0; n <= 300; n++) expect(wordsFor(n)).toBe(Math.ceil(n / 32));
	});
	it('rejects negative and fractional lengths', () => {
		expect(() => wordsFor(-1)).toThrow(RangeError);
		expect(() => wordsFor(1.5)).toThrow(RangeError);
	});
});

describe('popcount32 and popcountArray', () => {
	it('count the set bits of int32 and uint32 inputs alike', () => {
		const rng = createRng(1);
		const cases = [0, 1, -1, 0xffffffff, 0x80000000, 0x7fffffff, -0x80000000, 0x55555555, 0xaaaaaaaa];
		for (let i = 0; i < 2000; i++) cases.push(rng.nextU32(), rng.nextU32() | 0);
		for (const x of cases) expect(popcount32(x)).toBe(naivePopcount(x));
	});
	it('sum over a word range', () => {
		const rng = createRng(2);
		const w = new Uint32Array(50).map(() => rng.nextU32());
		let all = 0;
		for (const x of w) all += naivePopcount(x);
		expect(popcountArray(w)).toBe(all);
		let part = 0;
		for (let i = 7; i < 7 + 20; i++) part += naivePopcount(w[i]);
		expect(popcountArray(w, 20, 7)).toBe(part);
		expect(() => popcountArray(w, 45, 7)).toThrow(RangeError);
	});
});

describe('packSigns / unpackSigns', () => {
	it('sets bit i iff x[i] >= 0 (0 and -0 give +1, NaN gives -1) for every length 1..300, with zero tails', () => {
		const rng = createRng(3);
		for (let n = 1; n <= 300; n++) {
			const x = randomValues(rng, n);
			const words = wordsFor(n);
			// Garbage in the destination must not survive in the tail.
			const out = new Uint32Array(words + 2).fill(0xffffffff);
			packSigns(x, n, out, 1);
			expect(out[0]).toBe(0xffffffff);
			expect(out[words + 1]).toBe(0xffffffff);
			let wrongBits = 0,
				setTailBits = 0,
				wrongSigns = 0;
			for (let i = 0; i < n; i++) if (((out[1 + (i >>> 5)] >>> (i & 31)) & 1) !== (x[i] >= 0 ? 1 : 0)) wrongBits++;
			for (let i = n; i < words * 32; i++) setTailBits += (out[1 + (i >>> 5)] >>> (i & 31)) & 1;
			// Round trip: unpacking gives the sign of every value.
			const back = unpackSigns(out.subarray(1), n);
			for (let i = 0; i < n; i++) if (back[i] !== sign(x[i])) wrongSigns++;
			expect({ n, wrongBits, setTailBits, wrongSigns }).toEqual({ n, wrongBits: 0, setTailBits: 0, wrongSigns: 0 });
			// Repacking the ±1 image gives the same words.
			expect(Array.from(packSigns(back))).toEqual(Array.from(out.subarray(1, 1 + words)));
		}
	});

	it('maps 0 and -0 to +1 and NaN to -1', () => {
		const w = packSigns([0, -0, -1e-30, 1e-30, NaN, -Infinity, Infinity]);
		expect(Array.from(unpackSigns(w, 7))).toEqual([1, 1, -1, 1, -1, -1, 1]);
	});

	it('packRows packs each row at a stride of wordsFor(cols)', () => {
		const rng = createRng(4);
		for (const [rows, cols] of [
			[1, 1],
			[3, 31],
			[4, 32],
			[5, 33],
			[2, 300]
		]) {
			const X = randomValues(rng, rows * cols);
			const P = packRows(X, rows, cols);
			const wpr = wordsFor(cols);
			expect(P.length).toBe(rows * wpr);
			for (let r = 0; r < rows; r++) {
				expect(Array.from(P.subarray(r * wpr, (r + 1) * wpr))).toEqual(Array.from(packSigns(X.subarray(r * cols, (r + 1) * cols))));
			}
		}
	});

	it('rejects bad lengths and short buffers', () => {
		expect(() => packSigns([1, 2, 3], 4)).toThrow(RangeError);
		expect(() => packSigns(new Float32Array(33), 33, new Uint32Array(1))).toThrow(RangeError);
		expect(() => packSigns(new Float32Array(3), 3, new Uint32Array(1), 1)).toThrow(RangeError);
		expect(() => unpackSigns(new Uint32Array(1), 33)).toThrow(RangeError);
		expect(() => unpackSigns(new Uint32Array(1), 3, new Float32Array(2))).toThrow(RangeError);
		expect(() => packRows(new Float32Array(5), 2, 3)).toThrow(RangeError);
	});
});

describe('binaryDotXor / binaryDotXnor', () => {
	it('equal the float dot of the signs for every length 1..300, at any word offset', () => {
		const rng = createRng(5);
		for (let n = 1; n <= 300; n++) {
			for (let rep = 0; rep < 3; rep++) {
				const x = randomValues(rng, n),
					y = randomValues(rng, n);
				// Correlated pairs as well, so results near ±n are covered.
				if (rep === 2) for (let i = 0; i < n; i++) if (rng.int(10) > 0) y[i] = x[i];
				const aOff = rng.int(3),
					bOff = rng.int(3);
				const a = packSigns(x, n, new Uint32Array(aOff + wordsFor(n)), aOff);
				const b = packSigns(y, n, new Uint32Array(bOff + wordsFor(n) + 1), bOff);
				const want = signDot(x, y, n);
				expect(binaryDotXor(a, b, n, aOff, bOff)).toBe(want);
				expect(binaryDotXnor(a, b, n, aOff, bOff)).toBe(want);
			}
		}
	});

	it('give n for a vector with itself and -n for its complement', () => {
		const rng = createRng(6);
		for (const n of [1, 31, 32, 33, 64, 65, 300]) {
			const x = randomValues(rng, n);
			const neg = x.map((v) => (v >= 0 ? -1 : 1));
			const a = packSigns(x),
				b = packSigns(neg);
			expect(binaryDotXor(a, a, n)).toBe(n);
			expect(binaryDotXnor(a, a, n)).toBe(n);
			expect(binaryDotXor(a, b, n)).toBe(-n);
			expect(binaryDotXnor(a, b, n)).toBe(-n);
		}
	});

	it('reject n larger than the arrays hold', () => {
		const a = new Uint32Array(2),
			b = new Uint32Array(3);
		expect(() => binaryDotXor(a, b, 65)).toThrow(RangeError);
		expect(() => binaryDotXnor(a, b, 65)).toThrow(RangeError);
		expect(() => binaryDotXor(a, b, 64, 1)).toThrow(RangeError);
		expect(() => binaryDotXor(a, b, -1)).toThrow(RangeError);
	});
});

describe('binaryGemm', () => {
	function bruteGemm(X: Float32Array, Y: Float32Array, m: number, n: number, k: number): Int32Array {
		const R = new Int32Array(m * n);
		for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) R[i * n + j] = signDot(X.subarray(i * k), Y.subarray(j * k), k);
		return R;
	}

	it('equals the brute-force ±1 product exactly on random shapes, into Int32Array and Float32Array', () => {
		const rng = createRng(7);
		const dims = [1, 2, 3, 4, 5, 7, 8, 9, 13, 17];
		const ks = [1, 2, 31, 32, 33, 63, 64, 65, 96, 100, 127, 128, 129, 160, 255, 300];
		for (let t = 0; t < 60; t++) {
			const m = dims[rng.int(dims.length)],
				n = dims[rng.int(dims.length)],
				k = ks[rng.int(ks.length)];
			const X = randomValues(rng, m * k),
				Y = randomValues(rng, n * k);
			const A = packRows(X, m, k),
				B = packRows(Y, n, k);
			const want = bruteGemm(X, Y, m, n, k);
			const C = new Int32Array(m * n).fill(12345);
			binaryGemm(A, B, C, m, n, k);
			expect(Array.from(C)).toEqual(Array.from(want));
			const F = new Float32Array(m * n).fill(NaN);
			binaryGemm(A, B, F, m, n, k);
			expect(Array.from(F)).toEqual(Array.from(want));
		}
	});

	it('agrees with binaryDotXor row pair by row pair on a larger product', () => {
		const rng = createRng(8);
		const m = 21,
			n = 38,
			k = 1000,
			W = wordsFor(k);
		const A = packRows(randomValues(rng, m * k), m, k),
			B = packRows(randomValues(rng, n * k), n, k);
		const C = new Int32Array(m * n);
		binaryGemm(A, B, C, m, n, k);
		for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(C[i * n + j]).toBe(binaryDotXor(A, B, k, i * W, j * W));
	});

	it('ignores bits past k in each row', () => {
		const rng = createRng(9);
		const m = 5,
			n = 6,
			k = 40,
			W = wordsFor(k);
		const A = packRows(randomValues(rng, m * k), m, k),
			B = packRows(randomValues(rng, n * k), n, k);
		const clean = new Int32Array(m * n);
		binaryGemm(A, B, clean, m, n, k);
		for (let r = 0; r < m; r++) A[r * W + W - 1] |= 0xffffff00;
		for (let r = 0; r < n; r++) B[r * W + W - 1] ^= 0x5a5a5a00;
		const dirty = new Int32Array(m * n);
		binaryGemm(A, B, dirty, m, n, k);
		expect(Array.from(dirty)).toEqual(Array.from(clean));
	});

	it('handles empty dimensions and rejects short arrays', () => {
		const C = new Int32Array(4).fill(7);
		binaryGemm(new Uint32Array(0), new Uint32Array(0), C, 2, 2, 0);
		expect(Array.from(C)).toEqual([0, 0, 0, 0]);
		binaryGemm(new Uint32Array(0), new Uint32Array(2), C, 0, 2, 32);
		expect(() => binaryGemm(new Uint32Array(1), new Uint32Array(2), C, 2, 2, 32)).toThrow(RangeError);
		expect(() => binaryGemm(new Uint32Array(2), new Uint32Array(1), C, 2, 2, 32)).toThrow(RangeError);
		expect(() => binaryGemm(new Uint32Array(2), new Uint32Array(2), new Int32Array(3), 2, 2, 32)).toThrow(RangeError);
		expect(() => binaryGemm(new Uint32Array(2), new Uint32Array(2), C, 2, 2.5, 32)).toThrow(RangeError);
	});
});

describe('bit planes', () => {
	it('round-trip k-bit integers for k = 1..8 and 16, every length 1..300, with zero tails', () => {
		const rng = createRng(10);
		for (const bits of [1, 2, 3, 4, 5, 6, 7, 8, 16]) {
			for (let n = 1; n <= 300; n++) {
				const v = Array.from({ length: n }, () => rng.int(2 ** bits));
				const planes = toBitPlanes(v, bits);
				expect(planes.length).toBe(bits);
				for (const p of planes) {
					expect(p.length).toBe(wordsFor(n));
					if (n & 31) expect(p[p.length - 1] >>> (n & 31)).toBe(0);
				}
				expect(Array.from(fromBitPlanes(planes, n))).toEqual(v);
			}
		}
	});

	it('bitSerialDot equals the integer dot product for k-bit vectors, k = 1..8, lengths 1..300', () => {
		const rng = createRng(11);
		for (let n = 1; n <= 300; n++) {
			const ka = 1 + rng.int(8),
				kb = 1 + rng.int(8);
			const a = Array.from({ length: n }, () => rng.int(2 ** ka));
			const b = Array.from({ length: n }, () => rng.int(2 ** kb));
			let want = 0;
			for (let i = 0; i < n; i++) want += a[i] * b[i];
			expect(bitSerialDot(toBitPlanes(a, ka), toBitPlanes(b, kb), n)).toBe(want);
		}
	});

	it('bitSerialDot counts only the first n elements', () => {
		const a = toBitPlanes([3, 1, 2, 3, 3], 2),
			b = toBitPlanes([1, 2, 3, 3, 3], 2);
		expect(bitSerialDot(a, b, 3)).toBe(3 * 1 + 1 * 2 + 2 * 3);
		expect(bitSerialDot(a, b, 5)).toBe(3 + 2 + 6 + 9 + 9);
	});

	it('andPopcount counts common set bits', () => {
		const rng = createRng(12);
		const a = new Uint32Array(9).map(() => rng.nextU32()),
			b = new Uint32Array(9).map(() => rng.nextU32());
		let want = 0;
		for (let w = 2; w < 8; w++) want += naivePopcount(a[w] & b[w + 1]);
		expect(andPopcount(a, b, 6, 2, 3)).toBe(want);
		expect(() => andPopcount(a, b, 7, 2, 3)).toThrow(RangeError);
	});

	it('rejects bad widths, values outside [0, 2^bits) and short planes', () => {
		expect(() => toBitPlanes([1], 0)).toThrow(RangeError);
		expect(() => toBitPlanes([1], 17)).toThrow(RangeError);
		expect(() => toBitPlanes([4], 2)).toThrow(RangeError);
		expect(() => toBitPlanes([-1], 2)).toThrow(RangeError);
		expect(() => toBitPlanes([1.5], 2)).toThrow(RangeError);
		expect(() => toBitPlanes([NaN], 2)).toThrow(RangeError);
		expect(() => fromBitPlanes([], 3)).toThrow(RangeError);
		expect(() => fromBitPlanes([new Uint32Array(1)], 33)).toThrow(RangeError);
		expect(() => bitSerialDot([new Uint32Array(1)], [new Uint32Array(2)], 33)).toThrow(RangeError);
	});
});
