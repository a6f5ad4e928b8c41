/**
 * Training throughput: examples per second of whole optimiser steps (forward, loss,
 * backward, Adam update) on the MNIST subset, the engine against TensorFlow.js on its
 * 'cpu' and 'wasm' backends, for
 *
 *   - the float MLP 784-256-10 (ReLU, biases), Adam lr 1e-3, batch 128 and batch 32;
 *   - the BinaryNet MLP 784-256-256-10: binary weights everywhere, sign inputs to layers
 *     2 and 3, batch norm after every dense layer, clipped STE, Adam lr 1e-2, latent
 *     weights clipped to [-1, 1], batch 128;
 *   - binary against float at batch 64 (the CLI's): that BinaryNet MLP and the float MLP of
 *     the same shape with batch norm (784-256-256-10, ReLU after batch norm, Adam lr 1e-3),
 *     both on the engine and on TF.js WASM, all four interleaved in the same rounds (the
 *     engine's JS-kernel and TF.js CPU rivals sit this one out).
 *
 * Every rival starts from the engine's initial weights. The rivals are interleaved: after a
 * warm-up each runs R timed rounds of about the same wall time, the order rotating every
 * round, so drifts in machine load hit all alike; the figure is the median over rounds
 * of examples / second.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
	Trainer,
	gemmBackend,
	mlpConfig,
	setGemmBackend,
	mnistDataset,
	type Dataset,
	type Model,
	type ModelConfig,
	type TrainConfig
} from '../../src/lib/engine';
import { loadMnistBytes } from '../load-mnist';
import { median, now } from './stats';
import { tfBatchNormMlp, tfFloatMlp, useTfBackend, tfWasmVersion, type DenseInit, type TfBackendInfo, type TfBackendName, type TfTrainer } from './tfjs';

/** The networks: float 784-256-10; BinaryNet 784-256-256-10 with batch norm; float 784-256-256-10 with batch norm. */
export type Network = 'float-mlp' | 'binary-mlp' | 'float-bn-mlp';

/** 'bitwise-js' is the engine forced onto its JavaScript GEMM kernels (no WebAssembly). */
export type TrainingRival = 'bitwise' | 'bitwise-js' | 'tfjs-wasm' | 'tfjs-cpu';

export interface TrainingResult {
	/** Which benchmark, e.g. 'float MLP 784-256-10, batch 128'. */
	name: string;
	network: Network;
	rival: TrainingRival;
	/** What ran: 'engine (WebAssembly SIMD GEMM)', 'tfjs-wasm 4.22.0 (SIMD, 1 thread)', 'tfjs-cpu 4.22.0'. */
	backend: string;
	batch: number;
	/** Median over rounds of examples / second. */
	examplesPerSecond: number;
	/** Median milliseconds per optimiser step (1000 · batch / examplesPerSecond for full batches). */
	msPerStep: number;
	/** Each round's examples / second, in round order. */
	rounds: number[];
	stepsPerRound: number;
	/** Steps inside the timed rounds (warm-up excluded). */
	stepsTimed: number;
	/** Mean training loss over the last round: a sanity check that the rivals learn alike. */
	lastLoss: number;
	/** On the engine's rows: its median over each rival's median (above 1: the engine is faster). */
	ratios?: Partial<Record<'tfjs-wasm' | 'tfjs-cpu', number>>;
	/** On the engine's rows: the median over rounds of the within-round ratio (rivals ran back to back, so slow drifts cancel). */
	pairedRatios?: Partial<Record<'tfjs-wasm' | 'tfjs-cpu', number>>;
	/** On the engine's binary row of the binary-vs-float bench: its examples / second over the float network's, as a ratio of medians and paired per round. */
	binaryOverFloat?: { ratio: number; paired: number };
}

export interface TrainingOptions {
	/** Fewer, shorter rounds (about 20 s instead of about 90 s on a 2-core laptop). */
	quick?: boolean;
	/** Progress and a summary, line by line. */
	log?: (line: string) => void;
	/** Only these rivals (default all three). */
	rivals?: TrainingRival[];
}

/** The goal: the engine's float MLP at batch 128 reaches this multiple of TF.js WASM's examples / second. */
export const FLOAT_MLP_GOAL = 1.5;

interface Runner {
	rival: TrainingRival;
	network: Network;
	backend: string;
	/** Make the runner's backend current (TF.js rivals); outside the timed region. */
	activate(): Promise<void>;
	/** One optimiser step; returns examples processed and the loss. */
	step(): { examples: number; loss: number };
}

