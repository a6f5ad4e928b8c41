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
 * The weight side (g(W), its straight-through gradient, its packed storage) is
 * layers/weights.ts's, shared with the conv layer; sign inputs go back through steBackward.
 *
 * Binary weights stay packed between steps: after an optimiser step {@link Dense.syncLatent}
 * re-derives sign(W) word by word and rewrites only the ±1 floats whose sign flipped, so a
 * step costs one pass over W instead of rebuilding every derived array.
 */
import { packRows, wordsFor } from '../bits';
import type { ByteReader, ByteWriter } from '../bytes';
import type { DenseConfig, InputMode, WeightMode } from '../config';
import { binaryGemm } from '../kernels/binary-gemm';
import { matmulAB, matmulABt, matmulAtB } from '../gemm';
import { activationBasesBackward, activationBasesForward, defaultActivationScales, defaultActivationShifts } from '../multibase';
import type { Rng } from '../rng';
import { stePassesWithinUnit, steBackward, type Estimator } from '../ste';
import type { PackedSigns } from '../wasm/train-simd';
import { signInputs } from './sign-inputs';
import { reuse, type ForwardOptions, type Layer, type Param } from './types';
import { accumulatePair, latentGrad, prepareWeights, readWeights, syncSignRows, writeWeights, type PreparedWeights } from './weights';

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

	/** The words of sign(W) packed by rows, allocated on first use; null for float weights. */
	private signWords(): Uint32Array | null {
		return this.weightMode === 'float' ? null : (this.signs ??= new Uint32Array(this.outSize * wordsFor(this.inSize)));
	}

	/** g(W) and the bases it is built from (layers/weights.ts); recomputed only after the latent weights change. */
	prepareWeights(): PreparedWeights {
		if (this.prepared) return this.prepared;
		const p = prepareWeights(this.W.value, this.outSize, this.inSize, this.weightMode, this.M, this.signWords());
		this.wInside = p.inside;
		this.prepared = p;
		return p;
	}

	forward(x: Float32Array, batch: number, opts: ForwardOptions): Float32Array {
		const n = this.inSize,
			out = this.outSize;
		const packed = this.binaryProducts && (opts.packed ?? true);
		const p = this.prepareWeights();
		this.x = x;
		this.lastBatch = batch;
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
			this.xInside = signInputs(x, batch, n, xe, packed ? this.xPacked[0] : null);
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
				// One pair with c = 1: accumulatePair would compute y = 1 * prod, the same bits as writing prod.
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
						accumulatePair(y, prod, batch, out, first, p, i, this.beta?.value ?? null, k);
						first = false;
					}
				}
			}
		} else if (this.weightMode === 'scaled') {
			// (x · sign(W)^T) then alpha per output column: the same order as the binary path above.
			const prod = (this.prod = reuse(this.prod, batch * out));
			matmulABt(xe, p.bases[0], prod, batch, out, n);
			accumulatePair(y, prod, batch, out, true, p, 0, this.beta?.value ?? null, 0);
		} else {
			matmulABt(xe, p.effective, y, batch, out, n);
		}
		if (this.b) {
			const b = this.b.value;
			for (let r = 0; r < batch; r++) for (let j = 0; j < out; j++) y[r * out + j] += b[j];
		}
		return y;
	}

	backward(dy: Float32Array, batch: number, needDx: boolean): Float32Array | null {
		// After an inference forward too: an attack's dL/dx goes back through the layer as it infers.
		if (!this.x || !this.xe || batch !== this.lastBatch) throw new Error(`${this.name}: backward needs a forward of the same batch first`);
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
			latentGrad(this.weightMode, this.est, p, W, dwe, gW, out, n);
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

	write(w: ByteWriter): void {
		writeWeights(w, this.weightMode, this.W.value, this.prepareWeights(), this.outSize, this.inSize);
		if (this.v && this.beta) {
			w.f32s(this.v.value);
			w.f32s(this.beta.value);
		}
		if (this.b) w.f32s(this.b.value);
	}

	read(r: ByteReader): void {
		const p = readWeights(r, this.name, this.weightMode, this.M, this.W.value, this.outSize, this.inSize, this.signWords());
		this.wInside = p.inside;
		this.prepared = p;
		if (this.v && this.beta) {
			r.f32s(this.v.value, `${this.name} input shifts`);
			r.f32s(this.beta.value, `${this.name} input scales`);
		}
		if (this.b) r.f32s(this.b.value, `${this.name} bias`);
	}
}
