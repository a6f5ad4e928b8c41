import { setFlagsFromString } from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { packRows, wordsFor } from './bits';
import { binaryGemm, binaryGemmBackend, binaryGemmJs, setBinaryGemmBackend } from './kernels/binary-gemm';
import { matmulABtJs } from './gemm';
import { mlpConfig } from './mlp';
import { Model } from './model';
import { createRng, type Rng } from './rng';
import { binaryWasmKernelAvailable, binaryWasmSupport, bestBinaryWasmKernel, wasmBinaryGemm, type BinaryWasmKernel } from './wasm/bits-simd';

// Node 22+ runs relaxed SIMD by default; node 20 has it behind this flag. Setting it
// before the first kernel is compiled lets both WebAssembly kernels be tested here
// (a no-op where the feature is already on).
setFlagsFromString('--experimental-wasm-relaxed-simd');

const KERNELS: BinaryWasmKernel[] = ['wasm-simd', 'wasm-relaxed-simd'];

function randomPacked(rng: Rng, rows: number, k: number, dirtyTails: boolean): Uint32Array {
	const X = new Float32Array(rows * k);
	for (let i = 0; i < X.length; i++) X[i] = rng.float() - 0.5;
	const P = packRows(X, rows, k);
	const W = wordsFor(k),
		r = k & 31;
	// binaryGemm ignores bits past k; garbage there must not leak into any kernel's counts.
	if (dirtyTails && r !== 0) for (let row = 0; row < rows; row++) P[row * W + W - 1] |= ~((1 << r) - 1) >>> 0;
	return P;
}

afterEach(() => setBinaryGemmBackend('auto'));

describe('WebAssembly binary GEMM kernels', () => {
	it('compile here (SIMD in node; relaxed SIMD with the flag above)', () => {
		expect(binaryWasmKernelAvailable('wasm-simd')).toBe(true);
		expect(binaryWasmKernelAvailable('wasm-relaxed-simd')).toBe(true);
		expect(bestBinaryWasmKernel()).toBe('wasm-relaxed-simd');
		expect(binaryWasmSupport()).toEqual({ simd: true, relaxedSimd: true });
	});

	for (const which of KERNELS) {
		it(`${which} equals the JS kernel bit for bit over random shapes`, () => {
			const rng = createRng(11);
			// Edge shapes first: ones, odd sizes, k at and around 32, 128 and the 31-step chunk (3968 bits).
			const shapes: [number, number, number][] = [
				[1, 1, 1],
				[1, 1, 0],
				[1, 5, 31],
				[3, 1, 32],
				[2, 4, 33],
				[1, 1, 127],
				[5, 7, 128],
				[4, 3, 129],
				[7, 9, 255],
				[2, 4, 256],
				[3, 5, 3968],
				[2, 3, 3969],
				[1, 6, 8000],
				[9, 1, 1000],
				[13, 11, 4097]
			];
			for (let t = 0; t < 120; t++) shapes.push([1 + rng.int(17), 1 + rng.int(17), rng.int(t < 20 ? 5000 : 400)]);
			for (const [m, n, k] of shapes) {
				const A = randomPacked(rng, m, k, true),
					B = randomPacked(rng, n, k, true);
				const want = new Int32Array(m * n);
				binaryGemmJs(A, B, want, m, n, k);
				const got = new Int32Array(m * n).fill(0x7fffffff);
				expect(wasmBinaryGemm(which, A, B, got, m, n, k)).toBe(true);
				expect(got, `${which} at ${m}x${k}x${n}`).toEqual(want);
			}
		});

		it(`${which} writes exact integers into a Float32Array too, and leaves C past m*n alone`, () => {
			const rng = createRng(5);
			const m = 6,
				n = 10,
				k = 300;
			const A = randomPacked(rng, m, k, false),
				B = randomPacked(rng, n, k, false);
			const want = new Int32Array(m * n);
			binaryGemmJs(A, B, want, m, n, k);
			const F = new Float32Array(m * n + 3).fill(-7);
			expect(wasmBinaryGemm(which, A, B, F, m, n, k)).toBe(true);
			expect(Array.from(F.subarray(0, m * n))).toEqual(Array.from(want));
			expect(Array.from(F.subarray(m * n))).toEqual([-7, -7, -7]);
		});
	}

	it('equals the float product of the same ±1 matrices', () => {
		const rng = createRng(8);
		const m = 9,
			n = 13,
			k = 517;
		const X = new Float32Array(m * k).map(() => (rng.nextU32() & 1 ? 1 : -1));
		const Y = new Float32Array(n * k).map(() => (rng.nextU32() & 1 ? 1 : -1));
		const want = new Float32Array(m * n);
		matmulABtJs(X, Y, want, m, n, k);
		for (const which of KERNELS) {
			const got = new Int32Array(m * n);
			expect(wasmBinaryGemm(which, packRows(X, m, k), packRows(Y, n, k), got, m, n, k)).toBe(true);
			expect(Array.from(got)).toEqual(Array.from(want));
		}
	});

	it('keeps working after the memory grows and shrinks between calls', () => {
		const rng = createRng(9);
		for (const [m, n, k] of [
			[300, 300, 2000],
			[2, 3, 40],
			[64, 8, 700]
		] as const) {
			const A = randomPacked(rng, m, k, true),
				B = randomPacked(rng, n, k, true);
			const want = new Int32Array(m * n),
				got = new Int32Array(m * n);
			binaryGemmJs(A, B, want, m, n, k);
			wasmBinaryGemm('wasm-relaxed-simd', A, B, got, m, n, k);
			expect(got).toEqual(want);
			wasmBinaryGemm('wasm-simd', A, B, got.fill(0), m, n, k);
			expect(got).toEqual(want);
		}
	});
});

