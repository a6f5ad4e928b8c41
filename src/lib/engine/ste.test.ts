import { describe, expect, it } from 'vitest';
import { createRng } from './rng';
import { signArray } from './quantize';
import { ESTIMATOR_NAMES, estimator, steBackward, type Estimator } from './ste';

/** Larq's swish_sign gradient, literally (overflows for large |beta x|). */
function larqSwishGrad(x: number, beta: number): number {
	const bx = beta * x;
	return (beta * (2 - bx * Math.tanh(bx * 0.5))) / (1 + Math.cosh(bx));
}

const points = (() => {
	const r = createRng(11);
	const p: number[] = [];
	for (let i = 0; i < 400; i++) p.push(r.uniform(-3, 3));
	return p;
})();

describe('estimators', () => {
	it('all share the forward sign, with sign(0) = sign(-0) = +1', () => {
		expect(ESTIMATOR_NAMES).toEqual(['identity', 'clipped', 'approxsign', 'swishsign', 'true']);
		for (const name of ESTIMATOR_NAMES) {
			const e = estimator(name);
			expect(e.name).toBe(name);
			expect(e.forward(0)).toBe(1);
			expect(e.forward(-0)).toBe(1);
			expect(e.forward(1e-300)).toBe(1);
			expect(e.forward(-1e-300)).toBe(-1);
			for (const x of points) expect(e.forward(x)).toBe(x >= 0 ? 1 : -1);
		}
	});

	it('backward matches the REFERENCES formulas', () => {
		const r = createRng(12);
		const id = estimator('identity'),
			cl = estimator('clipped'),
			ap = estimator('approxsign');
		const sw = estimator('swishsign'),
			sw2 = estimator('swishsign', { beta: 2 }),
			tr = estimator('true');
		for (const x of points) {
			const dy = r.normal();
			expect(id.backward(x, dy)).toBe(dy);
			expect(cl.backward(x, dy)).toBe(Math.abs(x) <= 1 ? dy : 0);
			expect(ap.backward(x, dy)).toBeCloseTo(Math.abs(x) <= 1 ? dy * (2 - 2 * Math.abs(x)) : 0, 14);
			expect(sw.backward(x, dy)).toBeCloseTo(dy * larqSwishGrad(x, 5), 12);
			expect(sw2.backward(x, dy)).toBeCloseTo(dy * larqSwishGrad(x, 2), 12);
			expect(tr.backward(x, dy)).toBe(0);
		}
	});

	it('each backward is the derivative of its surrogate (central differences away from kinks)', () => {
		const h = 1e-6;
		const kinks = [-1, 0, 1];
		for (const e of [estimator('clipped'), estimator('approxsign'), estimator('swishsign'), estimator('swishsign', { beta: 1.3 })]) {
			const f = e.surrogate!;
			expect(f).toBeTypeOf('function');
			let checked = 0;
			for (const x of points) {
				if (kinks.some((k) => Math.abs(x - k) < 10 * h)) continue;
				const fd = (f(x + h) - f(x - h)) / (2 * h);
				expect(Math.abs(e.backward(x, 1) - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
				checked++;
			}
			expect(checked).toBeGreaterThan(350);
		}
		expect(estimator('identity').surrogate).toBeUndefined();
		expect(estimator('true').surrogate).toBeUndefined();
	});

	it('surrogates look like sign: odd, through 0, saturating at +-1', () => {
		for (const name of ['clipped', 'approxsign', 'swishsign'] as const) {
			const f = estimator(name).surrogate!;
			expect(f(0)).toBe(0);
			expect(f(50)).toBeCloseTo(1, 12);
			expect(f(-50)).toBeCloseTo(-1, 12);
			expect(f(1e300)).toBe(1);
			expect(f(-1e300)).toBe(-1);
			for (const x of points) expect(f(-x)).toBeCloseTo(-f(x), 12);
		}
		const ap = estimator('approxsign').surrogate!;
		expect(ap(0.5)).toBe(0.75); // 2x - x|x|
		expect(ap(1)).toBe(1);
	});

	it('clipped passes the gradient at exactly |x| = 1 and blocks it just outside', () => {
		const cl = estimator('clipped');
		expect(cl.backward(1, 3)).toBe(3);
		expect(cl.backward(-1, 3)).toBe(3);
		const above = 1 + Number.EPSILON;
		expect(cl.backward(above, 3)).toBe(0);
		expect(cl.backward(-above, 3)).toBe(0);
		// a closed gate is a hard zero, even for a non-finite upstream gradient
		expect(cl.backward(2, Infinity)).toBe(0);
		expect(estimator('approxsign').backward(2, NaN)).toBe(0);
		expect(estimator('approxsign').backward(1, 5)).toBe(0);
		expect(estimator('approxsign').backward(0, 5)).toBe(10);
	});

	it('swishsign equals beta at 0 and stays finite, tending to 0, for huge |x|', () => {
		for (const beta of [5, 1, 10, 0.25]) {
			const sw = estimator('swishsign', { beta });
			expect(sw.backward(0, 1)).toBe(beta);
			expect(sw.backward(-0, 1)).toBe(beta);
			for (const x of [1e4, -1e4, 1e200, -1e300, Infinity, -Infinity]) {
				expect(sw.backward(x, 1)).toBe(0);
				expect(sw.backward(x, -7)).toBe(0);
				expect(Number.isFinite(sw.surrogate!(x))).toBe(true);
			}
		}
		// moderately large: tiny but finite, and Larq's literal formula agrees where it does not overflow
		const sw = estimator('swishsign');
		for (const x of [10, 50, 100, 140]) {
			const g = sw.backward(x, 1);
			expect(Number.isFinite(g)).toBe(true);
			expect(Math.abs(g)).toBeLessThan(1e-15);
			const want = larqSwishGrad(x, 5);
			expect(Math.abs(g - want)).toBeLessThanOrEqual(1e-12 * Math.abs(want));
		}
		expect(Number.isNaN(larqSwishGrad(Infinity, 5))).toBe(true); // why the stable form exists
		expect(() => estimator('swishsign', { beta: 0 })).toThrow(RangeError);
	});

	it('rejects unknown names', () => {
		expect(() => estimator('nope' as never)).toThrow(RangeError);
	});
});

describe('bulk helpers', () => {
	it('signArray and steBackward agree with the scalar methods on every estimator', () => {
		const r = createRng(13);
		const n = 1037;
		const x = new Float32Array(n).map(() => r.uniform(-2, 2));
		x[0] = 0;
		x[1] = -0;
		x[2] = 1;
		x[3] = -1;
		const dy = new Float32Array(n).map(() => r.normal());
		const y = new Float32Array(n);
		signArray(x, y);
		for (let i = 0; i < n; i++) expect(y[i]).toBe(x[i] >= 0 ? 1 : -1);
		for (const name of ESTIMATOR_NAMES) {
			const e = estimator(name);
			const dx = new Float32Array(n).fill(123); // overwritten, not accumulated
			steBackward(e, x, dy, dx);
			for (let i = 0; i < n; i++) expect(dx[i]).toBe(Math.fround(e.backward(x[i], dy[i])));
		}
		// a hand-made estimator goes through its own backward, not a fast path chosen by name
		const custom: Estimator = { name: 'clipped', forward: (v) => (v >= 0 ? 1 : -1), backward: (_v, g) => 2 * g };
		const dx = new Float32Array(n);
		steBackward(custom, x, dy, dx);
		for (let i = 0; i < n; i++) expect(dx[i]).toBe(Math.fround(2 * dy[i]));
		expect(() => steBackward(estimator('clipped'), x, dy, new Float32Array(3))).toThrow(RangeError);
	});
});
