/**
 * Adversarial examples under an L∞ budget ε, for any sequential model the engine trains,
 * inputs clipped to the pixel range [lo, hi] (the digits: [0, 1]):
 *
 * - {@link inputGradient}: dL/dx of the softmax cross-entropy, through the model as it
 *   infers (batch norm's running statistics); through every sign the gradient is the
 *   model's straight-through estimator, exactly what training uses. A sign's true derivative
 *   is 0 almost everywhere, so this is the only gradient a white-box attacker gets.
 * - {@link fgsm}: x' = clip(x + ε·dir(∇x L)) (Goodfellow, Shlens & Szegedy 2015).
 * - {@link pgd}: T steps x ← Π(x + α·dir(∇x L)), Π the projection onto the ε-ball around the
 *   clean x and onto [lo, hi], from a random start in the ball (Madry et al. 2018).
 * - {@link signNoise}: x + ε·s, s uniform random signs: the same budget with no information.
 * - {@link spsa}: PGD with the gradient estimated from the loss alone, by simultaneous
 *   perturbations (Spall 1992; as an attack, Uesato et al. 2018), so a model whose gradient
 *   is masked is still attacked through its outputs.
 *
 * dir(g) is +1, −1 or 0 (no move where the gradient is exactly 0): the gradient's direction,
 * not the engine's binarizing sign, which sends 0 to +1. A transfer attack is these crafted
 * on one model and evaluated on another ({@link accuracyOn}).
 *
 * Everything is deterministic given the Rng. Attacks run forward and backward passes on the
 * model, so they overwrite its parameters' gradients: run them on a model that is not
 * mid-step (a copy, or between training steps).
 */
import { DIGIT_RANGE } from './data/mnist';
import type { Dataset } from './data/dataset';
import { softmaxCrossEntropy } from './loss';
import type { Model } from './model';
import { createRng, type Rng } from './rng';

/** The L∞ budget and pixel range of an attack. */
export interface Budget {
	/** Largest change of any input value, ε >= 0. */
	eps: number;
	/** Pixel range the adversarial input stays in (default [0, 1]). */
	lo?: number;
	hi?: number;
}

/** +1, −1 or 0: the direction of a gradient component (0 where it is exactly 0, or NaN). */
export function direction(g: number): number {
	return g > 0 ? 1 : g < 0 ? -1 : 0;
}

function checkBudget(b: Budget): { eps: number; lo: number; hi: number } {
	const lo = b.lo ?? 0,
		hi = b.hi ?? 1;
	if (!(b.eps >= 0) || !Number.isFinite(b.eps)) throw new RangeError(`eps must be a finite number >= 0, got ${b.eps}`);
	if (!(lo <= hi)) throw new RangeError(`the pixel range must have lo <= hi, got [${lo}, ${hi}]`);
	return { eps: b.eps, lo, hi };
}

/**
 * Mean softmax cross-entropy of the model on x [batch, inputSize] with `labels`, and its
 * gradient dL/dx [batch, inputSize] (each example's row is the gradient of the batch mean,
 * so 1/batch times its own loss's gradient: the direction is the same).
 */
export function inputGradient(model: Model, x: Float32Array, labels: ArrayLike<number>, batch: number): { loss: number; correct: number; grad: Float32Array } {
	const logits = model.forward(x.subarray(0, batch * model.inputSize), batch, { training: false, keepForBackward: true });
	const dz = new Float32Array(batch * model.classes);
	const r = softmaxCrossEntropy(logits, labels, batch, model.classes, dz);
	return { ...r, grad: model.backwardToInput(dz, batch) };
}

/** Each example's own cross-entropy, [batch], on x as the model infers. */
export function exampleLosses(model: Model, x: Float32Array, labels: ArrayLike<number>, batch: number): Float64Array {
	const C = model.classes;
	const z = model.forward(x.subarray(0, batch * model.inputSize), batch, { training: false });
	const out = new Float64Array(batch);
	for (let b = 0; b < batch; b++) {
		let max = -Infinity;
		for (let c = 0; c < C; c++) max = Math.max(max, z[b * C + c]);
		let sum = 0;
		for (let c = 0; c < C; c++) sum += Math.exp(z[b * C + c] - max);
		out[b] = Math.log(sum) - (z[b * C + labels[b]] - max);
	}
	return out;
}

/** x' = clip(x + step·dir(g)) projected into the ε-ball around x0 and [lo, hi], in place on x. */
function stepAndProject(x: Float32Array, x0: Float32Array, g: ArrayLike<number>, step: number, eps: number, lo: number, hi: number): void {
	for (let i = 0; i < x.length; i++) {
		const v = x[i] + step * direction(g[i]);
		x[i] = Math.min(hi, Math.max(lo, Math.min(x0[i] + eps, Math.max(x0[i] - eps, v))));
	}
}

/** FGSM: one step of ε along the gradient's direction. Returns a new [batch, inputSize] array. */
export function fgsm(model: Model, x: Float32Array, labels: ArrayLike<number>, batch: number, budget: Budget): Float32Array {
	const { eps, lo, hi } = checkBudget(budget);
	const x0 = x.slice(0, batch * model.inputSize);
	const adv = x0.slice();
	stepAndProject(adv, x0, inputGradient(model, x0, labels, batch).grad, eps, eps, lo, hi);
	return adv;
}

