/**
 * The dense layer in every weight mode (float, binary, scaled binary, M-base) and
 * input mode (float, sign, N-base):
 *
 *     y = f(x) · g(W)^T + b          x: [batch, in], W: [out, in], y: [batch, out]
 *
 * W holds real-valued latent weights. g(W) is W, sign(W), alpha ⊙ sign(W) with
 * alpha_r = mean_c |W_rc| (XNOR-Net, Rastegari et al. 2016), or Σ_i alpha_i B_i with
 * ABC-Net's shifted sign bases (Lin, Zhao, Pan 2017). f(x) is x, sign(x), or
 * Σ_n beta_n A_n(x) with learnable shifts v_n and scales beta_n.
 *
 * When both sides are binary, the output is a sum of integer ±1 products,
 *
 *     y = Σ_i Σ_n c_{i,n} (A_n · B_i^T),
 *
 * computed pair by pair. Each product runs on the packed XOR-popcount kernel, in
 * training as in inference; with `packed: false` the same products come from the float
 * GEMM on ±1 floats (the float simulation). Both give the same integers and are
 * combined by the same code, so the packed and the float outputs are identical to the bit.
 *
 * Binary weights stay packed between steps: after an optimiser step {@link Dense.syncLatent}
 * re-derives sign(W) word by word and rewrites only the ±1 floats whose sign flipped, so a
 * step costs one pass over W instead of rebuilding every derived array.
 */
import { packRows, popcount32, wordsFor } from '../bits';
import { FormatError, type ByteReader, type ByteWriter } from '../bytes';
import type { DenseConfig, InputMode, WeightMode } from '../config';
import { matmulAB, matmulABt, matmulAtB } from '../gemm';
import { binaryGemm } from '../kernels/binary-gemm';
import { activationBasesBackward, activationBasesForward, baseShifts, defaultActivationScales, defaultActivationShifts, weightBases } from '../multibase';
import type { Rng } from '../rng';
import { stePassesWithinUnit, steBackward, type Estimator } from '../ste';
import { simdSignRows, type PackedSigns } from '../wasm/train-simd';
import { reuse, type ForwardOptions, type Layer, type Param } from './types';

/** Weight-side quantities derived from the latent weights, cached until they change. */
interface PreparedWeights {
	/** ±1 bases, M of them (1 for binary and scaled), each [out, in]. Empty for float weights. */
	bases: Float32Array[];
	/** Per-base scale alpha_i (multibase), length M; otherwise empty. */
	baseScales: Float64Array;
	/** Per-output-unit scale alpha_r (scaled), length out; otherwise null. */
	rowScales: Float32Array | null;
	/** The effective weights g(W), [out, in], used for dL/dx and for float inputs. */
	effective: Float32Array;
	/** ABC-Net shift parameters for the backward pass: mean, std and u_i. */
	mean: number;
	std: number;
	shifts: Float64Array;
	/**
	 * Packed rows of each base, [out, wordsFor(in)] words each: for binary and scaled weights
	 * the layer's sign words themselves (kept in sync), for M bases filled on first use.
	 */
	packed: Uint32Array[] | null;
}

export class Dense implements Layer {
	readonly type = 'dense';
	readonly params: Param[];
	readonly weightMode: WeightMode;
	readonly inputMode: InputMode;
	readonly M: number;
	readonly N: number;
	readonly W: Param;
	readonly b: Param | null;
	/** Input-base shifts v_n and scales beta_n (input 'multibase'). */
	readonly v: Param | null;
	readonly beta: Param | null;

	private prepared: PreparedWeights | null = null;
	/** sign(W) packed by rows, [out, wordsFor(in)] words, as of the last prepare or sync (latent weight modes). */
	private signs: Uint32Array | null = null;
	private signScratch: Uint32Array | null = null;
	/** Latent weights with |w| <= 1 as of the last prepare or sync. */
	private wInside = 0;
	// Forward caches for backward.
	private x: Float32Array | null = null;
	private xe: Float32Array | null = null; // f(x), [batch, in]
	private xBases: Float32Array | null = null; // A_n(x) stacked, [N, batch, in]
	private xPacked: Uint32Array[] = []; // packed rows of each input base, [batch, wordsFor(in)] words
	private xInside = 0; // sign inputs with |x| <= 1 in the last forward pass
	private y: Float32Array | null = null;
	private prod: Float32Array | null = null;
	private dx: Float32Array | null = null;
	private dxe: Float32Array | null = null;
	private dwe: Float32Array | null = null;
	private lastBatch = 0;
	private lastTraining = false;

