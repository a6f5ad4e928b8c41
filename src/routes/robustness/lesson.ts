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
