import { describe, expect, it } from 'vitest';
import { ATTACK_BLOCK, AttackEvaluation, accuracyOn, direction, exampleLosses, fgsm, inputGradient, pgd, pixelBudget, signNoise, spsa } from './attack';
import { makeSynthetic } from './data/synthetic';
import { BatchNorm } from './layers/batchnorm';
import { Dense } from './layers/dense';
import { prepareWeights } from './layers/weights';
import { mlpConfig, type MlpSpec } from './mlp';
import { Model } from './model';
import { createRng } from './rng';
import { estimator } from './ste';
import { Trainer } from './train';

const circles = makeSynthetic('circles', { n: 600, noise: 0.1, seed: 3 });
const WIDE = { lo: -3, hi: 3 }; // the circles' coordinates lie in [-1, 1]: a range that never clips

function trained(spec: Partial<MlpSpec>, lr: number, steps: number): Model {
	const t = new Trainer(
		{ model: mlpConfig({ inputSize: 2, classes: 2, hidden: [16, 16], batchnorm: true, ...spec }), optimizer: { type: 'adam', lr }, batchSize: 32, seed: 1 },
		circles
	);
	for (let i = 0; i < steps; i++) t.step();
	return t.model;
}
const testBatch = (n: number) => ({ x: circles.testX.slice(0, 2 * n), y: circles.testY.slice(0, n), n });
const meanLoss = (m: Model, x: Float32Array, y: ArrayLike<number>, n: number) => exampleLosses(m, x, y, n).reduce((a, b) => a + b, 0) / n;

/** grad against central differences of the mean loss (h = 1e-3, float32 forward passes), at every `every`-th input. */
function expectCentralDifferences(model: Model, x: Float32Array, y: ArrayLike<number>, n: number, grad: Float32Array, every: number): void {
	const h = 1e-3;
	for (let i = 0; i < x.length; i += every) {
		const up = x.slice(),
			down = x.slice();
		up[i] += h;
		down[i] -= h;
		const fd = (meanLoss(model, up, y, n) - meanLoss(model, down, y, n)) / (2 * h);
		expect(Math.abs(grad[i] - fd)).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
	}
}

