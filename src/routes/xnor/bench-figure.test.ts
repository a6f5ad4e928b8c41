import { describe, expect, it } from 'vitest';
import { describeDevice, describeWasm, headline, tableRow } from './bench-figure';
import type { SizeResult } from '$lib/bench/kernels';

describe('describeDevice', () => {
	it('prefers userAgentData brands over the placeholder and Chromium', () => {
		expect(
			describeDevice({
				userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0 Safari/537.36',
				hardwareConcurrency: 8,
				userAgentData: {
					brands: [
						{ brand: 'Not)A;Brand', version: '99' },
						{ brand: 'Chromium', version: '156' },
						{ brand: 'Google Chrome', version: '156' }
					],
					platform: 'Linux',
					mobile: false
				}
			})
		).toBe('Google Chrome 156 on Linux, 8 logical cores');
	});
	it('falls back to the user agent string (Firefox, Safari on iOS)', () => {
		expect(describeDevice({ userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0', hardwareConcurrency: 1 })).toBe(
			'Firefox 140 on Windows, 1 logical core'
		);
		expect(
			describeDevice({
				userAgent:
					'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1'
			})
		).toBe('Safari 18 on iOS');
		expect(describeDevice({ userAgent: 'curl/8' })).toBe('an unknown browser');
	});
	it('says what WebAssembly can do', () => {
		expect(describeWasm({ simd: true, relaxedSimd: false })).toBe('WebAssembly SIMD: yes; relaxed SIMD: no');
	});
});

const size = (label: string, m: number, js: number, wasm: number | null): SizeResult => ({
	spec: { kind: 'gemm', m, k: m, n: m },
	label,
	timings: [
		{ kernel: 'js-float', name: '', medianMs: js * 2, q1Ms: 0, q3Ms: 0, reps: 1 },
		{ kernel: 'js-binary', name: '', medianMs: 2, q1Ms: 0, q3Ms: 0, reps: 1 }
	],
	ratioJs: js,
	ratioWasm: wasm,
	ratioWasmPopcnt: null,
	verified: true,
	mismatches: []
});

describe('table and headline', () => {
	it('formats a row, with dashes where WebAssembly did not run', () => {
		const r = tableRow(size('8×8×8', 8, 12.5, null));
		expect(r).toMatchObject({ label: '8×8×8', jsFloat: '25.00 ms', jsBinary: '2.00 ms', ratioJs: '12.5×', wasmFloat: '–', ratioWasm: '–', verified: true });
	});
	it('headlines the largest matrix product', () => {
		expect(headline([])).toBeNull();
		expect(headline([size('256', 256, 10, 5), size('1024', 1024, 14, 9), size('512', 512, 12, 7)])).toEqual({ label: '1024', js: 14, wasm: 9 });
	});
});
