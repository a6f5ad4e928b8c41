import { describe, expect, it } from 'vitest';
import { createRng, dotLoss, finiteDiff, randArray, randn, relErr, someIndices } from '../../../../tests/unit/helpers';
import { ByteReader, ByteWriter } from '../bytes';
import type { Conv2dConfig, InputMode, WeightMode } from '../config';
import { conv2dReference } from '../conv';
import { activationBasesForward } from '../multibase';
import { estimator, type EstimatorName } from '../ste';
import { BatchNorm } from './batchnorm';
import { Conv2D } from './conv2d';
import { MaxPool2D } from './pool';
import { convAsDense, layerStorage } from './storage';
import { setSparseBackward } from '../wasm/sparse-simd';

type Shape = [number, number, number];

function make(shape: Shape, cfg: Partial<Conv2dConfig>, seed = 1, est: EstimatorName = 'clipped') {
	return new Conv2D('c', shape, { type: 'conv2d', filters: 4, kernel: 3, ...cfg }, estimator(est), createRng(seed));
}

const signs = (x: ArrayLike<number>) => Float32Array.from(x, (v) => (v >= 0 ? 1 : -1));

describe('Conv2D, float weights and inputs', () => {
	it('equals the direct reference convolution (NHWC, zero padding) plus the bias', () => {
		const rng = createRng(1);
		for (const [shape, stride, padding] of [
			[[7, 6, 3], 1, 1],
			[[9, 8, 5], 2, 0],
			[[5, 5, 33], 3, 2]
		] as [Shape, number, number][]) {
			const c = make(shape, { stride, padding, filters: 5 });
			const B = 3;
			const x = randn(rng, B * c.inSize);
			const y = c.forward(x, B, { training: false });
			const ref = conv2dReference(x, c.W.value, c.geometry, B, 5, 0);
			for (let i = 0; i < ref.length; i++) expect(y[i]).toBeCloseTo(ref[i] + c.b!.value[i % 5], 4);
		}
	});

	it('has gradients for W, b and x that agree with central finite differences, across chunks of the batch', () => {
		const rng = createRng(2);
		// 12 x 12 outputs: 7 examples per chunk, so a batch of 9 takes two chunks and dW is summed over both.
		const c = make([12, 12, 3], { padding: 1, filters: 3 });
		const B = 9;
		const x = randArray(rng, B * c.inSize);
		const r = randn(rng, B * c.outSize);
		const f = () => dotLoss(c.forward(x, B, { training: true }), r);
		f();
		const dx = Float32Array.from(c.backward(r, B, true)!);
		const gW = Float32Array.from(c.W.grad),
			gb = Float32Array.from(c.b!.grad);
		const iw = someIndices(rng, gW.length, 12),
			ix = [...someIndices(rng, dx.length, 10), 0, dx.length - 1];
		finiteDiff(f, c.W.value, iw).forEach((g, k) => expect(relErr(g, gW[iw[k]])).toBeLessThan(1e-2));
		finiteDiff(f, c.b!.value, [0, 2]).forEach((g, k) => expect(relErr(g, gb[[0, 2][k]])).toBeLessThan(1e-2));
		finiteDiff(f, x, ix).forEach((g, k) => expect(relErr(g, dx[ix[k]])).toBeLessThan(1e-2));
	});

	it('skips dL/dx when the model does not need it (first layer)', () => {
		const c = make([4, 4, 1], {});
		c.forward(new Float32Array(2 * 16), 2, { training: true });
		expect(c.backward(new Float32Array(2 * c.outSize), 2, false)).toBeNull();
	});
});

