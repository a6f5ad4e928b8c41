/**
 * The layers compute with the functions the lessons show in their code cells, not with
 * copies of them: each test below rebuilds a layer's output or gradient from those exported
 * functions (sign and alphaPerRow from quantize.ts, steBackward and the estimators from
 * ste.ts, binaryGemmReference from kernels/binary-gemm.ts, weightBases and the activation
 * bases from multibase.ts, the weight side of layers/weights.ts) and expects the same bits.
 */
import { describe, expect, it } from 'vitest';
import { createRng, dotLoss, randArray, randn, relErr } from '../../../../tests/unit/helpers';
import { packRows } from '../bits';
import type { Conv2dConfig, DenseConfig, InputMode, WeightMode } from '../config';
import { matmulAB, matmulABt, matmulAtB } from '../gemm';
import { binaryGemmReference } from '../kernels/binary-gemm';
import { activationBasesForward, weightBases } from '../multibase';
import { alphaPerRow, sign, signArray } from '../quantize';
import { approxSign, clippedSte, identitySte, steBackward, swishSign, trueGradient, type Estimator } from '../ste';
import { Conv2D } from './conv2d';
import { Dense } from './dense';
import { multibaseLatentGrad, prepareWeights, scaledLatentGrad, scaledWeights, sumBases } from './weights';

const same = (got: Float32Array, want: Float32Array) => expect(Array.from(got)).toEqual(Array.from(want));

function dense(n: number, out: number, cfg: Partial<DenseConfig>, est: Estimator = clippedSte, seed = 1): Dense {
	return new Dense('d', n, { type: 'dense', units: out, ...cfg }, est, createRng(seed));
}

/** Latent weights spread beyond [-1, 1], so the estimators' windows matter. */
function spreadWeights(d: { W: { value: Float32Array }; invalidate(): void }, seed: number): void {
	d.W.value.set(randn(createRng(seed), d.W.value.length, 0.9));
	d.invalidate();
}

