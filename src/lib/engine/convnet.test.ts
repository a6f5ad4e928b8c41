import { describe, expect, it } from 'vitest';
import { createRng, randn } from '../../../tests/unit/helpers';
import { ConfigError, validateModelConfig, validateTrainConfig, type ModelConfig } from './config';
import { convnetConfig, convnetFloatTwin, type ConvNetSpec } from './convnet';
import type { Dataset } from './data/dataset';
import { exportModel, importModel, MODEL_FIXED_BYTES } from './format';
import { Conv2D } from './layers/conv2d';
import { MaxPool2D } from './layers/pool';
import { Model, planLayers } from './model';
import { Trainer, evaluateModel } from './train';

/**
 * Bars: 8 x 8 images of a horizontal (class 0) or vertical (class 1) bar of +1 at a random
 * place on a noisy -1 background. A convolution sees it at once; a position-wise rule cannot.
 */
function bars(n: number, seed: number): Dataset {
	const rng = createRng(seed);
	const X = new Float32Array(n * 64),
		Y = new Uint8Array(n);
	for (let i = 0; i < n; i++) {
		const cls = rng.int(2),
			at = rng.int(8);
		Y[i] = cls;
		for (let p = 0; p < 64; p++) {
			const on = cls === 0 ? p >> 3 === at : (p & 7) === at;
			X[i * 64 + p] = (on ? 1 : -1) + 0.4 * rng.normal();
		}
	}
	const nTrain = Math.floor(n * 0.8);
	return {
		name: 'bars',
		inputSize: 64,
		numClasses: 2,
		trainX: X.slice(0, nTrain * 64),
		trainY: Y.slice(0, nTrain),
		testX: X.slice(nTrain * 64),
		testY: Y.slice(nTrain),
		nTrain,
		nTest: n - nTrain,
		imageShape: [8, 8]
	};
}

const small = (spec: Partial<ConvNetSpec> = {}): ModelConfig => convnetConfig({ inputShape: [8, 8, 1], classes: 2, conv: [6, 8], hidden: [16], ...spec });

describe('convnetConfig', () => {
	it('expands to the issue digits ConvNet: float conv 1->32, binary conv 32->64, binary dense 3136->256->10, batch norm after pooling', () => {
		const cfg = convnetConfig({ inputShape: [28, 28, 1], classes: 10, weights: 'binary', input: 'sign' });
		const plan = planLayers(cfg);
		expect(plan.map((p) => p.name)).toEqual(['conv1', 'pool1', 'bn1', 'conv2', 'pool2', 'bn2', 'flatten1', 'dense1', 'bn3', 'dense2', 'bn4']);
		expect(plan.map((p) => p.outSize)).toEqual([25088, 6272, 6272, 12544, 3136, 3136, 3136, 256, 256, 10, 10]);
		expect(cfg.layers[0]).toMatchObject({ type: 'conv2d', filters: 32, weights: 'float', input: 'float', padding: 1 });
		expect(cfg.layers[3]).toMatchObject({ type: 'conv2d', filters: 64, weights: 'binary', input: 'sign' });
		expect(cfg.layers[7]).toMatchObject({ type: 'dense', units: 256, weights: 'binary', input: 'sign' });
		const mem = new Model(cfg, createRng(1)).memory();
		// conv2: 64 filters of 288 bits = 9 words; dense1: 256 rows of 98 words; dense2: 10 rows of 8 words.
		const packedWeights = (64 * 9 + 256 * 98 + 10 * 8) * 4;
		const floats = 32 * 9 + 4 * (32 + 64 + 256 + 10);
		expect(mem.packedBytes).toBe(packedWeights + 4 * floats);
		expect(mem.floatBytes).toBe(4 * (32 * 9 + 64 * 288 + 3136 * 256 + 256 * 10) + 4 * 4 * (32 + 64 + 256 + 10));
		// The float twin puts a ReLU where the binary network's next layer takes signs.
		const twin = convnetConfig(convnetFloatTwin({ inputShape: [28, 28, 1], classes: 10, weights: 'binary', input: 'sign', bases: 3 }));
		expect(twin).toEqual(convnetConfig({ inputShape: [28, 28, 1], classes: 10 }));
		expect(twin.layers.filter((l) => l.type === 'relu')).toHaveLength(3);
		expect(twin.layers.every((l) => !('weights' in l) || l.weights === 'float')).toBe(true);
	});

	it('is plain JSON: it survives JSON and validation unchanged', () => {
		const cfg = small({ weights: 'multibase', input: 'multibase', bases: 2, inputBases: 2 });
		expect(validateModelConfig(JSON.parse(JSON.stringify(cfg)))).toEqual(cfg);
	});
});