	constructor(
		readonly name: string,
		readonly inSize: number,
		cfg: DenseConfig,
		private readonly est: Estimator,
		rng: Rng
	) {
		this.weightMode = cfg.weights ?? 'float';
		this.inputMode = cfg.input ?? 'float';
		this.M = this.weightMode === 'multibase' ? (cfg.bases ?? 3) : 1;
		this.N = this.inputMode === 'multibase' ? (cfg.inputBases ?? 3) : 1;
		const out = cfg.units;
		// PyTorch's default for nn.Linear: U(-1/sqrt(in), 1/sqrt(in)) for weights and bias; the
		// reference accuracies in REFERENCES.md were measured with it.
		const bound = 1 / Math.sqrt(inSize);
		const w = new Float32Array(out * inSize);
		for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-bound, bound);
		this.W = { name: `${name}.W`, value: w, grad: new Float32Array(w.length), role: this.weightMode === 'float' ? 'float' : 'latent' };
		this.params = [this.W];
		this.b = null;
		if (cfg.bias ?? true) {
			const b = new Float32Array(out);
			for (let i = 0; i < out; i++) b[i] = rng.uniform(-bound, bound);
			this.b = { name: `${name}.b`, value: b, grad: new Float32Array(out), role: 'float' };
			this.params.push(this.b);
		}
		this.v = this.beta = null;
		if (this.inputMode === 'multibase') {
			const v = Float32Array.from(defaultActivationShifts(this.N));
			const s = Float32Array.from(defaultActivationScales(this.N));
			this.v = { name: `${name}.v`, value: v, grad: new Float32Array(this.N), role: 'float' };
			this.beta = { name: `${name}.beta`, value: s, grad: new Float32Array(this.N), role: 'float' };
			this.params.push(this.v, this.beta);
		}
		this.outSize = out;
	}
	readonly outSize: number;

	/** True when both weights and inputs are binary, so the layer's products are ±1 dot products. */
	get binaryProducts(): boolean {
		return this.weightMode !== 'float' && this.inputMode !== 'float';
	}

	invalidate(): void {
		this.prepared = null;
	}

	/**
	 * Share (0..1) of the last forward pass's input values x with |x| <= 1: the clip window
	 * where the clipped straight-through estimator lets dL/dx through sign(x). Only for
	 * 'sign' inputs (null otherwise, or before any forward pass).
	 */
	inputClipShare(): number | null {
		if (this.inputMode !== 'sign' || !this.x || this.lastBatch === 0) return null;
		return this.xInside / (this.lastBatch * this.inSize);
	}

	/**
	 * Bring the derived weights up to date after an optimiser step moved the latent weights
	 * (the cheap form of {@link invalidate} for training). Binary weights: sign(W) is
	 * re-derived word by word and only the ±1 floats whose sign flipped are rewritten;
	 * scaled and M-base weights are rebuilt at the next forward pass (alpha moves with every
	 * weight). Float weights: nothing to do.
	 *
	 * @param fresh sign(W) already packed by rows and its count of |w| <= 1 (from the
	 *   optimiser's kernel, see `Optimizer.packedSigns`), so no pass over W is needed here
	 * @returns flips, the weights whose sign differs from the last forward pass's, and
	 *   inside, the latent weights with |w| <= 1 (NaN counts as outside); both 0 for float weights.
	 */
	syncLatent(fresh: PackedSigns | null = null): { flips: number; inside: number } {
		if (this.weightMode === 'float') {
			this.prepared = null;
			return { flips: 0, inside: 0 };
		}
		const out = this.outSize,
			n = this.inSize;
		if (!this.signs) {
			this.prepareWeights();
			return { flips: 0, inside: this.wInside };
		}
		const p = this.prepared;
		const keep = this.weightMode === 'binary' && p !== null;
		this.signScratch ??= new Uint32Array(this.signs.length);
		const r = syncSignRows(this.W.value, out, n, this.signs, keep ? p.bases[0] : null, this.signScratch, fresh);
		this.wInside = r.inside;
		if (!keep) this.prepared = null;
		return r;
	}

	/** g(W) and the bases it is built from; recomputed only after the latent weights change. */
	prepareWeights(): PreparedWeights {
		if (this.prepared) return this.prepared;
		const out = this.outSize,
			n = this.inSize,
			W = this.W.value;
		const p: PreparedWeights = {
			bases: [],
			baseScales: new Float64Array(0),
			rowScales: null,
			effective: W,
			mean: 0,
			std: 0,
			shifts: new Float64Array(0),
			packed: null
		};
		const signs = (this.signs ??= new Uint32Array(out * wordsFor(n)));
		if (this.weightMode === 'binary' || this.weightMode === 'scaled') {
			const s = new Float32Array(W.length);
			this.wInside = signRows(W, out, n, s, signs);
			p.bases = [s];
			p.packed = [signs];
			p.effective = s;
			if (this.weightMode === 'scaled') {
				const a = new Float32Array(out);
				const e = new Float32Array(W.length);
				for (let r = 0; r < out; r++) {
					// float64 accumulation: exact for ±alpha rows, so an imported model recomputes alpha to the bit.
					let acc = 0;
					for (let c = 0; c < n; c++) acc += Math.abs(W[r * n + c]);
					a[r] = acc / n;
					for (let c = 0; c < n; c++) e[r * n + c] = a[r] * s[r * n + c];
				}
				p.rowScales = a;
				p.effective = e;
			}
		} else if (this.weightMode === 'multibase') {
			const wb = weightBases(W, this.M);
			p.bases = Array.from({ length: this.M }, (_, i) => wb.bases.subarray(i * W.length, (i + 1) * W.length));
			// Rounded to float32 as the model file stores them, so an imported model computes the same outputs.
			p.baseScales = Float64Array.from(wb.alphas, Math.fround);
			p.effective = sumBases(p.bases, p.baseScales, W.length);
			p.mean = wb.mean;
			p.std = wb.std;
			p.shifts = wb.shifts;
			// sign(W) itself, for the flip count of the next sync.
			this.wInside = signRows(W, out, n, null, signs);
		}
		this.prepared = p;
		return p;
	}

	/** Replace the derived weights directly (model import): bases, scales, and latent weights set to g(W). */
	loadPrepared(bases: Float32Array[], baseScales: Float64Array, rowScales: Float32Array | null): void {
		const out = this.outSize,
			n = this.inSize,
			len = out * n;
		const effective = new Float32Array(len);
		if (this.weightMode === 'scaled' && rowScales) {
			for (let r = 0; r < out; r++) for (let c = 0; c < n; c++) effective[r * n + c] = rowScales[r] * bases[0][r * n + c];
		} else if (this.weightMode === 'multibase') {
			effective.set(sumBases(bases, baseScales, len));
		} else effective.set(bases[0]);
		this.W.value.set(effective);
		// The latent weights are gone from the file; mean and std of g(W) stand in for them, so
		// the straight-through windows of a model trained further after import sit where they should.
		let mean = 0,
			sq = 0;
		for (let j = 0; j < len; j++) mean += effective[j];
		mean /= len || 1;
		for (let j = 0; j < len; j++) sq += (effective[j] - mean) ** 2;
		const signs = (this.signs ??= new Uint32Array(out * wordsFor(n)));
		this.wInside = signRows(this.W.value, out, n, null, signs);
		// The file's base, not sign(alpha_r B): a row with alpha_r = 0 holds -0 where B is -1.
		if (this.weightMode !== 'multibase') signRows(bases[0], out, n, null, signs);
		this.prepared = {
			bases,
			baseScales,
			rowScales,
			effective: this.weightMode === 'binary' ? bases[0] : effective,
			mean,
			std: Math.sqrt(sq / (len || 1)),
			shifts: baseShifts(this.M),
			packed: this.weightMode === 'multibase' ? null : [signs]
		};
	}

	forward(x: Float32Array, batch: number, opts: ForwardOptions): Float32Array {
		const n = this.inSize,
			out = this.outSize;
		const packed = this.binaryProducts && (opts.packed ?? true);
		const p = this.prepareWeights();
		this.x = x;
		this.lastBatch = batch;
		this.lastTraining = opts.training;
		const wpr = wordsFor(n);
		if (packed) {
			// Each input base is packed once per forward pass, not once per weight base.
			for (let k = 0; k < this.N; k++) if (this.xPacked[k]?.length !== batch * wpr) this.xPacked[k] = new Uint32Array(batch * wpr);
		}

		// f(x)
		let xe = x;
		if (this.inputMode === 'sign') {
			xe = this.xe = reuse(this.xe, batch * n);
			// One pass: the ±1 floats (for dL/dW), their packed rows (for the product) and the clip share.
			const simd = packed ? simdSignRows(x, batch, n, xe) : null;
			if (simd) {
				this.xPacked[0].set(simd.words);
				this.xInside = simd.inside;
			} else this.xInside = signRows(x, batch, n, xe, packed ? this.xPacked[0] : null);
		} else if (this.inputMode === 'multibase') {
			xe = this.xe = reuse(this.xe, batch * n);
			this.xBases = reuse(this.xBases, this.N * batch * n);
			activationBasesForward(x.subarray(0, batch * n), this.v!.value, this.beta!.value, xe, this.xBases);
			if (packed) for (let k = 0; k < this.N; k++) packRows(this.xBases.subarray(k * batch * n, (k + 1) * batch * n), batch, n, this.xPacked[k]);
		} else this.xe = x;

		const y = (this.y = reuse(this.y, batch * out));
		if (this.binaryProducts) {
			if (packed && !p.packed) p.packed = p.bases.map((B) => packRows(B, out, n));
			if (packed && this.M === 1 && this.N === 1 && !p.rowScales) {
				// One pair with c = 1: accumulate would compute y = 1 * prod, the same bits as writing prod.
				binaryGemm(this.xPacked[0], p.packed![0], y, batch, out, n);
			} else {
				const prod = (this.prod = reuse(this.prod, batch * out));
				const xBase = (k: number): Float32Array => (this.inputMode === 'sign' ? xe : this.xBases!.subarray(k * batch * n, (k + 1) * batch * n));
				let first = true;
				for (let i = 0; i < this.M; i++) {
					for (let k = 0; k < this.N; k++) {
						// The XOR-popcount kernel writes its exact integers straight into the float buffer.
						if (packed) binaryGemm(this.xPacked[k], p.packed![i], prod, batch, out, n);
						else matmulABt(xBase(k), p.bases[i], prod, batch, out, n);
						this.accumulate(y, prod, batch, first, i, k, p);
						first = false;
					}
				}
			}
		} else if (this.weightMode === 'scaled') {
			// (x · sign(W)^T) then alpha per output column: the same order as the binary path above.
			const prod = (this.prod = reuse(this.prod, batch * out));
			matmulABt(xe, p.bases[0], prod, batch, out, n);
			this.accumulate(y, prod, batch, true, 0, 0, p);
		} else {
			matmulABt(xe, p.effective, y, batch, out, n);
		}
		if (this.b) {
			const b = this.b.value;
			for (let r = 0; r < batch; r++) for (let j = 0; j < out; j++) y[r * out + j] += b[j];
		}
		return y;
	}

	/** y (+)= c_{i,k} ⊙ prod, the one place where the pair products are scaled and summed. */
	private accumulate(y: Float32Array, prod: Float32Array, batch: number, first: boolean, i: number, k: number, p: PreparedWeights): void {
		const out = this.outSize;
		let c = 1;
		if (this.weightMode === 'multibase') c *= p.baseScales[i];
		if (this.inputMode === 'multibase') c *= this.beta!.value[k];
		const cf = Math.fround(c);
		const rs = p.rowScales;
		for (let r = 0; r < batch; r++) {
			const o = r * out;
			for (let j = 0; j < out; j++) {
				// Scaled weights: c_{i,k} = beta_k alpha_r (issue 12: beta_k was dropped here). With
				// sign inputs cf = 1, and (1 * alpha_r) * prod is alpha_r * prod to the bit.
				const t = rs ? cf * rs[j] * prod[o + j] : cf * prod[o + j];
				y[o + j] = first ? t : y[o + j] + t;
			}
		}
	}

	backward(dy: Float32Array, batch: number, needDx: boolean): Float32Array | null {
		if (!this.x || !this.xe || batch !== this.lastBatch || !this.lastTraining)
			throw new Error(`${this.name}: backward needs a training-mode forward of the same batch first`);
		const n = this.inSize,
			out = this.outSize;
		const p = this.prepareWeights();
		const W = this.W.value,
			gW = this.W.grad;

		if (this.b) {
			const gb = this.b.grad;
			gb.fill(0);
			for (let r = 0; r < batch; r++) for (let j = 0; j < out; j++) gb[j] += dy[r * out + j];
		}

		// dL/dg(W) = dy^T · f(x), [out, in]. Straight into the latent gradient when the estimator
		// passes dy unchanged over [-1, 1] and every latent weight lies there (always, under latent
		// clipping with the clipped or identity estimator): the mask would copy it bit for bit.
		if (this.weightMode === 'float' || (this.weightMode === 'binary' && this.wInside === W.length && stePassesWithinUnit(this.est)))
			matmulAtB(dy, this.xe, gW, out, n, batch);
		else {
			const dwe = (this.dwe = reuse(this.dwe, out * n));
			matmulAtB(dy, this.xe, dwe, out, n, batch);
			this.latentGrad(dwe, p, W, gW);
		}

		if (!needDx && this.inputMode !== 'multibase') return null;
		// dL/df(x) = dy · g(W), [batch, in]
		const dxe = (this.dxe = reuse(this.dxe, batch * n));
		matmulAB(dy, p.effective, dxe, batch, n, out);
		if (this.inputMode === 'float') return dxe;
		const dx = (this.dx = reuse(this.dx, batch * n));
		if (this.inputMode === 'sign') steBackward(this.est, this.x.subarray(0, batch * n), dxe, dx);
		else {
			activationBasesBackward(this.x.subarray(0, batch * n), this.v!.value, this.beta!.value, dxe, dx, this.v!.grad, this.beta!.grad);
		}
		return needDx ? dx : null;
	}

	/** Chain dL/dg(W) back to the latent weights through the chosen straight-through estimator. */
	private latentGrad(dwe: Float32Array, p: PreparedWeights, W: Float32Array, gW: Float32Array): void {
		const est = this.est,
			n = this.inSize,
			out = this.outSize;
		if (this.weightMode === 'binary') steBackward(est, W, dwe, gW);
		else if (this.weightMode === 'scaled') {
			// g = alpha_r sign(W_rc): d/dW_rc = alpha_r ste'(W_rc) + sign(W_rc)/n (through alpha_r = mean |W_r|).
			const a = p.rowScales!,
				s = p.bases[0];
			for (let r = 0; r < out; r++) {
				let dot = 0;
				for (let c = 0; c < n; c++) dot += dwe[r * n + c] * s[r * n + c];
				const viaAlpha = dot / n;
				for (let c = 0; c < n; c++) {
					const i = r * n + c;
					gW[i] = a[r] * est.backward(W[i], dwe[i]) + s[i] * viaAlpha;
				}
			}
		} else {
			// ABC-Net: each base passes the gradient straight through its shifted sign, scaled by alpha_i;
			// mean, std and the least-squares alphas are treated as constants.
			const { baseScales: al, shifts: u, mean, std } = p;
			for (let i = 0; i < W.length; i++) {
				let g = 0;
				for (let k = 0; k < this.M; k++) g += al[k] * est.backward(W[i] - mean + u[k] * std, dwe[i]);
				gW[i] = g;
			}
		}
	}

	write(w: ByteWriter): void {
		const out = this.outSize,
			n = this.inSize;
		if (this.weightMode === 'float') w.f32s(this.W.value);
		else {
			const p = this.prepareWeights();
			for (const B of p.bases) w.u32s(packRows(B, out, n));
			if (this.weightMode === 'scaled') w.f32s(p.rowScales!);
			if (this.weightMode === 'multibase') w.f32s(p.baseScales);
		}
		if (this.v && this.beta) {
			w.f32s(this.v.value);
			w.f32s(this.beta.value);
		}
		if (this.b) w.f32s(this.b.value);
	}

	read(r: ByteReader): void {
		const out = this.outSize,
			n = this.inSize,
			wpr = wordsFor(n);
		if (this.weightMode === 'float') {
			r.f32s(this.W.value, `${this.name} weights`);
			this.invalidate();
		} else {
			const bases: Float32Array[] = [];
			for (let i = 0; i < this.M; i++) {
				const words = r.u32s(new Uint32Array(out * wpr), `${this.name} packed weights`);
				const B = new Float32Array(out * n);
				for (let row = 0; row < out; row++) for (let c = 0; c < n; c++) B[row * n + c] = (words[row * wpr + (c >>> 5)] >>> (c & 31)) & 1 ? 1 : -1;
				bases.push(B);
			}
			let rowScales: Float32Array | null = null;
			let baseScales = new Float64Array(0);
			if (this.weightMode === 'scaled') rowScales = r.f32s(new Float32Array(out), `${this.name} scales`);
			if (this.weightMode === 'multibase') baseScales = Float64Array.from(r.f32s(new Float32Array(this.M), `${this.name} base scales`));
			for (const a of [...(rowScales ?? []), ...baseScales])
				if (!Number.isFinite(a)) throw new FormatError(`invalid model file: ${this.name} has a scale that is not a finite number`);
			this.loadPrepared(bases, baseScales, rowScales);
		}
		if (this.v && this.beta) {
			r.f32s(this.v.value, `${this.name} input shifts`);
			r.f32s(this.beta.value, `${this.name} input scales`);
		}
		if (this.b) r.f32s(this.b.value, `${this.name} bias`);
	}
}

