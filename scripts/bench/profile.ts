/**
 * Where a training step's time goes: `npx tsx scripts/bench/profile.ts [--steps N]
 * [--float] [--batch B]`. Trains the README's BinaryNet-style network (784-256-256-10,
 * binary weights, sign inputs, batch norm, clipped STE, Adam lr 1e-2) on the digits,
 * or with --float the float network of the same shape with batch norm, and reports:
 *
 * 1. phases, by wrapping each layer's forward and backward, the loss, the optimiser
 *    (whose step includes the latent clip, where fused) and measuring the rest of
 *    `Trainer.step` (batch copy, metrics, sign bookkeeping) as the remainder;
 * 2. self time per function from V8's sampling profiler (node:inspector), the finer
 *    view: which loops inside a layer (sign, STE masks, GEMM copies, the kernels) cost.
 *
 * Timings only; nothing here is a test. Run it beside `uptime`: the machine is shared.
 */
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { Trainer, mlpConfig, mnistDataset, type TrainConfig } from '../../src/lib/engine';
import { loadMnistBytes } from '../load-mnist';
import { now } from './stats';

const { values } = parseArgs({ options: { steps: { type: 'string' }, float: { type: 'boolean' }, batch: { type: 'string' }, top: { type: 'string' } } });
const steps = Number(values.steps ?? 400);
const batch = Number(values.batch ?? 64);
const binary = !values.float;
const data = mnistDataset(loadMnistBytes(), { seed: 1 });
const model = binary
	? mlpConfig({ inputSize: 784, classes: 10, hidden: [256, 256], weights: 'binary', input: 'sign', batchnorm: true, estimator: 'clipped' })
	: mlpConfig({ inputSize: 784, classes: 10, hidden: [256, 256], batchnorm: true });
const config: TrainConfig = { model, optimizer: { type: 'adam', lr: binary ? 1e-2 : 1e-3 }, batchSize: batch, seed: 1 };
const trainer = new Trainer(config, data, { histogramBins: 0 });

// Warm up (JIT, wasm instantiation).
for (let s = 0; s < 60; s++) trainer.step();

// 1. The sampling profile, of the unwrapped step (wrappers would take the inlined layer code's samples).
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
let t0 = now();
for (let s = 0; s < steps; s++) trainer.step();
const profiled = now() - t0;
const { profile } = await session.post('Profiler.stop');
session.disconnect();

// 2. The phases, timed by wrappers, over as many further steps.
const phases = new Map<string, number>();
const add = (k: string, ms: number) => phases.set(k, (phases.get(k) ?? 0) + ms);
function wrap<T extends object>(obj: T, method: keyof T & string, label: string): void {
	const f = (obj as Record<string, unknown>)[method] as (...a: unknown[]) => unknown;
	(obj as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
		const t = now();
		const r = f.apply(this, args);
		add(label, now() - t);
		return r;
	};
}
for (const l of trainer.model.layers) {
	const d = l as { weightMode?: string; inputMode?: string };
	const kind = l.type === 'dense' ? `${l.name} (${d.weightMode} weights, ${d.inputMode} input)` : l.type === 'batchnorm' ? 'batch norm (all)' : `${l.type} (all)`;
	wrap(l, 'forward', `forward  ${kind}`);
	wrap(l, 'backward', `backward ${kind}`);
}
wrap(trainer.optimizer, 'step', 'optimiser step');
for (let s = 0; s < 10; s++) trainer.step();
phases.clear();
t0 = now();
for (let s = 0; s < steps; s++) trainer.step();
const total = now() - t0;

const perStep = (ms: number) => (ms / steps).toFixed(3).padStart(7);
const pct = (ms: number) => ((100 * ms) / total).toFixed(1).padStart(5) + '%';
console.log(`${binary ? 'binary' : 'float'} 784-256-256-10 with batch norm, batch ${batch}: ${steps} steps, ${(total / steps).toFixed(3)} ms/step (${(profiled / steps).toFixed(3)} while sampled), ${Math.round((steps * batch * 1000) / total)} examples/s`);
console.log('\nphases (ms per step, share of the step)');
let covered = 0;
for (const [k, v] of [...phases].sort((a, b) => b[1] - a[1])) {
	covered += v;
	console.log(`  ${perStep(v)}  ${pct(v)}  ${k}`);
}
console.log(`  ${perStep(total - covered)}  ${pct(total - covered)}  rest of Trainer.step (batch copy, loss, metrics, sign bookkeeping)`);

// Self time per function from the sampling profile.
const self = new Map<string, number>();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
let sampled = 0;
const samples = profile.samples ?? [], deltas = profile.timeDeltas ?? [];
for (let i = 0; i < samples.length; i++) {
	const n = byId.get(samples[i])!;
	const f = n.callFrame;
	const where = f.url ? `${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}` : '';
	const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
	self.set(key, (self.get(key) ?? 0) + deltas[i] / 1000);
	sampled += deltas[i] / 1000;
}
console.log('\nself time by function (sampling profiler, ms per step, share of samples)');
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top ?? 18)))
	console.log(`  ${perStep(v)}  ${((100 * v) / sampled).toFixed(1).padStart(5)}%  ${k}`);
