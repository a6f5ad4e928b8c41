import { describe, expect, it } from 'vitest';
import { createRng, mlpConfig, modelMemory, wordsFor } from '$lib/engine';
import {
	FIELDS,
	FRONTIER,
	STEPS,
	activationError,
	activationThresholds,
	applyBases,
	errorAtM,
	fitWeights,
	formatCount,
	frontierRows,
	grid,
	histogramCounts,
	initialSet,
	layerCosts,
	netCost,
	networkSpec,
	runRequest,
	specOf,
	sqnrFromRel,
	symmetricRange,
	unitView,
	weightThresholds
} from './lesson';

/** A layer-like weight matrix: [units, 784] normal values with a per-unit scale. */
function weights(units: number, seed = 3): Float32Array {
	const rng = createRng(seed);
	const W = new Float32Array(units * 784);
	for (let u = 0; u < units; u++) for (let j = 0; j < 784; j++) W[u * 784 + j] = 0.05 * (1 + (u % 3)) * rng.normal();
	return W;
}

describe('weight bases', () => {
	const W = weights(32);

	it('the error falls strictly as M grows from 1 to 8', () => {
		const e = Array.from({ length: 8 }, (_, i) => errorAtM(W, i + 1));
		expect(e).toHaveLength(8);
		for (let i = 1; i < e.length; i++) expect(e[i]).toBeLessThan(e[i - 1]);
		// One sign of a Gaussian keeps sqrt(2/pi) of its energy direction: rel error sqrt(1 - 2/pi) ~ 0.60 for one scale.
		expect(e[0]).toBeGreaterThan(0.55);
		expect(e[0]).toBeLessThan(0.7);
	});

	it('thresholds are mean - u_i std, spanning mean +- std', () => {
		const fit = fitWeights(W, 3);
		const t = weightThresholds(fit);
		expect(t[0]).toBeCloseTo(fit.mean + fit.std, 12);
		expect(t[1]).toBeCloseTo(fit.mean, 12);
		expect(t[2]).toBeCloseTo(fit.mean - fit.std, 12);
		expect(weightThresholds(fitWeights(W, 1))).toEqual([fit.mean]);
	});

	it('a unit view: bases are the fit rows, partial sums end at the approximation, residual adds back', () => {
		const fit = fitWeights(W, 3);
		const v = unitView(W, fit, 5, 784);
		expect(v.bases).toHaveLength(3);
		expect(v.partial).toHaveLength(3);
		for (const b of v.bases) expect(b.every((x) => x === 1 || x === -1)).toBe(true);
		const approx = fit.approx.subarray(5 * 784, 6 * 784);
		for (let j = 0; j < 784; j++) {
			expect(v.partial[2][j]).toBeCloseTo(approx[j], 6);
			expect(v.original[j] - v.residual[j]).toBeCloseTo(v.partial[2][j], 6);
		}
		// Base i is +1 exactly above its threshold.
		const t = weightThresholds(fit);
		for (let j = 0; j < 784; j++) for (let i = 0; i < 3; i++) expect(v.bases[i][j]).toBe(v.original[j] - fit.mean + fit.shifts[i] * fit.std >= 0 ? 1 : -1);
		expect(t).toHaveLength(3);
		expect(v.relError).toBeGreaterThan(0);
		expect(v.maxAbs).toBeGreaterThan(0);
		expect(() => unitView(W, fit, 32, 784)).toThrow(RangeError);
	});

	it('SQNR is -20 log10 of the relative error', () => {
		expect(sqnrFromRel(0.1)).toBeCloseTo(20, 12);
		expect(sqnrFromRel(0)).toBe(Infinity);
	});
});

describe('histograms and ranges', () => {
	it('counts values into bins, ends absorbing the outside', () => {
		const c = histogramCounts([-5, -1, -0.5, 0, 0.49, 0.5, 1, 9, NaN], -1, 1, 4);
		expect(Array.from(c)).toEqual([2, 1, 2, 3]);
	});
	it('a symmetric range holds nearly all values', () => {
		const x = Float32Array.from({ length: 1000 }, (_, i) => (i - 500) / 500);
		const r = symmetricRange(x, 0.01);
		expect(r).toBeGreaterThan(0.97);
		expect(r).toBeLessThanOrEqual(1);
		expect(symmetricRange(new Float32Array(4))).toBe(1);
	});
});

describe('activation bases', () => {
	const rng = createRng(7);
	const x = Float32Array.from({ length: 4000 }, () => rng.normal());

	it('initial thresholds split [-1, 1] evenly; N = 1 is sign', () => {
		expect(activationThresholds(initialSet(1).shifts)).toEqual([0]);
		const t = activationThresholds(initialSet(2).shifts);
		expect(t[0]).toBeCloseTo(-0.5, 6);
		expect(t[1]).toBeCloseTo(0.5, 6);
		const s = applyBases(Float32Array.of(-3, -0.2, 0, 2), initialSet(1));
		expect(Array.from(s)).toEqual([-1, -1, 1, 1]);
	});

	it('more initial bases follow clip(x, -1, 1) more closely and pass more levels', () => {
		let prev = Infinity;
		for (const N of [1, 2, 3, 5, 8]) {
			const e = activationError(x, initialSet(N));
			expect(e.vsClip).toBeLessThan(prev);
			expect(e.levels).toBe(N + 1);
			prev = e.vsClip;
			// Against x itself the clipped tails stay: a floor above zero.
			expect(e.vsInput).toBeGreaterThan(0.2);
		}
	});

	it('the staircase on a grid is monotone and spans [-1, 1] with the initial bases', () => {
		const g = grid(-2, 2, 81);
		expect(g[0]).toBe(-2);
		expect(g[80]).toBe(2);
		const y = applyBases(g, initialSet(4));
		for (let i = 1; i < y.length; i++) expect(y[i]).toBeGreaterThanOrEqual(y[i - 1]);
		expect(y[0]).toBeCloseTo(-1, 6);
		expect(y[80]).toBeCloseTo(1, 6);
	});
});