describe('inputGradient', () => {
	it('is the derivative of the mean loss for a float network with batch norm, by central differences', () => {
		const model = trained({}, 1e-2, 60); // running statistics away from their 0 and 1 start
		const { x, y, n } = testBatch(8);
		const { grad, loss } = inputGradient(model, x, y, n);
		expect(loss).toBeCloseTo(meanLoss(model, x, y, n), 5);
		expectCentralDifferences(model, x, y, n, grad, 1);
	});

	it('goes back through conv, pooling and batch norm as they infer, by central differences', () => {
		const model = new Model(
			{
				inputSize: 36,
				inputShape: [6, 6, 1],
				classes: 3,
				layers: [
					{ type: 'conv2d', filters: 3, kernel: 3, padding: 1 },
					{ type: 'maxpool', size: 2 },
					{ type: 'batchnorm' },
					{ type: 'relu' },
					{ type: 'flatten' },
					{ type: 'dense', units: 3 }
				]
			},
			createRng(4)
		);
		const rng = createRng(5),
			n = 4;
		const x = Float32Array.from({ length: 36 * n }, () => rng.uniform(-1, 1));
		const y = [0, 1, 2, 1];
		const { grad } = inputGradient(model, x, y, n);
		expectCentralDifferences(model, x, y, n, grad, 5);
	});

	// A binary network's gradient through its signs is the estimator's: checked against a plain
	// float64 walk through the same layers (sign(W), batch norm's running statistics, the
	// estimator at every sign input), for each estimator.
	for (const est of ['clipped', 'approxsign', 'swishsign', 'identity'] as const)
		it(`follows the ${est} estimator through every sign of a binary network`, () => {
			const model = trained({ weights: ['float', 'binary', 'binary'], input: ['float', 'sign', 'sign'], estimator: est }, 1e-2, 40);
			const { x, y, n } = testBatch(5);
			const got = inputGradient(model, x, y, n).grad;
			const want = referenceInputGradient(model, x, y, n, est);
			expect(want.some((v) => v !== 0)).toBe(true);
			for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
		});

	// XNOR-Net's scaled weights, and ABC-Net's M weight bases with N input bases: the gradient
	// goes through the effective weights and, at each input base, where its clip is linear.
	for (const [what, spec] of [
		['scaled binary weights and sign inputs', { weights: ['float', 'scaled', 'scaled'], input: ['float', 'sign', 'sign'] }],
		[
			'3 weight bases and 3 input bases (ABC-Net)',
			{ weights: ['float', 'multibase', 'multibase'], input: ['float', 'multibase', 'multibase'], bases: 3, inputBases: 3 }
		]
	] as const)
		it(`follows a network with ${what}`, () => {
			const model = trained({ ...spec, weights: [...spec.weights], input: [...spec.input], estimator: 'clipped' }, 1e-2, 40);
			const { x, y, n } = testBatch(5);
			const got = inputGradient(model, x, y, n).grad;
			const want = referenceInputGradient(model, x, y, n, 'clipped');
			expect(want.some((v) => v !== 0)).toBe(true);
			for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
		});

	it('is the derivative of the loss, by central differences, for multi-base weights on float inputs', () => {
		// No sign on the input's path: the approximated weights are constants, the loss smooth in x.
		const model = trained({ weights: 'multibase', bases: 2, input: 'float' }, 1e-2, 40);
		const { x, y, n } = testBatch(8);
		const { grad } = inputGradient(model, x, y, n);
		expectCentralDifferences(model, x, y, n, grad, 1);
	});
});

/**
 * dL/dx by hand for dense layers (float, binary, scaled or M-base weights; float, sign or
 * N-base inputs), batch norm (running statistics) and ReLU. Scaled weights are
 * alpha_r sign(W[r, c]) with alpha_r = mean_c |W[r, c]|; M-base weights are the engine's
 * prepareWeights (their construction is tested in multibase.test.ts); an N-base input is
 * sum_n beta_n A_n(x), passed back as sum_n beta_n 1[-v_n <= x <= 1 - v_n].
 */
