/** The headless trainer as a user runs it: a real child process through tsx. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportModel, makeSynthetic, mlpConfig, Trainer } from '../../src/lib/engine';

const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'bitwise-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function train(args: string[]) {
	const r = spawnSync(tsx, ['scripts/train.ts', ...args], { encoding: 'utf8' });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!);
const TIMING = ['examplesPerSecond', 'wallSeconds'];
const withoutTiming = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !TIMING.includes(k)));

const small = [
	'--dataset',
	'moons',
	'--hidden',
	'16,16',
	'--weights',
	'binary',
	'--input',
	'sign',
	'--batchnorm',
	'--lr',
	'1e-2',
	'--epochs',
	'3',
	'--seed',
	'7',
	'--json'
];

describe('npm run train', () => {
	it('prints identical JSON, apart from timing fields, for the same command run twice', () => {
		const a = train(small),
			b = train(small);
		expect(a.code).toBe(0);
		const ja = lastJson(a.stdout),
			jb = lastJson(b.stdout);
		for (const k of ['dataset', 'seed', 'epochs', 'trainAccuracy', 'testAccuracy', 'trainLoss', 'parameters', 'floatBytes', 'packedBytes', ...TIMING])
			expect(ja, k).toHaveProperty(k);
		expect(withoutTiming(jb)).toEqual(withoutTiming(ja));
		expect(a.stderr).toMatch(/epoch 3\/3/);
	});

	it('saves a packed model file of the stated size and evaluates it again with --load', () => {
		const file = join(dir, 'm.bwnn');
		const t = train([...small, '--save', file]);
		expect(t.code).toBe(0);
		const trained = lastJson(t.stdout);
		const bytes = readFileSync(file);
		const jsonLength = bytes.readUInt32LE(8);
		expect(bytes.length).toBe(trained.packedBytes + 16 + jsonLength);
		expect(JSON.parse(bytes.subarray(12, 12 + jsonLength).toString('utf8')).meta).toMatchObject({ dataset: 'moons', seed: 7, noise: 0.1, points: 1000 });
		// The model's own data set and seed are the defaults, so its test split is the one it never saw.
		const l = train(['--load', file, '--json']);
		expect(l.code).toBe(0);
		expect(lastJson(l.stdout).testAccuracy).toBe(trained.testAccuracy);
	});

	it('attacks a saved model under each budget, white-box, gradient-free and transferred, and refuses an attack it cannot run', () => {
		const binary = join(dir, 'attack-b.bwnn'),
			float = join(dir, 'attack-f.bwnn');
		expect(train([...small, '--save', binary]).code).toBe(0);
		expect(train(['--dataset', 'moons', '--hidden', '16,16', '--lr', '1e-2', '--epochs', '3', '--seed', '7', '--save', float]).code).toBe(0);
		const attack = (args: string[]) => {
			const r = train(['--load', binary, '--eps', '0,0.1,0.3', '--attack-examples', '100', '--json', ...args]);
			expect(r.code, r.stderr).toBe(0);
			return lastJson(r.stdout);
		};
		const clean = lastJson(train(['--load', binary, '--json']).stdout).testAccuracy;
		for (const [name, extra] of [
			['fgsm', []],
			['pgd', ['--attack-steps', '5']],
			['spsa', ['--attack-steps', '3']],
			['noise', []],
			['transfer', ['--source', float]]
		] as const) {
			const j = attack(['--attack', name, ...extra]);
			expect(j).toMatchObject({ attack: name, eps: [0, 0.1, 0.3], examples: 100 });
			expect(j.accuracy).toHaveLength(3);
			// ε = 0 changes nothing (the moons set has 200 test points: the first 100 are attacked).
			if (name !== 'noise') expect(Math.abs(j.accuracy[0] - clean)).toBeLessThan(0.2);
			expect(j.accuracy[2]).toBeLessThanOrEqual(j.accuracy[0]);
		}
		// White-box PGD finds more than random signs of the same size.
		expect(attack(['--attack', 'pgd']).accuracy[2]).toBeLessThan(attack(['--attack', 'noise']).accuracy[2]);
		const refused = (args: string[], message: RegExp) => {
			const r = train(args);
			expect(r.code).toBe(2);
			expect(r.stderr).toMatch(message);
		};
		refused(['--attack', 'fgsm'], /--attack tests a saved model: give it with --load FILE/);
		refused(['--load', binary, '--attack', 'transfer'], /--source FILE/);
		refused(['--load', binary, '--attack', 'fgsm', '--source', float], /--source is the model a transfer attack crafts on/);
		refused(['--load', binary, '--attack', 'cw'], /--attack must be one of fgsm, pgd, spsa, noise, transfer/);
		refused(['--load', binary, '--attack', 'fgsm', '--eps', '0.1,2'], /--eps must be from 0 to 1, got 2/);
		refused(['--load', binary, '--eps', '0.1'], /--eps cannot be used without --attack/);
	});

	it('trains a ConvNet from a --config file (conv, pool, flatten; scaled weights with the K map) and loads its packed file', () => {
		const config = join(dir, 'conv.json'),
			file = join(dir, 'conv.bwnn');
		const layers = [
			{ type: 'conv2d', filters: 4, kernel: 3, stride: 2, padding: 1, bias: false },
			{ type: 'maxpool', size: 2 },
			{ type: 'batchnorm' },
			{ type: 'conv2d', filters: 8, kernel: 3, padding: 1, weights: 'scaled', input: 'sign', inputScale: true, bias: false },
			{ type: 'batchnorm' },
			{ type: 'flatten' },
			{ type: 'dense', units: 10, weights: 'binary', input: 'sign', bias: false },
			{ type: 'batchnorm' }
		];
		writeFileSync(
			config,
			JSON.stringify({ model: { inputSize: 784, inputShape: [28, 28, 1], classes: 10, layers }, optimizer: { type: 'adam', lr: 0.01 }, batchSize: 64 })
		);
		const t = train(['--dataset', 'mnist', '--config', config, '--epochs', '1', '--json', '--quiet', '--save', file]);
		expect(t.code, t.stderr).toBe(0);
		const trained = lastJson(t.stdout);
		expect(trained.model.layers.map((l: { type: string }) => l.type)).toEqual(layers.map((l) => l.type));
		expect(trained.testAccuracy).toBeGreaterThan(0.6);
		const l = train(['--load', file, '--json']);
		expect(lastJson(l.stdout).testAccuracy).toBe(trained.testAccuracy);
	});

	it('refuses bad options and bad files with a clear message and a non-zero exit', () => {
		const cases: [string[], RegExp][] = [
			[['--epochs', 'ten'], /--epochs must be a number/],
			[['--dataset', 'cifar'], /--dataset must be one of/],
			[['--weights', 'ternary'], /--weights must be one of/],
			[['--frobnicate'], /Unknown option/],
			[['--dataset', 'moons', '--hidden', '4', '--weights', 'binary,binary,binary'], /one per dense layer \(2\)/],
			[['--dataset', 'moons', '--load', join(dir, 'missing.bwnn')], /no such file/],
			[['--dataset', 'moons', '--load', 'package.json'], /not a Bitwise model file/],
			[['--load', join(dir, 'm.bwnn'), '--seed', '8'], /--seed 8 differs from the 7 the model was trained with/],
			[['--load', join(dir, 'm.bwnn'), '--epochs', '3'], /--epochs cannot be used with --load/],
			[['--dataset', 'moons', '--save', join(dir, 'no', 'such', 'dir', 'm.bwnn')], /its folder does not exist/],
			[['--dataset', 'moons', '--save', 'package.json/m.bwnn'], /part of its path is a file, not a folder/],
			[['--dataset', 'moons', '--seed', '0x10'], /--seed must be a number/],
			[['--dataset', 'moons', '--batch', '1', '--batchnorm'], /at least 2 examples per batch/],
			[['--dataset', 'moons', '--hidden', '8', '--input', 'sign', '--activation', 'relu'], /ReLU before a sign-binarized input/],
			[['--dataset', 'moons', '--arch', 'cnn'], /--arch must be one of mlp, convnet/],
			[['--dataset', 'moons', '--arch', 'convnet'], /--arch convnet needs images; moons has none/],
			[['--dataset', 'moons', '--conv', '8'], /--conv sets the conv blocks of --arch convnet/],
			[['--arch', 'convnet', '--weights', 'binary,float', '--epochs', '1'], /give one mode with --arch convnet/],
			[['--dataset', 'moons', '--epochs', '-1'], /--epochs must be from 1 to 10000, got -1/],
			[['--dataset', 'moons', '--lr', '-0.5'], /--lr must be from .* got -0.5/]
		];
		for (const [args, msg] of cases) {
			const r = train(args);
			expect(r.code, args.join(' ')).toBe(2);
			expect(r.stderr).toMatch(msg);
			expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
		}
	});

	it('reports a bad value stored in a model file as the file’s problem, not as a flag the user typed', () => {
		const data = makeSynthetic('moons', { n: 100, seed: 1 });
		const t = new Trainer(
			{ model: mlpConfig({ inputSize: 2, classes: 2, hidden: [4] }), optimizer: { type: 'adam', lr: 0.01 }, batchSize: 16, seed: 1 },
			data
		);
		const file = join(dir, 'bad-meta.bwnn');
		writeFileSync(file, exportModel(t.model, { dataset: 'moons', seed: -1 }));
		const r = train(['--load', file]);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/the model file's metadata is invalid: its seed is -1/);
		expect(r.stderr).not.toMatch(/--seed/);
	});

	it('a diverged run exits 3, says why, and saves no file that could not be loaded again', () => {
		const file = join(dir, 'diverged.bwnn');
		const r = train([
			'--dataset',
			'spiral',
			'--hidden',
			'256,256,256,256',
			'--weights',
			'float',
			'--input',
			'float',
			'--optimizer',
			'sgd',
			'--lr',
			'10',
			'--epochs',
			'2',
			'--save',
			file,
			'--json'
		]);
		expect(r.code).toBe(3);
		expect(r.stderr).toMatch(/this model cannot be saved: dense\d\.\w+ holds/);
		expect(existsSync(file)).toBe(false);
		const out = lastJson(r.stdout);
		expect(out.diverged).toBe(true);
		// Metrics that are not numbers come only with the diverged status.
		expect(out.testLoss === null || Number.isFinite(out.testLoss)).toBe(true);
	});

	it('lists every option with --help', () => {
		const out = execFileSync(tsx, ['scripts/train.ts', '--help'], { encoding: 'utf8' });
		for (const o of [
			'--dataset',
			'--arch',
			'--conv',
			'--hidden',
			'--weights',
			'--input',
			'--estimator',
			'--optimizer',
			'--lr',
			'--batch',
			'--epochs',
			'--seed',
			'--save',
			'--load',
			'--init',
			'--teacher',
			'--kd-alpha',
			'--kd-temperature',
			'--json'
		])
			expect(out).toContain(o);
	});

	it('starts from a model file with --init and distils from one with --teacher, and refuses what does not fit', () => {
		const teacherFile = join(dir, 'teacher.bwnn');
		const floatArgs = ['--dataset', 'moons', '--hidden', '16,16', '--batchnorm', '--lr', '1e-2', '--epochs', '3', '--seed', '7', '--json'];
		expect(train([...floatArgs, '--save', teacherFile]).code).toBe(0);
		const scratch = lastJson(train(small).stdout);
		const init = train([...small, '--init', teacherFile]);
		expect(init.code).toBe(0);
		expect(init.stderr).toMatch(/initialised from .*teacher\.bwnn \(2-16-16-2\)/);
		const ji = lastJson(init.stdout);
		expect(ji.init).toBe(teacherFile);
		expect(ji.trainLoss).not.toBe(scratch.trainLoss);
		const kd = train([...small, '--teacher', teacherFile, '--kd-alpha', '0.7', '--kd-temperature', '3']);
		expect(kd.code).toBe(0);
		const jk = lastJson(kd.stdout);
		expect(jk.teacher).toMatchObject({ file: teacherFile, alpha: 0.7, temperature: 3 });
		expect(jk.teacher.testAccuracy).toBeGreaterThan(0.5);
		expect(jk.trainLoss).not.toBe(scratch.trainLoss);
		// The defaults a = 0.5, T = 4.
		expect(lastJson(train([...small, '--teacher', teacherFile]).stdout).teacher).toMatchObject({ alpha: 0.5, temperature: 4 });

		const refused = (args: string[], message: RegExp) => {
			const r = train(args);
			expect(r.code, args.join(' ')).toBe(2);
			expect(r.stderr).toMatch(message);
		};
		refused([...small, '--kd-alpha', '0.5'], /--kd-alpha and --kd-temperature set the distillation of --teacher FILE/);
		refused([...small, '--teacher', teacherFile, '--kd-alpha', '1.5'], /--kd-alpha must be from 0 to 1/);
		refused([...small, '--teacher', teacherFile, '--kd-temperature', '0'], /--kd-temperature must be from/);
		refused([...small, '--teacher', join(dir, 'missing.bwnn')], /--teacher .*missing\.bwnn: no such file/);
		refused(
			[...small, '--hidden', '8', '--init', teacherFile],
			/initialisation needs a model with the same dense layers: this network is 2-8-2, the model file's is 2-16-16-2/
		);
		refused(['--dataset', 'mnist', '--hidden', '16', '--teacher', teacherFile], /the model takes 2 inputs and gives 2 classes; mnist has 784 and 10/);
		refused(['--load', teacherFile, '--teacher', teacherFile], /--teacher cannot be used with --load/);
	});
});
