import { describe, expect, it } from 'vitest';
import type { Param } from './layers/types';
import { adamStep, bopStep, clipLatent, createOptimizer, sgdStep } from './optim';
import { createRng } from './rng';
import { packRows } from './bits';
import { simdTrainAvailable } from './wasm/train-simd';

const param = (value: number[], grad: number[], role: Param['role'] = 'float'): Param => ({
	name: 'p',
	value: Float32Array.from(value),
	grad: Float32Array.from(grad),
	role
});

describe('optimisers', () => {
	it('SGD with momentum follows v <- mu v + g, w <- w - lr v', () => {
		const p = param([1, -2], [0.5, 1]);
		const o = createOptimizer([p], { type: 'sgd', lr: 0.1, momentum: 0.9 });
		o.step();
		expect(Array.from(p.value)).toEqual([1 - 0.05, -2 - 0.1].map(Math.fround));
		o.step(); // v = 0.9 * 0.5 + 0.5 = 0.95
		expect(p.value[0]).toBeCloseTo(0.95 - 0.1 * 0.95, 6);
		expect(o.steps).toBe(2);
	});

	it('Adam takes a first step of lr in the direction of -sign(g), whatever the gradient scale', () => {
		const p = param([0, 0, 0], [1e-3, -5, 1e3]);
		createOptimizer([p], { type: 'adam', lr: 0.01 }).step();
		expect(p.value[0]).toBeCloseTo(-0.01, 6);
		expect(p.value[1]).toBeCloseTo(0.01, 6);
		expect(p.value[2]).toBeCloseTo(-0.01, 6);
	});

	it('Adam matches a hand-computed second step', () => {
		const p = param([0], [1]);
		const o = createOptimizer([p], { type: 'adam', lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
		o.step();
		p.grad[0] = -1;
		o.step();
		const m = 0.9 * 0.1 - 0.1,
			s = 0.999 * 0.001 + 0.001;
		const expected = -0.1 - (0.1 * (m / (1 - 0.81))) / (Math.sqrt(s / (1 - 0.999 ** 2)) + 1e-8);
		expect(p.value[0]).toBeCloseTo(expected, 5);
	});

	it('Bop flips a binary weight exactly when w * m > tau, and uses Adam for float params', () => {
		// m after one step = gamma * g.
		const w = param([1, 1, -1, -1], [1, -1, 1, -1], 'latent');
		const f = param([0], [2]);
		createOptimizer([w, f], { type: 'bop', lr: 0.01, gamma: 0.5, tau: 0.1 }).step();
		// w*m: 0.5 (flip), -0.5, -0.5, 0.5 (flip)
		expect(Array.from(w.value)).toEqual([-1, 1, -1, 1]);
		expect(f.value[0]).toBeCloseTo(-0.01, 6);
		const w2 = param([1], [0.1], 'latent');
		createOptimizer([w2], { type: 'bop', lr: 0.01, gamma: 0.5, tau: 0.1 }).step(); // w*m = 0.05 < tau
		expect(w2.value[0]).toBe(1);
	});

	it('Bop compares sign(w) m with tau, whatever the size of the latent weight', () => {
		const w = param([1, 0.01, 0, -0, -0.5], [1, 1, 1, 1, -1], 'latent');
		createOptimizer([w], { type: 'bop', lr: 0.01, gamma: 1e-3, tau: 1e-4 }).step(); // m = ±1e-3 > tau
		// sign(w) m: 1e-3 for the first four (0 and -0 are +1), and (-1)(-1e-3) for the last: all flip.
		expect(Array.from(w.value, Math.sign)).toEqual([-1, -1, -1, -1, 1]);
	});

	it("Adam on the WebAssembly kernel gives the JavaScript loop's weights to the bit, with the fused clip", () => {
		expect(simdTrainAvailable()).toBe(true); // node 20 has SIMD: the comparison below must not be vacuous
		const rng = createRng(3);
		// Odd and tiny lengths exercise the kernel's padding; big gradients push latent weights past ±1.
		const make = () => {
			const r = createRng(5);
			return [7, 1, 130, 4].map((n, k) =>
				param(
					Array.from({ length: n }, () => r.uniform(-1.2, 1.2)),
					new Array(n).fill(0),
					k % 2 ? 'float' : 'latent'
				)
			);
		};
		for (const type of ['adam', 'bop'] as const) {
			const a = make(),
				b = make();
			const oa = createOptimizer(a, { type, lr: 0.05 }, { clipLatent: true });
			const ob = createOptimizer(b, { type, lr: 0.05 }, { clipLatent: true, kernel: 'js' });
			for (let step = 0; step < 6; step++) {
				for (let k = 0; k < a.length; k++)
					for (let i = 0; i < a[k].grad.length; i++) a[k].grad[i] = b[k].grad[i] = rng.uniform(-3, 3) * (i % 5 === 0 ? 1e-6 : 1);
				if (step === 2) a[0].grad[1] = b[0].grad[1] = NaN; // NaN stays NaN on both, clipped or not
				oa.step();
				ob.step();
				for (let k = 0; k < a.length; k++) {
					expect(Array.from(a[k].value), `${type}, step ${step}, param ${k}`).toEqual(Array.from(b[k].value));
					// The kernel also sums g² on its way; the JS loop leaves NaN for the trainer to sum.
					const sq = a[k].grad.reduce((s, g) => s + g * g, 0);
					if (Number.isNaN(sq)) expect(oa.gradSquares[k]).toBeNaN();
					else if (type === 'adam' || k % 2 === 1) expect(oa.gradSquares[k]).toBeCloseTo(sq, 10);
					expect(ob.gradSquares[k]).toBeNaN();
				}
			}
			if (type === 'adam') expect(a[0].value.every((w) => Number.isNaN(w) || Math.abs(w) <= 1)).toBe(true);
		}
	});

	it("Adam flushes moments that decay below float32's smallest normal, alike on both kernels", () => {
		// A gradient that stays exactly 0 after one step: m decays by b1 per step, through the
		// subnormal range (from ~step 830) to 0; s by b2. Both kernels flush at 2^-126 in float64.
		const make = () => [param([0.5, -0.25, 1e-30, 0], [1e-3, -2e-3, 5e-4, 1e-3], 'latent')];
		const a = make(),
			b = make();
		const oa = createOptimizer(a, { type: 'adam', lr: 1e-3 }),
			ob = createOptimizer(b, { type: 'adam', lr: 1e-3 }, { kernel: 'js' });
		for (let step = 0; step < 1000; step++) {
			oa.step();
			ob.step();
			if (step === 0) for (const p of [a[0], b[0]]) p.grad.fill(0);
		}
		expect(Array.from(a[0].value)).toEqual(Array.from(b[0].value));
	});

	it('Adam on WebAssembly packs the signs of the latent params asked for, as packRows does', () => {
		const rng = createRng(4);
		const w = param(
			Array.from({ length: 5 * 37 }, () => rng.uniform(-1.1, 1.1)),
			Array.from({ length: 5 * 37 }, () => rng.uniform(-1, 1)),
			'latent'
		);
		const f = param([0.5, -0.5], [1, 1]);
		const o = createOptimizer([f, w], { type: 'adam', lr: 0.3 }, { clipLatent: false, packSigns: new Map([[w, { rows: 5, cols: 37 }]]) });
		o.step();
		const got = o.packedSigns(w)!;
		expect(Array.from(got.words)).toEqual(Array.from(packRows(w.value, 5, 37)));
		expect(got.inside).toBe(Array.from(w.value).filter((v) => Math.abs(v) <= 1).length);
		expect(got.inside).toBeLessThan(w.value.length); // unclipped: some left [-1, 1]
		expect(o.packedSigns(f)).toBeNull();
		expect(createOptimizer([w], { type: 'adam', lr: 0.1 }, { kernel: 'js', packSigns: new Map([[w, { rows: 5, cols: 37 }]]) }).packedSigns(w)).toBeNull();
	});

	it('SGD clips latent weights in its own pass when asked, and float ones never', () => {
		const l = param([0.95, -0.95], [-1, 1], 'latent');
		const f = param([0.95], [-1]);
		createOptimizer([l, f], { type: 'sgd', lr: 0.1 }, { clipLatent: true }).step();
		expect(Array.from(l.value)).toEqual([1, -1]);
		expect(f.value[0]).toBeCloseTo(1.05, 6);
	});

	it('clips latent weights to [-1, 1] and leaves float ones alone', () => {
		const l = param([-3, -1, 0.5, 1, 2], [0, 0, 0, 0, 0], 'latent');
		const f = param([-3, 2], [0, 0]);
		clipLatent([l, f]);
		expect(Array.from(l.value)).toEqual([-1, -1, 0.5, 1, 1]);
		expect(Array.from(f.value)).toEqual([-3, 2]);
	});
});

describe('createOptimizer applies the named update rules', () => {
	const rng = createRng(41);
	const make = (role: Param['role']) =>
		param(
			Array.from({ length: 37 }, () => rng.uniform(-1, 1)),
			Array.from({ length: 37 }, () => rng.normal()),
			role
		);
	const copy = (p: Param) => ({ w: Float32Array.from(p.value), g: Float32Array.from(p.grad) });

	it('SGD is sgdStep, step after step', () => {
		const p = make('float'),
			{ w, g } = copy(p);
		const v = new Float32Array(w.length);
		const o = createOptimizer([p], { type: 'sgd', lr: 0.05, momentum: 0.8 });
		for (let t = 0; t < 3; t++) {
			o.step();
			sgdStep(w, g, v, 0.05, 0.8);
			expect(Array.from(p.value)).toEqual(Array.from(w));
		}
	});

	for (const kernel of ['js', 'auto'] as const) {
		it(`Adam (${kernel} kernel) is adamStep with c1 = 1 - b1^t, c2 = 1 - b2^t`, () => {
			const p = make('float'),
				{ w, g } = copy(p);
			const m = new Float32Array(w.length),
				s = new Float32Array(w.length);
			const o = createOptimizer([p], { type: 'adam', lr: 0.01, beta1: 0.8, beta2: 0.99 }, { kernel });
			for (let t = 1; t <= 3; t++) {
				o.step();
				adamStep(w, g, m, s, 0.01, 0.8, 0.99, 1 - Math.pow(0.8, t), 1 - Math.pow(0.99, t), 1e-8);
				expect(Array.from(p.value)).toEqual(Array.from(w));
			}
		});
	}

	it('Bop is bopStep on latent weights', () => {
		const lat = make('latent'),
			{ w, g } = copy(lat);
		const m = new Float32Array(w.length);
		const o = createOptimizer([lat], { type: 'bop', lr: 0.01, gamma: 0.5, tau: 0.1 });
		for (let t = 0; t < 3; t++) {
			o.step();
			bopStep(w, g, m, 0.5, 0.1);
			expect(Array.from(lat.value)).toEqual(Array.from(w));
		}
	});
});
