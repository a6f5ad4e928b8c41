import { describe, expect, it } from 'vitest';
import { createRng } from './rng';
import {
	alphaPerRow,
	alphaPerTensor,
	betaPerRow,
	levels,
	mse,
	quantizeArray,
	quantizeSigned,
	quantizeUnsigned,
	roundHalfEven,
	sign,
	signArray,
	sqnrDb,
	ternary,
	ternaryArray
} from './quantize';

describe('sign', () => {
	it('is +1 at 0 and -0, and follows the sign of everything else', () => {
		expect(sign(0)).toBe(1);
		expect(sign(-0)).toBe(1);
		expect(sign(Number.MIN_VALUE)).toBe(1);
		expect(sign(-Number.MIN_VALUE)).toBe(-1);
		expect(sign(Infinity)).toBe(1);
		expect(sign(-Infinity)).toBe(-1);
		expect(sign(NaN)).toBe(-1);
	});

	it('signArray agrees with sign, writes only +-1 and can work in place', () => {
		const r = createRng(1);
		const x = new Float32Array(1000).map(() => r.normal());
		x[0] = 0;
		x[1] = -0;
		const s = signArray(x);
		for (let i = 0; i < x.length; i++) expect(s[i]).toBe(x[i] >= 0 ? 1 : -1);
		signArray(x, x);
		expect(Array.from(x)).toEqual(Array.from(s));
		expect(() => signArray(x, new Float32Array(3))).toThrow(RangeError);
	});
});

describe('roundHalfEven', () => {
	it('sends exact halves to the even neighbour, unlike Math.round', () => {
		const cases: [number, number][] = [
			[0.5, 0],
			[1.5, 2],
			[2.5, 2],
			[3.5, 4],
			[-0.5, -0],
			[-1.5, -2],
			[-2.5, -2],
			[-3.5, -4],
			[2 ** 51 + 0.5, 2 ** 51],
			[2 ** 51 + 1.5, 2 ** 51 + 2]
		];
		for (const [x, want] of cases) expect(roundHalfEven(x)).toBe(want);
		expect(Math.round(2.5)).toBe(3); // the reason this function exists
	});

	it('matches the definition on random halves and agrees with Math.round off the ties', () => {
		const r = createRng(2);
		for (let t = 0; t < 5000; t++) {
			const k = r.int(2000) - 1000;
			const h = k + 0.5;
			// nearest even of k and k + 1
			expect(roundHalfEven(h) + 0).toBe(k % 2 === 0 ? k : k + 1); // -0.5 gives -0, as IEEE
			const x = r.uniform(-1000, 1000);
			if (Math.abs(x - Math.trunc(x)) !== 0.5) expect(roundHalfEven(x)).toBe(Math.round(x));
			// nearest integer: the result is never more than 0.5 away
			expect(Math.abs(roundHalfEven(x) - x)).toBeLessThanOrEqual(0.5);
		}
		expect(roundHalfEven(0.49999999999999994)).toBe(0);
		expect(roundHalfEven(Infinity)).toBe(Infinity);
		expect(roundHalfEven(NaN)).toBeNaN();
	});
});

/** Brute-force nearest level, ties broken towards the level with an even code (index from the centre). */
function nearestLevel(x: number, lv: Float64Array, evenIndexOffset: number): number {
	let best = 0,
		bestD = Infinity;
	for (let i = 0; i < lv.length; i++) {
		const d = Math.abs(lv[i] - x);
		if (d < bestD - 1e-12) {
			best = i;
			bestD = d;
		} else if (Math.abs(d - bestD) <= 1e-12 && (i - evenIndexOffset) % 2 === 0) best = i;
	}
	return lv[best];
}

