/**
 * The headless trainer's command line, apart from running it: the options node's
 * parseArgs reads, the checks that turn their strings into numbers and modes, and the
 * training configuration they build. Every problem is a {@link UsageError} naming the
 * option, so the trainer can answer it with status 2 and one readable line; the
 * generative tests (train-options.property.test.ts) hold it to that for any argv.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
	ATTACK_NAMES,
	ESTIMATOR_NAMES,
	INPUT_MODES,
	MAX_TEMPERATURE,
	SYNTHETIC_NAMES,
	WEIGHT_MODES,
	convnetConfig,
	mlpConfig,
	validateTrainConfig,
	type AttackName,
	type Dataset,
	type InputMode,
	type OptimizerConfig,
	type TrainConfig,
	type WeightMode
} from '../src/lib/engine';

export const DATASETS = [...SYNTHETIC_NAMES, 'mnist'] as const;

/** A bad command line: the message names the option and what was wrong with it. */
export class UsageError extends Error {}

/** Every option, as node's parseArgs reads them: strings are checked after parsing, by the functions below. */
export const OPTIONS = {
	dataset: { type: 'string' },
	noise: { type: 'string' },
	points: { type: 'string' },
	arch: { type: 'string' },
	conv: { type: 'string' },
	hidden: { type: 'string' },
	weights: { type: 'string' },
	input: { type: 'string' },
	bases: { type: 'string' },
	'input-bases': { type: 'string' },
	activation: { type: 'string' },
	batchnorm: { type: 'boolean' },
	bias: { type: 'boolean' },
	'no-bias': { type: 'boolean' },
	estimator: { type: 'string' },
	'swish-beta': { type: 'string' },
	config: { type: 'string' },
	optimizer: { type: 'string' },
	lr: { type: 'string' },
	momentum: { type: 'string' },
	'bop-gamma': { type: 'string' },
	'bop-tau': { type: 'string' },
	'no-latent-clip': { type: 'boolean' },
	batch: { type: 'string' },
	epochs: { type: 'string' },
	seed: { type: 'string' },
	init: { type: 'string' },
	teacher: { type: 'string' },
	'kd-alpha': { type: 'string' },
	'kd-temperature': { type: 'string' },
	save: { type: 'string' },
	load: { type: 'string' },
	attack: { type: 'string' },
	eps: { type: 'string' },
	'attack-steps': { type: 'string' },
	'attack-examples': { type: 'string' },
	source: { type: 'string' },
	json: { type: 'boolean' },
	quiet: { type: 'boolean' },
	help: { type: 'boolean', short: 'h' }
} as const;

/** --name's value as a number (def when absent), checked against int, min and max. */
export function number(v: string | undefined, name: string, def: number, { int = false, min = -Infinity, max = Infinity } = {}): number {
	if (v === undefined) return def;
	const x = Number(v);
	if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(v.trim()) || !Number.isFinite(x)) throw new UsageError(`--${name} must be a number, got "${v}"`);
	if (int && !Number.isInteger(x)) throw new UsageError(`--${name} must be a whole number, got "${v}"`);
	if (x < min || x > max) throw new UsageError(`--${name} must be from ${min} to ${max}, got ${v}`);
	return x;
}

export function choice<T extends string>(v: string, name: string, allowed: readonly T[]): T {
	if (!allowed.includes(v as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${v}"`);
	return v as T;
}

export function modes<T extends string>(v: string | undefined, name: string, allowed: readonly T[]): T | T[] | undefined {
	if (v === undefined) return undefined;
	const parts = v.split(',').map((s) => choice(s.trim(), name, allowed));
	return parts.length === 1 ? parts[0] : parts;
}

/** The parsed options: each string as typed, each flag true, absent ones undefined. */
export type Args = ReturnType<typeof parseOptions>;
/**
 * `--epochs -1` as `--epochs=-1`: node's parser takes a value that starts with '-' for
 * another option and answers "argument is ambiguous"; a negative number should reach
 * the option's own check and get its own message ("--epochs must be ...").
 */
function joinNegativeValues(argv: readonly string[]): string[] {
	const out: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i],
			next = argv[i + 1];
		const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : null;
		if (name && next !== undefined && /^-(\d|\.\d|Infinity|NaN)/.test(next) && (OPTIONS as Record<string, { type: string }>)[name]?.type === 'string') {
			out.push(`${a}=${next}`);
			i++;
		} else out.push(a);
	}
	return out;
}