/** Σ_i alpha_i B_i over `len` elements: the effective weights of an M-base layer. */
function sumBases(bases: Float32Array[], alphas: Float64Array, len: number): Float32Array {
	const e = new Float32Array(len);
	for (let j = 0; j < len; j++) {
		let acc = 0;
		for (let i = 0; i < bases.length; i++) acc += alphas[i] * bases[i][j];
		e[j] = acc;
	}
	return e;
}

/**
 * sign(X) for X [rows, cols]: bit c of row r's words (`wordsFor(cols)` per row, tail bits 0)
 * is 1 iff X_rc >= 0, and `pm`, when given, receives ±1 (+1 for x >= 0, also -0; -1 for
 * NaN, as the bit packer). One pass for the ±1 floats, the packed rows and the count.
 *
 * @returns the number of values with |x| <= 1 (the clipped estimator's window)
 */
function signRows(X: Float32Array, rows: number, cols: number, pm: Float32Array | null, words: Uint32Array | null): number {
	const wpr = wordsFor(cols);
	let inside = 0;
	for (let r = 0; r < rows; r++) {
		for (let w = 0; w < wpr; w++) {
			const c0 = w << 5,
				lim = Math.min(32, cols - c0),
				i0 = r * cols + c0;
			let word = 0;
			for (let b = 0; b < lim; b++) {
				const v = X[i0 + b];
				// `+(bool)` compiles to a flag move; a branch here mispredicts on random signs.
				word |= +(v >= 0) << b;
				inside += +(v <= 1) & +(v >= -1);
			}
			if (pm) for (let b = 0; b < lim; b++) pm[i0 + b] = ((word >>> b) & 1) * 2 - 1;
			if (words) words[r * wpr + w] = word;
		}
	}
	return inside;
}