describe('binaryGemm dispatch', () => {
	it('runs the fastest kernel by default and obeys setBinaryGemmBackend', () => {
		expect(binaryGemmBackend()).toBe('wasm-relaxed-simd');
		setBinaryGemmBackend('wasm-simd');
		expect(binaryGemmBackend()).toBe('wasm-simd');
		setBinaryGemmBackend('js');
		expect(binaryGemmBackend()).toBe('js');
		expect(() => setBinaryGemmBackend('gpu' as 'js')).toThrow(RangeError);
	});

	it('gives the same integers on every backend', () => {
		const rng = createRng(21);
		const m = 17,
			n = 19,
			k = 777;
		const A = randomPacked(rng, m, k, true),
			B = randomPacked(rng, n, k, true);
		const results = (['js', 'wasm-simd', 'wasm-relaxed-simd', 'auto'] as const).map((b) => {
			setBinaryGemmBackend(b);
			const C = new Int32Array(m * n);
			binaryGemm(A, B, C, m, n, k);
			return C;
		});
		for (const r of results.slice(1)) expect(r).toEqual(results[0]);
	});

	it('still checks its arguments before dispatching', () => {
		expect(() => binaryGemm(new Uint32Array(1), new Uint32Array(2), new Int32Array(4), 2, 2, 32)).toThrow(RangeError);
		expect(() => binaryGemm(new Uint32Array(2), new Uint32Array(2), new Int32Array(3), 2, 2, 32)).toThrow(RangeError);
	});
});

describe('packed inference on the WebAssembly kernels', () => {
	for (const [label, opts] of [
		['binary weights, sign inputs', { weights: 'binary', input: 'sign', batchnorm: true }],
		['multibase weights and inputs (M = 3, N = 2)', { weights: 'multibase', input: 'multibase', bases: 3, inputBases: 2, batchnorm: true }]
	] as const) {
		it(`${label}: outputs equal the JS kernel's bit for bit`, () => {
			const cfg = mlpConfig({ inputSize: 70, classes: 10, hidden: [45, 33], ...opts });
			const model = new Model(cfg, createRng(4));
			const rng = createRng(6);
			const batch = 23;
			const x = new Float32Array(batch * 70).map(() => rng.normal());
			const run = (b: 'js' | 'auto') => {
				setBinaryGemmBackend(b);
				model.invalidate();
				return Float32Array.from(model.forward(x, batch, { training: false }));
			};
			const js = run('js');
			const wasm = run('auto');
			expect(binaryGemmBackend()).not.toBe('js');
			expect(wasm).toEqual(js);
			// And equal to the float simulation of the same layers (the packed path is exact).
			setBinaryGemmBackend('auto');
			const sim = Float32Array.from(model.forward(x, batch, { training: false, packed: false }));
			expect(wasm).toEqual(sim);
		});
	}
});

describe('binaryGemm fallback', () => {
	afterEach(() => {
		vi.unstubAllGlobals();
		vi.resetModules();
	});
	const broken: [string, () => unknown, string][] = [
		['no WebAssembly', () => undefined, 'js'],
		['no SIMD (neither module validates)', () => Object.create(WebAssembly, { validate: { value: () => false } }), 'js'],
		[
			'SIMD but no relaxed SIMD',
			() => {
				const real = WebAssembly.validate.bind(WebAssembly);
				let calls = 0;
				// The loader validates the relaxed module first: refuse it, accept the plain one.
				return Object.create(WebAssembly, { validate: { value: (b: BufferSource) => (calls++ === 0 ? false : real(b)) } });
			},
			'wasm-simd'
		],
		[
			'instantiation throws',
			() =>
				Object.create(WebAssembly, {
					Instance: {
						value: function () {
							throw new Error('out of memory');
						}
					}
				}),
			'js'
		]
	];
	for (const [what, stub, backend] of broken) {
		it(`runs on ${backend} when there is ${what}`, async () => {
			vi.resetModules();
			vi.stubGlobal('WebAssembly', stub());
			const b = await import('./kernels/binary-gemm');
			expect(b.binaryGemmBackend()).toBe(backend);
			const rng = createRng(25);
			const m = 5,
				n = 9,
				k = 77;
			const A = randomPacked(rng, m, k, true),
				B = randomPacked(rng, n, k, true);
			const C = new Int32Array(m * n),
				ref = new Int32Array(m * n);
			b.binaryGemm(A, B, C, m, n, k);
			binaryGemmJs(A, B, ref, m, n, k);
			expect(C).toEqual(ref);
		});
	}
});
