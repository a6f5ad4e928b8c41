import { describe, expect, it } from 'vitest';
import { createRng, randn } from '../../../tests/unit/helpers';
import { binaryGemmJs, setBinaryGemmBackend } from './kernels/binary-gemm';
import { packRows } from './bits';
import { binaryConv2d, col2im, conv2dReference, convGeometry, floatConv2d, im2col, im2colJs, packFilters, packPixels } from './conv';
import { matmulABtJs } from './gemm';
import type { Rng } from './rng';

const signs = (x: ArrayLike<number>) => Float32Array.from(x, (v) => (v >= 0 ? 1 : -1));

/** Random geometries: channel counts around word boundaries, every stride and padding that fits. */
function randomCases(rng: Rng, n: number) {
	const channels = [1, 3, 5, 31, 32, 33, 40, 64, 70];
	return Array.from({ length: n }, () => {
		const kernel = 1 + rng.int(5);
		const pad = rng.int(kernel);
		const h = Math.max(1, kernel - 2 * pad) + rng.int(6),
			w = Math.max(1, kernel - 2 * pad) + rng.int(6);
		return { g: convGeometry(h, w, channels[rng.int(channels.length)], kernel, 1 + rng.int(3), pad), batch: 1 + rng.int(3), filters: 1 + rng.int(9) };
	});
}

describe('convGeometry', () => {
	it('gives OH = floor((H + 2p - k) / s) + 1 and refuses windows that do not fit', () => {
		const g = convGeometry(28, 28, 1, 3, 1, 1);
		expect([g.oh, g.ow, g.k]).toEqual([28, 28, 9]);
		expect(convGeometry(14, 9, 32, 3, 2, 0)).toMatchObject({ oh: 6, ow: 4, k: 288 });
		expect(() => convGeometry(2, 2, 1, 5, 1, 1)).toThrow(RangeError);
		expect(() => convGeometry(4, 4, 0, 3)).toThrow(RangeError);
	});
});

describe('float convolution by im2col and GEMM', () => {
	it('equals the direct reference convolution, stride and padding included', () => {
		const rng = createRng(1);
		for (const { g, batch, filters } of randomCases(rng, 25)) {
			// Small integers: every sum is exact in float32, so any summation order gives the same bits.
			const x = Float32Array.from({ length: batch * g.h * g.w * g.c }, () => rng.int(7) - 3);
			const W = Float32Array.from({ length: filters * g.k }, () => rng.int(5) - 2);
			const pad = rng.int(3) - 1;
			const ref = conv2dReference(x, W, g, batch, filters, pad);
			const out = new Float32Array(ref.length);
			floatConv2d(x, W, g, batch, filters, pad, out);
			expect(Array.from(out), JSON.stringify(g)).toEqual(Array.from(ref));
			floatConv2d(x, W, g, batch, filters, pad, out, matmulABtJs);
			expect(Array.from(out)).toEqual(Array.from(ref));
		}
	});

	it('col2im is the adjoint of im2col: <im2col(x), D> = <x, col2im(D)> + pad · (sum of D over padding)', () => {
		const rng = createRng(2);
		for (const { g, batch } of randomCases(rng, 10)) {
			const x = randn(rng, batch * g.h * g.w * g.c),
				pad = 0.75;
			const rows = batch * g.oh * g.ow;
			const cols = new Float32Array(rows * g.k);
			im2col(x, g, 0, batch, pad, cols);
			const D = randn(rng, rows * g.k);
			const back = new Float32Array(x.length);
			const padSum = col2im(D, g, 0, batch, back);
			let lhs = 0,
				rhs = pad * padSum;
			for (let i = 0; i < cols.length; i++) lhs += cols[i] * D[i];
			for (let i = 0; i < x.length; i++) rhs += x[i] * back[i];
			expect(lhs).toBeCloseTo(rhs, 3);
		}
	});
});