/**
 * Re-derive the packed signs of W [rows, cols] over `words` (as {@link signRows} wrote
 * them) and count what changed; where `pm` (the ±1 floats of the same signs) is given,
 * rewrite only its elements whose sign flipped. The packing comes `given` (the optimiser
 * packed it), else from the WebAssembly kernel, else from JavaScript into `scratch`.
 */
function syncSignRows(
	W: Float32Array,
	rows: number,
	cols: number,
	words: Uint32Array,
	pm: Float32Array | null,
	scratch: Uint32Array,
	given: PackedSigns | null
): { flips: number; inside: number } {
	const wpr = wordsFor(cols);
	const simd = given ?? simdSignRows(W, rows, cols);
	const fresh = simd ? simd.words : scratch;
	const inside = simd ? simd.inside : signRows(W, rows, cols, null, scratch);
	let flips = 0;
	for (let r = 0; r < rows; r++) {
		for (let w = 0; w < wpr; w++) {
			const k = r * wpr + w,
				word = fresh[k];
			let changed = word ^ words[k];
			if (changed === 0) continue;
			words[k] = word;
			const count = popcount32(changed);
			flips += count;
			if (!pm) continue;
			const i0 = r * cols + (w << 5);
			if (count > 6) {
				// Early in training most words change in many places: rewrite the word's floats outright.
				for (let b = 0, lim = Math.min(32, cols - (w << 5)); b < lim; b++) pm[i0 + b] = ((word >>> b) & 1) * 2 - 1;
			} else
				for (; changed !== 0; changed &= changed - 1) {
					const b = 31 - Math.clz32(changed & -changed);
					pm[i0 + b] = ((word >>> b) & 1) * 2 - 1;
				}
		}
	}
	return { flips, inside };
}
