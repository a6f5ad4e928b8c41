import { describe, expect, it } from 'vitest';
import { createRng, dotLoss, finiteDiff, randArray, randn, relErr, someIndices } from '../../../../tests/unit/helpers';
import type { DenseConfig, InputMode, WeightMode } from '../config';
import { estimator } from '../ste';
import { weightBases } from '../multibase';
import { Dense } from './dense';
import { layerStorage } from './storage';
import type { StoredTensor } from './types';
import { ByteWriter } from '../bytes';

const clipped = estimator('clipped');

function make(inSize: number, cfg: Partial<DenseConfig>, seed = 1) {
	return new Dense('d', inSize, { type: 'dense', units: 5, ...cfg }, clipped, createRng(seed));
}

describe('Dense, float weights and inputs', () => {
	it('computes x W^T + b', () => {
		const rng = createRng(2);
		const d = make(7, {});
		const x = randArray(rng, 3 * 7);
		const y = d.forward(x, 3, { training: true });
		for (let r = 0; r < 3; r++)
			for (let j = 0; j < 5; j++) {
				let s = d.b!.value[j];
				for (let c = 0; c < 7; c++) s += x[r * 7 + c] * d.W.value[j * 7 + c];
				expect(y[r * 5 + j]).toBeCloseTo(s, 5);
			}
	});

	it('has gradients for W, b and x that agree with central finite differences', () => {
		const rng = createRng(3);
		const B = 4,
			n = 37;
		const d = make(n, {});
		const x = randArray(rng, B * n);
		const r = randn(rng, B * 5);
		const f = () => dotLoss(d.forward(x, B, { training: true }), r);
		f();
		const dx = Float32Array.from(d.backward(r, B, true)!);
		const gW = Float32Array.from(d.W.grad),
			gb = Float32Array.from(d.b!.grad);
		const iw = someIndices(rng, gW.length, 12),
			ix = someIndices(rng, dx.length, 12);
		finiteDiff(f, d.W.value, iw).forEach((g, k) => expect(relErr(g, gW[iw[k]])).toBeLessThan(1e-2));
		finiteDiff(f, d.b!.value, [0, 4]).forEach((g, k) => expect(relErr(g, gb[[0, 4][k]])).toBeLessThan(1e-2));
		finiteDiff(f, x, ix).forEach((g, k) => expect(relErr(g, dx[ix[k]])).toBeLessThan(1e-2));
	});

	it('skips dL/dx when the model does not need it (first layer)', () => {
		const d = make(3, {});
		d.forward(new Float32Array(6), 2, { training: true });
		expect(d.backward(new Float32Array(10), 2, false)).toBeNull();
	});
});

