import { describe, expect, it } from 'vitest';
import { createRng, dotLoss, finiteDiff, randn, relErr, someIndices } from '../../../../tests/unit/helpers';
import { BatchNormKernel, setNormBackend } from '../wasm/norm-simd';
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

/** The layer's definition as plain float64 loops, each feature summed over rows in order. */
function reference(x: Float32Array, dy: Float32Array, rows: number, f: number, gamma: Float32Array, beta: Float32Array, eps: number) {
	const y = new Float32Array(rows * f),
		dx = new Float32Array(rows * f),
		xhat = new Float32Array(rows * f),
		gg = new Float32Array(f),
		gb = new Float32Array(f);
	for (let j = 0; j < f; j++) {
		let m = 0,
			v = 0;
		for (let r = 0; r < rows; r++) m += x[r * f + j];
		m /= rows;
		for (let r = 0; r < rows; r++) v += (x[r * f + j] - m) * (x[r * f + j] - m);
		const inv = 1 / Math.sqrt(v / rows + eps);
		let sdy = 0,
			sdyx = 0;
		for (let r = 0; r < rows; r++) {
			const h = (x[r * f + j] - m) * inv;
			xhat[r * f + j] = h;
			y[r * f + j] = gamma[j] * h + beta[j];
		}
		for (let r = 0; r < rows; r++) {
			sdy += dy[r * f + j];
			sdyx += dy[r * f + j] * xhat[r * f + j];
		}
		gb[j] = sdy;
		gg[j] = sdyx;
		const k = (gamma[j] * Math.fround(inv)) / rows;
		for (let r = 0; r < rows; r++) dx[r * f + j] = k * (rows * dy[r * f + j] - sdy - xhat[r * f + j] * sdyx);
	}
	return { y, dx, gg, gb };
}

describe('BatchNorm, the JavaScript loops and the WebAssembly passes', () => {
	const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
	for (const backend of ['auto', 'js'] as const)
		it(`equal the definition's plain loops to the bit (${backend}), odd feature counts, -0 and large values included`, () => {
			setNormBackend(backend);
			try {
				expect(BatchNormKernel.create(3) !== null, 'node 20 runs the kernels: auto must use them').toBe(backend === 'auto');
				const rng = createRng(9);
				for (const f of [1, 3, 10, 32, 64])
					for (const positions of [1, 3]) {
						// One layer through growing and shrinking batches; with 3 positions per example
						// (after a conv layer), each channel is normalised over examples x positions rows.
						const bn = new BatchNorm('bn', f * positions, { type: 'batchnorm' }, f);
						for (const examples of [2, 5, 37, 4]) {
							const rows = examples * positions;
							bn.gamma.value.set(randn(rng, f));
							bn.beta.value.set(randn(rng, f));
							const x = randn(rng, rows * f, 3),
								dy = randn(rng, rows * f);
							x[0] = -0;
							x[rows * f - 1] = 3e30;
							dy[1 % dy.length] = -0;
							const want = reference(x, dy, rows, f, bn.gamma.value, bn.beta.value, bn.epsilon);
							const tag = `f=${f} rows=${rows} positions=${positions}`;
							expect(same(bn.forward(x, examples, { training: true }), want.y), `y ${tag}`).toBe(true);
							expect(same(bn.backward(dy, examples, true)!, want.dx), `dx ${tag}`).toBe(true);
							expect(same(bn.gamma.grad, want.gg), `dgamma ${tag}`).toBe(true);
							expect(same(bn.beta.grad, want.gb), `dbeta ${tag}`).toBe(true);
							// Inference with the running statistics, kept for an attack's gradient: dx = gamma dy / sqrt(var + eps).
							const y = bn.forward(x, examples, { training: false, keepForBackward: true });
							const inv = Array.from(bn.runningVar, (v) => 1 / Math.sqrt(v + bn.epsilon));
							const wantY = Float32Array.from(
								x,
								(v, i) => bn.gamma.value[i % f] * ((v - bn.runningMean[i % f]) * inv[i % f]) + bn.beta.value[i % f]
							);
							expect(same(y, wantY), `inference y ${tag}`).toBe(true);
							const wantDx = Float32Array.from(dy, (v, i) => bn.gamma.value[i % f] * Math.fround(inv[i % f]) * v);
							expect(same(bn.backward(dy, examples, true)!, wantDx), `inference dx ${tag}`).toBe(true);
						}
					}
			} finally {
				setNormBackend('auto');
			}
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
