/**
 * The TensorFlow.js rivals of the training benchmark: the same networks as the engine's,
 * written the way a TF.js user would (tfjs-core ops, autodiff, tf.train.adam), run on the
 * pure-JS 'cpu' backend or the XNNPACK 'wasm' backend.
 *
 * Node-only (it finds the .wasm files through node's resolver). In node the wasm backend
 * runs single-threaded: tfjs-backend-wasm 4.x hard-codes WASM_HAS_MULTITHREAD_SUPPORT to
 * false under node (tfjs issue #3830), so it uses the SIMD build on one thread, as does
 * the engine.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import type { Dataset } from '../../src/lib/engine/data/dataset';
import { createRng } from '../../src/lib/engine/rng';

export type TfBackendName = 'cpu' | 'wasm';

export interface TfBackendInfo {
	backend: TfBackendName;
	/** tfjs-core version. */
	version: string;
	/** wasm only: the SIMD build was loaded. */
	simd: boolean;
	/** wasm only: threads XNNPACK uses (1 in node). */
	threads: number;
}

let wasmPathsSet = false;
let gradientsRegistered = false;

/**
 * tfjs-core ships its gradients outside its bundles (the '@tensorflow/tfjs' union package
 * imports `dist/register_all_gradients`), and that ES-module tree uses extensionless
 * imports node cannot resolve. So bundle it with esbuild (tsx's own dependency) and import
 * the bundle: its ops reach the same engine and registries, which tfjs-core keeps on globalThis.
 */
async function registerGradients(): Promise<void> {
	if (gradientsRegistered) return;
	const require = createRequire(import.meta.url);
	const entry = join(dirname(require.resolve('@tensorflow/tfjs-core/package.json')), 'dist', 'register_all_gradients.js');
	const out = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'silent' });
	await import('data:text/javascript;base64,' + Buffer.from(out.outputFiles[0].text).toString('base64'));
	gradientsRegistered = true;
}
/** Variable names are global in TF.js; a serial keeps repeated runs from clashing. */
let serial = 0;

/**
 * Make `name` the active TF.js backend (initialising it on first use) and describe it.
 * Backends stay registered, so switching back and forth between rounds is cheap; tensors
 * created under one backend should only be used under that backend, else TF.js moves them.
 */
