/**
 * Where a training step's time goes: `npx tsx scripts/bench/profile.ts [--steps N]
 * [--warmup N] [--batch B] [--top K]`. Trains, side by side on the digits, the README's
 * BinaryNet-style network (784-256-256-10, binary weights, sign inputs, batch norm,
 * clipped STE, Adam lr 1e-2) and the float network of the same shape with batch norm
 * (ReLU, Adam lr 1e-3), and reports:
 *
 * 1. phases, interleaved: rounds of 25 steps alternate between the two networks (the
 *    order flipping every round, so load on the shared machine hits both alike), with
 *    each layer's forward and backward, the optimiser step (Adam, with the latent clip
 *    fused) and the dense layers' sign sync timed by wrappers; the rest of
 *    `Trainer.step` (batch copy, loss, metrics) is the remainder;
 * 2. self time per function from V8's sampling profiler (node:inspector) for each
 *    network: which loops inside a layer (sign, STE masks, GEMM copies, the kernels) cost.
 *
 * Timings only; nothing here is a test. Run it beside `uptime`: the machine is shared.
 */
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { Trainer, mlpConfig, mnistDataset, type TrainConfig } from '../../src/lib/engine';
import { loadMnistBytes } from '../load-mnist';
import { now } from './stats';

const { values } = parseArgs({ options: { steps: { type: 'string' }, warmup: { type: 'string' }, batch: { type: 'string' }, top: { type: 'string' } } });
const steps = Math.max(25, Number(values.steps ?? 400));
const batch = Number(values.batch ?? 64);
const data = mnistDataset(loadMnistBytes(), { seed: 1 });
const nets = [
	{
		name: 'binary',
		model: mlpConfig({ inputSize: 784, classes: 10, hidden: [256, 256], weights: 'binary', input: 'sign', batchnorm: true, estimator: 'clipped' }),
		lr: 1e-2
	},
	{ name: 'float + BN', model: mlpConfig({ inputSize: 784, classes: 10, hidden: [256, 256], batchnorm: true }), lr: 1e-3 }
].map((n) => {
	const config: TrainConfig = { model: n.model, optimizer: { type: 'adam', lr: n.lr }, batchSize: batch, seed: 1 };
	return {
		name: n.name,
		trainer: new Trainer(config, data, { histogramBins: 0 }),
		phases: new Map<string, number>(),
		total: 0,
		rounds: [] as number[],
		profile: new Map<string, number>()
	};
});

// Warm up (JIT, wasm instantiation; the binary network's first steps flip far more signs than later ones).
const warmup = Number(values.warmup ?? 100);
for (const n of nets) for (let s = 0; s < warmup; s++) n.trainer.step();

// 1. The sampling profiles, of the unwrapped steps (wrappers would take the inlined layer code's samples).
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
for (const n of nets) {
	await session.post('Profiler.start');
	for (let s = 0; s < steps; s++) n.trainer.step();
	const { profile } = await session.post('Profiler.stop');
	const byId = new Map(profile.nodes.map((x) => [x.id, x]));
	const samples = profile.samples ?? [],
		deltas = profile.timeDeltas ?? [];
	for (let i = 0; i < samples.length; i++) {
		const f = byId.get(samples[i])!.callFrame;
		const where = f.url ? `${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}` : '';
		const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
		n.profile.set(key, (n.profile.get(key) ?? 0) + deltas[i] / 1000);
	}
}
session.disconnect();

// 2. The phases, timed by wrappers, interleaved round by round.
function wrap<T extends object>(obj: T, method: string, label: string, into: Map<string, number>): void {
	const f = (obj as Record<string, unknown>)[method] as (...a: unknown[]) => unknown;
	(obj as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
		const t = now();
		const r = f.apply(this, args);
		into.set(label, (into.get(label) ?? 0) + now() - t);
		return r;
	};
}
for (const n of nets) {
	for (const l of n.trainer.model.layers) {
		const what = l.type === 'dense' ? l.name : l.type === 'batchnorm' ? 'batch norm (3 layers)' : `${l.type} (2 layers)`;
		wrap(l, 'forward', `${what} forward`, n.phases);
		wrap(l, 'backward', `${what} backward`, n.phases);
		if (l.type === 'dense') wrap(l, 'syncLatent', 'sign sync after the update (3 layers)', n.phases);
	}
	wrap(n.trainer.optimizer, 'step', 'optimiser step (Adam, latent clip fused)', n.phases);
}
const per = 25;
for (let r = 0; r * per < steps; r++) {
	for (const n of r % 2 ? [...nets].reverse() : nets) {
		const t = now();
		for (let s = 0; s < per; s++) n.trainer.step();
		n.rounds.push(now() - t);
		n.total += now() - t;
	}
}
const timed = Math.ceil(steps / per) * per;

const ms = (x: number, n = timed) => (x / n).toFixed(3).padStart(7);
console.log(`784-256-256-10 with batch norm, batch ${batch}, after ${warmup} warm-up steps: ${timed} steps each, interleaved in rounds of ${per}`);
for (const n of nets) console.log(`  ${n.name.padEnd(11)} ${ms(n.total)} ms/step, ${Math.round((timed * batch * 1000) / n.total)} examples/s`);
const paired = nets[1].rounds.map((x, i) => x / nets[0].rounds[i]).sort((a, b) => a - b);
console.log(
	`  binary / float examples per second: ${(nets[1].total / nets[0].total).toFixed(3)} over all rounds; ` +
		`median of the per-round ratios ${paired[paired.length >> 1].toFixed(3)} (${paired[0].toFixed(2)}..${paired[paired.length - 1].toFixed(2)})`
);
console.log(`\nphases, ms per step (${nets.map((n) => n.name).join(' | ')})`);
const labels = [...new Set(nets.flatMap((n) => [...n.phases.keys()]))];
const rows = labels.map((k) => ({ k, v: nets.map((n) => n.phases.get(k) ?? 0) }));
rows.push({ k: 'rest of Trainer.step (batch copy, loss, metrics)', v: nets.map((n) => n.total - [...n.phases.values()].reduce((a, b) => a + b, 0)) });
for (const { k, v } of rows) console.log(`  ${v.map((x) => ms(x)).join(' | ')}  ${k}`);

for (const n of nets) {
	const sampled = [...n.profile.values()].reduce((a, b) => a + b, 0);
	console.log(`\n${n.name}: self time by function (sampling profiler, ms per step, share of samples)`);
	for (const [k, v] of [...n.profile].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top ?? 14)))
		console.log(`  ${ms(v, steps)}  ${((100 * v) / sampled).toFixed(1).padStart(5)}%  ${k}`);
}