describe('uniform quantisers', () => {
	it('signed k-bit has 2^k - 1 symmetric levels including 0 (k >= 2) and +-range at k = 1', () => {
		expect(Array.from(levels('signed', 1, 2))).toEqual([-2, 2]);
		expect(Array.from(levels('signed', 2))).toEqual([-1, 0, 1]);
		for (let k = 2; k <= 8; k++) {
			const lv = levels('signed', k, 3);
			expect(lv.length).toBe(2 ** k - 1);
			expect(lv[0]).toBe(-3);
			expect(lv[lv.length - 1]).toBe(3);
			expect(lv[(lv.length - 1) / 2]).toBe(0);
			for (let i = 0; i < lv.length; i++) expect(lv[i] + lv[lv.length - 1 - i]).toBe(0);
		}
	});

	it('unsigned k-bit has 2^k evenly spaced levels from 0 to range', () => {
		expect(Array.from(levels('unsigned', 1))).toEqual([0, 1]);
		for (let k = 1; k <= 8; k++) {
			const lv = levels('unsigned', k, 2);
			expect(lv.length).toBe(2 ** k);
			expect(lv[0]).toBe(0);
			expect(lv[lv.length - 1]).toBe(2);
			const step = 2 / (2 ** k - 1);
			for (let i = 1; i < lv.length; i++) expect(lv[i] - lv[i - 1]).toBeCloseTo(step, 12);
		}
	});

	it('quantise to the nearest level after clamping, always landing exactly on a level', () => {
		const r = createRng(3);
		for (let k = 1; k <= 6; k++) {
			for (const range of [1, 0.7, 4]) {
				const ls = levels('signed', k, range),
					lu = levels('unsigned', k, range);
				const setS = new Set(ls),
					setU = new Set(lu);
				for (let t = 0; t < 400; t++) {
					const x = r.uniform(-2 * range, 2 * range);
					const qs = quantizeSigned(x, k, range),
						qu = quantizeUnsigned(x, k, range);
					expect(setS.has(qs)).toBe(true);
					expect(setU.has(qu)).toBe(true);
					const cs = Math.min(range, Math.max(-range, x)),
						cu = Math.min(range, Math.max(0, x));
					expect(qs).toBe(nearestLevel(cs, ls, (ls.length - 1) / 2));
					expect(qu).toBe(nearestLevel(cu, lu, 0));
				}
			}
		}
	});

	it('rounds ties half to even', () => {
		// unsigned 2-bit on [0, 3]: levels 0, 1, 2, 3; 0.5 -> 0, 1.5 -> 2, 2.5 -> 2
		expect(quantizeUnsigned(0.5, 2, 3)).toBe(0);
		expect(quantizeUnsigned(1.5, 2, 3)).toBe(2);
		expect(quantizeUnsigned(2.5, 2, 3)).toBe(2);
		// signed 3-bit on [-3, 3]: levels -3..3 step 1; codes are the integers themselves
		expect(quantizeSigned(0.5, 3, 3)).toBe(0);
		expect(quantizeSigned(-1.5, 3, 3)).toBe(-2);
		expect(quantizeSigned(2.5, 3, 3)).toBe(2);
		// signed 2-bit (ternary grid) midpoint 0.5 goes to 0
		expect(quantizeSigned(0.5, 2)).toBe(0);
		expect(quantizeSigned(-0.5, 2)).toBe(0); // +0: zero has one representation
		expect(quantizeSigned(-0.01, 4)).toBe(0);
	});

	it('is exact at the endpoints, clamps outside and makes 1-bit signed equal range * sign', () => {
		for (let k = 1; k <= 12; k++) {
			expect(quantizeSigned(5, k, 0.3)).toBe(0.3);
			expect(quantizeSigned(-5, k, 0.3)).toBe(-0.3);
			expect(quantizeUnsigned(5, k, 0.3)).toBe(0.3);
			expect(quantizeUnsigned(-5, k, 0.3)).toBe(0);
		}
		expect(quantizeSigned(0, 1, 2)).toBe(2);
		expect(quantizeSigned(-0, 1, 2)).toBe(2);
		expect(quantizeSigned(-1e-30, 1, 2)).toBe(-2);
		expect(() => quantizeSigned(0, 0)).toThrow(RangeError);
		expect(() => quantizeSigned(0, 2.5)).toThrow(RangeError);
		expect(() => quantizeUnsigned(0, 2, 0)).toThrow(RangeError);
	});

	it('quantizeArray agrees with the scalar functions (stored as float32)', () => {
		const r = createRng(4);
		const x = new Float32Array(777).map(() => 1.5 * r.normal());
		const qs = quantizeArray(x, { kind: 'signed', bits: 3, range: 1.2 });
		const qu = quantizeArray(x, { kind: 'unsigned', bits: 4 });
		const q64 = quantizeArray(x, { kind: 'signed', bits: 3, range: 1.2 }, new Float64Array(x.length));
		for (let i = 0; i < x.length; i++) {
			expect(qs[i]).toBe(Math.fround(quantizeSigned(x[i], 3, 1.2)));
			expect(qu[i]).toBe(Math.fround(quantizeUnsigned(x[i], 4)));
			expect(q64[i]).toBe(quantizeSigned(x[i], 3, 1.2));
		}
	});

	it('error shrinks as bits grow (SQNR rises by about 6 dB per bit on uniform data)', () => {
		const r = createRng(5);
		const x = new Float64Array(20000).map(() => r.uniform(-1, 1));
		let prev = -Infinity;
		const snr: number[] = [];
		for (let k = 2; k <= 8; k++) {
			const q = quantizeArray(x, { kind: 'signed', bits: k }, new Float64Array(x.length));
			const s = sqnrDb(x, q);
			expect(s).toBeGreaterThan(prev);
			prev = s;
			snr.push(s);
		}
		// steps halve from k to k+1 only asymptotically (L = 2^(k-1) - 1), so check the high-bit slope
		expect(snr[6] - snr[5]).toBeGreaterThan(5.5);
		expect(snr[6] - snr[5]).toBeLessThan(6.5);
	});
});