describe('Conv2D, binary modes', () => {
	const weightModes: WeightMode[] = ['binary', 'scaled', 'multibase'];
	const inputModes: InputMode[] = ['sign', 'multibase'];

	it('the packed XOR-popcount convolution equals the float simulation to the bit, in every binary mode', () => {
		const rng = createRng(3);
		for (const weights of weightModes)
			for (const input of inputModes)
				for (const inputScale of input === 'sign' ? [false, true] : [false])
					for (let t = 0; t < 4; t++) {
						const kernel = 1 + rng.int(4),
							padding = rng.int(kernel),
							stride = 1 + rng.int(2);
						const shape: Shape = [kernel + rng.int(5), kernel + rng.int(5), [1, 5, 31, 32, 33, 45][rng.int(6)]];
						const c = make(
							shape,
							{ weights, input, inputScale, kernel, padding, stride, bases: 2 + rng.int(2), inputBases: 2, filters: 1 + rng.int(6) },
							t
						);
						const B = 1 + rng.int(4);
						const x = randn(rng, B * c.inSize);
						x[0] = 0; // sign(0) = +1 on both paths
						const what = `${weights} x ${input}${inputScale ? ' (K map)' : ''} ${JSON.stringify(c.geometry)}`;
						for (const training of [false, true]) {
							const sim = Float32Array.from(c.forward(x, B, { training, packed: false }));
							const packed = Float32Array.from(c.forward(x, B, { training, packed: true }));
							expect(Array.from(packed), what).toEqual(Array.from(sim));
						}
					}
	});

	it('every mode computes f(x) ⊛ g(W) + b, with f(x) padded by 0, -1 or -Σ beta (brute-force reference)', () => {
		const rng = createRng(13);
		for (const weights of ['float', ...weightModes] as WeightMode[])
			for (const input of ['float', ...inputModes] as InputMode[])
				for (const [M, N] of [
					[1, 1],
					[3, 2]
				]) {
					const c = make([5, 6, 7], { weights, input, bases: M, inputBases: N, padding: 1, stride: 2 }, M + N);
					const B = 2,
						n = B * c.inSize,
						x = randn(rng, n);
					const y = c.forward(x, B, { training: false });
					let fx = x,
						pad = 0;
					if (input === 'sign') {
						fx = signs(x);
						pad = -1;
					}
					if (input === 'multibase') {
						fx = new Float32Array(n);
						activationBasesForward(x, c.v!.value, c.beta!.value, fx);
						pad = -c.beta!.value.reduce((s, b) => s + b, 0);
					}
					const ref = conv2dReference(fx, c.prepareWeights().effective, c.geometry, B, 4, pad);
					const what = `${weights} x ${input}, M=${M} N=${N}`;
					for (let i = 0; i < ref.length; i++) expect(y[i], what).toBeCloseTo(ref[i] + c.b!.value[i % 4], 3);
				}
	});

	it('binary weights with sign inputs compute the integer ±1 convolution, padding with -1', () => {
		const rng = createRng(4);
		const c = make([6, 5, 37], { weights: 'binary', input: 'sign', bias: false, padding: 2, kernel: 5, filters: 3 });
		const x = randn(rng, 2 * c.inSize);
		const y = c.forward(x, 2, { training: false });
		expect(Array.from(y)).toEqual(Array.from(conv2dReference(signs(x), signs(c.W.value), c.geometry, 2, 3, -1)));
	});

	it('scaled weights take alpha = mean |W| per filter (XNOR-Net); with the true estimator dL/dW is exactly the path through alpha', () => {
		const rng = createRng(5);
		const c = make([5, 5, 6], { weights: 'scaled', bias: false, padding: 1 }, 1, 'true');
		const B = 2,
			x = randn(rng, B * c.inSize),
			r = randn(rng, B * c.outSize);
		const y = Float32Array.from(c.forward(x, B, { training: true }));
		const k = c.geometry.k,
			W = c.W.value;
		const eff = Float32Array.from(W, (w, i) => {
			let a = 0;
			const f = Math.floor(i / k);
			for (let j = 0; j < k; j++) a += Math.abs(W[f * k + j]) / k;
			return a * (w >= 0 ? 1 : -1);
		});
		const ref = conv2dReference(x, eff, c.geometry, B, 4, 0);
		for (let i = 0; i < y.length; i++) expect(y[i]).toBeCloseTo(ref[i], 4);
		const f = () => {
			c.invalidate();
			return dotLoss(c.forward(x, B, { training: true }), r);
		};
		f();
		const dx = Float32Array.from(c.backward(r, B, true)!),
			gW = Float32Array.from(c.W.grad);
		// Small steps that flip no sign: the forward is smooth in W through alpha alone.
		const iw = someIndices(rng, W.length, 10).filter((i) => Math.abs(W[i]) > 0.01);
		finiteDiff(f, W, iw, 2e-3).forEach((g, j) => expect(relErr(g, gW[iw[j]])).toBeLessThan(2e-2));
		// Float inputs: dL/dx is the exact derivative.
		const ix = someIndices(rng, x.length, 10);
		finiteDiff(f, x, ix).forEach((g, j) => expect(relErr(g, dx[ix[j]])).toBeLessThan(1e-2));
	});

	it('binary weights pass dL/dg(W) straight through (identity estimator): the float layer with weights sign(W) has the same gradient', () => {
		const rng = createRng(6);
		const shape: Shape = [6, 6, 5];
		const bin = make(shape, { weights: 'binary', stride: 2, padding: 1 }, 3, 'identity');
		const flt = make(shape, { weights: 'float', stride: 2, padding: 1 }, 3);
		flt.W.value.set(signs(bin.W.value));
		flt.invalidate();
		const B = 3,
			x = randn(rng, B * bin.inSize),
			r = randn(rng, B * bin.outSize);
		expect(Array.from(bin.forward(x, B, { training: true }))).toEqual(Array.from(flt.forward(x, B, { training: true })));
		const dxb = Float32Array.from(bin.backward(r, B, true)!),
			dxf = flt.backward(r, B, true)!;
		expect(Array.from(bin.W.grad)).toEqual(Array.from(flt.W.grad));
		expect(Array.from(dxb)).toEqual(Array.from(dxf));
	});

	it('sign inputs: dL/dx is dL/df(x) where |x| <= 1 and 0 outside (clipped STE)', () => {
		const rng = createRng(7);
		const shape: Shape = [5, 6, 4];
		const bin = make(shape, { input: 'sign', padding: 0 }, 4);
		const flt = make(shape, { input: 'float', padding: 0 }, 4);
		const B = 2,
			x = randn(rng, B * bin.inSize, 1.5),
			r = randn(rng, B * bin.outSize);
		bin.forward(x, B, { training: true });
		const dx = bin.backward(r, B, true)!;
		flt.forward(signs(x), B, { training: true });
		const dfx = flt.backward(r, B, true)!;
		for (let i = 0; i < x.length; i++) expect(dx[i]).toBe(Math.abs(x[i]) <= 1 ? dfx[i] : 0);
		expect(Array.from(bin.W.grad)).toEqual(Array.from(flt.W.grad));
	});

	it("XNOR-Net's K map: y = (sign(x) ⊛ g(W)) ⊙ K, and with the true estimator dL/dx is exactly the path through K", () => {
		const rng = createRng(8);
		const c = make([6, 5, 3], { weights: 'binary', input: 'sign', inputScale: true, padding: 1, bias: false }, 2, 'true');
		const B = 2,
			x = randn(rng, B * c.inSize),
			r = randn(rng, B * c.outSize);
		const y = Float32Array.from(c.forward(x, B, { training: true }));
		const g = c.geometry,
			plain = conv2dReference(signs(x), signs(c.W.value), g, B, 4, -1);
		// K by brute force: mean |x| over channels, then over the window (padding counts 0).
		for (let b = 0; b < B; b++)
			for (let oy = 0; oy < g.oh; oy++)
				for (let ox = 0; ox < g.ow; ox++) {
					let s = 0;
					for (let ky = 0; ky < 3; ky++)
						for (let kx = 0; kx < 3; kx++) {
							const iy = oy + ky - 1,
								ix = ox + kx - 1;
							if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
							for (let ch = 0; ch < g.c; ch++) s += Math.abs(x[((b * g.h + iy) * g.w + ix) * g.c + ch]) / g.c;
						}
					const o = ((b * g.oh + oy) * g.ow + ox) * 4;
					for (let f = 0; f < 4; f++) expect(y[o + f]).toBeCloseTo((plain[o + f] * s) / 9, 4);
				}
		const f = () => dotLoss(c.forward(x, B, { training: true }), r);
		f();
		const dx = Float32Array.from(c.backward(r, B, true)!);
		const ix = someIndices(rng, x.length, 14).filter((i) => Math.abs(x[i]) > 0.02);
		finiteDiff(f, x, ix, 1e-2).forEach((gNum, j) => expect(relErr(gNum, dx[ix[j]])).toBeLessThan(1e-2));
	});

	it('multibase inputs: the beta gradient, padding included, agrees with finite differences (the output is linear in beta)', () => {
		const rng = createRng(9);
		for (const weights of ['float', 'binary'] as WeightMode[]) {
			const c = make([5, 4, 3], { input: 'multibase', inputBases: 3, weights, padding: 2, bias: false });
			const B = 2,
				x = randArray(rng, B * c.inSize, -1.5, 1.5),
				r = randn(rng, B * c.outSize);
			const f = () => dotLoss(c.forward(x, B, { training: true }), r);
			f();
			c.backward(r, B, true);
			const gBeta = Float32Array.from(c.beta!.grad);
			finiteDiff(f, c.beta!.value, [0, 1, 2], 0.25).forEach((g, k) => expect(relErr(g, gBeta[k]), weights).toBeLessThan(1e-3));
		}
	});

	it('writes and reads its packed weights: same outputs after a round trip, and the bytes its storage entry promises', () => {
		const rng = createRng(10);
		for (const cfg of [
			{},
			{ weights: 'binary', input: 'sign' },
			{ weights: 'scaled', input: 'sign', inputScale: true },
			{ weights: 'multibase', input: 'multibase', bases: 2, inputBases: 3 }
		] as Partial<Conv2dConfig>[]) {
			const shape: Shape = [5, 5, 33];
			const a = make(shape, { ...cfg, padding: 1 }, 1),
				b = make(shape, { ...cfg, padding: 1 }, 2);
			const w = new ByteWriter();
			a.write(w);
			const bytes = w.finish();
			const full = { type: 'conv2d', filters: 4, kernel: 3, padding: 1, ...cfg } as Conv2dConfig;
			expect(bytes.length).toBe(layerStorage(convAsDense(full), 'c', a.geometry.k).reduce((s, t) => s + t.packedBytes, 0));
			b.read(new ByteReader(bytes));
			const x = randn(rng, 2 * a.inSize);
			expect(Array.from(b.forward(x, 2, { training: false })), JSON.stringify(cfg)).toEqual(Array.from(a.forward(x, 2, { training: false })));
		}
	});
});

