/**
 * The headless trainer: `npm run train -- [options]`. The same engine as the
 * notebook's worker, driven by a plain loop. Progress goes to stderr; with --json
 * the last line of stdout is one JSON object with the run's figures.
 */
import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
	ConfigError,
	ESTIMATOR_NAMES,
	FormatError,
	INPUT_MODES,
	Trainer,
	WEIGHT_MODES,
	denseShape,
	evaluateModel,
	exportModel,
	UnsaveableModelError,
	AttackEvaluation,
	gemmBackend,
	importModel,
	makeSynthetic,
	mnistDataset,
	type Dataset,
	type LoadedModel,
	type Model,
	type SyntheticName
} from '../src/lib/engine';
import { loadMnistBytes } from './load-mnist';
import {
	DATASETS,
	TRAINING_ONLY,
	UsageError,
	buildConfig,
	dataChoice,
	distillOptions,
	number,
	parseOptions as parse,
	refuse,
	attackOptions,
	type AttackOptions,
	type DataChoice
} from './train-options';

const HELP = `Train a network with the Bitwise engine, headless.

Usage: npm run train -- [options]

Data
  --dataset NAME        ${DATASETS.join(' | ')} (default mnist)
  --noise X             noise of a 2-D set, 0..1 (default 0.1)
  --points N            points in a 2-D set, train + test (default 1000)

Model
  --arch A              mlp (default) | convnet: for image sets (the digits), conv 3x3 blocks
                        (conv, 2x2 max-pool, batch norm) then dense layers; the first conv
                        stays float, --weights and --input set every later layer
  --conv F,F,...        convnet: filters of each conv block (default 32,64)
  --hidden W,W,...      hidden widths (default 256; "" for none)
  --weights MODE[,..]   ${WEIGHT_MODES.join(' | ')}: one for all dense layers, or one per layer (default float)
  --input MODE[,..]     ${INPUT_MODES.join(' | ')}: one for every layer after the first, or one per layer (default float)
  --bases M             weight bases for multibase layers, 1..8 (default 3)
  --input-bases N       input bases for multibase inputs, 1..8 (default 3)
  --activation A        auto | relu | hardtanh | none, after hidden layers (default auto:
                        ReLU unless the next layer binarizes its input)
  --batchnorm           batch norm after every dense layer
  --bias / --no-bias    biases on dense layers (default: only without batch norm)
  --estimator E         ${ESTIMATOR_NAMES.join(' | ')} (default clipped)
  --swish-beta B        SwishSign's beta (default 5)
  --config FILE         a JSON TrainConfig {model, optimizer, batchSize, seed, latentClip};
                        replaces the model and optimiser options above

Training
  --optimizer O         adam | sgd | bop (default adam)
  --lr X                learning rate (default 1e-3); with bop, Adam's rate for float parameters
  --momentum X          SGD momentum (default 0.9)
  --bop-gamma X         Bop's adaptivity rate (default 1e-4)
  --bop-tau X           Bop's flip threshold (default 1e-8)
  --no-latent-clip      do not clip latent weights to [-1, 1]
  --batch N             minibatch size (default 64)
  --epochs N            epochs (default 10)
  --seed N              seed for the data split, initial weights and shuffling (default 1)

Learning from a trained network (model files written by --save or the notebook's export)
  --init FILE           start from FILE's weights instead of random ones: its dense layers must
                        have this network's shapes; a binary layer takes W / max|W| per layer
                        (inside the clip range, the same signs), a float layer W; biases are
                        copied, batch norm starts fresh
  --teacher FILE        distil from the model in FILE (Hinton et al. 2015): the loss is
                        (1 - a) CE(y, p) + a T^2 KL(softmax(z_t/T) || softmax(z/T))
  --kd-alpha A          a, the weight of the teacher's term, 0..1 (default 0.5)
  --kd-temperature T    T, the temperature, above 0 and at most 100 (default 4)

Files and output
  --save FILE           write the trained model as a packed model file
  --load FILE           evaluate a saved model file on the test split instead of training

Attacks (with --load: accuracy under an L-infinity budget, one figure per budget)
  --attack NAME         fgsm | pgd | spsa (gradient-free) | noise (random signs) |
                        transfer (PGD crafted on --source FILE)
  --eps LIST            budgets on the 0..1 pixel scale (default 0,0.05,0.1,0.15,0.2,0.3)
  --attack-steps N      steps of pgd, spsa and transfer (default 10; spsa 20)
  --attack-examples N   test examples attacked (default 500)
  --source FILE         the model a transfer attack crafts its examples on
  --json                print one JSON object as the last line of stdout
  --quiet               no progress on stderr
  --help                this text

Examples
  npm run train -- --dataset mnist --hidden 256 --lr 1e-3 --epochs 10 --seed 1 --json
  npm run train -- --dataset mnist --hidden 256,256 --weights binary --input sign --batchnorm --lr 1e-2
  npm run train -- --dataset spiral --hidden 64,64 --input sign --batchnorm --lr 1e-2 --epochs 60
  npm run train -- --dataset mnist --arch convnet --weights binary --input sign --lr 1e-2
  npm run train -- --dataset mnist --hidden 64,64 --batchnorm --save teacher.bwnn
  npm run train -- --dataset mnist --hidden 64,64 --weights binary --input sign --batchnorm --lr 1e-2 \
                   --teacher teacher.bwnn --kd-alpha 0.5 --kd-temperature 4
`;

