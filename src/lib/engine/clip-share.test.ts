import { describe, expect, it } from 'vitest';
import { Trainer } from './train';
import type { Dataset } from './data/dataset';
import type { TrainConfig } from './config';

/**
 * Hand-computed cases for the clip-window metrics: which inputs the clipped estimator
 * lets the gradient through (|x| <= 1, both ends included) and which latent weights
 * are still inside [-1, 1].
 */
const tiny = (trainX: number[]): Dataset => ({
	name: 'tiny',
	inputSize: 2,
	numClasses: 2,
	trainX: Float32Array.from(trainX),
	trainY: Uint8Array.from({ length: trainX.length / 2 }, (_, i) => i % 2),
	testX: Float32Array.from(trainX),
	testY: Uint8Array.from({ length: trainX.length / 2 }, (_, i) => i % 2),
	nTrain: trainX.length / 2,
	nTest: trainX.length / 2
});

function config(latentClip: boolean, lr = 1e-9): TrainConfig {
	return {
		model: { inputSize: 2, classes: 2, layers: [{ type: 'dense', units: 2, weights: 'binary', input: 'sign' }] },
		optimizer: { type: 'sgd', lr, momentum: 0 },
		batchSize: 4,
		seed: 1,
		latentClip
	};
}

describe('clip-window share', () => {
	it('counts the inputs with |x| <= 1, ends included', () => {
		// 8 values: 0.5, 2, -0.3, -1.5, 1, -1, 1.0001, 0 -> inside: 0.5, -0.3, 1, -1, 0 = 5 of 8.
		const t = new Trainer(config(true), tiny([0.5, 2, -0.3, -1.5, 1, -1, 1.0001, 0]));
		const m = t.step();
		expect(m.layers[0].clipShare).toBe(5 / 8);
	});

	it('is null for a layer whose inputs are not binarized', () => {
		const cfg = config(true);
		cfg.model.layers = [{ type: 'dense', units: 2, weights: 'binary', input: 'float' }];
		const t = new Trainer(cfg, tiny([0.5, 2, -0.3, -1.5]));
		expect(t.step().layers[0].clipShare).toBeNull();
	});

	it('counts latent weights inside [-1, 1]; latent clipping brings them all back', () => {
		const data = tiny([0.5, 2, -0.3, -1.5, 1, -1, 1.0001, 0]);
		// Without clipping: weights 0.5, 1, -2, 3 barely move at lr 1e-9 -> 2 of 4 inside.
		const free = new Trainer(config(false), data);
		free.model.dense[0].W.value.set([0.5, 1, -2, 3]);
		free.model.invalidate();
		expect(free.step().layers[0].weightClipShare).toBe(0.5);
		// With clipping the update ends with w <- clip(w, -1, 1): all 4 inside.
		const clipped = new Trainer(config(true), data);
		clipped.model.dense[0].W.value.set([0.5, 1, -2, 3]);
		clipped.model.invalidate();
		expect(clipped.step().layers[0].weightClipShare).toBe(1);
		expect(Array.from(clipped.model.dense[0].W.value)).toEqual([0.5, 1, -1, 1]);
	});

	it('is null for float layers', () => {
		const cfg = config(true);
		cfg.model.layers = [{ type: 'dense', units: 2 }];
		const t = new Trainer(cfg, tiny([0.5, 2, -0.3, -1.5]));
		expect(t.step().layers[0].weightClipShare).toBeNull();
	});
});

describe('Model.denseInput', () => {
	it("returns what the dense layer receives: the raw input for layer 0, the previous layers' output after", () => {
		const cfg: TrainConfig = {
			model: {
				inputSize: 2,
				classes: 2,
				layers: [{ type: 'dense', units: 3 }, { type: 'relu' }, { type: 'dense', units: 2, weights: 'binary', input: 'sign' }]
			},
			optimizer: { type: 'sgd', lr: 0.1 },
			batchSize: 2,
			seed: 3
		};
		const t = new Trainer(cfg, tiny([0.5, 2, -0.3, -1.5]));
		const x = Float32Array.from([0.5, 2, -0.3, -1.5]);
		expect(Array.from(t.model.denseInput(0, x, 2))).toEqual(Array.from(x));
		// Layer 1's input is relu(x W1^T + b1), computed here by hand from the weights.
		const d = t.model.dense[0],
			W = d.W.value,
			b = d.b!.value;
		const want: number[] = [];
		for (let r = 0; r < 2; r++)
			for (let j = 0; j < 3; j++) want.push(Math.max(0, Math.fround(Math.fround(x[2 * r] * W[2 * j]) + Math.fround(x[2 * r + 1] * W[2 * j + 1])) + b[j]));
		const got = Array.from(t.model.denseInput(1, x, 2));
		got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
		expect(() => t.model.denseInput(2, x, 2)).toThrow(/no layer 2/);
	});
});
