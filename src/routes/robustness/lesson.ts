/**
 * Robust to attacks? (lesson 7): the runs and settings of the page. A float and a binary
 * digits network of one shape train side by side (the catch lesson's race networks); the
 * engine's attacks (attack.ts) then measure each at a range of L∞ budgets in the worker.
 */
import { ATTACK_NAMES, type AttackName } from '$lib/engine';
import type { FieldSpec } from '$lib/notebook';
import type { RunRequest } from '$lib/worker/client.svelte';
import { BATCH, BINARY_LR, FLOAT_LR, binarySpec, floatSpec } from '../catch/lesson';
import { mlpConfig } from '$lib/engine';

/** Hidden width of the 784-W-W-10 networks. */
export const WIDTH = 64;
/** Training steps per network before the attacks: 5 epochs of the 8,000 digits. */
export const STEPS = 625;
/** Budgets ε on the 0..1 pixel scale, the x axis of the figure. */
export const EPS = [0, 0.05, 0.1, 0.15, 0.2, 0.3] as const;
/** Test digits attacked per budget (the first ones of the test split). */
export const EXAMPLES = 200;
export const SAMPLES = 12;

export const ATTACK_LABEL: Record<AttackName, string> = {
	fgsm: 'FGSM (one gradient step)',
	pgd: 'PGD (10 gradient steps)',
	spsa: 'SPSA (no gradient: losses only)',
	noise: 'random signs of size ε',
	transfer: 'transfer (PGD on the other network)'
};

export const FIELDS = [
	{ name: 'attack', type: 'enum', default: 'pgd', options: ATTACK_NAMES },
	{ name: 'eps', type: 'enum', default: '0.1', options: EPS.slice(1).map(String) },
	{ name: 'digit', type: 'int', default: 0, min: 0, max: SAMPLES - 1 }
] as const satisfies readonly FieldSpec[];

const model = (spec: ReturnType<typeof binarySpec>, lr: number, seed: number) => ({
	model: mlpConfig(spec),
	optimizer: { type: 'adam' as const, lr },
	batchSize: BATCH,
	seed
});

/** The float and the binary network on the same digits and seed, trained for {@link STEPS} steps. */
export function attackRequest(seed: number, url: string): RunRequest {
	return {
		data: { kind: 'mnist', seed, url },
		models: [
			{ id: 'float', label: 'float network', config: model(floatSpec(WIDTH), FLOAT_LR, seed) },
			{ id: 'binary', label: 'binary network', config: model(binarySpec(WIDTH), BINARY_LR, seed) }
		],
		options: { histogramBins: 0, evalEvery: 25, samples: SAMPLES, maxSteps: STEPS }
	};
}

/** The model a transfer attack on `id` crafts on: the other one. */
export const otherModel = (id: 'float' | 'binary'): 'float' | 'binary' => (id === 'float' ? 'binary' : 'float');

/**
 * How two accuracies measured on the same `n` examples compare: 'higher' or 'lower' when `a`
 * differs from `b` by more than two standard errors of the difference,
 * 2·√(a(1−a)/n + b(1−b)/n) (a conservative test: it ignores that both saw the same digits),
 * else 'close'. At n = 200 and accuracies near 50% that is about 10 points.
 */
export function compare(a: number, b: number, n: number): 'higher' | 'lower' | 'close' {
	const se = Math.sqrt((a * (1 - a) + b * (1 - b)) / n);
	if (a - b > 2 * se) return 'higher';
	if (b - a > 2 * se) return 'lower';
	return 'close';
}

/** The verdict's attacks, one per family: white-box through the STE, transfer, gradient-free, and the budget spent at random. */
export const VERDICT_ATTACKS = ['pgd', 'transfer', 'spsa', 'noise'] as const satisfies readonly AttackName[];
export type VerdictAttack = (typeof VERDICT_ATTACKS)[number];

/** Accuracy left to each network under each of the verdict's attacks, on `examples` test digits. */
export interface VerdictRun {
	examples: number;
	/** Accuracy on the same digits unattacked. */
	clean: { float: number; binary: number };
	accuracy: Record<VerdictAttack, { float: number; binary: number }>;
}

export interface Verdict {
	/** The binary network against the float one under white-box PGD. */
	whiteBox: 'higher' | 'lower' | 'close';
	/** Per network, its strongest attack (the least accuracy left) and that accuracy. */
	strongest: Record<'float' | 'binary', { attack: VerdictAttack; accuracy: number }>;
	/**
	 * Per network, whether an attack without its gradient (transfer or SPSA) left clearly less
	 * accuracy than PGD with it: the sign of a gradient that misleads (masking).
	 */
	masked: Record<'float' | 'binary', boolean>;
	/** The binary network against the float one, each under its strongest attack. */
	worstCase: 'higher' | 'lower' | 'close';
	/** The binary network against the float one under random signs of the same size. */
	noise: 'higher' | 'lower' | 'close';
	/** Per network, whether it keeps at least half its clean accuracy under its strongest attack. */
	withstands: Record<'float' | 'binary', boolean>;
	/**
	 * Which reading the run supports (see the page's prose for the sources): 'lin', the binary
	 * network is the less robust; 'masking', only PGD made it look more robust; 'seed', it holds
	 * more under its strongest attack and keeps at least half its clean accuracy; 'fall', neither
	 * network withstands the attack, whichever keeps a little more; 'neither', too close to call.
	 */
	supports: 'seed' | 'masking' | 'lin' | 'fall' | 'neither';
}

/**
 * What a run of the verdict's attacks shows. The seed says binary networks "withstand" attacks:
 * that reading needs the binary network to hold more accuracy than the float one under the
 * strongest attack against each, and to keep at least half its clean accuracy there.
 * Robustness that shows only because its gradient misleads PGD is masking (Athalye et al.).
 */
export function readVerdict(run: VerdictRun): Verdict {
	const n = run.examples,
		a = run.accuracy;
	const strongest = (id: 'float' | 'binary') =>
		VERDICT_ATTACKS.reduce<{ attack: VerdictAttack; accuracy: number }>(
			(best, k) => (a[k][id] < best.accuracy ? { attack: k, accuracy: a[k][id] } : best),
			{ attack: 'pgd', accuracy: a.pgd[id] }
		);
	const masked = (id: 'float' | 'binary') => compare(a.pgd[id], Math.min(a.transfer[id], a.spsa[id]), n) === 'higher';
	const s = { float: strongest('float'), binary: strongest('binary') };
	const m = { float: masked('float'), binary: masked('binary') };
	const worstCase = compare(s.binary.accuracy, s.float.accuracy, n);
	const whiteBox = compare(a.pgd.binary, a.pgd.float, n);
	const withstands = { float: s.float.accuracy >= run.clean.float / 2, binary: s.binary.accuracy >= run.clean.binary / 2 };
	const supports: Verdict['supports'] =
		worstCase === 'lower'
			? 'lin'
			: m.binary && whiteBox === 'higher'
				? 'masking'
				: worstCase === 'higher' && withstands.binary
					? 'seed'
					: !withstands.binary && !withstands.float
						? 'fall'
						: 'neither';
	return { whiteBox, strongest: s, masked: m, worstCase, noise: compare(a.noise.binary, a.noise.float, n), withstands, supports };
}
