/**
 * Sign flips and Bop through the whole Trainer, on a network small enough to follow by
 * hand: one example x = 1 of class 0, one dense layer of 2 units with binary weights
 * and no bias, so the logits are (sign w0, sign w1) and
 *
 *   dL/dw_o = (p_o - y_o) * x * est'(w_o),  p = softmax(sign w0, sign w1).
 *
 * With signs (-, +): p0 = 1 / (1 + e^2), so the gradient is (-a, +a), a = 1 - p0 = 0.880797.
 * With signs (+, +): p = (1/2, 1/2), gradient (-1/2, +1/2).
 * With signs (+, -): p0 = 1 / (1 + e^-2), gradient (-b, +b), b = 1 - p0 = 0.119203.
 * Plain SGD (momentum 0, lr 0.1) then moves w by -0.1 times the gradient.
 */
import { describe, expect, it } from 'vitest';
import type { TrainConfig } from './config';
import type { Dataset } from './data/dataset';
import type { EstimatorName } from './ste';
import { Trainer } from './train';

const one: Dataset = {
	name: 'one',
	inputSize: 1,
	numClasses: 2,
	trainX: Float32Array.of(1),
	trainY: Uint8Array.of(0),
	testX: Float32Array.of(1),
	testY: Uint8Array.of(0),
	nTrain: 1,
	nTest: 1
};

function trainer(w: [number, number], optimizer: TrainConfig['optimizer'], estimator: EstimatorName = 'clipped', latentClip = true): Trainer {
	const t = new Trainer(
		{
			model: { inputSize: 1, classes: 2, estimator, layers: [{ type: 'dense', units: 2, weights: 'binary', input: 'float', bias: false }] },
			optimizer,
			batchSize: 1,
			seed: 1,
			latentClip
		},
		one,
		{ histogramBins: 4 }
	);
	t.model.dense[0].W.value.set(w);
	t.model.invalidate();
	return t;
}

const sgd = { type: 'sgd', lr: 0.1, momentum: 0 } as const;
const a = 1 - 1 / (1 + Math.exp(2));

describe('sign flips per step (hand-computed)', () => {
	it('counts each crossing of 0 once, at the step it happens', () => {
		// w0 = -0.25 + 0.1 a k crosses 0 at k = 3 (0.01424); w1 = 0.5 - 0.1 a k is still 0.2358.
		// Then signs (+, +): w0 += 0.05, w1 -= 0.05 per step; w1 = 0.2358 - 0.05 j crosses 0 at j = 5,
		// step 8 (-0.0142). Then signs (+, -): both keep moving away from 0, no more flips.
		const t = trainer([-0.25, 0.5], sgd);
		const flips = Array.from({ length: 12 }, () => t.step().flips);
		expect(flips).toEqual([0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
		const w = t.model.dense[0].W.value;
		expect(w[0]).toBeCloseTo(-0.25 + 0.3 * a + 0.25 + 0.4 * (1 - a), 5);
		expect(w[1]).toBeCloseTo(0.5 - 0.3 * a - 0.25 - 0.4 * (1 - a), 5);
	});

	it('the true derivative gives a zero gradient and no flip, ever', () => {
		const t = trainer([-0.25, 0.5], sgd, 'true');
		for (let i = 0; i < 20; i++) {
			const m = t.step();
			expect(m.flips).toBe(0);
			expect(m.layers[0].gradNorm).toBe(0);
		}
		expect(Array.from(t.model.dense[0].W.value)).toEqual([-0.25, 0.5]);
	});

	it('the clipped estimator freezes a latent weight beyond 1 unless latent clipping pulls it back', () => {
		// w0 = -1.5 gets no gradient (|w0| > 1); w1 = 0.5 - 0.1 a k flips at k = 6 (-0.0285).
		const free = trainer([-1.5, 0.5], sgd, 'clipped', false);
		const flips = Array.from({ length: 10 }, () => free.step());
		expect(flips.map((m) => m.flips)).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
		expect(free.model.dense[0].W.value[0]).toBe(-1.5);
		expect(flips.every((m) => m.layers[0].weightClipShare === 0.5)).toBe(true);
		// After the flip, signs (-, -): p = (1/2, 1/2), w1 falls by 0.05 a step, to -0.2285 at step 10,
		// in bin [-0.5, 0). The first bin, [-1, -0.5), also holds w0 although it lies outside [-1, 1].
		expect(free.model.dense[0].W.value[1]).toBeCloseTo(0.5 - 0.6 * a - 0.2, 5);
		expect(Array.from(flips[9].layers[0].histogram!)).toEqual([1, 1, 0, 0]);

		// Clipped after the first update to exactly -1, where the window |x| <= 1 (inclusive) lets it move.
		const clipped = trainer([-1.5, 0.5], sgd, 'clipped', true);
		const first = clipped.step();
		expect(clipped.model.dense[0].W.value[0]).toBe(-1);
		expect(first.layers[0].weightClipShare).toBe(1);
		clipped.step();
		expect(clipped.model.dense[0].W.value[0]).toBeCloseTo(-1 + 0.1 * a, 6);
	});
});

describe('Bop through the trainer (hand-computed)', () => {
	it('with gamma = 1 (m = g) flips exactly the weights with sign(w) m > tau, then stops', () => {
		// Signs (-, +), gradient (-a, +a): sign(w) m = a = 0.88 > 0.5 for both, so both flip at step 1.
		// Then signs (+, -), gradient (-b, +b): sign(w) m = -b < 0, no flip again.
		const t = trainer([-0.25, 0.5], { type: 'bop', lr: 0.01, gamma: 1, tau: 0.5 });
		const steps = Array.from({ length: 6 }, () => t.step());
		expect(steps.map((m) => m.flips)).toEqual([2, 0, 0, 0, 0, 0]);
		// Bop negates a weight; its size never changes.
		expect(Array.from(t.model.dense[0].W.value)).toEqual([0.25, -0.5]);
	});

	it('flips nothing while |m| <= tau', () => {
		const t = trainer([-0.25, 0.5], { type: 'bop', lr: 0.01, gamma: 1, tau: 0.9 }); // a = 0.88 < 0.9
		for (let i = 0; i < 10; i++) expect(t.step().flips).toBe(0);
		expect(Array.from(t.model.dense[0].W.value)).toEqual([-0.25, 0.5]);
	});

	it('accumulates m <- m + gamma (g - m) and flips once the average passes tau', () => {
		// gamma = 1/2 and a constant gradient: |m| = a (1 - 2^-k) = 0.440, 0.661, 0.771 > 0.7 at k = 3.
		const t = trainer([-0.25, 0.5], { type: 'bop', lr: 0.01, gamma: 0.5, tau: 0.7 });
		expect(Array.from({ length: 5 }, () => t.step().flips)).toEqual([0, 0, 2, 0, 0]);
	});

	it('leaves latent weights unclipped (they are signs only)', () => {
		const t = trainer([-1.5, 0.5], { type: 'bop', lr: 0.01, gamma: 1, tau: 0.5 }, 'identity', true);
		const m = t.step();
		// Identity passes the gradient to w0 too: both flip, and -1.5 becomes 1.5, not 1.
		expect(m.flips).toBe(2);
		expect(Array.from(t.model.dense[0].W.value)).toEqual([1.5, -0.5]);
		expect(m.layers[0].weightClipShare).toBe(0.5);
	});
});