interface Plan {
	warmupSec: number;
	minWarmupSteps: number;
	rounds: number;
	roundSec: number;
}

/**
 * A full garbage collection, run before every timed round (outside the timing) so that
 * no rival pays for the garbage another left behind: TF.js allocates fresh typed arrays
 * on every op, the engine reuses its buffers. Uses global.gc when node runs with
 * --expose-gc, else exposes it at run time.
 */
const collectGarbage: () => void = (() => {
	const g = (globalThis as { gc?: () => void }).gc;
	if (g) return g;
	try {
		setFlagsFromString('--expose-gc');
		return runInNewContext('gc') as () => void;
	} catch {
		return () => {};
	}
})();

function engineRunner(network: Network, config: TrainConfig, data: Dataset, kernels: 'auto' | 'js'): { runner: Runner; model: Model } {
	const trainer = new Trainer(config, data, { histogramBins: 0 });
	setGemmBackend(kernels);
	const backend = gemmBackend();
	setGemmBackend('auto');
	return {
		model: trainer.model,
		runner: {
			rival: kernels === 'js' ? 'bitwise-js' : 'bitwise',
			network,
			backend: `engine (${backend === 'wasm-simd' ? 'WebAssembly SIMD GEMM' : 'JS GEMM'})`,
			// Each engine rival selects its kernels before its rounds; TF.js does not use them.
			activate: async () => setGemmBackend(kernels),
			step: () => {
				const m = trainer.step();
				return { examples: m.examples, loss: m.loss };
			}
		}
	};
}

function tfRunner(network: Network, backend: TfBackendName, label: string, t: TfTrainer): Runner {
	return {
		rival: backend === 'wasm' ? 'tfjs-wasm' : 'tfjs-cpu',
		network,
		backend: label,
		activate: async () => {
			await useTfBackend(backend);
		},
		step: () => ({ examples: t.batchSize, loss: t.step() })
	};
}

function denseInits(model: Model): DenseInit[] {
	return model.dense.map((d) => ({
		inSize: d.inSize,
		outSize: d.outSize,
		W: Float32Array.from(d.W.value),
		b: d.b ? Float32Array.from(d.b.value) : null
	}));
}

/**
 * Warm each runner up, size its rounds to about `roundSec`, then run the rounds with the
 * order rotating; returns per runner the examples / second of each round. (stats.ts's
 * `interleave` is synchronous; the TF.js rivals need an awaited backend switch and every
 * round a garbage collection, both outside the timing, hence this loop.)
 */
async function interleave(
	runners: Runner[],
	plan: Plan,
	countTensors: (() => number) | null
): Promise<{ perRound: number[][]; stepsPerRound: number[]; lastLoss: number[]; tensorsAfterWarmup: number }> {
	const stepsPerRound: number[] = [];
	for (const r of runners) {
		await r.activate();
		const times: number[] = [];
		const t0 = now();
		let tPrev = t0;
		while (times.length < plan.minWarmupSteps || tPrev - t0 < plan.warmupSec * 1000) {
			r.step();
			const t = now();
			times.push(t - tPrev);
			tPrev = t;
		}
		// The later warm-up steps ran compiled code; their median sizes the rounds.
		const perStep = Math.max(median(times.slice(times.length >> 1)), 1e-3);
		stepsPerRound.push(Math.max(1, Math.round((plan.roundSec * 1000) / perStep)));
	}
	const tensorsAfterWarmup = countTensors ? countTensors() : 0;
	const perRound = runners.map(() => [] as number[]);
	const lastLoss = runners.map(() => NaN);
	for (let round = 0; round < plan.rounds; round++) {
		for (let j = 0; j < runners.length; j++) {
			const k = (j + round) % runners.length;
			const r = runners[k];
			await r.activate();
			collectGarbage();
			let examples = 0,
				lossSum = 0;
			const n = stepsPerRound[k];
			const t0 = now();
			for (let s = 0; s < n; s++) {
				const o = r.step();
				examples += o.examples;
				lossSum += o.loss;
			}
			const dt = (now() - t0) / 1000;
			perRound[k].push(examples / dt);
			lastLoss[k] = lossSum / n;
		}
	}
	return { perRound, stepsPerRound, lastLoss, tensorsAfterWarmup };
}