describe('MaxPool2D', () => {
	it('takes the maximum of each window per channel and routes the gradient to it', () => {
		const rng = createRng(11);
		const p = new MaxPool2D('p', [5, 6, 3], 2, 2);
		expect([p.geometry.oh, p.geometry.ow, p.outSize]).toEqual([2, 3, 18]);
		const B = 2,
			x = randn(rng, B * p.inSize),
			r = randn(rng, B * p.outSize);
		const y = p.forward(x, B, { training: true });
		for (let b = 0; b < B; b++)
			for (let oy = 0; oy < 2; oy++)
				for (let ox = 0; ox < 3; ox++)
					for (let c = 0; c < 3; c++) {
						let m = -Infinity;
						for (let ky = 0; ky < 2; ky++) for (let kx = 0; kx < 2; kx++) m = Math.max(m, x[((b * 5 + 2 * oy + ky) * 6 + 2 * ox + kx) * 3 + c]);
						expect(y[((b * 2 + oy) * 3 + ox) * 3 + c]).toBe(m);
					}
		const dx = Float32Array.from(p.backward(r, B, true)!);
		const f = () => dotLoss(p.forward(x, B, { training: true }), r);
		const ix = someIndices(rng, x.length, 20);
		finiteDiff(f, x, ix, 1e-4).forEach((g, k) => expect(g).toBeCloseTo(dx[ix[k]], 2));
	});

	it('takes the same maxima four channels at a time (WebAssembly) and one at a time: ties to the first tap, NaN never replacing, infinities kept', () => {
		const rng = createRng(13);
		// C = 3 and 5 take the JavaScript loop: the same answers, infinities and -0 included.
		for (const [h, w, c, k, stride] of [
			[5, 6, 8, 2, 2],
			[7, 7, 4, 3, 2],
			[4, 5, 12, 2, 1],
			[5, 6, 3, 2, 2],
			[7, 7, 5, 3, 2]
		] as const) {
			const p = new MaxPool2D('p', [h, w, c], k, stride);
			const { oh, ow } = p.geometry;
			const B = 2;
			// Coarse values, so windows hold ties; one NaN.
			const x = Float32Array.from(randn(rng, B * p.inSize), (v) => Math.round(v * 2) / 2);
			x[5] = NaN;
			x[9] = Infinity;
			x[14] = -Infinity;
			x[20] = -0;
			const y = p.forward(x, B, { training: true });
			const dy = Float32Array.from({ length: y.length }, (_, i) => i + 1);
			const dx = p.backward(dy, B, true)!;
			const want = new Float32Array(x.length);
			for (let b = 0, o = 0; b < B; b++)
				for (let oy = 0; oy < oh; oy++)
					for (let ox = 0; ox < ow; ox++)
						for (let ch = 0; ch < c; ch++, o++) {
							let best = ((b * h + oy * stride) * w + ox * stride) * c + ch;
							for (let ky = 0; ky < k; ky++)
								for (let kx = 0; kx < k; kx++) {
									const q = ((b * h + oy * stride + ky) * w + ox * stride + kx) * c + ch;
									if (x[q] > x[best]) best = q;
								}
							expect(Object.is(y[o], x[best]), `${h}x${w}x${c} k${k}s${stride} output ${o}`).toBe(true);
							want[best] += dy[o];
						}
			expect(Array.from(dx)).toEqual(Array.from(want));
		}
	});

	it('gives ties to the first input in window order', () => {
		const p = new MaxPool2D('p', [2, 2, 1], 2);
		p.forward(Float32Array.of(1, 3, 3, 3), 1, { training: true });
		expect(Array.from(p.backward(Float32Array.of(1), 1, true)!)).toEqual([0, 1, 0, 0]);
	});
});