describe('the price', () => {
	it('bits per weight and packed bytes follow M; binary products follow M x N', () => {
		const c = layerCosts(networkSpec(3, 3));
		expect(c.map((l) => [l.units, l.inputs])).toEqual([
			[32, 784],
			[32, 32],
			[10, 32]
		]);
		// Three packed bases of 32 rows of wordsFor(784) = 25 words, plus 3 alphas.
		expect(c[0].weightBytes).toBe(3 * 32 * wordsFor(784) * 4 + 3 * 4);
		expect(c[0].floatWeightBytes).toBe(32 * 784 * 4);
		expect(c[0].weightBits).toBe(3);
		// The first layer sees float pixels: no binary products, 3 additions per weight.
		expect(c[0].binaryProducts).toBe(0);
		expect(c[0].floatOps).toBe(3 * 32 * 784);
		expect(c[0].bitOps).toBe(3 * 32 * 32 * 784);
		expect(c[1].binaryProducts).toBe(9 * 32 * 32);
		expect(c[2].binaryProducts).toBe(9 * 10 * 32);
		expect(c[1].floatOps).toBe(0);
	});

	it('float layers count 32 x 32 bit operations per multiply and one multiply-add per weight', () => {
		const c = layerCosts(specOf(FRONTIER[0]));
		expect(c.every((l) => l.weightBits === 32 && l.inputBits === 32 && l.binaryProducts === 0)).toBe(true);
		expect(c[0].floatOps).toBe(32 * 784);
		expect(c[0].bitOps).toBe(1024 * 32 * 784);
		expect(c[0].weightBytes).toBe(c[0].floatWeightBytes);
	});

	it('totals agree with the engine and grow with M and N', () => {
		const a = netCost(networkSpec(1, 1)),
			b = netCost(networkSpec(3, 3)),
			f = netCost(specOf(FRONTIER[0]));
		expect(a.packedBytes).toBe(modelMemory(mlpConfig(networkSpec(1, 1))).packedBytes);
		expect(b.packedBytes).toBeGreaterThan(a.packedBytes);
		expect(f.packedBytes).toBeGreaterThan(b.packedBytes);
		expect(b.binaryProducts).toBe(9 * a.binaryProducts);
		expect(f.bitOps).toBeGreaterThan(b.bitOps);
		expect(b.bitOps).toBeGreaterThan(a.bitOps);
	});

	it('counts OPs as FLOPs + BOPs / 64, as Bi-Real Net and ReActNet do', () => {
		// Float 784-32-32-10: every product a FLOP.
		expect(netCost(specOf(FRONTIER[0])).ops).toBe(784 * 32 + 32 * 32 + 32 * 10);
		// (3,3): the first layer adds float pixels times 3 bases (3 per weight); the others are 9 binary products per weight.
		expect(netCost(networkSpec(3, 3)).ops).toBe(3 * 784 * 32 + (9 * (32 * 32 + 32 * 10)) / 64);
	});
});

describe('the frontier', () => {
	it('one run, five networks, the same seed, a fixed step budget', () => {
		const r = runRequest(4, '/data/mnist.bin');
		expect(r.models.map((m) => m.id)).toEqual(['float', 'mb11', 'mb31', 'mb33', 'mb55']);
		expect(r.models.every((m) => m.config.seed === 4)).toBe(true);
		expect(r.options?.maxSteps).toBe(STEPS);
		const d2 = r.models[3].config.model.layers.filter((l) => l.type === 'dense');
		expect(d2.map((l) => (l.type === 'dense' ? [l.weights, l.input, l.bases, l.inputBases] : null))).toEqual([
			['multibase', 'float', 3, undefined],
			['multibase', 'multibase', 3, 3],
			['multibase', 'multibase', 3, 3]
		]);
		expect(r.models[0].config.model.layers.every((l) => l.type !== 'dense' || (l.weights === 'float' && l.input === 'float'))).toBe(true);
	});

	it('rows carry costs always and accuracies once measured', () => {
		const rows = frontierRows([
			{ id: 'float', step: 400, test: { step: 375, accuracy: 0.9 } },
			{ id: 'mb11', step: STEPS, test: { step: STEPS, accuracy: 0.85 } },
			{ id: 'mb33', step: 10, test: null }
		]);
		expect(rows.map((r) => r.id)).toEqual(['float', 'mb11', 'mb31', 'mb33', 'mb55']);
		expect(rows[0].accuracy).toBe(0.9);
		expect(rows[0].done).toBe(false);
		expect(rows[1].done).toBe(true);
		expect(rows[2].accuracy).toBeNull();
		expect(rows[3].accuracy).toBeNull();
		expect(rows.every((r) => r.packedBytes > 0 && r.bitOps > 0)).toBe(true);
	});
});

describe('fields and formatting', () => {
	it('the URL fields', () => {
		expect(FIELDS.map((f) => f.name)).toEqual(['m', 'n', 'unit', 'wnet', 'anet']);
	});
	it('counts in engineering form', () => {
		expect(formatCount(950)).toBe('950');
		expect(formatCount(25088)).toBe('25.1k');
		expect(formatCount(3.2e6)).toBe('3.2M');
	});
});
