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
import { softmaxCrossEntropy } from './loss';
import type { Model } from './model';
import type { Rng } from './rng';

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