/** Options of the iterative attacks. */
export interface IterativeOptions {
	/** Steps T (default 10). */
	steps?: number;
	/** Step size α (default 2.5 ε / T, Madry et al.'s choice). */
	stepSize?: number;
	/** Start from a uniform random point of the ε-ball (default true) or from x itself. */
	randomStart?: boolean;
	rng: Rng;
}

function iterative(
	model: Model,
	x: Float32Array,
	batch: number,
	budget: Budget,
	o: IterativeOptions,
	gradient: (adv: Float32Array) => ArrayLike<number>
): Float32Array {
	const { eps, lo, hi } = checkBudget(budget);
	const steps = o.steps ?? 10;
	if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a whole number >= 1, got ${steps}`);
	const alpha = o.stepSize ?? (2.5 * eps) / steps;
	const x0 = x.slice(0, batch * model.inputSize);
	const adv = x0.slice();
	if (o.randomStart ?? true) for (let i = 0; i < adv.length; i++) adv[i] = Math.min(hi, Math.max(lo, x0[i] + o.rng.uniform(-eps, eps)));
	for (let t = 0; t < steps; t++) stepAndProject(adv, x0, gradient(adv), alpha, eps, lo, hi);
	return adv;
}

/** PGD: T projected steps of α along the gradient's direction, from a random start in the ε-ball. */
export function pgd(model: Model, x: Float32Array, labels: ArrayLike<number>, batch: number, budget: Budget, o: IterativeOptions): Float32Array {
	return iterative(model, x, batch, budget, o, (adv) => inputGradient(model, adv, labels, batch).grad);
}

/**
 * SPSA: PGD with the gradient estimated from losses only. Each step draws `samples`
 * random sign vectors s and averages (L(x + δs) − L(x − δs)) / (2δ) · s per example
 * (default 16 samples, δ = 0.01): 2·samples forward passes a step and no backward pass.
 */
export function spsa(
	model: Model,
	x: Float32Array,
	labels: ArrayLike<number>,
	batch: number,
	budget: Budget,
	o: IterativeOptions & { samples?: number; delta?: number }
): Float32Array {
	const samples = o.samples ?? 16,
		delta = o.delta ?? 0.01;
	const D = model.inputSize;
	const s = new Float32Array(batch * D),
		plus = new Float32Array(batch * D),
		minus = new Float32Array(batch * D),
		g = new Float64Array(batch * D);
	return iterative(model, x, batch, budget, o, (adv) => {
		g.fill(0);
		for (let k = 0; k < samples; k++) {
			for (let i = 0; i < s.length; i++) {
				s[i] = o.rng.nextU32() & 1 ? 1 : -1;
				plus[i] = adv[i] + delta * s[i];
				minus[i] = adv[i] - delta * s[i];
			}
			const lp = exampleLosses(model, plus, labels, batch),
				lm = exampleLosses(model, minus, labels, batch);
			for (let b = 0; b < batch; b++) {
				const d = (lp[b] - lm[b]) / (2 * delta);
				for (let i = b * D; i < (b + 1) * D; i++) g[i] += d * s[i];
			}
		}
		return g;
	});
}

/** Random signs of size ε: x + ε·s clipped to [lo, hi], the budget spent with no information. */
export function signNoise(x: Float32Array, batch: number, inputSize: number, budget: Budget, rng: Rng): Float32Array {
	const { eps, lo, hi } = checkBudget(budget);
	const out = x.slice(0, batch * inputSize);
	for (let i = 0; i < out.length; i++) out[i] = Math.min(hi, Math.max(lo, out[i] + (rng.nextU32() & 1 ? eps : -eps)));
	return out;
}

/** Share (0..1) of the examples x [batch, inputSize] the model classifies as `labels`. */
export function accuracyOn(model: Model, x: Float32Array, labels: ArrayLike<number>, batch: number): number {
	if (batch === 0) return NaN;
	const z = model.forward(x.subarray(0, batch * model.inputSize), batch, { training: false });
	return softmaxCrossEntropy(z, labels, batch, model.classes).correct / batch;
}

/**
 * Adversarial examples for x [batch, inputSize] with `labels` by the named attack against
 * `model` (transfer: PGD crafted on `source`; the caller evaluates them on `model`). `steps`
 * defaults to 10 (SPSA 20). A new [batch, inputSize] array.
 */
export function craft(
	attack: AttackName,
	model: Model,
	source: Model | null,
	x: Float32Array,
	labels: ArrayLike<number>,
	batch: number,
	budget: Budget,
	o: { steps?: number; rng: Rng }
): Float32Array {
	const steps = o.steps ?? (attack === 'spsa' ? 20 : 10),
		rng = o.rng;
	if (attack === 'fgsm') return fgsm(model, x, labels, batch, budget);
	if (attack === 'pgd') return pgd(model, x, labels, batch, budget, { steps, rng });
	if (attack === 'spsa') return spsa(model, x, labels, batch, budget, { steps, rng });
	if (attack === 'noise') return signNoise(x, batch, model.inputSize, budget, rng);
	if (!source) throw new RangeError('a transfer attack needs the model its examples are crafted on');
	return pgd(source, x, labels, batch, budget, { steps, rng });
}

/** Examples attacked together: one batch of the attacks' forward and backward passes. */
export const ATTACK_BLOCK = 25;

/** The attacks {@link AttackEvaluation} runs; 'transfer' is PGD crafted on a source model. */
export const ATTACK_NAMES = ['fgsm', 'pgd', 'spsa', 'noise', 'transfer'] as const;
export type AttackName = (typeof ATTACK_NAMES)[number];

/**
 * The budget of `eps` on a data set's own scale: images (the digits, features in [-1, 1])
 * take ε on the usual 0..1 pixel scale, so 2ε in feature units, clipped to the pixel range;
 * the 2-D sets have no pixel range and take ε as it is.
 */
export function pixelBudget(data: Pick<Dataset, 'imageShape'>, eps: number): Required<Budget> {
	return data.imageShape ? { eps: eps * (DIGIT_RANGE.hi - DIGIT_RANGE.lo), lo: DIGIT_RANGE.lo, hi: DIGIT_RANGE.hi } : { eps, lo: -Infinity, hi: Infinity };
}

export interface AttackSpec {
	attack: AttackName;
	/** Budgets on the data's pixel scale ({@link pixelBudget}), each 0..1. */
	eps: readonly number[];
	/** The first `examples` test examples are attacked. */
	examples: number;
	/** Steps of pgd, spsa and transfer (default 10; spsa 20). */
	steps?: number;
	/** Seeds the random starts, probes and noise. */
	seed: number;
}

/**
 * Test accuracy of `model` under one attack at each budget, a block of examples at a time
 * ({@link advance}) so a worker can run it between training slices. transfer crafts PGD
 * examples on `source` and evaluates them on `model`. Each block's random draws come from
 * its own generator, seeded from `seed`, the budget's index and the block's index.
 */
export class AttackEvaluation {
	readonly accuracy: number[];
	private readonly n: number;
	private e = 0;
	private offset = 0;
	private correct = 0;

	constructor(
		private readonly model: Model,
		private readonly source: Model | null,
		private readonly data: Dataset,
		readonly spec: AttackSpec
	) {
		if (!ATTACK_NAMES.includes(spec.attack)) throw new RangeError(`unknown attack ${JSON.stringify(spec.attack)} (one of ${ATTACK_NAMES.join(', ')})`);
		if (spec.attack === 'transfer' && !source) throw new RangeError('a transfer attack needs the model its examples are crafted on');
		for (const m of [model, source])
			if (m && (m.inputSize !== data.inputSize || m.classes !== data.numClasses)) throw new RangeError(`the model does not fit ${data.name}`);
		if (spec.eps.length === 0 || spec.eps.length > 32 || spec.eps.some((e) => !(e >= 0 && e <= 1)))
			throw new RangeError(`an attack needs 1 to 32 budgets, each from 0 to 1, got ${JSON.stringify(spec.eps).slice(0, 80)}`);
		if (!Number.isInteger(spec.examples) || spec.examples < 1) throw new RangeError(`examples must be a whole number >= 1, got ${spec.examples}`);
		this.n = Math.min(spec.examples, data.nTest);
		this.accuracy = [];
	}

	/** Examples attacked at every budget, once done. */
	get examples(): number {
		return this.n;
	}

	/**
	 * Attack the next block of {@link ATTACK_BLOCK} examples (`rows` is accepted for the
	 * worker's chunk interface and not used: the block is the unit, so the draws never depend
	 * on how the work was split). The accuracy at each budget once all are done, else null.
	 */
	advance(_rows?: number): number[] | null {
		const D = this.data.inputSize,
			o = this.spec;
		if (this.e >= o.eps.length) return this.accuracy;
		const s = this.offset,
			B = Math.min(ATTACK_BLOCK, this.n - s);
		const x = this.data.testX.subarray(s * D, (s + B) * D),
			y = this.data.testY.subarray(s, s + B);
		const budget = pixelBudget(this.data, o.eps[this.e]);
		// One generator per (seed, budget, block): a multiplicative hash of the three.
		const rng = createRng((o.seed ^ Math.imul(this.e + 1, 0x9e3779b1) ^ Math.imul(s / ATTACK_BLOCK + 1, 0x85ebca6b)) >>> 0);
		const adv = craft(o.attack, this.model, this.source, x, y, B, budget, { steps: o.steps, rng });
		this.correct += accuracyOn(this.model, adv, y, B) * B;
		this.offset += B;
		if (this.offset >= this.n) {
			this.accuracy.push(this.correct / this.n);
			this.e++;
			this.offset = 0;
			this.correct = 0;
		}
		return this.e === o.eps.length ? this.accuracy : null;
	}

	/** Run to the end: the accuracy at each budget. */
	run(): number[] {
		let r: number[] | null = null;
		while (!r) r = this.advance();
		return r;
	}
}
