/**
 * Batch normalisation over features (Ioffe & Szegedy 2015), x: [batch, features].
 *
 * Training: y = gamma (x - mu_B) / sqrt(var_B + eps) + beta with the batch's mean and
 * biased variance; the running statistics move as r <- m r + (1 - m) stat, with the
 * unbiased batch variance (as PyTorch does). Evaluation uses the running statistics.
 * Larq's advice for binary networks is m = 0.9, the default here.
 *
 * After a conv or pool layer the features are channels: an NHWC batch [batch, H, W, C]
 * is normalised as the [batch·H·W, C] matrix, one mean and variance per channel over
 * every example and position (PyTorch's BatchNorm2d).
 */
import type { ByteReader, ByteWriter } from '../bytes';
import type { BatchNormConfig } from '../config';
import { reuse, type ForwardOptions, type Layer, type Param } from './types';

const reuse64 = (buf: Float64Array | null, n: number): Float64Array => (buf && buf.length === n ? buf : new Float64Array(n));

export class BatchNorm implements Layer {
	readonly type = 'batchnorm';
	readonly params: Param[];
	readonly gamma: Param;
	readonly beta: Param;
	readonly runningMean: Float32Array;
	readonly runningVar: Float32Array;
	readonly momentum: number;
	readonly epsilon: number;
	readonly outSize: number;
	private y: Float32Array | null = null;
	private xhat: Float32Array | null = null;
	private dx: Float32Array | null = null;
	private invStd: Float32Array;
	private lastBatch = 0;
	private acc1: Float64Array | null = null;
	private acc2: Float64Array | null = null;
	private acc3: Float64Array | null = null;
	/** Rows per example: H·W after a conv or pool layer, else 1. */
	private readonly positions: number;

	/** @param channels features normalised separately (default inSize; C after a conv or pool layer) */
	constructor(
		readonly name: string,
		readonly inSize: number,
		cfg: BatchNormConfig,
		channels = inSize
	) {
		if (!Number.isInteger(inSize / channels)) throw new RangeError(`${name}: ${inSize} values do not split into ${channels} channels`);
		this.positions = inSize / channels;
		this.outSize = inSize;
		this.momentum = cfg.momentum ?? 0.9;
		this.epsilon = cfg.epsilon ?? 1e-5;
		const f = channels;
		this.gamma = { name: `${name}.gamma`, value: new Float32Array(f).fill(1), grad: new Float32Array(f), role: 'float' };
		this.beta = { name: `${name}.beta`, value: new Float32Array(f), grad: new Float32Array(f), role: 'float' };
		this.params = [this.gamma, this.beta];
		this.runningMean = new Float32Array(f);
		this.runningVar = new Float32Array(f).fill(1);
		this.invStd = new Float32Array(f);
	}

	invalidate(): void {}

	/**
	 * Loops run row by row with one float64 accumulator per feature, so a [batch·H·W, C]
	 * map streams through memory once per pass; each feature's sums still add rows in
	 * order 0, 1, ..., as a feature-by-feature loop would, so the numbers are the same.
	 */
	forward(x: Float32Array, examples: number, opts: ForwardOptions): Float32Array {
		const f = this.gamma.value.length, batch = examples * this.positions;
		const y = (this.y = reuse(this.y, batch * f));
		const g = this.gamma.value, b = this.beta.value;
		const mean = (this.acc1 = reuse64(this.acc1, f)), inv = (this.acc2 = reuse64(this.acc2, f));
		this.lastBatch = 0; // until a training forward sets it: backward needs one
		if (!opts.training) {
			for (let j = 0; j < f; j++) {
				inv[j] = 1 / Math.sqrt(this.runningVar[j] + this.epsilon);
				mean[j] = this.runningMean[j];
			}
			for (let r = 0, o = 0; r < batch; r++, o += f) for (let j = 0; j < f; j++) y[o + j] = g[j] * ((x[o + j] - mean[j]) * inv[j]) + b[j];
			return y;
		}
		// One example has no spread: every output would be beta and no gradient would flow.
		if (batch < 2) throw new RangeError(`${this.name}: batch norm needs at least 2 examples per training batch, got ${batch}`);
		const xhat = (this.xhat = reuse(this.xhat, batch * f));
		this.lastBatch = batch;
		const mom = this.momentum;
		mean.fill(0);
		for (let r = 0, o = 0; r < batch; r++, o += f) for (let j = 0; j < f; j++) mean[j] += x[o + j];
		for (let j = 0; j < f; j++) mean[j] /= batch;
		const vsum = inv;
		vsum.fill(0);
		for (let r = 0, o = 0; r < batch; r++, o += f)
			for (let j = 0; j < f; j++) {
				const d = x[o + j] - mean[j];
				vsum[j] += d * d;
			}
		for (let j = 0; j < f; j++) {
			const v = vsum[j], mu = mean[j];
			this.runningMean[j] = mom * this.runningMean[j] + (1 - mom) * mu;
			this.runningVar[j] = mom * this.runningVar[j] + (1 - mom) * (batch > 1 ? v / (batch - 1) : 0);
			inv[j] = 1 / Math.sqrt(v / batch + this.epsilon);
			this.invStd[j] = inv[j];
		}
		for (let r = 0, o = 0; r < batch; r++, o += f)
			for (let j = 0; j < f; j++) {
				const h = (x[o + j] - mean[j]) * inv[j];
				xhat[o + j] = h;
				y[o + j] = g[j] * h + b[j];
			}
		return y;
	}

	backward(dy: Float32Array, examples: number, needDx: boolean): Float32Array | null {
		const f = this.gamma.value.length, batch = examples * this.positions;
		if (!this.xhat || batch !== this.lastBatch) throw new Error(`${this.name}: backward without a matching forward`);
		const xhat = this.xhat;
		const g = this.gamma.value, gg = this.gamma.grad, gb = this.beta.grad;
		const sdy = (this.acc1 = reuse64(this.acc1, f)), sdyx = (this.acc2 = reuse64(this.acc2, f));
		sdy.fill(0);
		sdyx.fill(0);
		for (let r = 0, o = 0; r < batch; r++, o += f)
			for (let j = 0; j < f; j++) {
				const d = dy[o + j];
				sdy[j] += d;
				sdyx[j] += d * xhat[o + j];
			}
		for (let j = 0; j < f; j++) {
			gb[j] = sdy[j];
			gg[j] = sdyx[j];
		}
		if (!needDx) return null;
		const dx = (this.dx = reuse(this.dx, batch * f));
		// dx = gamma invStd / B (B dy - Σ dy - xhat Σ dy xhat)
		const k = (this.acc3 = reuse64(this.acc3, f));
		for (let j = 0; j < f; j++) k[j] = (g[j] * this.invStd[j]) / batch;
		for (let r = 0, o = 0; r < batch; r++, o += f)
			for (let j = 0; j < f; j++) dx[o + j] = k[j] * (batch * dy[o + j] - sdy[j] - xhat[o + j] * sdyx[j]);
		return dx;
	}

	write(w: ByteWriter): void {
		w.f32s(this.gamma.value);
		w.f32s(this.beta.value);
		w.f32s(this.runningMean);
		w.f32s(this.runningVar);
	}

	read(r: ByteReader): void {
		r.f32s(this.gamma.value, `${this.name} gamma`);
		r.f32s(this.beta.value, `${this.name} beta`);
		r.f32s(this.runningMean, `${this.name} running mean`);
		r.f32s(this.runningVar, `${this.name} running variance`);
	}
}