function loadData(d: DataChoice): Dataset {
	if (d.dataset === 'mnist') return mnistDataset(loadMnistBytes(), { seed: d.seed });
	return makeSynthetic(d.dataset as SyntheticName, { seed: d.seed, noise: d.noise, n: d.points });
}

/** Fail before a long run, not after it, when the model could not be saved. */
function checkWritable(file: string): void {
	try {
		if (existsSync(file) && statSync(file).isDirectory()) throw new Error('is a folder');
		accessSync(dirname(resolve(file)), constants.W_OK);
		// Permission bits do not stop root (nor tell of a read-only mount): open the file for
		// real, and take away what this check created.
		const existed = existsSync(file);
		closeSync(openSync(file, 'a'));
		if (!existed) unlinkSync(file);
	} catch (e) {
		const err = e as NodeJS.ErrnoException;
		throw new UsageError(
			`--save ${file}: ${err.code === 'ENOENT' ? 'its folder does not exist' : err.code === 'EACCES' || err.code === 'EROFS' ? 'its folder is not writable' : err.code === 'ENOTDIR' ? 'part of its path is a file, not a folder' : err.message}`
		);
	}
}

/** A model file given to --init or --teacher, read and checked against the data. */
function modelFile(flag: string, file: string, data: Dataset, seed: number): LoadedModel {
	let bytes: Uint8Array;
	try {
		bytes = new Uint8Array(readFileSync(file));
	} catch (e) {
		throw new UsageError(`--${flag} ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
	}
	let loaded: LoadedModel;
	try {
		loaded = importModel(bytes);
	} catch (e) {
		if (e instanceof FormatError) throw new UsageError(`--${flag} ${file}: ${e.message}`);
		throw e;
	}
	const m = loaded.model;
	if (m.inputSize !== data.inputSize || m.classes !== data.numClasses)
		throw new UsageError(
			`--${flag} ${file}: the model takes ${m.inputSize} inputs and gives ${m.classes} classes; ${data.name} has ${data.inputSize} and ${data.numClasses}`
		);
	if (loaded.meta.seed !== undefined && loaded.meta.seed !== null && loaded.meta.dataset === data.name && Number(loaded.meta.seed) !== seed)
		process.stderr.write(
			`warning: --${flag} ${file} was trained with seed ${loaded.meta.seed}, whose split puts some of this run's test examples (seed ${seed}) in its training set\n`
		);
	return loaded;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** Test accuracy of `model` under the attack at each budget (transfer: crafted on `source`), logged as it goes. */
function attackAccuracy(model: Model, source: Model | null, data: Dataset, o: AttackOptions, log: (s: string) => void): number[] {
	const accuracy = new AttackEvaluation(model, source, data, { attack: o.attack, eps: o.eps, examples: o.examples, steps: o.steps, seed: 1 }).run();
	accuracy.forEach((acc, i) => log(`${o.attack} at eps ${o.eps[i]}: accuracy ${pct(acc)} on ${Math.min(o.examples, data.nTest)} test examples`));
	return accuracy;
}

function main(argv: string[]): number {
	const a = parse(argv);
	if (a.help) {
		process.stdout.write(HELP);
		return 0;
	}
	const log = (s: string) => {
		if (!a.quiet) process.stderr.write(s + '\n');
	};
	const t0 = performance.now();
	const attack = attackOptions(a);

	if (a.load !== undefined) {
		refuse(a, TRAINING_ONLY, 'with --load (it evaluates a saved model)');
		let bytes: Uint8Array;
		try {
			bytes = new Uint8Array(readFileSync(a.load));
		} catch (e) {
			throw new UsageError(`--load ${a.load}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
		}
		const { model, meta } = importModel(bytes);
		// The model's own data set and seed by default, so "test" means the split it never trained on.
		let d: DataChoice;
		try {
			d = dataChoice(a, meta);
		} catch (e) {
			// A bad value the file stored is the file's problem, not a flag the user typed.
			const name = e instanceof UsageError ? /^--([\w-]+)/.exec(e.message)?.[1] : undefined;
			if (name && (a as Record<string, unknown>)[name] === undefined && name in meta)
				throw new FormatError(
					`the model file's metadata is invalid: its ${name} is ${JSON.stringify(meta[name])} (${e instanceof Error ? e.message.replace(/^--[\w-]+ /, '') : ''})`
				);
			throw e;
		}
		const data = loadData(d);
		const test = evaluateModel(model, data, 'test');
		const mem = model.memory();
		log(`loaded ${a.load} (${bytes.length} bytes${meta.dataset ? `, trained on ${meta.dataset}` : ''}): test accuracy ${pct(test.accuracy)}`);
		const result = {
			mode: 'load',
			file: a.load,
			fileBytes: bytes.length,
			dataset: data.name,
			seed: d.seed,
			testAccuracy: test.accuracy,
			testLoss: test.loss,
			parameters: mem.parameters,
			floatBytes: mem.floatBytes,
			packedBytes: mem.packedBytes,
			meta,
			wallSeconds: (performance.now() - t0) / 1000
		};
		if (attack) {
			const source = attack.source === null ? null : modelFile('source', attack.source, data, d.seed).model;
			const accuracy = attackAccuracy(model, source, data, attack, log);
			Object.assign(result, {
				attack: attack.attack,
				source: attack.source,
				examples: Math.min(attack.examples, data.nTest),
				steps: attack.steps,
				eps: attack.eps,
				accuracy
			});
			result.wallSeconds = (performance.now() - t0) / 1000;
		}
		if (a.json) process.stdout.write(JSON.stringify(result) + '\n');
		return 0;
	}

	const d = dataChoice(a);
	const { seed } = d;
	const epochs = number(a.epochs, 'epochs', 10, { int: true, min: 1, max: 10_000 });
	if (a.save !== undefined) checkWritable(a.save);
	const data = loadData(d);
	const config = buildConfig(a, data, seed);
	const kd = distillOptions(a);
	const init = a.init === undefined ? null : modelFile('init', a.init, data, seed);
	const teacher = a.teacher === undefined ? null : modelFile('teacher', a.teacher, data, seed);
	const distill = teacher ? kd : null;
	const trainer = new Trainer(config, data, {
		histogramBins: 0,
		init: init?.model,
		teacher: teacher && distill ? { model: teacher.model, ...distill } : undefined
	});
	if (init) log(`initialised from ${a.init} (${denseShape(init.model)})`);
	const teacherTest = teacher ? evaluateModel(teacher.model, data, 'test') : null;
	if (teacher && distill && teacherTest)
		log(`distilling from ${a.teacher} (test ${pct(teacherTest.accuracy)}) with a = ${distill.alpha}, T = ${distill.temperature}`);
	const mem = trainer.model.memory();
	log(
		`${data.name}: ${data.nTrain} train / ${data.nTest} test; ${mem.parameters} parameters, ` +
			`${mem.floatBytes} bytes as float32, ${mem.packedBytes} packed; ${trainer.stepsPerEpoch} steps per epoch`
	);
	let trainMs = 0,
		seen = 0;
	let diverged = false;
	for (let e = 0; e < epochs && !diverged; e++) {
		const s0 = performance.now();
		let lossSum = 0,
			accSum = 0,
			n = 0;
		for (let s = 0; s < trainer.stepsPerEpoch; s++) {
			const m = trainer.step();
			lossSum += m.loss * m.examples;
			accSum += m.accuracy * m.examples;
			n += m.examples;
			if (m.diverged) {
				diverged = true;
				break;
			}
		}
		const epochMs = performance.now() - s0;
		trainMs += epochMs;
		seen += n;
		const test = trainer.evaluate('test');
		log(
			`epoch ${String(e + 1).padStart(String(epochs).length)}/${epochs}  loss ${(lossSum / n).toFixed(4)}  ` +
				`train ${pct(accSum / n)}  test ${pct(test.accuracy)}  ${Math.round(n / (epochMs / 1000))} ex/s`
		);
	}
	const train = trainer.evaluate('train');
	const test = trainer.evaluate('test');
	// A model whose metrics are not numbers has diverged, whatever the last step's loss said.
	if (![train.loss, test.loss, train.accuracy, test.accuracy].every(Number.isFinite)) diverged = true;
	if (diverged) log('training diverged: the loss is no longer a finite number (try a smaller --lr)');
	const result = {
		dataset: data.name,
		seed,
		epochs,
		batch: config.batchSize,
		optimizer: config.optimizer.type,
		lr: config.optimizer.lr,
		estimator: config.model.estimator,
		trainAccuracy: train.accuracy,
		testAccuracy: test.accuracy,
		trainLoss: train.loss,
		testLoss: test.loss,
		diverged,
		steps: trainer.stepsDone,
		parameters: mem.parameters,
		floatBytes: mem.floatBytes,
		packedBytes: mem.packedBytes,
		compression: mem.floatBytes / mem.packedBytes,
		model: config.model,
		init: a.init ?? null,
		teacher: teacher && distill ? { file: a.teacher, testAccuracy: teacherTest!.accuracy, alpha: distill.alpha, temperature: distill.temperature } : null,
		gemmBackend: gemmBackend(),
		examplesPerSecond: seen / (trainMs / 1000),
		wallSeconds: (performance.now() - t0) / 1000
	};
	if (a.save !== undefined) {
		const meta = { dataset: data.name, seed, ...(data.name === 'mnist' ? {} : { noise: d.noise, points: d.points }), epochs, testAccuracy: test.accuracy };
		let bytes: Uint8Array | null = null;
		try {
			bytes = exportModel(trainer.model, meta);
		} catch (e) {
			if (!(e instanceof UnsaveableModelError)) throw e;
			log(e.message);
			diverged = true;
		}
		if (bytes) {
			try {
				writeFileSync(a.save, bytes);
			} catch (e) {
				throw new UsageError(`--save ${a.save}: ${(e as Error).message}`);
			}
			log(`saved ${a.save}: ${bytes.length} bytes (${mem.packedBytes} packed model bytes + ${bytes.length - mem.packedBytes} header)`);
		}
	}
	result.diverged = diverged;
	log(`done: train ${pct(train.accuracy)}, test ${pct(test.accuracy)} in ${result.wallSeconds.toFixed(1)} s`);
	if (a.json) process.stdout.write(JSON.stringify(result) + '\n');
	return diverged ? 3 : 0;
}

try {
	process.exitCode = main(process.argv.slice(2));
} catch (e) {
	if (e instanceof UsageError || e instanceof ConfigError || e instanceof RangeError) {
		process.stderr.write(`error: ${e.message}\nRun with --help to see every option.\n`);
		process.exitCode = 2;
	} else if (e instanceof FormatError) {
		process.stderr.write(`error: ${e.message}\n`);
		process.exitCode = 2;
	} else throw e;
}