describe('Dense computes with the functions the lessons show', () => {
	const n = 45,
		out = 6,
		B = 5;

	it("scaled weights: y = alphaPerRow(W) ⊙ (x · sign(W)^T) + b, and g(W) = alphaPerRow(W) ⊙ sign(W) (/xnor's alpha)", () => {
		const rng = createRng(1);
		const d = dense(n, out, { weights: 'scaled' });
		spreadWeights(d, 2);
		const x = randArray(rng, B * n, -2, 2);
		const y = d.forward(x, B, { training: false });
		const W = d.W.value,
			b = d.b!.value;
		const alpha = alphaPerRow(W, out, n);
		same(d.prepareWeights().rowScales!, alpha);
		same(d.prepareWeights().effective, scaledWeights(alpha, signArray(W), out, n));
		const prod = new Float32Array(B * out);
		matmulABt(x, signArray(W), prod, B, out, n);
		const want = new Float32Array(B * out);
		// Scaled, stored (float32), then the bias added: the layer's two roundings.
		for (let r = 0; r < B; r++) for (let j = 0; j < out; j++) want[r * out + j] = alpha[j] * prod[r * out + j];
		for (let r = 0; r < B; r++) for (let j = 0; j < out; j++) want[r * out + j] += b[j];
		same(y, want);
	});

	it('binary × sign, packed: y = binaryGemmReference(sign x, sign W) (+ alpha per row when scaled) + b', () => {
		const rng = createRng(3);
		for (const weights of ['binary', 'scaled'] as const) {
			const d = dense(n, out, { weights, input: 'sign' });
			spreadWeights(d, 4);
			const x = randArray(rng, B * n, -2, 2);
			const y = d.forward(x, B, { training: false, packed: true });
			const W = d.W.value,
				b = d.b!.value;
			const prod = new Int32Array(B * out);
			binaryGemmReference(packRows(signArray(x), B, n), packRows(signArray(W), out, n), prod, B, out, n);
			const alpha = weights === 'scaled' ? alphaPerRow(W, out, n) : null;
			const want = new Float32Array(B * out);
			for (let r = 0; r < B; r++) for (let j = 0; j < out; j++) want[r * out + j] = alpha ? alpha[j] * prod[r * out + j] : prod[r * out + j];
			for (let r = 0; r < B; r++) for (let j = 0; j < out; j++) want[r * out + j] += b[j];
			same(y, want);
		}
	});

	it('M-base weights and N-base inputs: g(W) = Σ alpha_i B_i from weightBases, f(x) = activationBasesForward(x) (/multibase)', () => {
		const rng = createRng(5);
		const d = dense(n, out, { weights: 'multibase', bases: 3, input: 'multibase', inputBases: 2 });
		spreadWeights(d, 6);
		const x = randArray(rng, B * n, -1.5, 1.5);
		d.forward(x, B, { training: false, packed: false });
		const wb = weightBases(d.W.value, 3);
		const bases = [0, 1, 2].map((i) => wb.bases.subarray(i * out * n, (i + 1) * out * n));
		same(d.prepareWeights().effective, sumBases(bases, Float64Array.from(wb.alphas, Math.fround), out * n));
		// Float weights with N-base inputs multiply f(x) itself.
		const f = dense(n, out, { input: 'multibase', inputBases: 2 });
		const y = f.forward(x, B, { training: false });
		const fx = new Float32Array(B * n);
		activationBasesForward(x, f.v!.value, f.beta!.value, fx);
		const want = new Float32Array(B * out);
		matmulABt(fx, f.W.value, want, B, out, n);
		for (let r = 0; r < B; r++) for (let j = 0; j < out; j++) want[r * out + j] += f.b!.value[j];
		same(y, want);
	});

	for (const est of [clippedSte, approxSign, swishSign(3), identitySte, trueGradient]) {
		it(`${est.name}: dL/dx through sign inputs is steBackward(est, x, dy · g(W)); the latent gradients are weights.ts's, fed by steBackward (/ste)`, () => {
			const rng = createRng(7);
			for (const weights of ['binary', 'scaled', 'multibase'] as const) {
				const d = dense(n, out, { weights, input: 'sign', bases: 3 }, est);
				spreadWeights(d, 8);
				const x = randArray(rng, B * n, -2, 2),
					dy = randn(rng, B * out);
				d.forward(x, B, { training: true, packed: true });
				const dx = Float32Array.from(d.backward(dy, B, true)!);
				const W = d.W.value,
					p = d.prepareWeights();
				// dL/dx
				const dxe = new Float32Array(B * n),
					wantDx = new Float32Array(B * n);
				matmulAB(dy, p.effective, dxe, B, n, out);
				steBackward(est, x, dxe, wantDx);
				same(dx, wantDx);
				// dL/dW from dL/dg(W) = dy^T · sign(x)
				const dwe = new Float32Array(out * n),
					wantGW = new Float32Array(out * n);
				matmulAtB(dy, signArray(x), dwe, out, n, B);
				if (weights === 'binary') steBackward(est, W, dwe, wantGW);
				else if (weights === 'scaled') scaledLatentGrad(est, W, signArray(W), alphaPerRow(W, out, n), dwe, wantGW, out, n);
				else multibaseLatentGrad(est, W, prepareWeights(W, out, n, 'multibase', 3), dwe, wantGW);
				same(d.W.grad, wantGW);
			}
		});
	}

	it('scaled weights: dL/dW = alpha_r ste(W_rc) + sign(W_rc)/n Σ_c dwe_rc sign(W_rc), computed apart in float64', () => {
		const rng = createRng(9);
		const d = dense(n, out, { weights: 'scaled', bias: false }, approxSign);
		spreadWeights(d, 10);
		const x = randArray(rng, B * n),
			dy = randn(rng, B * out);
		d.forward(x, B, { training: true });
		d.backward(dy, B, false);
		const W = d.W.value;
		for (let r = 0; r < out; r++) {
			let a = 0;
			for (let c = 0; c < n; c++) a += Math.abs(W[r * n + c]);
			a /= n;
			const dwe = (c: number) => {
				let s = 0;
				for (let k = 0; k < B; k++) s += dy[k * out + r] * x[k * n + c];
				return s;
			};
			let dot = 0;
			for (let c = 0; c < n; c++) dot += dwe(c) * sign(W[r * n + c]);
			for (let c = 0; c < n; c++) {
				const want = a * approxSign.backward(W[r * n + c], dwe(c)) + (sign(W[r * n + c]) * dot) / n;
				expect(d.W.grad[r * n + c]).toBeCloseTo(want, 4);
			}
		}
	});

	it("scaled weights: the path through alpha is the exact Jacobian (finite differences agree), not XNOR-Net's diagonal term", () => {
		// With the true estimator the path through sign is 0, so dL/dW is only the path through
		// alpha_r = mean |W_r|, which is differentiable where no weight is 0: finite differences
		// of the layer itself must match it. The paper's diagonal term dwe_rc / n alone does not.
		const rng = createRng(11);
		const d = dense(n, out, { weights: 'scaled', bias: false }, trueGradient);
		const W = d.W.value;
		for (let i = 0; i < W.length; i++) W[i] = (rng.int(2) ? 1 : -1) * rng.uniform(0.2, 1);
		d.invalidate();
		const x = randArray(rng, B * n),
			dy = randn(rng, B * out);
		const loss = () => {
			d.invalidate();
			return dotLoss(d.forward(x, B, { training: true }), dy);
		};
		loss();
		d.backward(dy, B, false);
		const gW = Float32Array.from(d.W.grad);
		let worstDiagonal = 0;
		for (const i of [0, 7, 50, 101, 199, 269]) {
			const h = 1e-2,
				w0 = W[i];
			W[i] = w0 + h;
			const up = loss();
			W[i] = w0 - h;
			const down = loss();
			W[i] = w0;
			const fd = (up - down) / (2 * h);
			expect(relErr(fd, gW[i])).toBeLessThan(1e-2);
			// XNOR-Net's eq. keeps only c' = c: dwe_rc / n.
			const r = Math.floor(i / n),
				c = i % n;
			let dwe = 0;
			for (let k = 0; k < B; k++) dwe += dy[k * out + r] * x[k * n + c];
			worstDiagonal = Math.max(worstDiagonal, relErr(fd, dwe / n));
		}
		expect(worstDiagonal).toBeGreaterThan(0.5);
	});
});