function referenceInputGradient(model: Model, x: Float32Array, y: ArrayLike<number>, n: number, est: Parameters<typeof estimator>[0]): number[] {
	const e = estimator(est);
	type Step = { back: (d: number[][]) => number[][] };
	const steps: Step[] = [];
	let h: number[][] = Array.from({ length: n }, (_, b) => Array.from(x.subarray(b * model.inputSize, (b + 1) * model.inputSize)));
	for (const l of model.layers) {
		const hin = h;
		if (l instanceof Dense) {
			const W = l.W.value,
				out = l.outSize,
				inn = l.inSize;
			const alpha = Array.from({ length: out }, (_, r) => W.subarray(r * inn, (r + 1) * inn).reduce((t, v) => t + Math.abs(v), 0) / inn);
			const multi = l.weightMode === 'multibase' ? prepareWeights(W, out, inn, 'multibase', l.M).effective : null;
			const w = (r: number, c: number) => {
				const v = W[r * inn + c];
				if (l.weightMode === 'float') return v;
				if (multi) return multi[r * inn + c];
				return (v >= 0 ? 1 : -1) * (l.weightMode === 'scaled' ? alpha[r] : 1);
			};
			const shifts = l.v?.value ?? new Float32Array(0),
				scales = l.beta?.value ?? new Float32Array(0);
			const bases = (v: number) => Array.from(shifts, (sh, k) => (v >= 0.5 - sh ? 1 : -1) * scales[k]).reduce((t, u) => t + u, 0);
			const passes = (v: number) => Array.from(shifts, (sh, k) => (v >= -sh && v <= 1 - sh ? scales[k] : 0)).reduce((t, u) => t + u, 0);
			const f = hin.map((row) => row.map((v) => (l.inputMode === 'sign' ? (v >= 0 ? 1 : -1) : l.inputMode === 'multibase' ? bases(v) : v)));
			h = f.map((row) => Array.from({ length: out }, (_, r) => row.reduce((s, v, c) => s + v * w(r, c), l.b ? l.b.value[r] : 0)));
			steps.push({
				back: (d) =>
					d.map((dr, b) =>
						Array.from({ length: inn }, (_, c) => {
							const df = dr.reduce((s, v, r) => s + v * w(r, c), 0);
							if (l.inputMode === 'multibase') return df * passes(hin[b][c]);
							return l.inputMode === 'sign' ? e.backward(hin[b][c], df) : df;
						})
					)
			});
		} else if (l instanceof BatchNorm) {
			const g = l.gamma.value,
				beta = l.beta.value;
			const k = Array.from(g, (gj, j) => gj / Math.sqrt(l.runningVar[j] + l.epsilon));
			h = hin.map((row) => row.map((v, j) => k[j] * (v - l.runningMean[j]) + beta[j]));
			steps.push({ back: (d) => d.map((row) => row.map((v, j) => v * k[j])) });
		} else if (l.type === 'relu') {
			h = hin.map((row) => row.map((v) => Math.max(0, v)));
			steps.push({ back: (d) => d.map((row, b) => row.map((v, j) => (hin[b][j] > 0 ? v : 0))) });
		} else throw new Error(`reference: no ${l.type} layer`);
	}
	// Softmax cross-entropy of the batch mean.
	let d = h.map((z, b) => {
		const m = Math.max(...z);
		const ex = z.map((v) => Math.exp(v - m));
		const s = ex.reduce((a, c) => a + c, 0);
		return ex.map((v, c) => (v / s - (c === y[b] ? 1 : 0)) / n);
	});
	for (let i = steps.length - 1; i >= 0; i--) d = steps[i].back(d);
	return d.flat();
}

describe('attacks', () => {
	const model = trained({}, 1e-2, 300);
	const { x, y, n } = testBatch(120);
	const clean = accuracyOn(model, x, y, n);

	it('FGSM stays within ε of every input and inside the pixel range, and raises the loss', () => {
		const adv = fgsm(model, x, y, n, { eps: 0.2, lo: -0.9, hi: 0.9 });
		for (let i = 0; i < adv.length; i++) {
			expect(Math.abs(adv[i] - x[i])).toBeLessThanOrEqual(0.2 + 1e-6);
			expect(adv[i]).toBeGreaterThanOrEqual(-0.9);
			expect(adv[i]).toBeLessThanOrEqual(0.9);
		}
		const wide = fgsm(model, x, y, n, { eps: 0.2, ...WIDE });
		expect(meanLoss(model, wide, y, n)).toBeGreaterThan(meanLoss(model, x, y, n));
		expect(accuracyOn(model, wide, y, n)).toBeLessThan(clean);
		// Where the gradient is 0 nothing moves: ε = 0 returns the input.
		expect(Array.from(fgsm(model, x, y, n, { eps: 0, ...WIDE }))).toEqual(Array.from(x.slice(0, 2 * n)));
	});

	it('PGD finds at least as much as FGSM, random signs much less, and SPSA works from the loss alone', () => {
		const eps = 0.15;
		const accFgsm = accuracyOn(model, fgsm(model, x, y, n, { eps, ...WIDE }), y, n);
		const accPgd = accuracyOn(model, pgd(model, x, y, n, { eps, ...WIDE }, { steps: 20, rng: createRng(1) }), y, n);
		const accNoise = accuracyOn(model, signNoise(x, n, 2, { eps, ...WIDE }, createRng(2)), y, n);
		const accSpsa = accuracyOn(model, spsa(model, x, y, n, { eps, ...WIDE }, { steps: 20, samples: 8, rng: createRng(3) }), y, n);
		// In two dimensions both reach what the budget allows (the points within ε of the
		// boundary: about a third here); PGD's random start may leave one of them either way.
		expect(accPgd).toBeLessThanOrEqual(accFgsm + 2 / n);
		expect(accPgd).toBeLessThan(clean - 0.2);
		expect(accNoise).toBeGreaterThan(accPgd + 0.2);
		expect(accSpsa).toBeLessThan(accNoise);
	});

	it('is deterministic for a seed, and refuses a budget that is not one', () => {
		const a = pgd(model, x, y, n, { eps: 0.1, ...WIDE }, { rng: createRng(5) });
		const b = pgd(model, x, y, n, { eps: 0.1, ...WIDE }, { rng: createRng(5) });
		expect(Array.from(a)).toEqual(Array.from(b));
		expect(() => fgsm(model, x, y, n, { eps: -1 })).toThrow(/eps/);
		expect(() => fgsm(model, x, y, n, { eps: NaN })).toThrow(/eps/);
		expect(() => pgd(model, x, y, n, { eps: 0.1 }, { steps: 0, rng: createRng(1) })).toThrow(/steps/);
		expect([direction(2), direction(-0.5), direction(0), direction(NaN)]).toEqual([1, -1, 0, 0]);
	});

	it('leaves the model as it infers: the clean accuracy is the same after attacking', () => {
		fgsm(model, x, y, n, { eps: 0.3, ...WIDE });
		expect(accuracyOn(model, x, y, n)).toBe(clean);
	});
});