describe('ternary', () => {
	it('is +1 at and above delta, -1 at and below -delta, 0 strictly between', () => {
		const d = 0.3;
		expect(ternary(0.3, d)).toBe(1);
		expect(ternary(-0.3, d)).toBe(-1);
		expect(ternary(0, d)).toBe(0);
		expect(ternary(-0, d)).toBe(0);
		expect(ternary(0.29999999999999993, d)).toBe(0);
		expect(ternary(-0.29999999999999993, d)).toBe(0);
		expect(ternary(5, d)).toBe(1);
		expect(ternary(-5, d)).toBe(-1);
		expect(ternary(0, 0)).toBe(0);
		expect(ternary(1e-300, 0)).toBe(1);
		expect(() => ternary(1, -0.1)).toThrow(RangeError);
	});

	it("ternaryArray matches Larq's formula with a three-valued sign on random inputs, including float32 thresholds", () => {
		const r = createRng(6);
		const tfSign = (v: number) => (v > 0 ? 1 : v < 0 ? -1 : 0);
		const x = new Float32Array(3000).map(() => r.normal());
		const delta = Math.fround(0.7);
		x[0] = delta;
		x[1] = -delta;
		const t = ternaryArray(x, delta);
		for (let i = 0; i < x.length; i++) {
			expect(t[i]).toBe(tfSign(tfSign(x[i] + delta) + tfSign(x[i] - delta)));
			expect(t[i]).toBe(x[i] >= delta ? 1 : x[i] <= -delta ? -1 : 0);
		}
		expect(t[0]).toBe(1);
		expect(t[1]).toBe(-1);
	});
});

describe('scale factors', () => {
	it('alphaPerTensor is mean |W| and is the least-squares scale for sign(W)', () => {
		const r = createRng(7);
		const W = new Float32Array(1001).map(() => r.normal() * 0.1 + 0.02);
		const a = alphaPerTensor(W);
		let s = 0;
		for (const w of W) s += Math.abs(w);
		expect(a).toBeCloseTo(s / W.length, 12);
		// ||W - t sign(W)||^2 is minimised at t = a
		const err = (t: number) => {
			let e = 0;
			for (const w of W) e += (w - t * sign(w)) ** 2;
			return e;
		};
		expect(err(a)).toBeLessThan(err(a * 1.01));
		expect(err(a)).toBeLessThan(err(a * 0.99));
		expect(alphaPerTensor([])).toBe(0);
	});

	it('alphaPerRow and betaPerRow take mean |.| over each contiguous row', () => {
		const r = createRng(8);
		for (const [rows, cols] of [
			[1, 1],
			[3, 33],
			[17, 5],
			[4, 0]
		]) {
			const W = new Float32Array(rows * cols).map(() => r.normal());
			const a = alphaPerRow(W, rows, cols);
			const b = betaPerRow(W, rows, cols, new Float64Array(rows));
			expect(a).toBeInstanceOf(Float32Array);
			expect(b).toBeInstanceOf(Float64Array);
			for (let i = 0; i < rows; i++) {
				const row = W.subarray(i * cols, (i + 1) * cols);
				const want = cols === 0 ? 0 : alphaPerTensor(row);
				expect(a[i]).toBe(Math.fround(want));
				expect(b[i]).toBeCloseTo(want, 12);
			}
		}
		expect(() => alphaPerRow(new Float32Array(5), 2, 3)).toThrow(RangeError);
	});
});

describe('error metrics', () => {
	it('mse and sqnrDb follow their formulas', () => {
		const s = [1, -2, 3, 0.5];
		const q = [1, -1.5, 2.5, 0];
		const e2 = 0 + 0.25 + 0.25 + 0.25;
		expect(mse(s, q)).toBeCloseTo(e2 / 4, 15);
		const p = 1 + 4 + 9 + 0.25;
		expect(sqnrDb(s, q)).toBeCloseTo(10 * Math.log10(p / e2), 12);
		expect(sqnrDb(s, s)).toBe(Infinity);
		expect(sqnrDb([0, 0], [0, 0])).toBe(Infinity);
		expect(sqnrDb([0, 0], [1, 0])).toBe(-Infinity);
		expect(mse([], [])).toBe(0);
		expect(() => mse([1], [1, 2])).toThrow(RangeError);
	});
});
