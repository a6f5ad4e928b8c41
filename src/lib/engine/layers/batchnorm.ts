/**
 * Batch normalisation over features (Ioffe & Szegedy 2015), x: [batch, features].
 *
 * Training: y = gamma (x - mu_B) / sqrt(var_B + eps) + beta with the batch's mean and
 * biased variance; the running statistics move as r <- m r + (1 - m) stat, with the
 * unbiased batch variance (as PyTorch does). Evaluation uses the running statistics.
 * Larq's advice for binary networks is m = 0.9, the default here.
 */
import type { ByteReader, ByteWriter } from '../bytes';
import type { BatchNormConfig } from '../config';
import { reuse, type ForwardOptions, type Layer, type Param } from './types';

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

	constructor(
		readonly name: string,
		readonly inSize: number,
		cfg: BatchNormConfig
	) {
		this.outSize = inSize;
		this.momentum = cfg.momentum ?? 0.9;
		this.epsilon = cfg.epsilon ?? 1e-5;
		this.gamma = { name: `${name}.gamma`, value: new Float32Array(inSize).fill(1), grad: new Float32Array(inSize), role: 'float' };
		this.beta = { name: `${name}.beta`, value: new Float32Array(inSize), grad: new Float32Array(inSize), role: 'float' };
		this.params = [this.gamma, this.beta];
		this.runningMean = new Float32Array(inSize);
		this.runningVar = new Float32Array(inSize).fill(1);
		this.invStd = new Float32Array(inSize);
	}

	invalidate(): void {}

	forward(x: Float32Array, batch: number, opts: ForwardOptions): Float32Array {
		const f = this.inSize;
		const y = (this.y = reuse(this.y, batch * f));
		const g = this.gamma.value, b = this.beta.value;
		this.lastBatch = 0; // until a training forward sets it: backward needs one
		if (!opts.training) {
			for (let j = 0; j < f; j++) {
				const inv = 1 / Math.sqrt(this.runningVar[j] + this.epsilon);
				const m = this.runningMean[j];
				for (let r = 0; r < batch; r++) y[r * f + j] = g[j] * ((x[r * f + j] - m) * inv) + b[j];
			}
			return y;
		}
		// One example has no spread: every output would be beta and no gradient would flow.
		if (batch < 2) throw new RangeError(`${this.name}: batch norm needs at least 2 examples per training batch, got ${batch}`);
		const xhat = (this.xhat = reuse(this.xhat, batch * f));
		this.lastBatch = batch;
		const mom = this.momentum;
		for (let j = 0; j < f; j++) {
			let s = 0;
			for (let r = 0; r < batch; r++) s += x[r * f + j];
			const mu = s / batch;
			let v = 0;
			for (let r = 0; r < batch; r++) {
				const d = x[r * f + j] - mu;
				v += d * d;
			}
			const inv = 1 / Math.sqrt(v / batch + this.epsilon);
			this.invStd[j] = inv;
			for (let r = 0; r < batch; r++) {
				const h = (x[r * f + j] - mu) * inv;
				xhat[r * f + j] = h;
				y[r * f + j] = g[j] * h + b[j];
			}
			this.runningMean[j] = mom * this.runningMean[j] + (1 - mom) * mu;
			this.runningVar[j] = mom * this.runningVar[j] + (1 - mom) * (batch > 1 ? v / (batch - 1) : 0);
		}
		return y;
	}

	backward(dy: Float32Array, batch: number, needDx: boolean): Float32Array | null {
		if (!this.xhat || batch !== this.lastBatch) throw new Error(`${this.name}: backward without a matching forward`);
		const f = this.inSize, xhat = this.xhat;
		const g = this.gamma.value, gg = this.gamma.grad, gb = this.beta.grad;
		const dx = needDx ? (this.dx = reuse(this.dx, batch * f)) : null;
		for (let j = 0; j < f; j++) {
			let sdy = 0, sdyx = 0;
			for (let r = 0; r < batch; r++) {
				const d = dy[r * f + j];
				sdy += d;
				sdyx += d * xhat[r * f + j];
			}
			gb[j] = sdy;
			gg[j] = sdyx;
			if (dx) {
				// dx = gamma invStd / B (B dy - Σ dy - xhat Σ dy xhat)
				const k = (g[j] * this.invStd[j]) / batch;
				for (let r = 0; r < batch; r++) dx[r * f + j] = k * (batch * dy[r * f + j] - sdy - xhat[r * f + j] * sdyx);
			}
		}
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
