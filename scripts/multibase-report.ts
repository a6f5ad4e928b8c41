/**
 * How well ABC-Net's M shifted sign bases approximate a trained network's weights,
 * layer by layer: the relative error ||W - sum_i alpha_i B_i|| / ||W|| for M = 1..max
 * with the engine's weightBases (the bases fitted over each whole layer, as the paper
 * and the engine do). The weights come from a model file (`--load`, float layers only:
 * a file stores the bases of binary layers, not their latent weights) or from a network
 * trained here with the same options as `npm run train` (its latent weights, so a
 * multibase network works too).
 *
 *   npx tsx scripts/multibase-report.ts --load float.bwnn
 *   npx tsx scripts/multibase-report.ts --hidden 256,256 --weights multibase --bases 3 \
 *     --input multibase --input-bases 3 --batchnorm --lr 1e-2 --epochs 10 --seed 1
 *
 * Prints a table (and with --json one JSON object on the last line). Exit status 1
 * when some layer's error does not fall strictly with M, 2 for bad options.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Trainer, importModel, mlpConfig, mnistDataset, weightBases, type Dense, type InputMode, type WeightMode } from '../src/lib/engine';
import { loadMnistBytes } from './load-mnist';

const HELP = `Relative error of ABC-Net weight bases, M = 1..max, per dense layer.

Usage: npx tsx scripts/multibase-report.ts [options]

  --load FILE        a model file (npm run train -- --save FILE); float layers are reported
  (or train one on MNIST, as npm run train does:)
  --hidden W,W       hidden widths (default 256,256)
  --weights MODE     float | binary | scaled | multibase (default float)
  --bases M          weight bases of multibase layers (default 3)
  --input MODE       float | sign | multibase, layers after the first (default float)
  --input-bases N    input bases (default 3)
  --batchnorm        batch norm after every dense layer
  --lr X             Adam's learning rate (default 1e-3)
  --epochs N         epochs (default 10)
  --seed N           seed (default 1)
  --max-m M          largest M to fit (default 5, at most 16)
  --json             one JSON object as the last line of stdout
  --help             this text`;

function fail(msg: string): never {
	process.stderr.write(`multibase-report: ${msg}\n`);
	process.exit(2);
}

const { values: a } = (() => {
	try {
		return parseArgs({
			options: {
				load: { type: 'string' },
				hidden: { type: 'string' },
				weights: { type: 'string' },
				bases: { type: 'string' },
				input: { type: 'string' },
				'input-bases': { type: 'string' },
				batchnorm: { type: 'boolean' },
				lr: { type: 'string' },
				epochs: { type: 'string' },
				seed: { type: 'string' },
				'max-m': { type: 'string' },
				json: { type: 'boolean' },
				help: { type: 'boolean' }
			},
			strict: true
		});
	} catch (e) {
		fail((e as Error).message);
	}
})();

if (a.help) {
	process.stdout.write(HELP + '\n');
	process.exit(0);
}

function int(s: string | undefined, name: string, def: number, min: number, max: number): number {
	if (s === undefined) return def;
	const v = Number(s);
	if (!Number.isInteger(v) || v < min || v > max) fail(`--${name} must be an integer in ${min}..${max}, got ${JSON.stringify(s)}`);
	return v;
}

const maxM = int(a['max-m'], 'max-m', 5, 1, 16);
const log = (s: string) => process.stderr.write(s + '\n');

interface LayerWeights {
	name: string;
	shape: [number, number];
	mode: string;
	W: Float32Array;
}

let source: Record<string, unknown>;
let layers: LayerWeights[];
const t0 = performance.now();

if (a.load !== undefined) {
	let bytes: Uint8Array;
	try {
		bytes = new Uint8Array(readFileSync(a.load));
	} catch (e) {
		fail(`cannot read ${a.load}: ${(e as Error).message}`);
	}
	const { model, meta } = importModel(bytes);
	const dense = model.dense;
	const skipped = dense.filter((d) => d.weightMode !== 'float').map((d) => d.name);
	if (skipped.length) log(`${skipped.join(', ')}: binary layers in a file hold bases, not latent weights; skipped`);
	layers = dense.filter((d) => d.weightMode === 'float').map(denseWeights);
	source = { kind: 'file', file: a.load, meta };
} else {
	const hidden = (a.hidden ?? '256,256')
		.split(',')
		.filter(Boolean)
		.map((s) => int(s, 'hidden', 0, 1, 4096));
	const seed = int(a.seed, 'seed', 1, 0, 2 ** 32 - 1);
	const epochs = int(a.epochs, 'epochs', 10, 1, 1000);
	const lr = a.lr === undefined ? 1e-3 : Number(a.lr);
	if (!(lr > 0 && lr < 10)) fail(`--lr must be a number in (0, 10), got ${JSON.stringify(a.lr)}`);
	const spec = {
		inputSize: 784,
		classes: 10,
		hidden,
		weights: (a.weights ?? 'float') as WeightMode,
		input: (a.input ?? 'float') as InputMode,
		bases: int(a.bases, 'bases', 3, 1, 8),
		inputBases: int(a['input-bases'], 'input-bases', 3, 1, 8),
		batchnorm: a.batchnorm ?? false
	};
	let config;
	try {
		config = mlpConfig(spec);
	} catch (e) {
		fail((e as Error).message);
	}
	const data = mnistDataset(loadMnistBytes(), { seed });
	const trainer = new Trainer({ model: config, optimizer: { type: 'adam', lr }, batchSize: 64, seed }, data, { histogramBins: 0 });
	for (let e = 0; e < epochs; e++) {
		for (let s = 0; s < trainer.stepsPerEpoch; s++) trainer.step();
		log(`epoch ${e + 1}/${epochs}  test ${(100 * trainer.evaluate('test').accuracy).toFixed(2)}%`);
	}
	const test = trainer.evaluate('test');
	layers = trainer.model.dense.map(denseWeights);
	source = { kind: 'trained', spec, lr, epochs, seed, testAccuracy: test.accuracy };
}

function denseWeights(d: Dense): LayerWeights {
	return { name: d.name, shape: [d.outSize, d.inSize], mode: d.weightMode, W: d.W.value };
}

const report = layers.map((l) => {
	const errors = Array.from({ length: maxM }, (_, i) => weightBases(l.W, i + 1, {}, { bases: false }).relError);
	const strictlyFalling = errors.every((e, i) => i === 0 || e < errors[i - 1]);
	return { layer: l.name, shape: l.shape, weights: l.mode, relError: errors, strictlyFalling };
});

if (report.length === 0) fail('no layer with real-valued weights to report');

const head = ['layer', 'shape', ...Array.from({ length: maxM }, (_, i) => `M=${i + 1}`), 'falls strictly'];
const rows = report.map((r) => [r.layer, `${r.shape[0]}x${r.shape[1]}`, ...r.relError.map((e) => e.toFixed(4)), r.strictlyFalling ? 'yes' : 'NO']);
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
process.stdout.write(`relative error ||W - sum_i alpha_i B_i|| / ||W||\n${line(head)}\n${rows.map(line).join('\n')}\n`);
const allFalling = report.every((r) => r.strictlyFalling);
if (a.json) process.stdout.write(JSON.stringify({ source, maxM, layers: report, allFalling, wallSeconds: (performance.now() - t0) / 1000 }) + '\n');
process.exit(allFalling ? 0 : 1);