describe('AttackEvaluation', () => {
	const model = trained({}, 1e-2, 200);
	const spec = { attack: 'pgd' as const, eps: [0, 0.1, 0.3], examples: 60, steps: 5, seed: 3 };

	it('gives the clean accuracy at ε = 0 and falls with ε, block by block to the same numbers as at once', () => {
		const ev = new AttackEvaluation(model, null, circles, spec);
		const stepwise: (number[] | null)[] = [];
		for (let r = ev.advance(1); !r; r = ev.advance(1000)) stepwise.push(r);
		expect(stepwise.length + 1).toBe(3 * Math.ceil(60 / ATTACK_BLOCK));
		const acc = ev.accuracy;
		expect(acc[0]).toBeCloseTo(accuracyOn(model, circles.testX, circles.testY.slice(0, 60), 60), 12);
		expect(acc[2]).toBeLessThan(acc[0]);
		expect(new AttackEvaluation(model, null, circles, spec).run()).toEqual(acc);
		// A transfer from the model to itself is its own PGD.
		expect(new AttackEvaluation(model, model, circles, { ...spec, attack: 'transfer' }).run()).toEqual(acc);
	});

	it('reads budgets on the pixel scale: twice as wide on the digits, whose features span [-1, 1]', () => {
		expect(pixelBudget({ imageShape: [28, 28] }, 0.1)).toEqual({ eps: 0.2, lo: -1, hi: 1 });
		expect(pixelBudget({}, 0.1)).toEqual({ eps: 0.1, lo: -Infinity, hi: Infinity });
	});

	it('refuses what it cannot run, naming it', () => {
		expect(() => new AttackEvaluation(model, null, circles, { ...spec, attack: 'transfer' })).toThrow(/crafted on/);
		expect(() => new AttackEvaluation(model, null, circles, { ...spec, eps: [2] })).toThrow(/each from 0 to 1/);
		expect(() => new AttackEvaluation(model, null, circles, { ...spec, eps: [] })).toThrow(/1 to 32 budgets/);
		expect(() => new AttackEvaluation(model, null, circles, { ...spec, attack: 'cw' as 'pgd' })).toThrow(/unknown attack/);
		expect(() => new AttackEvaluation(model, null, circles, { ...spec, examples: 0 })).toThrow(/examples/);
	});
});