/** The options of `argv` (without node and the script), or a {@link UsageError}. */
export function parseOptions(argv: readonly string[]) {
	try {
		return parseArgs({ args: joinNegativeValues(argv), options: OPTIONS, allowPositionals: false, strict: true }).values;
	} catch (e) {
		throw new UsageError(parseArgsMessage((e as Error).message));
	}
}

export interface DataChoice {
	dataset: (typeof DATASETS)[number];
	seed: number;
	noise: number;
	points: number;
}
/** Data options from the command line, falling back to `defaults` (a loaded model's meta) and then to the built-in ones. */
export function dataChoice(a: Args, defaults: Partial<Record<keyof DataChoice, unknown>> = {}): DataChoice {
	const pick = (name: keyof DataChoice, given: string | undefined) => {
		const d = defaults[name];
		if (given !== undefined && d !== undefined && String(d) !== given && Number(given) !== d)
			throw new UsageError(`--${name} ${given} differs from the ${d} the model was trained with`);
		return given ?? (d === undefined ? undefined : String(d));
	};
	return {
		dataset: choice(pick('dataset', a.dataset) ?? 'mnist', 'dataset', DATASETS),
		seed: number(pick('seed', a.seed), 'seed', 1, { int: true, min: 0, max: 2 ** 32 - 1 }),
		noise: number(pick('noise', a.noise), 'noise', 0.1, { min: 0, max: 1 }),
		points: number(pick('points', a.points), 'points', 1000, { int: true, min: 10, max: 100_000 })
	};
}

/** Options that describe the model, its optimiser and batch size (refused beside --config, whose file holds them). */
const MODEL_OPTIONS = [
	'arch',
	'conv',
	'hidden',
	'weights',
	'input',
	'bases',
	'input-bases',
	'activation',
	'batchnorm',
	'bias',
	'no-bias',
	'estimator',
	'swish-beta',
	'optimizer',
	'lr',
	'momentum',
	'bop-gamma',
	'bop-tau',
	'no-latent-clip',
	'batch'
] as const;
/** Options that only make sense when training (refused with --load). */
export const TRAINING_ONLY = [...MODEL_OPTIONS, 'epochs', 'config', 'save', 'init', 'teacher', 'kd-alpha', 'kd-temperature'] as const;

export function refuse(a: Args, names: readonly string[], why: string): void {
	const given = names.filter((n) => (a as Record<string, unknown>)[n] !== undefined);
	if (given.length) throw new UsageError(`${given.map((n) => `--${n}`).join(', ')} cannot be used ${why}`);
}

/** What buildConfig needs to know of the data: its shape, not its examples. */
export type DataShape = Pick<Dataset, 'name' | 'inputSize' | 'numClasses' | 'imageShape'>;

/**
 * The training configuration the options describe (or --config's file holds), validated
 * by the engine: a {@link UsageError}, ConfigError or RangeError otherwise.
 */