describe('BatchNorm after conv layers', () => {
	it('normalises each channel over every example and position, and its gradients agree with finite differences', () => {
		const rng = createRng(12);
		const C = 3,
			HW = 5,
			B = 4;
		const bn = new BatchNorm('bn', HW * C, { type: 'batchnorm' }, C);
		expect(bn.gamma.value.length).toBe(C);
		bn.gamma.value.set([1.5, -0.5, 2]);
		bn.beta.value.set([0.1, 0.2, -0.3]);
		const x = randn(rng, B * HW * C, 2),
			r = randn(rng, B * HW * C);
		const y = bn.forward(x, B, { training: true });
		for (let c = 0; c < C; c++) {
			let m = 0,
				v = 0;
			for (let i = c; i < x.length; i += C) m += y[i] / (B * HW);
			for (let i = c; i < x.length; i += C) v += (y[i] - m) ** 2 / (B * HW);
			expect(m).toBeCloseTo(bn.beta.value[c], 4);
			expect(Math.sqrt(v)).toBeCloseTo(Math.abs(bn.gamma.value[c]), 3);
		}
		const f = () => dotLoss(bn.forward(x, B, { training: true }), r);
		f();
		const dx = Float32Array.from(bn.backward(r, B, true)!);
		const gg = Float32Array.from(bn.gamma.grad);
		const ix = someIndices(rng, x.length, 10);
		finiteDiff(f, x, ix, 1e-3).forEach((g, k) => expect(relErr(g, dx[ix[k]])).toBeLessThan(2e-2));
		finiteDiff(f, bn.gamma.value, [0, 1, 2], 1e-3).forEach((g, k) => expect(relErr(g, gg[k])).toBeLessThan(1e-2));
	});
});