describe('Dense, binary modes', () => {
	const weightModes: WeightMode[] = ['binary', 'scaled', 'multibase'];
	const inputModes: InputMode[] = ['sign', 'multibase'];

	it('packed XOR-popcount inference equals the float simulation to the bit, in every binary mode', () => {
		const rng = createRng(4);
		for (const weights of weightModes)
			for (const input of inputModes)
				for (const n of [1, 31, 32, 33, 70, 129]) {
					const d = make(n, { weights, input, bases: 3, inputBases: 2 }, n);
					const B = 1 + rng.int(9);
					const x = randn(rng, B * n);
					x[0] = 0; // sign(0) = +1 on both paths
					const sim = Float32Array.from(d.forward(x, B, { training: false, packed: false }));
					const packed = Float32Array.from(d.forward(x, B, { training: false, packed: true }));
					expect(Array.from(packed), `${weights} x ${input}, n=${n}`).toEqual(Array.from(sim));
				}
	});

	it('binary weights with sign inputs compute the integer ±1 dot product', () => {
		const rng = createRng(5);
		const n = 45,
			B = 3;
		const d = make(n, { weights: 'binary', input: 'sign', bias: false });
		const x = randn(rng, B * n);
		const y = d.forward(x, B, { training: false });
		for (let r = 0; r < B; r++)
			for (let j = 0; j < 5; j++) {
				let s = 0;
				for (let c = 0; c < n; c++) s += (x[r * n + c] >= 0 ? 1 : -1) * (d.W.value[j * n + c] >= 0 ? 1 : -1);
				expect(y[r * 5 + j]).toBe(s);
			}
	});

	it('scaled weights use alpha = mean |W_row| (XNOR-Net)', () => {
		const rng = createRng(6);
		const n = 20;
		const d = make(n, { weights: 'scaled', bias: false });
		const x = randn(rng, n);
		const y = d.forward(x, 1, { training: true });
		for (let j = 0; j < 5; j++) {
			let a = 0,
				s = 0;
			for (let c = 0; c < n; c++) a += Math.abs(d.W.value[j * n + c]) / n;
			for (let c = 0; c < n; c++) s += x[c] * (d.W.value[j * n + c] >= 0 ? 1 : -1);
			expect(y[j]).toBeCloseTo(a * s, 5);
		}
	});

	it('binary weights pass the gradient straight through, zero outside |w| <= 1 (clipped STE)', () => {
		const rng = createRng(7);
		const n = 6,
			B = 2;
		const d = make(n, { weights: 'binary', bias: false });
		d.W.value.set([0.5, -0.2, 1, -1, 1.5, -3]); // row 0 covers inside, the inclusive edge, and outside
		const x = randn(rng, B * n);
		const dy = randn(rng, B * 5);
		d.forward(x, B, { training: true });
		d.backward(dy, B, true);
		for (let c = 0; c < n; c++) {
			const dwe = dy[0] * x[c] + dy[5] * x[n + c];
			const pass = Math.abs(d.W.value[c]) <= 1 ? 1 : 0;
			expect(d.W.grad[c]).toBeCloseTo(dwe * pass, 5);
		}
	});

	it('scaled weights: the gradient through alpha agrees with finite differences (no sign crosses)', () => {
		const rng = createRng(8);
		const n = 9,
			B = 3;
		const d = make(n, { weights: 'scaled', bias: false, units: 5 });
		const x = randn(rng, B * n);
		const r = randn(rng, B * 5);
		const f = () => {
			d.invalidate();
			return dotLoss(d.forward(x, B, { training: true }), r);
		};
		f();
		d.backward(r, B, false);
		const g = Float32Array.from(d.W.grad);
		// Subtract the straight-through part alpha_r dL/dg(W); what is left flows through alpha alone,
		// which is exactly what a small perturbation (one that keeps every sign) measures.
		const idx = [0, 3, 10, 22, 44].filter((i) => Math.abs(d.W.value[i]) > 0.02);
		const num = finiteDiff(f, d.W.value, idx, 1e-3);
		idx.forEach((i, k) => {
			const row = Math.floor(i / n),
				c = i % n;
			let alpha = 0;
			for (let t = 0; t < n; t++) alpha += Math.abs(d.W.value[row * n + t]) / n;
			let dwe = 0;
			for (let b = 0; b < B; b++) dwe += r[b * 5 + row] * x[b * n + c];
			const viaAlpha = g[i] - alpha * dwe;
			expect(relErr(viaAlpha, num[k])).toBeLessThan(2e-2);
		});
	});

	it('multibase inputs: the beta gradient agrees with finite differences (the output is linear in beta)', () => {
		const rng = createRng(9);
		const n = 11,
			B = 4;
		const d = make(n, { input: 'multibase', inputBases: 3, bias: false });
		const x = randArray(rng, B * n, -1.5, 1.5);
		const r = randn(rng, B * 5);
		const f = () => dotLoss(d.forward(x, B, { training: true }), r);
		f();
		d.backward(r, B, true);
		const gBeta = Float32Array.from(d.beta!.grad);
		// The output is linear in beta: finite differences are exact up to rounding.
		finiteDiff(f, d.beta!.value, [0, 1, 2]).forEach((g, k) => expect(relErr(g, gBeta[k])).toBeLessThan(1e-3));
	});

	it('multibase inputs: dL/dv and dL/dx follow the straight-through rule (slope 1 inside 0 <= x + v_n <= 1)', () => {
		const rng = createRng(11);
		const n = 7,
			B = 3,
			N = 3;
		const d = make(n, { input: 'multibase', inputBases: N, bias: false });
		const x = randArray(rng, B * n, -1.5, 1.5);
		const dy = randn(rng, B * 5);
		d.forward(x, B, { training: true });
		const dx = d.backward(dy, B, true)!;
		const v = d.v!.value,
			beta = d.beta!.value,
			W = d.W.value;
		const dxe = new Float64Array(B * n); // dy · W
		for (let r = 0; r < B; r++) for (let c = 0; c < n; c++) for (let j = 0; j < 5; j++) dxe[r * n + c] += dy[r * 5 + j] * W[j * n + c];
		const inside = (i: number, k: number) => x[i] + v[k] >= 0 && x[i] + v[k] <= 1;
		for (let i = 0; i < B * n; i++) {
			let g = 0;
			for (let k = 0; k < N; k++) if (inside(i, k)) g += beta[k] * dxe[i];
			expect(dx[i]).toBeCloseTo(g, 4);
		}
		for (let k = 0; k < N; k++) {
			let g = 0;
			for (let i = 0; i < B * n; i++) if (inside(i, k)) g += beta[k] * dxe[i];
			expect(d.v!.grad[k]).toBeCloseTo(g, 4);
		}
	});

	it('multibase weights: dL/dW = Σ_i alpha_i ste(W - mean + u_i std) dL/dg(W)', () => {
		const rng = createRng(12);
		const n = 9,
			B = 2;
		const d = new Dense('d', n, { type: 'dense', units: 4, weights: 'multibase', bases: 3, bias: false }, estimator('approxsign'), rng);
		d.W.value.set(randn(rng, 4 * n, 0.8));
		d.invalidate();
		const x = randn(rng, B * n),
			dy = randn(rng, B * 4);
		d.forward(x, B, { training: true });
		d.backward(dy, B, false);
		const W = d.W.value,
			len = W.length;
		const mean = W.reduce((s, w) => s + w, 0) / len;
		const std = Math.sqrt(W.reduce((s, w) => s + (w - mean) ** 2, 0) / len);
		const wb = weightBases(W, 3);
		const est = estimator('approxsign');
		for (let r = 0; r < 4; r++)
			for (let c = 0; c < n; c++) {
				let dwe = 0;
				for (let b = 0; b < B; b++) dwe += dy[b * 4 + r] * x[b * n + c];
				let g = 0;
				[-1, 0, 1].forEach((u, k) => (g += Math.fround(wb.alphas[k]) * est.backward(W[r * n + c] - mean + u * std, 1)));
				expect(d.W.grad[r * n + c]).toBeCloseTo(g * dwe, 3);
			}
	});

	it("with the 'true' estimator no gradient reaches binary weights or binarized inputs", () => {
		const rng = createRng(10);
		const d = new Dense('d', 8, { type: 'dense', units: 3, weights: 'binary', input: 'sign' }, estimator('true'), rng);
		d.forward(randn(rng, 16), 2, { training: true });
		const dx = d.backward(randn(rng, 6), 2, true)!;
		expect(Array.from(d.W.grad).every((g) => g === 0)).toBe(true);
		expect(Array.from(dx).every((g) => g === 0)).toBe(true);
		expect(Array.from(d.b!.grad).some((g) => g !== 0)).toBe(true);
	});
});