export async function useTfBackend(name: TfBackendName): Promise<TfBackendInfo> {
	// Prod mode skips debug checks and the "install tfjs-node" banner: what a deployment would run.
	tf.enableProdMode();
	await registerGradients();
	if (name === 'wasm' && !wasmPathsSet) {
		const require = createRequire(import.meta.url);
		// Node reads the .wasm with fs, so a plain directory path (with trailing slash) works.
		setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
		wasmPathsSet = true;
	}
	if (tf.getBackend() !== name) {
		const ok = await tf.setBackend(name);
		if (!ok) throw new Error(`TensorFlow.js backend '${name}' failed to initialise`);
	}
	await tf.ready();
	const wasm = name === 'wasm';
	return {
		backend: name,
		version: tf.version_core,
		simd: wasm && (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true,
		threads: wasm ? getThreadsCount() : 1
	};
}

/** The wasm backend's package version (for the report). */
export const tfWasmVersion: string = version_wasm;

/** One dense layer's initial parameters in the engine's layout: W is [out, in] row-major. */
export interface DenseInit {
	inSize: number;
	outSize: number;
	W: Float32Array;
	b: Float32Array | null;
}

/** A TF.js training loop with the engine's Trainer shape: one optimiser step per call. */
export interface TfTrainer {
	readonly backend: TfBackendName;
	readonly batchSize: number;
	/** One minibatch: forward, loss, backward, Adam update (and latent clipping); returns the loss, read back with dataSync. */
	step(): number;
	/** Tensors alive in the TF.js engine (constant across steps when nothing leaks). */
	numTensors(): number;
	dispose(): void;
}

/** [out, in] -> [in, out], TF.js's natural layout for x · W. */
function transpose(w: Float32Array, out: number, n: number): Float32Array {
	const t = new Float32Array(w.length);
	for (let r = 0; r < out; r++) for (let c = 0; c < n; c++) t[c * out + r] = w[r * n + c];
	return t;
}

/**
 * Minibatches like the engine's Trainer: a seeded shuffle per epoch, rows gathered into a
 * reused buffer and uploaded as fresh tensors each step. Only full batches are drawn (a
 * fixed shape); an epoch's remainder is skipped.
 */
class Batcher {
	private readonly order: Int32Array;
	private readonly rng;
	private cursor = 0;
	private readonly bx: Float32Array;
	private readonly by: Float32Array;
	constructor(
		private readonly data: Dataset,
		readonly B: number,
		seed: number
	) {
		if (B > data.nTrain) throw new RangeError(`batch ${B} exceeds the ${data.nTrain} training examples`);
		this.rng = createRng(seed);
		this.order = Int32Array.from({ length: data.nTrain }, (_, i) => i);
		this.rng.shuffle(this.order);
		this.bx = new Float32Array(B * data.inputSize);
		this.by = new Float32Array(B * data.numClasses);
	}
	/** x [B, D] and one-hot y [B, C] as new tensors (the caller's tidy disposes them). */
	next(): { x: tf.Tensor2D; y: tf.Tensor2D } {
		const { data, B } = this,
			D = data.inputSize,
			C = data.numClasses;
		if (this.cursor + B > data.nTrain) {
			this.cursor = 0;
			this.rng.shuffle(this.order);
		}
		this.by.fill(0);
		for (let b = 0; b < B; b++) {
			const i = this.order[this.cursor + b];
			this.bx.set(data.trainX.subarray(i * D, (i + 1) * D), b * D);
			this.by[b * C + data.trainY[i]] = 1;
		}
		this.cursor += B;
		return { x: tf.tensor2d(this.bx, [B, D]), y: tf.tensor2d(this.by, [B, C]) };
	}
}

function adam(lr: number): tf.AdamOptimizer {
	// The engine's Adam defaults; TF.js's own epsilon default is 1e-7.
	return tf.train.adam(lr, 0.9, 0.999, 1e-8);
}

/**
 * Float MLP in -> h -> C with ReLU, biases, softmax cross-entropy (mean over the batch),
 * Adam. `layers` are the engine's initial weights, so both sides start from the same point.
 * Create it while `backend` is active and step it only while it is.
 */
export function tfFloatMlp(backend: TfBackendName, layers: DenseInit[], data: Dataset, opts: { batchSize: number; lr: number; seed: number }): TfTrainer {
	if (tf.getBackend() !== backend) throw new Error(`activate '${backend}' before building its model`);
	const id = serial++;
	const vars = layers.map((l, k) => ({
		W: tf.variable(tf.tensor2d(transpose(l.W, l.outSize, l.inSize), [l.inSize, l.outSize]), true, `fW${k}_${backend}_${id}`),
		b: l.b ? tf.variable(tf.tensor1d(l.b), true, `fb${k}_${backend}_${id}`) : null
	}));
	const varList = vars.flatMap((v) => (v.b ? [v.W, v.b] : [v.W]));
	const opt = adam(opts.lr);
	const batcher = new Batcher(data, opts.batchSize, opts.seed);
	return {
		backend,
		batchSize: opts.batchSize,
		step: () =>
			tf.tidy(() => {
				const { x, y } = batcher.next();
				const cost = opt.minimize(
					() => {
						let h: tf.Tensor2D = x;
						vars.forEach((v, k) => {
							h = tf.matMul(h, v.W);
							if (v.b) h = tf.add(h, v.b);
							if (k < vars.length - 1) h = tf.relu(h);
						});
						return tf.losses.softmaxCrossEntropy(y, h) as tf.Scalar;
					},
					true,
					varList
				)!;
				return cost.dataSync()[0];
			}),
		numTensors: () => tf.memory().numTensors,
		dispose: () => {
			for (const v of vars) {
				v.W.dispose();
				v.b?.dispose();
			}
			opt.dispose();
		}
	};
}

/**
 * sign with the clipped straight-through estimator (BinaryNet, Hubara et al. 2016):
 * forward sign(x) with sign(0) = +1, backward dy · 1{|x| <= 1}.
 */
const signSte = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
	const x = args[0] as tf.Tensor,
		save = args[1] as tf.GradSaveFunc;
	save([x]);
	return {
		// 2 · [x >= 0] - 1. The same values as tf.where(x >= 0, 1, -1), but where() broadcasts
		// scalar branches with a Tile kernel, which made the wasm step 1.5x slower.
		value: tf.sub(tf.mul(tf.cast(tf.greaterEqual(x, 0), 'float32'), 2), 1),
		gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.cast(tf.lessEqual(tf.abs(saved[0]), 1), 'float32'))
	};
}) as (x: tf.Tensor) => tf.Tensor;

