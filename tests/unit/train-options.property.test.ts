/**
 * Generative tests of the headless trainer's command line (scripts/train-options.ts):
 * whatever a user types, the answer is a configuration or one readable error naming an
 * option, never a crash; what a valid command line says is what the run trains.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, type DenseConfig } from '../../src/lib/engine';
import { buildConfig, dataChoice, distillOptions, OPTIONS, parseOptions, UsageError, type DataShape } from '../../scripts/train-options';

const DIGITS: DataShape = { name: 'mnist', inputSize: 784, numClasses: 10, imageShape: [28, 28] };
const MOONS: DataShape = { name: 'moons', inputSize: 2, numClasses: 2, imageShape: undefined };

/** Every option but the ones that name files (their reading is the trainer's, tested in cli.test.ts). */
const FILES = ['config', 'init', 'teacher', 'save', 'load', 'source'];
const STRING_OPTIONS = Object.entries(OPTIONS)
	.filter(([name, o]) => o.type === 'string' && !FILES.includes(name))
	.map(([name]) => name);
const FLAGS = Object.entries(OPTIONS)
	.filter(([name, o]) => o.type === 'boolean' && name !== 'help')
	.map(([name]) => name);

/** Values a user might type: near-misses of valid ones as well as junk. */
const value = fc.oneof(
	fc.string(),
	fc.constantFrom('', ' ', '-1', '-0', '0', '1', '1e-2', '1e400', 'NaN', 'Infinity', '-Infinity', '0x10', '1,2', '64,,64', ',', '2.5', '--lr', '-h'),
	fc.constantFrom(
		'binary',
		'sign',
		'float',
		'scaled',
		'multibase',
		'fbb',
		'binary,sign',
		'relu',
		'hardtanh',
		'adam',
		'sgd',
		'bop',
		'mnist',
		'spiral',
		'convnet',
		'mlp'
	),
	fc.integer({ min: -10_000, max: 10_000 }).map(String),
	fc.double({ noNaN: false }).map(String)
);

/** One command-line word: an option with a value (separate or joined by =), a flag, or stray text. */
const word = fc.oneof(
	fc.tuple(fc.constantFrom(...STRING_OPTIONS), value, fc.boolean()).map(([o, v, joined]) => (joined ? [`--${o}=${v}`] : [`--${o}`, v])),
	fc.constantFrom(...FLAGS).map((f) => [`--${f}`]),
	fc.string().map((s) => [s])
);
const argv = fc.array(word, { maxLength: 8 }).map((ws) => ws.flat());

/** Run the command line's parsing as the trainer does, up to the configuration it would train. */
function configure(args: readonly string[], data: DataShape) {
	const a = parseOptions(args);
	const d = dataChoice(a);
	return buildConfig(a, data, d.seed);
}

const readable = (e: unknown) => e instanceof UsageError || e instanceof ConfigError || e instanceof RangeError;

describe('the trainer command line, for any argv', () => {
	it('gives a configuration or a readable error, never another exception', () => {
		fc.assert(
			fc.property(argv, fc.constantFrom(DIGITS, MOONS), (args, data) => {
				try {
					configure(args, data);
					distillOptions(parseOptions(args));
				} catch (e) {
					if (!readable(e)) throw e;
					// One line that says which option (or setting) was wrong.
					expect((e as Error).message).not.toBe('');
					expect((e as Error).message).not.toContain('\n');
				}
			}),
			{ numRuns: 600 }
		);
	});

	it('answers a negative value with the option’s own check, not node’s “ambiguous”', () => {
		const numeric = ['epochs', 'batch', 'lr', 'seed', 'bases', 'momentum', 'noise', 'points', 'kd-alpha', 'swish-beta'];
		fc.assert(
			fc.property(fc.constantFrom(...numeric), fc.double({ min: -1e6, max: -1e-6, noNaN: true }), (name, x) => {
				// Each option where it means something: momentum is SGD's, a and T distillation's.
				const context = name === 'momentum' ? ['--optimizer', 'sgd'] : name === 'kd-alpha' ? ['--teacher', 'teacher.bwnn'] : [];
				const args = [...context, `--${name}`, String(x)];
				let message = '';
				try {
					const a = parseOptions(args);
					if (name === 'epochs') {
						// The run length is the trainer's own check, outside buildConfig: give it the same way.
						expect(a.epochs).toBe(String(x));
						return;
					}
					configure(args, DIGITS);
					distillOptions(parseOptions(args));
				} catch (e) {
					expect(readable(e)).toBe(true);
					message = (e as Error).message;
				}
				expect(message).toMatch(new RegExp(`^--${name} must be`));
			}),
			{ numRuns: 200 }
		);
	});

	it('says which option lacks its value, on one line', () => {
		fc.assert(
			fc.property(fc.constantFrom(...STRING_OPTIONS), fc.option(fc.constantFrom(...STRING_OPTIONS, ...FLAGS)), (name, next) => {
				const args = [`--${name}`, ...(next === null ? [] : [`--${next}`])];
				expect(() => parseOptions(args)).toThrow(new UsageError(`--${name} needs a value`));
			})
		);
	});

	it('refuses another optimiser’s setting instead of ignoring it', () => {
		expect(() => configure(['--momentum', '0.5'], DIGITS)).toThrow(/--momentum cannot be used with --optimizer adam/);
		expect(() => configure(['--optimizer', 'sgd', '--bop-tau', '0'], DIGITS)).toThrow(/--bop-tau cannot be used with --optimizer sgd/);
		expect(configure(['--optimizer', 'sgd', '--momentum', '0.5'], DIGITS).optimizer).toEqual({ type: 'sgd', lr: 1e-3, momentum: 0.5 });
	});
});

describe('a valid command line', () => {
	const modes = fc.constantFrom('float', 'binary', 'scaled', 'multibase');
	const layer = fc.record({ units: fc.integer({ min: 1, max: 300 }), weights: modes });
	it('trains what it says: widths, weight modes, rate, batch, optimiser and seed', () => {
		fc.assert(
			fc.property(
				fc.array(layer, { minLength: 1, maxLength: 4 }),
				modes,
				fc.constantFrom('adam', 'sgd', 'bop'),
				fc.double({ min: 1e-6, max: 1, noNaN: true }),
				fc.integer({ min: 1, max: 512 }),
				fc.integer({ min: 0, max: 2 ** 32 - 1 }),
				fc.boolean(),
				(hidden, last, optimizer, lr, batch, seed, batchnorm) => {
					const weights = [...hidden.map((l) => l.weights), last];
					const args = [
						'--hidden',
						hidden.map((l) => l.units).join(','),
						'--weights',
						weights.join(','),
						'--optimizer',
						optimizer,
						'--lr',
						String(lr),
						'--batch',
						String(batch),
						'--seed',
						String(seed),
						...(batchnorm ? ['--batchnorm'] : [])
					];
					const c = configure(args, DIGITS);
					const dense = c.model.layers.filter((l): l is DenseConfig => l.type === 'dense');
					expect(dense.map((l) => l.units)).toEqual([...hidden.map((l) => l.units), 10]);
					expect(dense.map((l) => l.weights)).toEqual(weights);
					expect(c.model.layers.some((l) => l.type === 'batchnorm')).toBe(batchnorm);
					expect(c.optimizer.type).toBe(optimizer);
					expect(c.optimizer.lr).toBe(lr);
					expect(c.batchSize).toBe(batch);
					expect(c.seed).toBe(seed);
				}
			),
			{ numRuns: 300 }
		);
	});
});
