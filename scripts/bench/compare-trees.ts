/**
 * The engine of another checkout against this one, in one process: `npx tsx
 * scripts/bench/compare-trees.ts --before DIR [--net binarynet|playground|float]
 * [--rounds 9] [--steps 40]`. DIR is a tree of the project with its wasm built (for
 * instance `git archive REV | tar -x -C DIR`, `node_modules` linked in, then
 * `node scripts/build-wasm.mjs` there). Both engines train the same config from the
 * same seed in rounds of `steps` steps that alternate (the order flipping each round,
 * so load on a shared machine hits both alike), after 50 warm-up steps each, and the
 * script reports the medians, the per-round paired speed-up, and whether every
 * round's mean loss was the same on both sides (the same trajectory to the bit).
 *
 * Networks: binarynet, the README's 784-256-256-10 BinaryNet-style command (batch 64);
 * playground, /playground's digits defaults (784-64-64-10, first layer float weights,
 * sign inputs, batch norm, ApproxSign, Adam 1e-2, batch 32); float, 784-256-256-10 with
 * batch norm (Adam 1e-3, batch 64). Timings only; nothing here is a test.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { before: { type: 'string' }, net: { type: 'string' }, rounds: { type: 'string' }, steps: { type: 'string' } } });
if (!values.before) {
	process.stderr.write('usage: npx tsx scripts/bench/compare-trees.ts --before DIR [--net binarynet|playground|float] [--rounds 9] [--steps 40]\n');
	process.exit(2);
}
const net = values.net ?? 'binarynet';
const rounds = Number(values.rounds ?? 9),
	per = Number(values.steps ?? 40);
const roots = [resolve(values.before), resolve(import.meta.dirname, '../..')];

const sides = await Promise.all(
	roots.map(async (root) => {
		const e = await import(`${root}/src/lib/engine/index.ts`);
		const { loadMnistBytes } = await import(`${root}/scripts/load-mnist.ts`);
		const data = e.mnistDataset(loadMnistBytes(), { seed: 1 });
		const model =
			net === 'playground'
				? e.mlpConfig({
						inputSize: 784,
						classes: 10,
						hidden: [64, 64],
						weights: ['float', 'binary', 'binary'],
						input: 'sign',
						batchnorm: true,
						estimator: 'approxsign'
					})
				: net === 'float'
					? e.mlpConfig({ inputSize: 784, classes: 10, hidden: [256, 256], batchnorm: true })
					: e.mlpConfig({ inputSize: 784, classes: 10, hidden: [256, 256], weights: 'binary', input: 'sign', batchnorm: true, estimator: 'clipped' });
		const config = { model, optimizer: { type: 'adam', lr: net === 'float' ? 1e-3 : 1e-2 }, batchSize: net === 'playground' ? 32 : 64, seed: 1 };
		// The worker's and the CLI's Trainer options: histograms are made per snapshot, not per step.
		return { root, trainer: new e.Trainer(config, data, { histogramBins: 0 }), times: [] as number[], losses: [] as number[] };
	})
);
for (const s of sides) for (let i = 0; i < 50; i++) s.trainer.step();
for (let r = 0; r < rounds; r++) {
	for (const s of r % 2 ? [...sides].reverse() : sides) {
		const t0 = performance.now();
		let loss = 0;
		for (let i = 0; i < per; i++) loss += s.trainer.step().loss;
		s.times.push((performance.now() - t0) / per);
		s.losses.push(loss / per);
	}
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const [before, after] = sides;
for (const [name, s] of [
	['before', before],
	['after ', after]
] as const)
	console.log(
		`${name} ${s.root}: median ${med(s.times).toFixed(3)} ms/step (${(1000 / med(s.times)).toFixed(0)} steps/s), rounds ${Math.min(...s.times).toFixed(2)}..${Math.max(...s.times).toFixed(2)}`
	);
const paired = before.times.map((x, i) => x / after.times[i]);
console.log(
	`${net}: speed-up median ${med(paired).toFixed(2)}x (paired per round, ${Math.min(...paired).toFixed(2)}..${Math.max(...paired).toFixed(2)}); ` +
		`same loss every round: ${before.losses.every((x, i) => x === after.losses[i])}`
);
