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
import { BatchNormKernel } from '../wasm/norm-simd';
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
	/** Per-feature float64 sums: mean and variance in forward, Σ dy and Σ dy xhat in backward. */
	private readonly mu: Float64Array;
	private readonly var: Float64Array;
	private lastBatch = 0;
	private acc1: Float64Array | null = null;
	private acc2: Float64Array | null = null;
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
		this.mu = new Float64Array(f);
		this.var = new Float64Array(f);
	}

	/** The last forward that kept xhat was in inference mode (running statistics). */
	private lastInference = false;
	/** The WebAssembly passes (undefined until first asked for, null where they cannot run). */
	private wasm: BatchNormKernel | null | undefined = undefined;
	/** Whether the last forward kept xhat in the kernel's memory (else in this.xhat). */
	private xhatInKernel = false;

	invalidate(): void {}

	/**
	 * After a conv or pool layer the [batch·H·W, C] map is read as batch·H·W rows of C
	 * features (one mean and variance per channel); each feature's sums add rows in order
	 * 0, 1, ... in float64 (see columnSums), so the numbers are the plain loop's. The passes
	 * run in WebAssembly where it runs (../wasm/norm-simd.ts: the same bits).
	 */
	forward(x: Float32Array, examples: number, opts: ForwardOptions): Float32Array {
		const f = this.gamma.value.length,
			batch = examples * this.positions;
		const y = (this.y = reuse(this.y, batch * f));
		const mean = (this.acc1 = reuse64(this.acc1, f)),
			inv = (this.acc2 = reuse64(this.acc2, f));
		this.lastBatch = 0; // until a forward that keeps xhat sets it: backward needs one
		const kernel = this.kernel();
		const wasm = kernel !== null && kernel.load(x, batch);
		if (!opts.training) {
			for (let j = 0; j < f; j++) {
				inv[j] = 1 / Math.sqrt(this.runningVar[j] + this.epsilon);
				mean[j] = this.runningMean[j];
			}
			// An attack's gradient through the layer as it infers: xhat and the running scale kept.
			const keep = !!opts.keepForBackward;
			if (keep) {
				for (let j = 0; j < f; j++) this.invStd[j] = inv[j];
				this.lastBatch = batch;
				this.lastInference = true;
			}
			this.normalize(wasm, x, batch, mean, inv, keep, y);
			return y;
		}
		this.lastInference = false;
		// One example has no spread: every output would be beta and no gradient would flow.
		if (batch < 2) throw new RangeError(`${this.name}: batch norm needs at least 2 examples per training batch, got ${batch}`);
		this.lastBatch = batch;
		const mom = this.momentum;
		const mu = this.mu,
			v = this.var;
		// Sums per feature over rows 0..batch-1 in order.
		if (wasm) kernel.sums(null, mu);
		else columnSums(x, null, null, batch, f, mu, null);
		for (let j = 0; j < f; j++) mu[j] /= batch;
		if (wasm) kernel.sums(mu, v);
		else columnSums(x, mu, null, batch, f, v, null);
		for (let j = 0; j < f; j++) {
			inv[j] = this.invStd[j] = 1 / Math.sqrt(v[j] / batch + this.epsilon);
			this.runningMean[j] = mom * this.runningMean[j] + (1 - mom) * mu[j];
			this.runningVar[j] = mom * this.runningVar[j] + (1 - mom) * (batch > 1 ? v[j] / (batch - 1) : 0);
		}
		this.normalize(wasm, x, batch, mu, inv, true, y);
		return y;
	}

	/**
	 * y = gamma (x - mu) inv + beta, keeping xhat = (x - mu) inv for the backward pass when
	 * `keep`: in the kernel's memory when `wasm` (x loaded there), else in this.xhat.
	 */
	private normalize(wasm: boolean, x: Float32Array, batch: number, mu: Float64Array, inv: Float64Array, keep: boolean, y: Float32Array): void {
		const f = this.gamma.value.length,
			g = this.gamma.value,
			b = this.beta.value;
		this.xhatInKernel = wasm && keep;
		if (wasm) {
			this.kernel()!.normalize(mu, inv, g, b, keep, y);
			return;
		}
		if (!keep) {
			for (let r = 0, o = 0; r < batch; r++, o += f) for (let j = 0; j < f; j++) y[o + j] = g[j] * ((x[o + j] - mu[j]) * inv[j]) + b[j];
			return;
		}
		const xhat = (this.xhat = reuse(this.xhat, batch * f));
		// Row by row, as the data lies: a column at a time strides by f floats and, at a conv
		// layer's 64 x 14 x 14 positions, walks the whole batch once per channel.
		for (let r = 0, o = 0; r < batch; r++, o += f)
			for (let j = 0; j < f; j++) {
				const h = (x[o + j] - mu[j]) * inv[j];
				xhat[o + j] = h;
				y[o + j] = g[j] * h + b[j];
			}
	}

	backward(dy: Float32Array, examples: number, needDx: boolean): Float32Array | null {
		const f = this.gamma.value.length,
			batch = examples * this.positions;
		if (this.lastBatch === 0 || batch !== this.lastBatch) throw new Error(`${this.name}: backward without a matching forward`);
		const g = this.gamma.value,
			gg = this.gamma.grad,
			gb = this.beta.grad;
		const dx = needDx ? (this.dx = reuse(this.dx, batch * f)) : null;
		const sdy = this.mu,
			sdyx = this.var;
		const kernel = this.xhatInKernel ? this.kernel()! : null;
		if (kernel) kernel.dySums(dy, sdy, sdyx);
		else columnSums(dy, null, this.xhat!, batch, f, sdy, sdyx);
		for (let j = 0; j < f; j++) {
			gb[j] = sdy[j];
			gg[j] = sdyx[j];
		}
		if (!dx) return null;
		// Per-channel factors first, then dx row by row, as the data lies (see forward).
		const k = (this.acc1 = reuse64(this.acc1, f));
		// With running statistics (an inference forward), they are constants of the input:
		// dx = gamma dy / sqrt(runningVar + eps). Otherwise dx = gamma invStd / B (B dy - Σ dy - xhat Σ dy xhat).
		const plain = this.lastInference;
		for (let j = 0; j < f; j++) k[j] = plain ? g[j] * this.invStd[j] : (g[j] * this.invStd[j]) / batch;
		if (kernel) {
			kernel.backward(k, sdy, sdyx, batch, plain, dx);
			return dx;
		}
		const xhat = this.xhat!;
		if (plain) for (let o = 0, n = batch * f; o < n; o += f) for (let j = 0; j < f; j++) dx[o + j] = k[j] * dy[o + j];
		else for (let o = 0, n = batch * f; o < n; o += f) for (let j = 0; j < f; j++) dx[o + j] = k[j] * (batch * dy[o + j] - sdy[j] - xhat[o + j] * sdyx[j]);
		return dx;
	}

	/** The layer's WebAssembly passes, made on first use; null where they cannot run. */
	private kernel(): BatchNormKernel | null {
		if (this.wasm === undefined) this.wasm = BatchNormKernel.create(this.gamma.value.length);
		return this.wasm;
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

/**
 * Per column j of X [rows, f], summed over rows 0..rows-1 in order in float64:
 * out[j] = Σ_r X_rj, or Σ_r (X_rj - center_j)² with `center`; with `by` also
 * out2[j] = Σ_r X_rj by_rj. Four columns at a time, so four add chains run side by
 * side; each column's sum is the plain loop's to the bit.
 */
function columnSums(
	X: Float32Array,
	center: Float64Array | null,
	by: Float32Array | null,
	rows: number,
	f: number,
	out: Float64Array,
	out2: Float64Array | null
): void {
	let j = 0;
	for (; j + 4 <= f; j += 4) {
		let a0 = 0,
			a1 = 0,
			a2 = 0,
			a3 = 0,
			b0 = 0,
			b1 = 0,
			b2 = 0,
			b3 = 0;
		const m0 = center ? center[j] : 0,
			m1 = center ? center[j + 1] : 0,
			m2 = center ? center[j + 2] : 0,
			m3 = center ? center[j + 3] : 0;
		for (let r = 0, o = j; r < rows; r++, o += f) {
			if (center) {
				const d0 = X[o] - m0,
					d1 = X[o + 1] - m1,
					d2 = X[o + 2] - m2,
					d3 = X[o + 3] - m3;
				a0 += d0 * d0;
				a1 += d1 * d1;
				a2 += d2 * d2;
				a3 += d3 * d3;
			} else {
				a0 += X[o];
				a1 += X[o + 1];
				a2 += X[o + 2];
				a3 += X[o + 3];
			}
			if (by) {
				b0 += X[o] * by[o];
				b1 += X[o + 1] * by[o + 1];
				b2 += X[o + 2] * by[o + 2];
				b3 += X[o + 3] * by[o + 3];
			}
		}
		out[j] = a0;
		out[j + 1] = a1;
		out[j + 2] = a2;
		out[j + 3] = a3;
		if (out2) {
			out2[j] = b0;
			out2[j + 1] = b1;
			out2[j + 2] = b2;
			out2[j + 3] = b3;
		}
	}
	for (; j < f; j++) {
		let a = 0,
			bsum = 0;
		const m = center ? center[j] : 0;
		for (let r = 0, o = j; r < rows; r++, o += f) {
			const d = X[o] - m;
			a += center ? d * d : X[o];
			if (by) bsum += X[o] * by[o];
		}
		out[j] = a;
		if (out2) out2[j] = bsum;
	}
}
