import { describe, expect, it } from 'vitest';
import { createRng } from './rng';
import { Model } from './model';
import { mlpConfig } from './mlp';
import { ConfigError, validateModelConfig, validateTrainConfig } from './config';

describe('mlpConfig and Model', () => {
	it('expands the BinaryNet-style MNIST network as the issue describes it', () => {
		const cfg = mlpConfig({ inputSize: 784, classes: 10, hidden: [256, 256], weights: 'binary', input: 'sign', batchnorm: true });
		expect(cfg.layers.map((l) => l.type)).toEqual(['dense', 'batchnorm', 'dense', 'batchnorm', 'dense', 'batchnorm']);
		const dense = cfg.layers.filter((l) => l.type === 'dense');
		expect(dense.map((l) => l.type === 'dense' && [l.weights, l.input, l.bias])).toEqual([
			['binary', 'float', false],
			['binary', 'sign', false],
			['binary', 'sign', false]
		]);
	});

	it('puts ReLU between float layers and counts parameters and bytes', () => {
		const cfg = mlpConfig({ inputSize: 784, classes: 10, hidden: [256] });
		expect(cfg.layers.map((l) => l.type)).toEqual(['dense', 'relu', 'dense']);
		const m = new Model(cfg, createRng(1));
		const mem = m.memory();
		expect(mem.parameters).toBe(784 * 256 + 256 + 256 * 10 + 10);
		expect(mem.floatBytes).toBe(4 * mem.parameters);
		expect(mem.packedBytes).toBe(mem.floatBytes);
	});

	it('binary weights shrink storage by close to 32x on wide layers', () => {
		const cfg = mlpConfig({ inputSize: 784, classes: 10, hidden: [256, 256], weights: 'binary', input: 'sign', batchnorm: true });
		const mem = new Model(cfg, createRng(1)).memory();
		const bnFloats = 4 * (256 + 256 + 10);
		const weights = 784 * 256 + 256 * 256 + 256 * 10;
		expect(mem.floatBytes).toBe(4 * (weights + bnFloats));
		const packedWeights = 4 * (256 * Math.ceil(784 / 32) + 256 * 8 + 10 * 8);
		expect(mem.packedBytes).toBe(packedWeights + 4 * bnFloats);
		expect(mem.floatBytes / mem.packedBytes).toBeGreaterThan(25);
		expect(mem.parameters).toBe(weights + 2 * (256 + 256 + 10));
	});

	it('rejects configs that cannot work, saying which field', () => {
		expect(() => validateModelConfig({ inputSize: 2, classes: 2, layers: [{ type: 'dense', units: 3 }] })).toThrow(/last dense layer has 3 units/);
		expect(() => validateModelConfig({ inputSize: 2, classes: 2, layers: [{ type: 'dense', units: 2, weights: 'ternary' }] })).toThrow(
			/layers\[0\]\.weights must be one of/
		);
		expect(() => validateModelConfig({ inputSize: 0, classes: 2, layers: [] })).toThrow(ConfigError);
		expect(() => validateModelConfig(null)).toThrow(/must be an object/);
		expect(() =>
			validateTrainConfig({ model: mlpConfig({ inputSize: 2, classes: 2, hidden: [] }), optimizer: { type: 'adam', lr: -1 }, batchSize: 8, seed: 1 })
		).toThrow(/optimizer\.lr/);
		expect(() => mlpConfig({ inputSize: 2, classes: 2, hidden: [4], weights: ['binary'] })).toThrow(/one per dense layer \(2\)/);
		expect(() => validateModelConfig({ inputSize: 2, classes: 2, layers: [{ type: 'dense', units: 2, bias: 'false' }] })).toThrow(
			/bias must be true or false/
		);
		expect(() => mlpConfig({ inputSize: 4096, classes: 10, hidden: [4096, 4096], weights: 'multibase', bases: 5 })).toThrow(/the limit is/);
		expect(() => mlpConfig({ inputSize: 2, classes: 2, hidden: [4], input: 'sign', activation: 'relu' })).toThrow(/ReLU before a sign-binarized input/);
	});

	it('fills defaults, so a config round-trips through JSON unchanged', () => {
		const cfg = mlpConfig({ inputSize: 2, classes: 2, hidden: [8], weights: 'multibase', input: 'multibase', bases: 2, inputBases: 4 });
		expect(validateModelConfig(JSON.parse(JSON.stringify(cfg)))).toEqual(cfg);
	});
});