describe('Dense against a plain reference, every weight x input mode', () => {
	const weightModes: WeightMode[] = ['float', 'binary', 'scaled', 'multibase'];
	const inputModes: InputMode[] = ['float', 'sign', 'multibase'];

	/**
	 * y_br = Σ_i Σ_n c_i β_n Σ_c B_i[r, c] A_n[b, c], computed here from the definitions in
	 * float64 and independently of the layer: g(W) is W, sign(W), α_r sign(W) with
	 * α_r = mean_c |W_rc|, or Σ_i α_i B_i (ABC-Net's bases); f(x) is x, sign(x) or
	 * Σ_n β_n A_n(x) with A_n(x) = sign(x + v_n - 0.5).
	 */
	function reference(d: Dense, x: Float32Array, B: number): Float64Array {
		const n = d.inSize,
			out = d.outSize,
			W = d.W.value;
		const sgn = (v: number) => (v >= 0 ? 1 : -1);
		// Weight side: a list of (scale per row, ±1 or real matrix).
		const wTerms: { scale: (r: number) => number; M: (r: number, c: number) => number }[] = [];
		if (d.weightMode === 'float') wTerms.push({ scale: () => 1, M: (r, c) => W[r * n + c] });
		else if (d.weightMode === 'binary') wTerms.push({ scale: () => 1, M: (r, c) => sgn(W[r * n + c]) });
		else if (d.weightMode === 'scaled') {
			const alpha = (r: number) => {
				let a = 0;
				for (let c = 0; c < n; c++) a += Math.abs(W[r * n + c]);
				return a / n;
			};
			wTerms.push({ scale: alpha, M: (r, c) => sgn(W[r * n + c]) });
		} else {
			const wb = weightBases(W, d.M);
			for (let i = 0; i < d.M; i++) wTerms.push({ scale: () => Math.fround(wb.alphas[i]), M: (r, c) => wb.bases[i * W.length + r * n + c] });
		}
		// Input side: a list of (β_n, A_n).
		const xTerms: { beta: number; A: (b: number, c: number) => number }[] = [];
		if (d.inputMode === 'float') xTerms.push({ beta: 1, A: (b, c) => x[b * n + c] });
		else if (d.inputMode === 'sign') xTerms.push({ beta: 1, A: (b, c) => sgn(x[b * n + c]) });
		else
			for (let k = 0; k < d.N; k++) {
				const v = d.v!.value[k];
				xTerms.push({ beta: d.beta!.value[k], A: (b, c) => (x[b * n + c] >= 0.5 - v ? 1 : -1) });
			}
		const y = new Float64Array(B * out);
		for (let b = 0; b < B; b++)
			for (let r = 0; r < out; r++) {
				let s = d.b ? d.b.value[r] : 0;
				for (const w of wTerms)
					for (const t of xTerms) {
						let dot = 0;
						for (let c = 0; c < n; c++) dot += w.M(r, c) * t.A(b, c);
						s += t.beta * w.scale(r) * dot;
					}
				y[b * out + r] = s;
			}
		return y;
	}

	it('forward equals Σ_n β_n α_r (B · A_n), packed and float paths, for β far from 1', () => {
		const rng = createRng(21);
		for (const weights of weightModes)
			for (const input of inputModes)
				for (const n of [13, 70]) {
					const d = make(n, { weights, input, bases: 2, inputBases: 2 }, n + 1);
					if (d.beta) d.beta.value.set([0.6, 0.05]);
					const B = 3;
					const x = randArray(rng, B * n, -1.2, 1.6);
					const ref = reference(d, x, B);
					for (const packed of [true, false]) {
						const y = d.forward(x, B, { training: false, packed });
						for (let i = 0; i < ref.length; i++) {
							const tol = 1e-5 * (1 + Math.abs(ref[i]));
							expect(Math.abs(y[i] - ref[i]), `${weights} x ${input}, n=${n}, packed=${packed}, y[${i}] = ${y[i]} vs ${ref[i]}`).toBeLessThan(
								tol
							);
						}
					}
				}
	});
});