function fmt(x: number): string {
	return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/**
 * Run the training benchmarks; one result per (network, batch, rival). Takes about 90 s
 * (about 20 s with `quick`) on a 2-core machine.
 */
export async function benchTraining(opts: TrainingOptions = {}): Promise<TrainingResult[]> {
	const log = opts.log ?? (() => {});
	const quick = !!opts.quick;
	const want = new Set<TrainingRival>(opts.rivals ?? ['bitwise', 'bitwise-js', 'tfjs-wasm', 'tfjs-cpu']);
	const data = mnistDataset(loadMnistBytes(), { seed: 1 });

	const info: Partial<Record<TfBackendName, TfBackendInfo>> = {};
	for (const b of ['wasm', 'cpu'] as const) if (want.has(b === 'wasm' ? 'tfjs-wasm' : 'tfjs-cpu')) info[b] = await useTfBackend(b);
	const label = (b: TfBackendName): string => {
		const i = info[b]!;
		return b === 'wasm'
			? `tfjs-wasm ${tfWasmVersion} (${i.simd ? 'SIMD' : 'no SIMD'}, ${i.threads} thread${i.threads === 1 ? '' : 's'})`
			: `tfjs-cpu ${i.version} (plain JS)`;
	};
	const tfLabels = (['wasm', 'cpu'] as const).filter((b) => info[b]).map(label);
	if (tfLabels.length) log(`  TF.js rivals: ${tfLabels.join('; ')}; all single-threaded, as is the engine`);

	const benches: { name: string; networks: Network[]; batch: number; plan: Plan }[] = [
		{
			name: 'float MLP 784-256-10',
			networks: ['float-mlp'],
			batch: 128,
			plan: quick ? { warmupSec: 0.4, minWarmupSteps: 3, rounds: 3, roundSec: 0.35 } : { warmupSec: 0.8, minWarmupSteps: 4, rounds: 7, roundSec: 1 }
		},
		{
			name: 'float MLP 784-256-10',
			networks: ['float-mlp'],
			batch: 32,
			plan: quick ? { warmupSec: 0.3, minWarmupSteps: 3, rounds: 3, roundSec: 0.3 } : { warmupSec: 0.5, minWarmupSteps: 4, rounds: 7, roundSec: 0.7 }
		},
		{
			name: 'binary MLP 784-256-256-10',
			networks: ['binary-mlp'],
			batch: 128,
			plan: quick ? { warmupSec: 0.4, minWarmupSteps: 3, rounds: 3, roundSec: 0.35 } : { warmupSec: 0.8, minWarmupSteps: 4, rounds: 7, roundSec: 1 }
		},
		{
			name: 'MLP 784-256-256-10 with batch norm, binary vs float',
			networks: ['binary-mlp', 'float-bn-mlp'],
			batch: 64,
			plan: quick ? { warmupSec: 0.4, minWarmupSteps: 3, rounds: 3, roundSec: 0.35 } : { warmupSec: 0.8, minWarmupSteps: 4, rounds: 7, roundSec: 0.8 }
		}
	];
	const models: Record<Network, { model: ModelConfig; lr: number; label: string }> = {
		'float-mlp': { model: mlpConfig({ inputSize: 784, classes: 10, hidden: [256] }), lr: 1e-3, label: 'float' },
		'binary-mlp': {
			model: mlpConfig({ inputSize: 784, classes: 10, hidden: [256, 256], weights: 'binary', input: 'sign', batchnorm: true, estimator: 'clipped' }),
			lr: 1e-2,
			label: 'binary'
		},
		'float-bn-mlp': { model: mlpConfig({ inputSize: 784, classes: 10, hidden: [256, 256], batchnorm: true }), lr: 1e-3, label: 'float + BN' }
	};

	const results: TrainingResult[] = [];
	for (const bench of benches) {
		const pair = bench.networks.length > 1;
		const runners: Runner[] = [];
		const made: TfTrainer[] = [];
		for (const network of bench.networks) {
			const { model, lr } = models[network];
			const config: TrainConfig = { model, optimizer: { type: 'adam', lr }, batchSize: bench.batch, seed: 1 };
			const ours = engineRunner(network, config, data, 'auto');
			const init = denseInits(ours.model);
			if (want.has('bitwise')) runners.push(ours.runner);
			if (!pair && want.has('bitwise-js') && gemmBackend() === 'wasm-simd') runners.push(engineRunner(network, config, data, 'js').runner);
			for (const b of ['wasm', 'cpu'] as const) {
				if (!info[b] || (pair && b === 'cpu')) continue;
				await useTfBackend(b);
				const o = { batchSize: bench.batch, lr, seed: 2 };
				const t = network === 'float-mlp' ? tfFloatMlp(b, init, data, o) : tfBatchNormMlp(b, init, data, { ...o, binary: network === 'binary-mlp' });
				made.push(t);
				runners.push(tfRunner(network, b, label(b), t));
			}
		}
		const title = `${bench.name}, batch ${bench.batch}`;
		log(`  ${title}: ${bench.plan.rounds} interleaved rounds of ~${bench.plan.roundSec} s per rival`);
		const { perRound, stepsPerRound, lastLoss, tensorsAfterWarmup } = await interleave(runners, bench.plan, made[0] ? () => made[0].numTensors() : null);
		if (made[0] && made[0].numTensors() !== tensorsAfterWarmup)
			log(`    warning: TF.js tensors grew from ${tensorsAfterWarmup} to ${made[0].numTensors()} during the rounds (a leak slows its later rounds)`);
		const rows: TrainingResult[] = runners.map((r, k) => {
			const eps = median(perRound[k]);
			return {
				name: pair ? `${title}: ${models[r.network].label}` : title,
				network: r.network,
				rival: r.rival,
				backend: r.backend,
				batch: bench.batch,
				examplesPerSecond: eps,
				msPerStep: (1000 * bench.batch) / eps,
				rounds: perRound[k],
				stepsPerRound: stepsPerRound[k],
				stepsTimed: stepsPerRound[k] * bench.plan.rounds,
				lastLoss: lastLoss[k]
			};
		});
		const isEngine = (r: TrainingResult) => r.rival === 'bitwise' || r.rival === 'bitwise-js';
		const paired = (a: TrainingResult, b: TrainingResult) => median(a.rounds.map((x, i) => x / b.rounds[i]));
		for (const e of rows.filter(isEngine)) {
			e.ratios = {};
			e.pairedRatios = {};
			for (const r of rows) {
				if (isEngine(r) || r.network !== e.network) continue;
				const rival = r.rival as 'tfjs-wasm' | 'tfjs-cpu';
				e.ratios[rival] = e.examplesPerSecond / r.examplesPerSecond;
				e.pairedRatios[rival] = paired(e, r);
			}
		}
		const bin = rows.find((r) => r.rival === 'bitwise' && r.network === 'binary-mlp');
		const flt = rows.find((r) => r.rival === 'bitwise' && r.network === 'float-bn-mlp');
		if (bin && flt) bin.binaryOverFloat = { ratio: bin.examplesPerSecond / flt.examplesPerSecond, paired: paired(bin, flt) };
		for (const r of rows) {
			const spread = `${fmt(Math.min(...r.rounds))}..${fmt(Math.max(...r.rounds))}`;
			const ratio = r.ratios
				? '  ' +
					Object.entries(r.ratios)
						.map(([k, v]) => `${fmt(v!)}x ${k} (paired ${fmt(r.pairedRatios![k as 'tfjs-wasm']!)}x)`)
						.join(', ')
				: '';
			const who = pair ? `${models[r.network].label}, ${r.backend}` : r.backend;
			log(
				`    ${who.padEnd(pair ? 50 : 38)} ${fmt(r.examplesPerSecond).padStart(7)} ex/s  (${fmt(r.msPerStep)} ms/step, rounds ${spread}, ${r.stepsTimed} steps, loss ${r.lastLoss.toFixed(3)})${ratio}`
			);
		}
		const mine = rows.find((r) => r.rival === 'bitwise');
		if (mine && bench.networks[0] === 'float-mlp' && bench.batch === 128 && mine.ratios?.['tfjs-wasm'] !== undefined) {
			const x = mine.ratios['tfjs-wasm']!;
			log(`    goal: engine >= ${FLOAT_MLP_GOAL}x tfjs-wasm at batch 128: ${x >= FLOAT_MLP_GOAL ? 'met' : 'NOT met'} (${fmt(x)}x)`);
		}
		if (bin?.binaryOverFloat) {
			const { ratio, paired: p } = bin.binaryOverFloat;
			log(`    goal: engine binary >= engine float + BN in examples/s: ${ratio >= 1 ? 'met' : 'NOT met'} (${fmt(ratio)}x, paired ${fmt(p)}x)`);
		}
		for (const t of made) {
			await useTfBackend(t.backend);
			t.dispose();
		}
		results.push(...rows);
	}
	return results;
}
