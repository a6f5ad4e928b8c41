import { describe, expect, it } from 'vitest';
import { Trainer } from './train';
import { mlpConfig } from './mlp';
import { makeSynthetic } from './data/synthetic';
import type { Dataset } from './data/dataset';
import type { TrainConfig } from './config';
import type { EstimatorName } from './ste';

const circles = makeSynthetic('circles', { n: 600, noise: 0.1, seed: 3 });

function binaryConfig(estimator: EstimatorName = 'clipped', seed = 1): TrainConfig {
	return {
		model: mlpConfig({ inputSize: 2, classes: 2, hidden: [32, 32], input: 'sign', batchnorm: true, estimator }),
		optimizer: { type: 'adam', lr: 0.01 },
		batchSize: 32,
		seed
	};
}

function run(cfg: TrainConfig, data: Dataset, steps: number) {
	const t = new Trainer(cfg, data);
	const out = [];
	for (let i = 0; i < steps; i++) out.push(t.step());
	return { t, out };
}

describe('Trainer', () => {
	it('gives bit-identical metrics for the same config and seed, and different ones for another seed', () => {
		const a = run(binaryConfig(), circles, 30).out;
		const b = run(binaryConfig(), circles, 30).out;
		expect(b).toEqual(a);
		const c = run(binaryConfig('clipped', 2), circles, 30).out;
		expect(c.map((m) => m.loss)).not.toEqual(a.map((m) => m.loss));
	});

	it('reports loss, accuracy, per-layer gradient norms, flips and histograms per step', () => {
		const { t, out } = run(binaryConfig(), circles, 5);
		const m = out[4];
		expect(m.step).toBe(5);
		expect(m.layers.map((l) => l.name)).toEqual(['dense1', 'dense2', 'dense3']);
		expect(m.layers.every((l) => l.gradNorm > 0)).toBe(true);
		expect(m.layers[0].latent).toBe(false);
		const h = m.layers[1].histogram!;
		expect(h.reduce((s, v) => s + v, 0)).toBe(32 * 32);
		expect(m.accuracy).toBeGreaterThanOrEqual(0);
		expect(m.accuracy).toBeLessThanOrEqual(1);
		expect(t.stepsPerEpoch).toBe(Math.ceil(480 / 32));
	});

	it('counts exactly the binary weights whose sign changed in the update', () => {
		const cfg = { ...binaryConfig(), model: mlpConfig({ inputSize: 2, classes: 2, hidden: [16], weights: 'binary', input: 'sign', batchnorm: true }) };
		const t = new Trainer(cfg, circles);
		let total = 0;
		for (let i = 0; i < 20; i++) {
			const before = t.model.dense.map((d) => Array.from(d.W.value, (w) => w >= 0));
			const m = t.step();
			const after = t.model.dense.map((d) => Array.from(d.W.value, (w) => w >= 0));
			const actual = before.map((b, k) => b.filter((s, i) => s !== after[k][i]).length);
			expect(m.layers.map((l) => l.flips)).toEqual(actual);
			total += m.flips;
		}
		expect(total).toBeGreaterThan(0);
	});

	it('learns circles with sign-binarized hidden layers, and not with the true derivative of sign', () => {
		const learn = run(binaryConfig('clipped'), circles, 300).t.evaluate('test');
		expect(learn.accuracy).toBeGreaterThan(0.9);
		const stalled = run(
			{
				...binaryConfig('true'),
				model: mlpConfig({ inputSize: 2, classes: 2, hidden: [32, 32], weights: 'binary', input: 'sign', batchnorm: true, estimator: 'true' })
			},
			circles,
			300
		);
		// Only batch-norm scales can move: the binary weights never get a gradient.
		expect(stalled.out.every((m) => m.flips === 0)).toBe(true);
		expect(stalled.t.evaluate('test').accuracy).toBeLessThan(learn.accuracy);
	});

	it('evaluates with a confusion matrix whose diagonal is the correct count', () => {
		const { t } = run(binaryConfig(), circles, 50);
		const e = t.evaluate('test');
		const diag = e.confusion[0] + e.confusion[3];
		expect(e.n).toBe(120);
		expect(e.confusion.reduce((s, v) => s + v, 0)).toBe(120);
		expect(diag / e.n).toBeCloseTo(e.accuracy, 10);
	});

	it('flags divergence when the loss stops being finite', () => {
		const bad: Dataset = { ...circles, trainX: circles.trainX.slice() };
		bad.trainX.fill(NaN);
		const { out } = run({ ...binaryConfig(), model: mlpConfig({ inputSize: 2, classes: 2, hidden: [4] }) }, bad, 1);
		expect(out[0].diverged).toBe(true);
	});

	it('folds a last batch of one example into the batch before it, so batch norm always sees two or more', () => {
		const data = makeSynthetic('moons', { n: 21, testFraction: 0.2, seed: 1 }); // 17 train examples
		const t = new Trainer({ ...binaryConfig(), batchSize: 8 }, data);
		expect(t.stepsPerEpoch).toBe(2);
		const sizes = Array.from({ length: 4 }, () => t.step().examples);
		expect(sizes).toEqual([8, 9, 8, 9]);
		expect(t.epochs).toBe(2);
		expect(() => new Trainer({ ...binaryConfig(), batchSize: 1 }, data)).toThrow(/at least 2 examples/);
	});

	it('rejects a model that does not fit the data', () => {
		const cfg = { ...binaryConfig(), model: mlpConfig({ inputSize: 3, classes: 2, hidden: [4] }) };
		expect(() => new Trainer(cfg, circles)).toThrow(/expects 3 inputs/);
	});
});