describe('Dense in training: packed products, synced signs, gradients', () => {
	it('the training forward pass runs on packed words and equals the float simulation to the bit, also after syncs', () => {
		const rng = createRng(31);
		for (const weights of ['binary', 'scaled', 'multibase'] as WeightMode[])
			for (const input of ['sign', 'multibase'] as InputMode[])
				for (const n of [33, 70]) {
					const d = make(n, { weights, input, bases: 2, inputBases: 2, units: 7 }, n);
					const twin = make(n, { weights, input, bases: 2, inputBases: 2, units: 7 }, n);
					for (let step = 0; step < 4; step++) {
						const B = 2 + rng.int(5);
						const x = randn(rng, B * n);
						const packed = Float32Array.from(d.forward(x, B, { training: true }));
						twin.W.value.set(d.W.value);
						twin.invalidate();
						const sim = twin.forward(x, B, { training: true, packed: false });
						expect(Array.from(packed), `${weights} x ${input}, n=${n}, step ${step}`).toEqual(Array.from(sim));
						// The synced ±1 floats feed dL/dx: the same bits as a layer rebuilt from scratch.
						const dy = randn(rng, B * 7);
						const dx = Float32Array.from(d.backward(dy, B, true)!);
						expect(Array.from(dx), `dx, ${weights} x ${input}, n=${n}, step ${step}`).toEqual(Array.from(twin.backward(dy, B, true)!));
						expect(Array.from(d.W.grad)).toEqual(Array.from(twin.W.grad));
						// An optimiser-like move: a few weights cross zero, some leave [-1, 1].
						const W = d.W.value,
							before = W.map((w) => (w >= 0 ? 1 : 0));
						for (let i = 0; i < W.length; i += 3) W[i] = rng.uniform(-1.3, 1.3);
						const { flips, inside } = d.syncLatent();
						expect(flips).toBe(W.reduce((f, w, i) => f + ((w >= 0 ? 1 : 0) !== before[i] ? 1 : 0), 0));
						expect(inside).toBe(W.filter((w) => Math.abs(w) <= 1).length);
					}
				}
	});

	it('gradients equal a plain reference within float32 rounding: binary weights, sign and float inputs, every estimator', () => {
		const rng = createRng(32);
		for (const name of ['clipped', 'identity', 'approxsign', 'swishsign'] as const)
			for (const input of ['sign', 'float'] as InputMode[])
				for (const spread of [0.9, 1.5]) {
					// spread 0.9: every latent weight inside [-1, 1] (the clipped estimator's mask is skipped);
					// 1.5: some outside, where it is applied.
					const n = 45,
						out = 6,
						B = 5;
					const est = estimator(name);
					const d = new Dense('d', n, { type: 'dense', units: out, weights: 'binary', input, bias: false }, est, rng);
					d.W.value.set(randArray(rng, out * n, -spread, spread));
					d.invalidate();
					const x = randArray(rng, B * n, -1.6, 1.6),
						dy = randn(rng, B * out);
					d.forward(x, B, { training: true });
					const dx = d.backward(dy, B, true)!;
					const W = d.W.value;
					const sgn = (v: number) => (v >= 0 ? 1 : -1);
					const f = (i: number) => (input === 'sign' ? sgn(x[i]) : x[i]);
					const what = `${name}, ${input} input, spread ${spread}`;
					for (let r = 0; r < out; r++)
						for (let c = 0; c < n; c++) {
							let g = 0,
								mag = 0;
							for (let b = 0; b < B; b++) {
								g += dy[b * out + r] * f(b * n + c);
								mag += Math.abs(dy[b * out + r] * f(b * n + c));
							}
							const ref = est.backward(W[r * n + c], g);
							expect(Math.abs(d.W.grad[r * n + c] - ref), `${what}: dW[${r},${c}]`).toBeLessThanOrEqual(2e-7 * mag * 4 + 1e-30);
						}
					for (let b = 0; b < B; b++)
						for (let c = 0; c < n; c++) {
							let g = 0,
								mag = 0;
							for (let r = 0; r < out; r++) {
								g += dy[b * out + r] * sgn(W[r * n + c]);
								mag += Math.abs(dy[b * out + r]);
							}
							const ref = input === 'sign' ? est.backward(x[b * n + c], g) : g;
							expect(Math.abs(dx[b * n + c] - ref), `${what}: dx[${b},${c}]`).toBeLessThanOrEqual(2e-7 * mag * 4 + 1e-30);
						}
				}
	});
});

