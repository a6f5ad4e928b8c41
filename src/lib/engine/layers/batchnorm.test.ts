import { describe, expect, it } from 'vitest';
import { createRng, dotLoss, finiteDiff, randn, relErr, someIndices } from '../../../../tests/unit/helpers';
import { BatchNorm } from './batchnorm';
import { Activation } from './activation';

describe('BatchNorm', () => {
	it('normalises each feature over the batch in training mode', () => {
		const rng = createRng(1);
		const bn = new BatchNorm('bn', 3, { type: 'batchnorm' });
		const x = randn(rng, 50 * 3, 4);
		const y = bn.forward(x, 50, { training: true });
		for (let j = 0; j < 3; j++) {
			let m = 0,
				v = 0;
			for (let r = 0; r < 50; r++) m += y[r * 3 + j] / 50;
			for (let r = 0; r < 50; r++) v += (y[r * 3 + j] - m) ** 2 / 50;
			expect(Math.abs(m)).toBeLessThan(1e-5);
			expect(v).toBeCloseTo(1, 3);
		}
	});

	it('updates running statistics with momentum and uses them in evaluation', () => {
		const bn = new BatchNorm('bn', 1, { type: 'batchnorm', momentum: 0.9, epsilon: 1e-5 });
		bn.forward(Float32Array.of(1, 3), 2, { training: true }); // mean 2, unbiased var 2
		expect(bn.runningMean[0]).toBeCloseTo(0.2, 6);
		expect(bn.runningVar[0]).toBeCloseTo(0.9 + 0.1 * 2, 6);
		const y = bn.forward(Float32Array.of(0.2), 1, { training: false });
		expect(y[0]).toBeCloseTo(0, 6);
	});

	it('has gradients for x, gamma and beta that agree with finite differences', () => {
		const rng = createRng(2);
		const B = 6,
			f = 4;
		const bn = new BatchNorm('bn', f, { type: 'batchnorm' });
		bn.gamma.value.set(randn(rng, f));
		bn.beta.value.set(randn(rng, f));
		const x = randn(rng, B * f, 2);
		const r = randn(rng, B * f);
		const loss = () => dotLoss(bn.forward(x, B, { training: true }), r);
		loss();
		const dx = Float32Array.from(bn.backward(r, B, true)!);
		const gg = Float32Array.from(bn.gamma.grad),
			gb = Float32Array.from(bn.beta.grad);
		const ix = someIndices(rng, B * f, 10);
		finiteDiff(loss, x, ix, 1e-2).forEach((g, k) => expect(relErr(g, dx[ix[k]])).toBeLessThan(3e-2));
		finiteDiff(loss, bn.gamma.value, [0, 1, 2, 3]).forEach((g, k) => expect(relErr(g, gg[k])).toBeLessThan(1e-2));
		finiteDiff(loss, bn.beta.value, [0, 1, 2, 3]).forEach((g, k) => expect(relErr(g, gb[k])).toBeLessThan(1e-2));
	});
});

describe('activations', () => {
	it('ReLU and hardtanh compute their outputs and (inclusive) derivatives', () => {
		const x = Float32Array.of(-2, -1, -0.5, 0, 0.5, 1, 2);
		const relu = new Activation('relu', 'r', 7);
		expect(Array.from(relu.forward(x, 1, { training: true }))).toEqual([0, 0, 0, 0, 0.5, 1, 2]);
		expect(Array.from(relu.backward(new Float32Array(7).fill(1), 1, true)!)).toEqual([0, 0, 0, 0, 1, 1, 1]);
		const ht = new Activation('hardtanh', 'h', 7);
		expect(Array.from(ht.forward(x, 1, { training: true }))).toEqual([-1, -1, -0.5, 0, 0.5, 1, 1]);
		expect(Array.from(ht.backward(new Float32Array(7).fill(1), 1, true)!)).toEqual([0, 1, 1, 1, 1, 1, 0]);
	});
});