describe('Conv2D computes with the functions the lessons show', () => {
	type Shape = [number, number, number];
	const shape: Shape = [6, 5, 3];
	const B = 3;
	function conv(cfg: Partial<Conv2dConfig>, est: Estimator = clippedSte, seed = 1): Conv2D {
		return new Conv2D('c', shape, { type: 'conv2d', filters: 4, kernel: 3, padding: 1, ...cfg }, est, createRng(seed));
	}

	it('scaled weights: alpha per filter is alphaPerRow(W [F, k·k·C]) and g(W) = alpha ⊙ sign(W)', () => {
		const c = conv({ weights: 'scaled' });
		spreadWeights(c, 2);
		const F = c.filters,
			K = c.geometry.k;
		const p = c.prepareWeights();
		const alpha = alphaPerRow(c.W.value, F, K);
		same(p.rowScales!, alpha);
		same(p.bases[0], signArray(c.W.value));
		same(p.effective, scaledWeights(alpha, signArray(c.W.value), F, K));
	});

	for (const est of [clippedSte, approxSign, swishSign(2), trueGradient]) {
		it(`${est.name}: dL/dx through sign inputs is steBackward; the latent gradients are weights.ts's, fed by steBackward`, () => {
			const rng = createRng(3);
			for (const weights of ['binary', 'scaled', 'multibase'] as WeightMode[]) {
				const input: InputMode = 'sign';
				const c = conv({ weights, input, bases: 2 }, est);
				spreadWeights(c, 4);
				const x = randArray(rng, B * c.inSize, -2, 2),
					dy = randn(rng, B * c.outSize);
				c.forward(x, B, { training: true });
				const dx = Float32Array.from(c.backward(dy, B, true)!);
				const W = c.W.value,
					F = c.filters,
					K = c.geometry.k;
				// The same layer with float weights g(W) and the identity estimator: its W.grad is
				// dL/dg(W) and its dL/dx is dL/df(x), computed by the same im2col and GEMMs.
				const twin = conv({ weights: 'float', input }, identitySte);
				twin.W.value.set(c.prepareWeights().effective);
				twin.b!.value.set(c.b!.value);
				twin.invalidate();
				twin.forward(x, B, { training: true });
				const dxe = Float32Array.from(twin.backward(dy, B, true)!);
				const dwe = twin.W.grad;
				const wantDx = new Float32Array(dx.length);
				steBackward(est, x, dxe, wantDx);
				same(dx, wantDx);
				const wantGW = new Float32Array(W.length);
				if (weights === 'binary') steBackward(est, W, dwe, wantGW);
				else if (weights === 'scaled') scaledLatentGrad(est, W, signArray(W), alphaPerRow(W, F, K), dwe, wantGW, F, K);
				else multibaseLatentGrad(est, W, prepareWeights(W, F, K, 'multibase', 2), dwe, wantGW);
				same(c.W.grad, wantGW);
			}
		});
	}
});