describe('layer storage', () => {
	const sum = (t: StoredTensor[], k: 'packedBytes' | 'floatBytes') => t.reduce((s, x) => s + x[k], 0);
	const dense = (inSize: number, cfg: Partial<DenseConfig>) => layerStorage({ type: 'dense', units: 5, ...cfg }, 'd', inSize);

	it('packs binary rows to whole 32-bit words and keeps float parameters as float32', () => {
		expect(sum(dense(70, { weights: 'float' }), 'packedBytes')).toBe((5 * 70 + 5) * 4);
		const b = dense(70, { weights: 'binary' });
		expect(sum(b, 'packedBytes')).toBe(5 * 3 * 4 + 5 * 4);
		expect(sum(b, 'floatBytes')).toBe((5 * 70 + 5) * 4);
		expect(sum(dense(64, { weights: 'multibase', bases: 3, bias: false }), 'packedBytes')).toBe(3 * 5 * 2 * 4 + 3 * 4);
		expect(sum(dense(64, { weights: 'scaled', input: 'multibase', inputBases: 2, bias: false }), 'packedBytes')).toBe(5 * 2 * 4 + 5 * 4 + 2 * 2 * 4);
	});

	it('matches the bytes a layer really writes to a model file', () => {
		for (const cfg of [
			{},
			{ weights: 'binary' },
			{ weights: 'scaled', input: 'sign' },
			{ weights: 'multibase', input: 'multibase', bases: 2, inputBases: 3 }
		] as Partial<DenseConfig>[]) {
			const d = make(45, cfg);
			const w = new ByteWriter();
			d.write(w);
			expect(w.length).toBe(sum(dense(45, cfg), 'packedBytes'));
		}
	});
});