/**
 * An MLP with batch norm after every dense layer (no biases; batch norm in training mode:
 * batch mean and biased variance, learnable gamma/beta, eps 1e-5, no running statistics).
 * `binary`: the BinaryNet MLP, every dense layer on sign(W) of latent weights W and, after
 * the first, on sign() of its inputs, all signs with the clipped STE, latent weights
 * clipped to [-1, 1] after Adam. Otherwise the float MLP of the same shape, ReLU after
 * each hidden batch norm (the engine's mlpConfig with `batchnorm: true`).
 */
export function tfBatchNormMlp(
	backend: TfBackendName,
	layers: DenseInit[],
	data: Dataset,
	opts: { batchSize: number; lr: number; seed: number; epsilon?: number; binary: boolean }
): TfTrainer {
	if (tf.getBackend() !== backend) throw new Error(`activate '${backend}' before building its model`);
	const eps = opts.epsilon ?? 1e-5;
	const id = serial++;
	const vars = layers.map((l, k) => ({
		W: tf.variable(tf.tensor2d(transpose(l.W, l.outSize, l.inSize), [l.inSize, l.outSize]), true, `bW${k}_${backend}_${id}`),
		gamma: tf.variable(tf.ones([l.outSize]), true, `bg${k}_${backend}_${id}`),
		beta: tf.variable(tf.zeros([l.outSize]), true, `bb${k}_${backend}_${id}`)
	}));
	const varList = vars.flatMap((v) => [v.W, v.gamma, v.beta]);
	const opt = adam(opts.lr);
	const batcher = new Batcher(data, opts.batchSize, opts.seed);
	return {
		backend,
		batchSize: opts.batchSize,
		step: () =>
			tf.tidy(() => {
				const { x, y } = batcher.next();
				const cost = opt.minimize(
					() => {
						let h: tf.Tensor = x;
						vars.forEach((v, k) => {
							if (opts.binary && k > 0) h = signSte(h);
							h = tf.matMul(h as tf.Tensor2D, (opts.binary ? signSte(v.W) : v.W) as tf.Tensor2D);
							const { mean, variance } = tf.moments(h, 0);
							h = tf.add(tf.mul(tf.mul(tf.sub(h, mean), tf.rsqrt(tf.add(variance, eps))), v.gamma), v.beta);
							if (!opts.binary && k < vars.length - 1) h = tf.relu(h);
						});
						return tf.losses.softmaxCrossEntropy(y, h) as tf.Scalar;
					},
					true,
					varList
				)!;
				const loss = cost.dataSync()[0];
				if (opts.binary) for (const v of vars) v.W.assign(tf.clipByValue(v.W, -1, 1));
				return loss;
			}),
		numTensors: () => tf.memory().numTensors,
		dispose: () => {
			for (const v of vars) {
				v.W.dispose();
				v.gamma.dispose();
				v.beta.dispose();
			}
			opt.dispose();
		}
	};
}
