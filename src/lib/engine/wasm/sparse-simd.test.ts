import { describe, expect, it } from 'vitest';
import { createRng, randn } from '../../../../tests/unit/helpers';
import { col2im, convGeometry, im2col } from '../conv';
import { gemmBackend, matmulAB, matmulAtB } from '../gemm';
import { simdSparseConvBackward, SPARSE_MAX_DENSITY } from './sparse-simd';

const sameBits = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

describe('simdSparseConvBackward', () => {
	it('equals the WebAssembly GEMMs and col2im to the bit, for every column tail and a chunk past the first', () => {
		expect(gemmBackend(), 'node 20 runs the SIMD GEMMs: the comparison must not be vacuous').toBe('wasm-simd');
		const rng = createRng(11);
		// K = kernel² c: 288 (9 blocks of 32; the digits ConvNet's conv2, whose ~100 entries per
		// column take 5 groups), 9 (conv1: 2 vectors and 1 single), 75, 36, 4, 1, 54.
		const cases = [
			{ g: convGeometry(14, 14, 32, 3, 1, 1), F: 64 },
			{ g: convGeometry(6, 6, 32, 3, 1, 1), F: 16 },
			{ g: convGeometry(7, 7, 1, 3, 1, 1), F: 8 },
			{ g: convGeometry(6, 5, 3, 5, 1, 2), F: 5 },
			{ g: convGeometry(5, 6, 4, 3, 2, 1), F: 7 },
			{ g: convGeometry(4, 4, 4, 1, 1, 0), F: 4 },
			{ g: convGeometry(3, 3, 1, 1, 1, 0), F: 3 },
			// zero padding (float inputs), F % 4 = 2, and a NaN in dz (kept, as the GEMM spreads it)
			{ g: convGeometry(5, 5, 6, 3, 1, 1), F: 6, pad: 0, nan: true }
		];
		for (const { g, F, pad = -1, nan = false } of cases) {
			const batch = 3,
				b0 = 1,
				nb = 2;
			const rows = nb * g.oh * g.ow;
			const xe = randn(rng, batch * g.h * g.w * g.c);
			const W = randn(rng, F * g.k);
			// Three quarters zeros, as after 2 x 2 max-pooling, some of them -0, and gradients of every size.
			const dz = randn(rng, rows * F);
			for (let i = 0; i < dz.length; i++) if (rng.uniform(0, 1) < 0.75) dz[i] = i % 5 === 0 ? -0 : 0;
			dz[1] = 1e-30;
			dz[2] = -3e4;
			if (nan) dz[3] = NaN;

			const cols = new Float32Array(rows * g.k);
			im2col(xe, g, b0, nb, pad, cols);
			const wantDw = new Float32Array(F * g.k);
			matmulAtB(dz, cols, wantDw, F, g.k, rows);
			const dcols = new Float32Array(rows * g.k);
			matmulAB(dz, W, dcols, rows, g.k, F);
			const wantDx = randn(rng, xe.length); // both add to what is there
			const dx = Float32Array.from(wantDx);
			const wantPad = col2im(dcols, g, b0, nb, wantDx);

			const dw = new Float32Array(F * g.k).fill(NaN);
			const per = g.h * g.w * g.c;
			const padSum = simdSparseConvBackward(xe, g, b0, nb, pad, dz, F, W, dw, dx.subarray(b0 * per, (b0 + nb) * per));
			expect(padSum, JSON.stringify(g)).toBe(wantPad);
			expect(sameBits(dw, wantDw), `dw ${JSON.stringify(g)}`).toBe(true);
			expect(sameBits(dx, wantDx), `dx ${JSON.stringify(g)}`).toBe(true);

			// Without dx: dw alone, the same bits.
			const dwOnly = new Float32Array(F * g.k);
			expect(simdSparseConvBackward(xe, g, b0, nb, pad, dz, F, null, dwOnly, null)).toBe(0);
			expect(sameBits(dwOnly, wantDw)).toBe(true);
		}
	});

	it('leaves a dense gradient to the GEMMs, touching nothing', () => {
		const g = convGeometry(4, 4, 4, 3, 1, 1),
			F = 4,
			rng = createRng(12);
		const rows = g.oh * g.ow;
		const dz = randn(rng, rows * F);
		for (let i = 0; i < Math.floor(rows * F * (1 - SPARSE_MAX_DENSITY)) - 1; i++) dz[i] = 0;
		const dw = new Float32Array(F * g.k).fill(7);
		expect(simdSparseConvBackward(randn(rng, g.h * g.w * g.c), g, 0, 1, 0, dz, F, null, dw, null)).toBeNull();
		expect(dw.every((v) => v === 7)).toBe(true);
	});
});
