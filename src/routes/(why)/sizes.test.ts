import { describe, expect, it } from 'vitest';
import {
	BIT_WIDTHS,
	BUDGET_BYTES,
	ENERGY,
	MODELS,
	bitsAt,
	energyRatio,
	fits,
	formatBytes,
	formatParameters,
	formatPj,
	memoryRatio,
	modelBytes,
	positionOf,
	sizeRows,
	widestFit,
	xnorSpeedup
} from './sizes';

describe('model sizes', () => {
	it('counts bytes as parameters x bits / 8', () => {
		expect(modelBytes(138e6, 32)).toBe(552e6);
		expect(modelBytes(3.5e6, 1)).toBe(437_500);
		expect(modelBytes(11.7e6, 8)).toBe(11.7e6);
	});

	it('lists the seven models of REFERENCES.md with their papers', () => {
		expect(MODELS.map((m) => [m.name, m.parameters])).toEqual([
			['MobileNetV2', 3.4e6],
			['ResNet-18', 11.7e6],
			['ResNet-50', 25.6e6],
			['AlexNet', 60e6],
			['BERT-base', 110e6],
			['GPT-2 small', 117e6],
			['VGG-16', 138e6]
		]);
		expect(MODELS.every((m) => m.cite.length > 0)).toBe(true);
	});

	it('marks which models fit 100 MB at each width', () => {
		const fitting = (bits: number) =>
			sizeRows(bits)
				.filter((r) => r.fits)
				.map((r) => r.name);
		// ResNet-50 at 32 bits is 102.4 MB: just over.
		expect(fitting(32)).toEqual(['MobileNetV2', 'ResNet-18']);
		expect(fitting(16)).toEqual(['MobileNetV2', 'ResNet-18', 'ResNet-50']);
		expect(fitting(8)).toEqual(['MobileNetV2', 'ResNet-18', 'ResNet-50', 'AlexNet']);
		for (const b of [4, 2, 1]) expect(fitting(b)).toHaveLength(7);
		expect(BUDGET_BYTES).toBe(100e6);
		expect(fits(100e6)).toBe(true);
		expect(fits(100e6 + 1)).toBe(false);
	});

	it('finds the widest width that fits', () => {
		expect(widestFit(3.5e6)).toBe(32);
		expect(widestFit(25.6e6)).toBe(16);
		expect(widestFit(60e6)).toBe(8);
		expect(widestFit(138e6)).toBe(4);
		expect(widestFit(1e12)).toBeNull();
	});

	it('formats bytes and parameter counts', () => {
		expect(formatBytes(552e6)).toBe('552 MB');
		expect(formatBytes(46.8e6)).toBe('46.8 MB');
		expect(formatBytes(437_500)).toBe('438 kB');
		expect(formatBytes(1.5e9)).toBe('1.5 GB');
		expect(formatBytes(512)).toBe('512 B');
		expect(formatParameters(61e6)).toBe('61M');
		expect(formatParameters(11.7e6)).toBe('11.7M');
	});

	it('maps slider positions to bit widths and back', () => {
		expect(BIT_WIDTHS.map(positionOf)).toEqual([0, 1, 2, 3, 4, 5]);
		expect([0, 1, 2, 3, 4, 5].map(bitsAt)).toEqual([1, 2, 4, 8, 16, 32]);
		expect(bitsAt(-3)).toBe(1);
		expect(bitsAt(9)).toBe(32);
	});
});

describe('energy', () => {
	it('holds Horowitz’s 45 nm figures', () => {
		expect(Object.fromEntries(ENERGY.map((e) => [e.id, e.pj]))).toEqual({
			'int8-add': 0.03,
			'fp32-add': 0.9,
			'int32-mult': 3.1,
			'fp32-mult': 3.7,
			sram: 5,
			dram: 640
		});
	});

	it('compares operations', () => {
		expect(energyRatio('dram', 'fp32-mult')).toBeCloseTo(173, 0);
		expect(energyRatio('fp32-mult', 'int8-add')).toBeCloseTo(123.3, 1);
		expect(energyRatio('dram', 'sram')).toBe(128);
		expect(() => energyRatio('dram', 'nope')).toThrow(RangeError);
		expect(formatPj(0.03)).toBe('0.03 pJ');
		expect(formatPj(640)).toBe('640 pJ');
	});
});

describe('the two promises', () => {
	it('32x is the ratio of bits per weight', () => {
		expect(memoryRatio(1)).toBe(32);
		expect(memoryRatio(8)).toBe(4);
	});

	it('XNOR-Net’s theoretical speed-up: 62.27x for c = 256 and 3x3 filters, never 64', () => {
		expect(xnorSpeedup(256, 9)).toBeCloseTo(62.27, 2);
		expect(xnorSpeedup(1, 1)).toBeCloseTo(64 / 65, 10);
		expect(xnorSpeedup(1024, 121)).toBeLessThan(64);
		expect(xnorSpeedup(64, 9)).toBeCloseTo(57.6, 10);
	});
});