describe('Conv2D backward over the nonzeros of dz (the sparse kernels)', () => {
	it('gives the weights, the inputs, the biases and the input scales the bits of the GEMM path, over several chunks', () => {
		const rng = createRng(21);
		// Windows of 72 and 36 values (the sparse kernels take 32 or more), 14 x 14 maps: 5 examples a chunk.
		const cases: [Partial<Conv2dConfig>, Shape][] = [
			[{ weights: 'binary', input: 'sign', filters: 8, padding: 1 }, [14, 14, 8]],
			[{ weights: 'float', input: 'float', filters: 6, padding: 1 }, [14, 14, 4]],
			[{ weights: 'scaled', input: 'sign', filters: 4, padding: 0 }, [14, 14, 8]],
			[{ weights: 'multibase', input: 'multibase', bases: 2, inputBases: 2, filters: 4, padding: 1 }, [14, 14, 4]]
		];
		for (const [cfg, shape] of cases) {
			const batch = 12;
			const x = randn(rng, batch * shape[0] * shape[1] * shape[2]);
			const sparse = make(shape, cfg, 3),
				dense = make(shape, cfg, 3);
			const y = sparse.forward(x, batch, { training: true });
			dense.forward(x, batch, { training: true });
			// Three quarters of dy zero (some -0), as after 2 x 2 max-pooling.
			const dy = randn(rng, y.length);
			for (let i = 0; i < dy.length; i++) if (rng.uniform(0, 1) < 0.75) dy[i] = i % 3 ? 0 : -0;
			const got = Float32Array.from(sparse.backward(dy, batch, true)!);
			setSparseBackward('off');
			try {
				const want = dense.backward(dy, batch, true)!;
				const same = (a: Float32Array, b: Float32Array) => a.every((v, i) => Object.is(v, b[i]));
				const tag = JSON.stringify(cfg);
				expect(same(got, want), `dx ${tag}`).toBe(true);
				sparse.params.forEach((p, k) => expect(same(p.grad, dense.params[k].grad), `${p.name} ${tag}`).toBe(true));
			} finally {
				setSparseBackward('auto');
			}
		}
	});
});

describe('Conv2D keeping a small batch windows (KEEP_COLS_BYTES)', () => {
	it('gives each example the output and input gradient it gets in a batch too large to keep them', () => {
		const rng = createRng(22);
		const shape: Shape = [28, 28, 1];
		// 9 floats a position: 100 examples keep theirs (2.8 MB, one GEMM), 200 do not (5.6 MB, chunked).
		const small = make(shape, { filters: 4, padding: 1, bias: false }, 5),
			large = make(shape, { filters: 4, padding: 1, bias: false }, 5);
		const x = randn(rng, 200 * 784),
			dy = randn(rng, 200 * 784 * 4);
		const ys = Float32Array.from(small.forward(x, 100, { training: true }));
		const yl = large.forward(x, 200, { training: true });
		expect(ys.every((v, i) => Object.is(v, yl[i]))).toBe(true);
		const dxs = Float32Array.from(small.backward(dy, 100, true)!);
		const dxl = large.backward(dy, 200, true)!;
		expect(dxs.every((v, i) => Object.is(v, dxl[i]))).toBe(true);
	});
});
