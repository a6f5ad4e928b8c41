/**
 * Knowledge distillation (Hinton, Vinyals, Dean 2015, "Distilling the Knowledge in a
 * Neural Network"): a student learns from the labels and from a trained teacher's
 * softened class probabilities. For student logits z_s and teacher logits z_t, one
 * example with label y, temperature T and weight a in [0, 1]:
 *
 *     L = (1 - a) CE(y, softmax(z_s)) + a T² KL(softmax(z_t / T) ‖ softmax(z_s / T))
 *
 *     dL/dz_s = (1 - a) (softmax(z_s) - onehot(y)) + a T (softmax(z_s / T) - softmax(z_t / T))
 *
 * The T² keeps the soft term's gradient at the same scale as the hard term's when T
 * changes (the paper's section 2); a = 0 is plain cross-entropy, a = 1 ignores the
 * labels. Everything is averaged over the batch. The teacher's logits are constants:
 * no gradient flows into the teacher.
 */
import { ConfigError } from './config';

/** The two knobs of distillation. */
export interface DistillOptions {
	/** Weight a of the soft (teacher) term, 0..1; 1 - a weighs the hard labels. */
	alpha: number;
	/** Temperature T > 0 that softens both distributions (T = 1: plain softmax). */
	temperature: number;
}

/** Largest temperature accepted (softmax(z / T) is nearly uniform long before). */
export const MAX_TEMPERATURE = 100;

/** Check distillation options from outside (a URL, the CLI, the worker); throws ConfigError naming the field. */
export function checkDistillOptions(raw: unknown): DistillOptions {
	const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
	const alpha = o.alpha,
		T = o.temperature;
	if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha < 0 || alpha > 1)
		throw new ConfigError(`distillation alpha must be a number from 0 to 1, got ${JSON.stringify(alpha)}`);
	if (typeof T !== 'number' || !Number.isFinite(T) || T <= 0 || T > MAX_TEMPERATURE)
		throw new ConfigError(`distillation temperature must be a number above 0 and at most ${MAX_TEMPERATURE}, got ${JSON.stringify(T)}`);
	return { alpha, temperature: T };
}

export interface DistillLoss {
	/** Mean total loss over the batch, (1 - a) ce + a kd. */
	loss: number;
	/** Mean cross-entropy with the labels, CE(y, softmax(z_s)). */
	ce: number;
	/** Mean T² KL(softmax(z_t / T) ‖ softmax(z_s / T)). */
	kd: number;
	/** Examples whose largest student logit is the label (ties to the lowest index). */
	correct: number;
}

/**
 * The distillation loss of a batch and, when `dz` is given, its gradient with respect
 * to the student's logits.
 *
 * @param zs student logits, [batch, classes]
 * @param zt teacher logits, [batch, classes] (constants)
 * @param labels true classes, [batch]
 * @param dz receives dL/dz_s, [batch, classes]
 */
export function distillationLoss(
	zs: Float32Array,
	zt: Float32Array,
	labels: ArrayLike<number>,
	batch: number,
	classes: number,
	opts: DistillOptions,
	dz?: Float32Array
): DistillLoss {
	const a = opts.alpha,
		T = opts.temperature;
	const p = new Float64Array(classes),
		qs = new Float64Array(classes),
		qt = new Float64Array(classes);
	let ceSum = 0,
		kdSum = 0,
		correct = 0;
	for (let b = 0; b < batch; b++) {
		const o = b * classes;
		let arg = 0;
		for (let c = 1; c < classes; c++) if (zs[o + c] > zs[o + arg]) arg = c;
		const y = labels[b];
		if (arg === y) correct++;
		// log softmax of the student at T = 1 and at T, and of the teacher at T.
		logSoftmax(zs, o, classes, 1, p);
		logSoftmax(zs, o, classes, T, qs);
		logSoftmax(zt, o, classes, T, qt);
		ceSum -= p[y];
		let kl = 0;
		for (let c = 0; c < classes; c++) {
			const t = Math.exp(qt[c]);
			if (t > 0) kl += t * (qt[c] - qs[c]);
		}
		kdSum += T * T * kl;
		if (dz) {
			for (let c = 0; c < classes; c++) {
				const hard = Math.exp(p[c]) - (c === y ? 1 : 0);
				const soft = Math.exp(qs[c]) - Math.exp(qt[c]);
				dz[o + c] = ((1 - a) * hard + a * T * soft) / batch;
			}
		}
	}
	const ce = ceSum / batch,
		kd = kdSum / batch;
	return { loss: (1 - a) * ce + a * kd, ce, kd, correct };
}

/** log softmax(z[o..o+n) / T) into out, with the max subtracted so large logits do not overflow. */
function logSoftmax(z: ArrayLike<number>, o: number, n: number, T: number, out: Float64Array): void {
	let max = -Infinity;
	for (let c = 0; c < n; c++) max = Math.max(max, z[o + c] / T);
	let s = 0;
	for (let c = 0; c < n; c++) s += Math.exp(z[o + c] / T - max);
	const lse = max + Math.log(s);
	for (let c = 0; c < n; c++) out[c] = z[o + c] / T - lse;
}

/**
 * A teacher's soft targets for one example: softmax(z / T). T = 1 is the plain softmax;
 * larger T lifts the small probabilities, the "dark knowledge" of which wrong classes
 * the teacher finds plausible.
 */
export function softTargets(z: ArrayLike<number>, temperature: number, out = new Float32Array(z.length)): Float32Array {
	const tmp = new Float64Array(z.length);
	logSoftmax(z, 0, z.length, temperature, tmp);
	for (let c = 0; c < z.length; c++) out[c] = Math.exp(tmp[c]);
	return out;
}