export function buildConfig(a: Args, data: DataShape, seed: number): TrainConfig {
	if (a.config !== undefined) {
		refuse(a, MODEL_OPTIONS, 'with --config (the file holds the model, optimiser and batch size)');
		let raw: Record<string, unknown>;
		try {
			raw = JSON.parse(readFileSync(a.config, 'utf8'));
		} catch (e) {
			const err = e as NodeJS.ErrnoException;
			throw new UsageError(`--config ${a.config}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
		}
		if (typeof raw !== 'object' || raw === null) throw new UsageError(`--config ${a.config}: expected a JSON object`);
		if (raw.seed !== undefined && raw.seed !== seed)
			throw new UsageError(`--config ${a.config} has seed ${raw.seed} but the run uses ${seed}: give --seed ${raw.seed} (it also seeds the data split)`);
		return validateTrainConfig({ ...raw, seed });
	}
	const arch = choice(a.arch ?? 'mlp', 'arch', ['mlp', 'convnet'] as const);
	if (arch === 'mlp' && a.conv !== undefined) throw new UsageError('--conv sets the conv blocks of --arch convnet');
	const hidden =
		a.hidden === undefined
			? [256]
			: a.hidden.trim() === ''
				? []
				: a.hidden.split(',').map((s) => number(s.trim(), 'hidden', 0, { int: true, min: 1, max: 4096 }));
	if (arch === 'mlp' && hidden.length === 0 && a.input !== undefined && !a.input.includes(','))
		throw new UsageError('--input sets the layers after the first, and with no hidden layers there are none (give one mode per layer to set the first)');
	const activation = choice(a.activation ?? 'auto', 'activation', ['auto', 'relu', 'hardtanh', 'none'] as const);
	if (a.bias && a['no-bias']) throw new UsageError('--bias and --no-bias contradict each other');
	const model =
		arch === 'convnet'
			? convnetModel(a, data, hidden)
			: mlpConfig({
					inputSize: data.inputSize,
					classes: data.numClasses,
					hidden,
					weights: modes<WeightMode>(a.weights, 'weights', WEIGHT_MODES),
					input: modes<InputMode>(a.input, 'input', INPUT_MODES),
					bases: number(a.bases, 'bases', 3, { int: true, min: 1, max: 8 }),
					inputBases: number(a['input-bases'], 'input-bases', 3, { int: true, min: 1, max: 8 }),
					activation,
					batchnorm: !!a.batchnorm,
					bias: a.bias ? true : a['no-bias'] ? false : undefined,
					estimator: a.estimator === undefined ? undefined : choice(a.estimator, 'estimator', ESTIMATOR_NAMES),
					swishBeta: number(a['swish-beta'], 'swish-beta', 5, { min: 0.01, max: 100 })
				});
	const type = choice(a.optimizer ?? 'adam', 'optimizer', ['adam', 'sgd', 'bop'] as const);
	// Another optimiser's setting would be ignored without a word: say so instead.
	if (type !== 'sgd') refuse(a, ['momentum'], `with --optimizer ${type} (momentum is SGD's: give --optimizer sgd)`);
	if (type !== 'bop') refuse(a, ['bop-gamma', 'bop-tau'], `with --optimizer ${type} (they set Bop: give --optimizer bop)`);
	const lr = number(a.lr, 'lr', 1e-3, { min: 1e-9, max: 10 });
	const optimizer: OptimizerConfig =
		type === 'sgd'
			? { type, lr, momentum: number(a.momentum, 'momentum', 0.9, { min: 0, max: 0.999 }) }
			: type === 'bop'
				? {
						type,
						lr,
						gamma: number(a['bop-gamma'], 'bop-gamma', 1e-4, { min: 1e-9, max: 1 }),
						tau: number(a['bop-tau'], 'bop-tau', 1e-8, { min: 0, max: 1 })
					}
				: { type, lr };
	return validateTrainConfig({
		model,
		optimizer,
		batchSize: number(a.batch, 'batch', 64, { int: true, min: 1, max: 8192 }),
		seed,
		latentClip: !a['no-latent-clip']
	});
}

/** The model of --arch convnet: conv blocks, then the dense layers of --hidden (see convnetConfig). */
function convnetModel(a: Args, data: DataShape, hidden: number[]) {
	if (!data.imageShape) throw new UsageError(`--arch convnet needs images; ${data.name} has none (try --dataset mnist)`);
	refuse(a, ['activation', 'batchnorm', 'bias', 'no-bias'], 'with --arch convnet (it has batch norm after every block and layer, and no biases)');
	const single = <T extends string>(v: string | undefined, name: string, allowed: readonly T[]): T | undefined => {
		const m = modes<T>(v, name, allowed);
		if (Array.isArray(m)) throw new UsageError(`--${name}: give one mode with --arch convnet (it sets every layer but the first conv)`);
		return m;
	};
	return convnetConfig({
		inputShape: [data.imageShape[0], data.imageShape[1], 1],
		classes: data.numClasses,
		conv: a.conv === undefined ? undefined : a.conv.split(',').map((s) => number(s.trim(), 'conv', 0, { int: true, min: 1, max: 1024 })),
		hidden,
		weights: single<WeightMode>(a.weights, 'weights', WEIGHT_MODES),
		input: single<InputMode>(a.input, 'input', INPUT_MODES),
		bases: number(a.bases, 'bases', 3, { int: true, min: 1, max: 8 }),
		inputBases: number(a['input-bases'], 'input-bases', 3, { int: true, min: 1, max: 8 }),
		estimator: a.estimator === undefined ? undefined : choice(a.estimator, 'estimator', ESTIMATOR_NAMES),
		swishBeta: number(a['swish-beta'], 'swish-beta', 5, { min: 0.01, max: 100 })
	});
}

/**
 * node's parseArgs messages in the trainer's voice, on one line: an option left without
 * its value says so (node calls it "ambiguous" when the next word is another option, and
 * adds two lines of advice), and the advice about positionals goes.
 */
function parseArgsMessage(m: string): string {
	const missing = /^Option '(?:-\w, )?--([\w-]+)(?: <value>)?' argument (?:is ambiguous|missing)/.exec(m);
	if (missing) return `--${missing[1]} needs a value`;
	return m.replace(/\. To specify a positional.*$/s, '').split('\n')[0];
}

/**
 * Distillation's a and T from --kd-alpha and --kd-temperature (defaults 0.5 and 4), checked
 * before any file is read; they mean something only beside --teacher FILE.
 */
export function distillOptions(a: Args): { alpha: number; temperature: number } {
	if (a.teacher === undefined && (a['kd-alpha'] !== undefined || a['kd-temperature'] !== undefined))
		throw new UsageError('--kd-alpha and --kd-temperature set the distillation of --teacher FILE');
	return {
		alpha: number(a['kd-alpha'], 'kd-alpha', 0.5, { min: 0, max: 1 }),
		temperature: number(a['kd-temperature'], 'kd-temperature', 4, { min: 1e-3, max: MAX_TEMPERATURE })
	};
}

/** What --attack asks of a loaded model: the attack, its budgets, steps, examples and (transfer) source file. */
export interface AttackOptions {
	attack: AttackName;
	eps: number[];
	steps: number;
	examples: number;
	source: string | null;
}

/**
 * The attack options, or null when --attack is absent (then none of its options may be
 * given). --eps is a comma list of L∞ budgets on the [0, 1] pixel scale (default
 * 0,0.05,0.1,0.15,0.2,0.3); --attack transfer crafts PGD examples on --source FILE.
 */
export function attackOptions(a: Args): AttackOptions | null {
	if (a.attack === undefined) {
		refuse(a, ['eps', 'attack-steps', 'attack-examples', 'source'], 'without --attack');
		return null;
	}
	if (a.load === undefined) throw new UsageError('--attack tests a saved model: give it with --load FILE');
	const attack = choice(a.attack, 'attack', ATTACK_NAMES);
	const eps = (a.eps ?? '0,0.05,0.1,0.15,0.2,0.3').split(',').map((s) => number(s.trim(), 'eps', 0, { min: 0, max: 1 }));
	if (attack === 'transfer' && a.source === undefined)
		throw new UsageError('--attack transfer crafts its examples on another model: give it with --source FILE');
	if (attack !== 'transfer' && a.source !== undefined) throw new UsageError('--source is the model a transfer attack crafts on: give --attack transfer');
	return {
		attack,
		eps,
		steps: number(a['attack-steps'], 'attack-steps', attack === 'spsa' ? 20 : 10, { int: true, min: 1, max: 1000 }),
		examples: number(a['attack-examples'], 'attack-examples', 500, { int: true, min: 1, max: 100_000 }),
		source: a.source ?? null
	};
}