describe('conv configs', () => {
	const base = { inputSize: 64, inputShape: [8, 8, 1], classes: 2 };
	const bad =
		(layers: unknown[], extra: object = {}) =>
		() =>
			validateModelConfig({ ...base, ...extra, layers });
	it('refuse what cannot run, naming the layer', () => {
		const dense = { type: 'dense', units: 2 };
		expect(bad([{ type: 'conv2d', filters: 4, kernel: 3 }, dense])).toThrow(/layers\[1\].*flatten/);
		expect(bad([{ type: 'conv2d', filters: 4, kernel: 3 }, dense], { inputShape: undefined })).toThrow(/inputShape/);
		expect(bad([{ type: 'conv2d', filters: 4, kernel: 9 }, { type: 'flatten' }, dense])).toThrow(/does not fit/);
		expect(bad([{ type: 'conv2d', filters: 4, kernel: 3, padding: 3 }, { type: 'flatten' }, dense])).toThrow(/padding/);
		expect(bad([{ type: 'conv2d', filters: 4, kernel: 3, inputScale: true }, { type: 'flatten' }, dense])).toThrow(/inputScale.*sign/);
		expect(bad([{ type: 'flatten' }, { type: 'maxpool', size: 2 }, dense])).toThrow(/layers\[1\].*flatten/);
		expect(bad([dense], { inputShape: [8, 8, 2] })).toThrow(/inputShape 8x8x2/);
		expect(bad([dense], { inputShape: [8, 8, 2] })).toThrow(ConfigError);
	});

	it('refuse a batch whose activations would not fit (batch x largest map)', () => {
		const model = convnetConfig({ inputShape: [28, 28, 1], classes: 10 });
		expect(() => validateTrainConfig({ model, optimizer: { type: 'adam', lr: 1e-3 }, batchSize: 8192, seed: 1 })).toThrow(/at most 5349/);
		expect(() => validateTrainConfig({ model, optimizer: { type: 'adam', lr: 1e-3 }, batchSize: 64, seed: 1 })).not.toThrow();
	});

	it('let a dense layer read the input image directly (an MLP with an inputShape)', () => {
		expect(() => validateModelConfig({ ...base, layers: [{ type: 'dense', units: 2 }] })).not.toThrow();
	});
});

