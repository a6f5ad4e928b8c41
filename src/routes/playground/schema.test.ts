import { describe, expect, it } from 'vitest';
import type { Conv2dConfig, DenseConfig } from '$lib/engine';
import { changeDepth, convnetSpec, resizeModes, runRequest, type PlaygroundValues } from './schema';

describe('changing the playground network’s depth', () => {
	const start = { hidden: [32, 32], weights: 'fbb', inputs: 'fss', dropped: { hidden: [], weights: '', inputs: '' } };

	it('keeps a binary network binary through 2 → 0 → 2 hidden layers', () => {
		const none = changeDepth(start, 0);
		expect(none).toMatchObject({ hidden: [], weights: 'f', inputs: 'f' });
		const back = changeDepth(none, 2);
		expect(back).toMatchObject({ hidden: [32, 32], weights: 'fbb', inputs: 'fss' });
	});

	it('restores the modes of dropped layers, and gives new layers the network’s binary mode', () => {
		const abc = { hidden: [64, 16], weights: 'fmm', inputs: 'fmm', dropped: { hidden: [], weights: '', inputs: '' } };
		expect(changeDepth(changeDepth(abc, 0), 2)).toMatchObject({ hidden: [64, 16], weights: 'fmm', inputs: 'fmm' });
		expect(changeDepth(abc, 4)).toMatchObject({ hidden: [64, 16, 16, 16], weights: 'fmmmm', inputs: 'fmmmm' });
		// A float network stays float where it was; layers it never had become binary.
		expect(changeDepth({ hidden: [8], weights: 'ff', inputs: 'ff', dropped: { hidden: [], weights: '', inputs: '' } }, 2)).toMatchObject({
			weights: 'ffb',
			inputs: 'ffs'
		});
	});

	it('resizes a mode string by keeping what remains and filling with the last binary letter', () => {
		expect(resizeModes('fsb', 2, 'b')).toBe('fs');
		expect(resizeModes('fsf', 5, 'b')).toBe('fsfss');
		expect(resizeModes('f', 3, 'b')).toBe('fbb');
	});
});

describe('the playground’s ConvNet', () => {
	const base: PlaygroundValues = {
		data: 'mnist',
		noise: 0.1,
		hidden: [64, 64],
		weights: 'fbb',
		inputs: 'fss',
		bases: 3,
		inputBases: 3,
		bn: true,
		estimator: 'approxsign',
		optimizer: 'adam',
		lr: 0.01,
		batch: 32,
		arch: 'convnet',
		conv: '8,16',
		cw: 'b',
		ci: 's',
		seed: 1
	};
	const layers = (c: { model: { layers: { type: string }[] } }) => c.model.layers.map((l) => l.type);

	it('trains the ConvNet the controls describe beside its float twin: conv blocks, one dense layer, the chosen modes', () => {
		const r = runRequest(base, '/data/mnist.bin.gz');
		const [binary, twin] = r.models.map((m) => m.config);
		expect(layers(binary).filter((t) => t === 'conv2d')).toHaveLength(2);
		const convs = binary.model.layers.filter((l): l is Conv2dConfig => l.type === 'conv2d');
		expect(convs.map((c) => [c.filters, c.weights, c.input])).toEqual([
			[8, 'float', 'float'],
			[16, 'binary', 'sign']
		]);
		const dense = binary.model.layers.filter((l): l is DenseConfig => l.type === 'dense');
		expect(dense.map((d) => [d.units, d.weights, d.input])).toEqual([
			[64, 'binary', 'sign'],
			[10, 'binary', 'sign']
		]);
		const twinModes = twin.model.layers.flatMap((l) => ('weights' in l ? [l.weights, l.input] : []));
		expect(new Set(twinModes)).toEqual(new Set(['float']));
		expect(r.data).toMatchObject({ kind: 'mnist' });
	});

	it('follows the weight and input letters, and the dense width (none at all)', () => {
		const r = runRequest({ ...base, cw: 's', ci: 'm', hidden: [] }, '/d');
		const dense = r.models[0].config.model.layers.filter((l): l is DenseConfig => l.type === 'dense');
		expect(dense.map((d) => [d.units, d.weights, d.input])).toEqual([[10, 'scaled', 'multibase']]);
	});

	it('is a dense network on data that are not images, and says why when asked for the ConvNet directly', () => {
		const r = runRequest({ ...base, data: 'spiral' }, '/d');
		expect(layers(r.models[0].config)).not.toContain('conv2d');
		expect(() => convnetSpec({ ...base, data: 'spiral' })).toThrow(/needs images/);
	});
});
