import { describe, expect, it } from 'vitest';
import { ESTIMATOR_NAMES, Trainer, estimator, makeSynthetic, validateTrainConfig } from '$lib/engine';
import {
	BOP_ID,
	DATA,
	MAX_STEPS,
	STE_ID,
	SIZES,
	TRUE_ID,
	estimatorCurve,
	gradStats,
	niceCeil,
	peakGradient,
	recentMean,
	runRequest,
	sci,
	smooth,
	fixed2,
	zeroShare
} from './lesson';

const choice = { est: 'clipped', beta: 5, lclip: true, gamma: '1e-3', tau: '1e-6', seed: 1 } as const;

describe('estimatorCurve', () => {
	it('samples the engine estimator: sign forward, its backward(x, 1), its surrogate', () => {
		for (const name of ESTIMATOR_NAMES) {
			const c = estimatorCurve(name, 3, 81);
			const e = estimator(name, { beta: 3 });
			expect(c.xs[0]).toBe(-2);
			expect(c.xs[80]).toBe(2);
			c.xs.forEach((x, i) => {
				expect(c.forward[i]).toBe(x >= 0 ? 1 : -1);
				expect(c.backward[i]).toBe(e.backward(x, 1));
				if (e.surrogate) expect(c.surrogate[i]).toBe(e.surrogate(x));
			});
		}
	});

	it('gives identity the line y = x and the true derivative sign itself as surrogates', () => {
		const id = estimatorCurve('identity', 5, 9),
			tr = estimatorCurve('true', 5, 9);
		expect(Array.from(id.surrogate)).toEqual(Array.from(id.xs));
		expect(Array.from(tr.surrogate)).toEqual(Array.from(tr.forward));
		expect(tr.backward.every((g) => g === 0)).toBe(true);
	});

	it('reads the peaks and the zero regions of the formulas', () => {
		// 241 points on [-2, 2] put x = 0 and x = +-1 on the grid.
		expect(peakGradient(estimatorCurve('clipped', 5))).toEqual({ x: 0, value: 1 });
		expect(peakGradient(estimatorCurve('approxsign', 5))).toEqual({ x: 0, value: 2 });
		for (const beta of [1, 5, 12]) expect(peakGradient(estimatorCurve('swishsign', beta)).value).toBeCloseTo(beta, 10);
		// Clipped passes on the closed window [-1, 1]: 121 of 241 points; 0 on the other 120.
		expect(zeroShare(estimatorCurve('clipped', 5))).toBeCloseTo(120 / 241, 12);
		// ApproxSign is also 0 at |x| = 1 itself (2 - 2|x|).
		expect(zeroShare(estimatorCurve('approxsign', 5))).toBeCloseTo(122 / 241, 12);
		expect(zeroShare(estimatorCurve('identity', 5))).toBe(0);
		expect(zeroShare(estimatorCurve('true', 5))).toBe(1);
	});
});

describe('runRequest', () => {
	it('puts three networks on one data set and seed, differing only in estimator and optimiser', () => {
		const r = runRequest(choice);
		expect(r.data).toEqual({ kind: 'synthetic', name: DATA.name, noise: DATA.noise, n: DATA.n, seed: 1 });
		expect(r.models.map((m) => m.id)).toEqual([TRUE_ID, STE_ID, BOP_ID]);
		const [t, s, b] = r.models.map((m) => validateTrainConfig(m.config));
		expect(t.model.estimator).toBe('true');
		expect(s.model.estimator).toBe('clipped');
		expect(b.model.estimator).toBe('clipped');
		expect(t.optimizer.type).toBe('adam');
		expect(b.optimizer).toMatchObject({ type: 'bop', gamma: 1e-3, tau: 1e-6 });
		for (const c of [t, s, b]) {
			expect(c.seed).toBe(1);
			expect(c.latentClip).toBe(true);
			const dense = c.model.layers.filter((l) => l.type === 'dense');
			expect(dense.map((l) => l.units)).toEqual(SIZES.slice(1));
			expect(dense.every((l) => l.weights === 'binary')).toBe(true);
			expect(dense.map((l) => l.input)).toEqual(['float', 'sign', 'sign']);
		}
		expect(r.options?.maxSteps).toBe(MAX_STEPS);
	});

	it('passes SwishSign beta, the latent clip and the seed through', () => {
		const r = runRequest({ ...choice, est: 'swishsign', beta: 12, lclip: false, seed: 7 });
		const s = validateTrainConfig(r.models[1].config);
		expect(s.model).toMatchObject({ estimator: 'swishsign', swishBeta: 12 });
		expect(s.latentClip).toBe(false);
		expect(s.seed).toBe(7);
		expect(r.models[1].label).toContain('SwishSign');
	});

	it('builds networks the engine trains: the true derivative never flips a sign, clipped does', () => {
		const r = runRequest(choice);
		const data = makeSynthetic(DATA.name, { n: DATA.n, noise: DATA.noise, seed: 1 });
		const [t, s] = [r.models[0], r.models[1]].map((m) => new Trainer(m.config, data, { histogramBins: 0 }));
		let flipsTrue = 0,
			flipsSte = 0;
		for (let i = 0; i < 40; i++) {
			flipsTrue += t.step().flips;
			flipsSte += s.step().flips;
		}
		expect(flipsTrue).toBe(0);
		expect(flipsSte).toBeGreaterThan(0);
	});
});

describe('readouts', () => {
	it('gradStats: norm, largest, mean and zero share per layer', () => {
		const [a, b] = gradStats([
			{ name: 'd1', grad: Float32Array.of(3, -4, 0, 0) },
			{ name: 'd2', grad: new Float32Array(3) }
		]);
		expect(a).toEqual({ name: 'd1', norm: 5, maxAbs: 4, meanAbs: 7 / 4, zeros: 0.5 });
		expect(b).toEqual({ name: 'd2', norm: 0, maxAbs: 0, meanAbs: 0, zeros: 1 });
	});

	it('recentMean skips non-finite values and is NaN when nothing is left', () => {
		expect(recentMean([1, 2, 3, 4], 2)).toBe(3.5);
		expect(recentMean([1, NaN, 3], 5)).toBe(2);
		expect(recentMean([], 5)).toBeNaN();
	});

	it('smooth is a trailing mean over k points that skips non-finite values', () => {
		expect(Array.from(smooth([2, 4, 6, 8], 2))).toEqual([2, 3, 5, 7]);
		expect(Array.from(smooth([1, NaN, 3, 5], 3))).toEqual([1, 1, 2, 4]);
		expect(Array.from(smooth([NaN], 3))).toEqual([NaN]);
		expect(fixed2(NaN)).toBe('–');
		expect(fixed2(1.234)).toBe('1.23');
	});

	it('niceCeil gives the next 1, 2, 2.5, 5 times a power of ten', () => {
		expect([0, 1, 3, 19, 21, 24, 26, 51, 100, 101].map(niceCeil)).toEqual([1, 1, 5, 20, 25, 25, 50, 100, 100, 200]);
	});

	it('sci prints small gradients in exponent form', () => {
		expect(sci(0)).toBe('0');
		expect(sci(0.0123)).toBe('0.0123');
		expect(sci(1.5e-5)).toBe('1.50e−5');
		expect(sci(NaN)).toBe('–');
	});
});