describe('ConvNet models', () => {
	const data = bars(400, 1);
	const cfgs: [string, Partial<ConvNetSpec>][] = [
		['float', {}],
		['binary', { weights: 'binary', input: 'sign' }],
		['scaled', { weights: 'scaled', input: 'sign' }],
		['multibase', { weights: 'multibase', input: 'multibase', bases: 2, inputBases: 2 }]
	];

	for (const [name, spec] of cfgs)
		it(`${name}: trains on the bars, and its model file round-trips with identical outputs and size = packedBytes + header`, () => {
			const t = new Trainer({ model: small(spec), optimizer: { type: 'adam', lr: 0.01 }, batchSize: 32, seed: 3 }, data, { histogramBins: 8 });
			let last = t.step();
			for (let i = 1; i < 6 * t.stepsPerEpoch; i++) last = t.step();
			// Per-layer metrics cover the conv layers too.
			expect(last.layers.map((l) => l.name)).toEqual(['conv1', 'conv2', 'dense1', 'dense2']);
			expect(last.layers[1].histogram!.reduce((s, v) => s + v, 0)).toBe(8 * 9 * 6);
			const acc = evaluateModel(t.model, data, 'test').accuracy;
			expect(acc).toBeGreaterThan(0.9);
			const bytes = exportModel(t.model, { dataset: 'bars' });
			const json = new TextEncoder().encode(JSON.stringify({ model: t.model.config, meta: { dataset: 'bars' } }));
			expect(bytes.length).toBe(t.model.memory().packedBytes + MODEL_FIXED_BYTES + json.length);
			const { model } = importModel(bytes);
			const a = Float32Array.from(t.model.forward(data.testX, data.nTest, { training: false }));
			expect(Array.from(model.forward(data.testX, data.nTest, { training: false }))).toEqual(Array.from(a));
			// Inference on the packed kernels equals the float simulation, to the bit, through the whole network.
			expect(Array.from(t.model.forward(data.testX, data.nTest, { training: false, packed: false }))).toEqual(Array.from(a));
		});

	it('replays bit for bit from the same seed', () => {
		const run = () => {
			const t = new Trainer({ model: small({ weights: 'binary', input: 'sign' }), optimizer: { type: 'adam', lr: 0.01 }, batchSize: 16, seed: 9 }, data);
			const losses = Array.from({ length: 12 }, () => t.step().loss);
			return [...losses, ...t.model.forward(randn(createRng(1), 64 * 3), 3, { training: false })];
		};
		expect(run()).toEqual(run());
	});
});

describe('a float conv layer and the max-pooling after it run as one (Model.forward, Model.backward)', () => {
	it('give the logits and, after the backward pass, every gradient of the layers run one by one, to the bit', () => {
		for (const weights of ['binary', 'float'] as const) {
			const input = weights === 'float' ? ('float' as const) : ('sign' as const);
			// The float twin's two conv layers both fuse, the binary net's first. Batch 20: conv1's fused
			// forward runs in chunks of 3 examples (the last of 2), its windows kept; the float conv2's
			// in chunks of 1, its windows (4.5 MB for the batch) made a chunk at a time.
			const config = convnetConfig({ inputShape: [28, 28, 1], classes: 10, conv: [32, 64], hidden: [16], weights, input });
			const fused = new Model(config, createRng(6)),
				plain = new Model(config, createRng(6));
			const fusing = fused.layers.filter(
				(l, i) => l instanceof Conv2D && fused.layers[i + 1] instanceof MaxPool2D && l.fusesPool(fused.layers[i + 1] as MaxPool2D)
			);
			expect(fusing.length, weights).toBe(weights === 'float' ? 2 : 1);
			const rng = createRng(7),
				batch = 20;
			const x = randn(rng, batch * 784),
				dLogits = randn(rng, batch * 10);
			for (const training of [false, true]) {
				const got = Float32Array.from(fused.forward(x, batch, { training }));
				let h = x;
				for (const l of plain.layers) h = l.forward(h, batch, { training });
				expect(
					got.every((v, i) => Object.is(v, h[i])),
					`${weights} logits, training ${training}`
				).toBe(true);
			}
			// Both conv layers also take the pooled gradient whole (dz made a chunk at a time): the
			// first for its GEMM, the second (72-value windows, dx wanted) for the sparse kernels.
			expect((fused.layers[0] as Conv2D).takesPooled(fused.layers[1] as MaxPool2D, false)).toBe(true);
			const at2 = fused.layers.findLastIndex((l) => l instanceof Conv2D);
			expect((fused.layers[at2] as Conv2D).takesPooled(fused.layers[at2 + 1] as MaxPool2D, true)).toBe(true);
			fused.backward(dLogits, batch);
			let g: Float32Array | null = dLogits;
			for (let i = plain.layers.length - 1; i >= 0 && g; i--) g = plain.layers[i].backward(g, batch, i > 0);
			plain.params.forEach((p, k) =>
				expect(
					fused.params[k].grad.every((v, i) => Object.is(v, p.grad[i])),
					`${weights}: ${p.name}`
				).toBe(true)
			);
		}
	});
});
