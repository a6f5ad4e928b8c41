import { describe, expect, it } from 'vitest';
import { mlpConfig, type DenseConfig, type MlpSpec } from '$lib/engine';
import { floatTwin } from './twin';

describe('floatTwin', () => {
	it('keeps the widths and batch norm, makes every weight and input float, and uses ReLU', () => {
		const binary: MlpSpec = {
			inputSize: 784,
			classes: 10,
			hidden: [256, 128],
			weights: ['multibase', 'binary', 'scaled'],
			input: 'multibase',
			bases: 3,
			inputBases: 2,
			activation: 'hardtanh',
			batchnorm: true,
			estimator: 'swishsign'
		};
		const twin = floatTwin(binary);
		const layers = mlpConfig(twin).layers;
		const dense = layers.filter((l): l is DenseConfig => l.type === 'dense');
		expect(dense.map((d) => d.units)).toEqual([256, 128, 10]);
		expect(dense.every((d) => d.weights === 'float' && d.input === 'float')).toBe(true);
		expect(layers.map((l) => l.type)).toEqual(['dense', 'batchnorm', 'relu', 'dense', 'batchnorm', 'relu', 'dense', 'batchnorm']);
		expect(binary.hidden).toEqual([256, 128]); // the spec it came from is untouched
		twin.hidden.push(1);
		expect(binary.hidden).toEqual([256, 128]);
	});

	it('leaves out batch norm when the binary network has none, and keeps an explicit bias choice', () => {
		const twin = floatTwin({ inputSize: 2, classes: 2, hidden: [8], weights: 'binary', input: 'sign', activation: 'none', bias: false });
		expect(mlpConfig(twin).layers.map((l) => l.type)).toEqual(['dense', 'relu', 'dense']);
		expect(twin.bias).toBe(false);
	});
});