describe('im2col and col2im, four channels at a time and the rest one by one (WebAssembly where it runs)', () => {
	it('equal a brute-force walk bit for bit, on a chunk of examples past the first, padding included', () => {
		const rng = createRng(6);
		for (const g of [
			convGeometry(5, 6, 4, 3, 1, 1),
			convGeometry(7, 5, 8, 3, 2, 1),
			convGeometry(6, 6, 32, 2, 1, 0),
			convGeometry(4, 4, 12, 5, 1, 2),
			convGeometry(6, 5, 1, 3, 1, 1),
			convGeometry(5, 5, 3, 3, 2, 1),
			convGeometry(4, 6, 6, 2, 1, 1)
		]) {
			const batch = 3,
				b0 = 1,
				nb = 2,
				padValue = -1;
			const x = randn(rng, batch * g.h * g.w * g.c);
			const rows = nb * g.oh * g.ow;
			const cols = new Float32Array(rows * g.k);
			im2col(x, g, b0, nb, padValue, cols);
			const js = new Float32Array(cols.length);
			im2colJs(x, g, b0, nb, padValue, js);
			expect(Array.from(js)).toEqual(Array.from(cols));
			const D = randn(rng, rows * g.k);
			const dx = randn(rng, x.length); // col2im adds to what is there
			const want = Float32Array.from(dx);
			let wantPad = 0;
			for (let b = b0, r = 0; b < b0 + nb; b++)
				for (let oy = 0; oy < g.oh; oy++)
					for (let ox = 0; ox < g.ow; ox++, r++)
						for (let ky = 0, t = 0; ky < g.kernel; ky++)
							for (let kx = 0; kx < g.kernel; kx++, t++)
								for (let ch = 0; ch < g.c; ch++) {
									const iy = oy * g.stride + ky - g.pad,
										ix = ox * g.stride + kx - g.pad,
										at = r * g.k + t * g.c + ch;
									const inside = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
									const q = ((b * g.h + iy) * g.w + ix) * g.c + ch;
									expect(cols[at]).toBe(inside ? x[q] : padValue);
									if (inside) want[q] = Math.fround(want[q] + D[at]);
									else wantPad += D[at];
								}
			const padSum = col2im(D, g, b0, nb, dx);
			expect(Array.from(dx), JSON.stringify(g)).toEqual(Array.from(want));
			expect(padSum).toBe(wantPad);
		}
	});
});

describe('packed binary convolution', () => {
	it('packs pixels (SIMD where it runs) to the same words as packRows, for 0, -0, NaN and infinities too', () => {
		const rng = createRng(5);
		for (const c of [1, 31, 32, 33, 256]) {
			const pixels = 7;
			const x = randn(rng, pixels * c);
			[0, -0, NaN, Infinity, -Infinity].forEach((v, i) => (x[(i * 13) % x.length] = v));
			expect(Array.from(packPixels(x, pixels, c)), `c = ${c}`).toEqual(Array.from(packRows(x, pixels, c)));
		}
	});

	it('equals the float convolution of the signs, padded with -1, exactly, on every binary GEMM kernel', () => {
		const rng = createRng(3);
		for (const backend of ['auto', 'js'] as const) {
			setBinaryGemmBackend(backend);
			for (const { g, batch, filters } of randomCases(rng, 30)) {
				const x = randn(rng, batch * g.h * g.w * g.c);
				x[0] = 0; // sign(0) = +1 on both sides
				const W = signs(randn(rng, filters * g.k));
				const ref = conv2dReference(signs(x), W, g, batch, filters, -1);
				const out = new Int32Array(ref.length);
				binaryConv2d(x, packFilters(W, filters, g), g, batch, filters, out);
				expect(Array.from(out), `${backend} ${JSON.stringify(g)}`).toEqual(Array.from(ref));
			}
		}
		setBinaryGemmBackend('auto');
	});

	it('takes any binary GEMM kernel, such as the JS one the benchmark times', () => {
		const rng = createRng(4);
		const g = convGeometry(6, 7, 37, 3, 1, 1);
		const x = randn(rng, 2 * 6 * 7 * 37),
			W = signs(randn(rng, 4 * g.k));
		const a = new Float32Array(2 * g.oh * g.ow * 4),
			b = new Float32Array(a.length);
		binaryConv2d(x, packFilters(W, 4, g), g, 2, 4, a);
		binaryConv2d(x, packFilters(W, 4, g), g, 2, 4, b, binaryGemmJs);
		expect(Array.from(b)).toEqual(Array.from(a));
		// ... and the scalar sign packer the benchmark's all-JavaScript pair uses.
		binaryConv2d(x, packFilters(W, 4, g), g, 2, 4, b, binaryGemmJs, packRows);
		expect(Array.from(b)).toEqual(Array.from(a));
		expect(Array.from(a)).toEqual(Array.from(conv2dReference(signs(x), W, g, 2, 4, -1)));
	});
});
