/**
 * The 2-D convolution layer in every weight mode (float, binary, scaled binary, M-base)
 * and input mode (float, sign, N-base), over NHWC feature maps (see ../conv.ts):
 *
 *     y = (f(x) ⊛ g(W)) ⊙ K + b      x: [batch, H, W, C], W: [F, k, k, C], y: [batch, OH, OW, F]
 *
 * computed as im2col(f(x)) · g(W)^T, W seen as the matrix [F, k·k·C]. g(W) and f(x)
 * are the dense layer's (layers/weights.ts, multibase.ts); XNOR-Net's alpha is per
 * filter. f(x) is padded after binarization: 0 for float inputs, -1 for 'sign' and for
 * each base of 'multibase' inputs (so the padded f(x) of an N-base input is -Σ beta_n).
 * K is XNOR-Net's map of input scales when `inputScale` is set (Rastegari et al. 2016,
 * section 3.2: K = A ⊛ k, A = mean over channels of |x|, k a k x k box of 1/k²,
 * zero-padded), else 1.
 *
 * When both sides are binary the output is a sum of integer ±1 convolutions,
 *
 *     y = (Σ_i Σ_n c_{i,n} (A_n ⊛ B_i)) ⊙ K + b,
 *
 * computed pair by pair and combined by one function. Unlike the dense layer, each pair
 * runs on the packed kernel (pixels packed once, im2col in words, XOR-popcount GEMM) in
 * training's forward pass too, because it is faster than the float GEMM (the digits
 * ConvNet's second conv, batch 64: 11 ms against 29 ms of CPU, measured under load) and
 * yields the same integers; `packed: false` asks for the float simulation (im2col of
 * ±1 floats and the float GEMM). The two are identical to the bit (tested).
 *
 * The backward pass is the float one: dL/dg(W) = dz^T · im2col(f(x)) and
 * dL/df(x) = col2im(dz · g(W)) with dz = dy ⊙ K, then the weight side's straight-through
 * gradient, the input side's estimator (or the N-base backward, whose beta_n also
 * collect the padding's share), plus the path through K (d|x|/dx = sign(x)). Where the
 * WebAssembly GEMMs run, a chunk whose dz is mostly zeros (three quarters, under 2 x 2
 * max-pooling) and whose windows hold SPARSE_MIN_K values or more runs both products over
 * its nonzeros only (../wasm/sparse-simd.ts), with the GEMMs' bits.
 *
 * Work is done in chunks of whole examples, about CHUNK_ROWS output positions each, so
 * the buffers stay small and in cache whatever the batch. A layer whose whole batch of
 * windows fits in KEEP_COLS_BYTES makes them once, runs its forward product as one GEMM
 * (the same bits: each output row's sum does not depend on the rows around it) and keeps
 * them for the backward pass.
 */
import { wordsFor } from '../bits';
import type { ByteReader, ByteWriter } from '../bytes';
import { binaryConvGemm, col2im, convGeometry, im2col, im2colPacked, packFilters, packedRowWords, packPixels, type ConvGeometry } from '../conv';
import type { Conv2dConfig, InputMode, WeightMode } from '../config';
import { gemmBackend, matmulAB, matmulABt, matmulAtB } from '../gemm';
import { activationBasesBackward, activationBasesForward, defaultActivationScales, defaultActivationShifts } from '../multibase';
import { betaPerRow, sign } from '../quantize';
import type { Rng } from '../rng';
import { steBackward, type Estimator } from '../ste';
import { simdSparseConvBackward } from '../wasm/sparse-simd';
import { simdTrainAvailable } from '../wasm/train-simd';
import { simdConvPoolDw, simdConvPoolForward } from '../wasm/conv-pool-simd';
import { unpool, type MaxPool2D } from './pool';
import { signInputs } from './sign-inputs';
import { reuse, type ForwardOptions, type Layer, type Param } from './types';
import { accumulatePair, latentGrad, prepareWeights, readWeights, writeWeights, type PreparedWeights } from './weights';

/**
 * Output positions per chunk, about: the GEMMs of a chunk then work on operands that stay
 * in L2 (a whole batch's im2col matrix streams from memory once per panel of 8 filters;
 * measured 2-4x slower for the digits ConvNet's second conv, 12,544 x 64 x 288).
 */
export const CHUNK_ROWS = 1024;

/**
 * Largest im2col matrix of a batch kept from the forward pass for the backward one: conv1's
 * on the digits (64 x 784 x 9 floats, 1.8 MB) is, conv2's (64 x 196 x 288, 14 MB) is not.
 */
const KEEP_COLS_BYTES = 4 << 20;

/** The smallest window (k·k·C values) whose backward products run on the sparse kernels. */
const SPARSE_MIN_K = 32;

export class Conv2D implements Layer {
	readonly type = 'conv2d';
	readonly params: Param[];
	readonly geometry: ConvGeometry;
	readonly filters: number;
	readonly weightMode: WeightMode;
	readonly inputMode: InputMode;
	readonly M: number;
	readonly N: number;
	/** XNOR-Net's K map of input scales ('sign' inputs only). */
	readonly inputScale: boolean;
	/** Latent weights [F, k, k, C]. */
	readonly W: Param;
	readonly b: Param | null;
	readonly v: Param | null;
	readonly beta: Param | null;
	readonly inSize: number;
	readonly outSize: number;
	/** Examples per chunk. */
	private readonly chunk: number;

	private prepared: PreparedWeights | null = null;
	private x: Float32Array | null = null;
	private xe: Float32Array | null = null;
	private xBases: Float32Array | null = null;
	private kmap: Float32Array | null = null;
	private z: Float32Array | null = null;
	private y: Float32Array | null = null;
	private cols: Float32Array | null = null;
	/** The last forward's im2col(f(x)) for the whole batch, when small (see KEEP_COLS_BYTES); else null. */
	private keptCols: Float32Array | null = null;
	private prod: Float32Array | null = null;
	private pixelWords: Uint32Array[] = [];
	private colWords: Uint32Array | null = null;
	private dz: Float32Array | null = null;
	private dcols: Float32Array | null = null;
	private dwe: Float32Array | null = null;
	private dweChunk: Float32Array | null = null;
	private dxe: Float32Array | null = null;
	private dx: Float32Array | null = null;
	private lastBatch = 0;
	/** How many of the last forward's inputs had |x| <= 1 ('sign' inputs), counted as they were binarized. */
	private xInside = 0;

	/**
	 * @param inShape [H, W, C] of the input maps
	 * Initialisation follows PyTorch's nn.Conv2d: U(-1/sqrt(k·k·C), 1/sqrt(k·k·C)) for weights and bias.
	 */
	constructor(
		readonly name: string,
		inShape: readonly [number, number, number],
		cfg: Conv2dConfig,
		private readonly est: Estimator,
		rng: Rng
	) {
		const [h, w, c] = inShape;
		const g = (this.geometry = convGeometry(h, w, c, cfg.kernel, cfg.stride ?? 1, cfg.padding ?? 0));
		this.filters = cfg.filters;
		this.weightMode = cfg.weights ?? 'float';
		this.inputMode = cfg.input ?? 'float';
		this.M = this.weightMode === 'multibase' ? (cfg.bases ?? 3) : 1;
		this.N = this.inputMode === 'multibase' ? (cfg.inputBases ?? 3) : 1;
		this.inputScale = !!cfg.inputScale;
		if (this.inputScale && this.inputMode !== 'sign') throw new RangeError(`${name}: inputScale (the K map) needs 'sign' inputs`);
		this.inSize = h * w * c;
		this.outSize = g.oh * g.ow * this.filters;
		this.chunk = Math.max(1, Math.floor(CHUNK_ROWS / (g.oh * g.ow)));
		const bound = 1 / Math.sqrt(g.k);
		const wv = new Float32Array(this.filters * g.k);
		for (let i = 0; i < wv.length; i++) wv[i] = rng.uniform(-bound, bound);
		this.W = { name: `${name}.W`, value: wv, grad: new Float32Array(wv.length), role: this.weightMode === 'float' ? 'float' : 'latent' };
		this.params = [this.W];
		this.b = this.v = this.beta = null;
		if (cfg.bias ?? true) {
			const b = new Float32Array(this.filters);
			for (let i = 0; i < b.length; i++) b[i] = rng.uniform(-bound, bound);
			this.b = { name: `${name}.b`, value: b, grad: new Float32Array(b.length), role: 'float' };
			this.params.push(this.b);
		}
		if (this.inputMode === 'multibase') {
			this.v = { name: `${name}.v`, value: Float32Array.from(defaultActivationShifts(this.N)), grad: new Float32Array(this.N), role: 'float' };
			this.beta = { name: `${name}.beta`, value: Float32Array.from(defaultActivationScales(this.N)), grad: new Float32Array(this.N), role: 'float' };
			this.params.push(this.v, this.beta);
		}
	}

	/** True when both weights and inputs are binary, so the layer's products are ±1 convolutions. */
	get binaryProducts(): boolean {
		return this.weightMode !== 'float' && this.inputMode !== 'float';
	}

	invalidate(): void {
		this.prepared = null;
	}

	/** g(W) and its bases, [F, k·k·C]; recomputed only after the latent weights change. */
	prepareWeights(): PreparedWeights {
		if (!this.prepared) this.prepared = prepareWeights(this.W.value, this.filters, this.geometry.k, this.weightMode, this.M);
		return this.prepared;
	}

	/** Share (0..1) of the last forward's inputs with |x| <= 1 ('sign' inputs; else null). See Dense.inputClipShare. */
	inputClipShare(): number | null {
		if (this.inputMode !== 'sign' || !this.x || this.lastBatch === 0) return null;
		return this.xInside / (this.lastBatch * this.inSize);
	}

	/** The padding value of f(x): 0 for float inputs, -1 for sign, -Σ beta_n for N bases (each base padded with -1). */
	private padValue(): number {
		if (this.inputMode === 'float') return 0;
		if (this.inputMode === 'sign') return -1;
		let s = 0;
		for (const b of this.beta!.value) s -= b;
		return Math.fround(s);
	}

	/**
	 * x: [batch, H, W, C] -> y: [batch, OH, OW, F]. Binary × binary pairs run on the packed
	 * kernel unless `opts.packed` is false (the float simulation, bit-identical).
	 */
	forward(x: Float32Array, batch: number, opts: ForwardOptions): Float32Array {
		const g = this.geometry,
			F = this.filters,
			n = batch * this.inSize,
			P = g.oh * g.ow;
		const packed = opts.packed ?? true;
		const p = this.prepareWeights();
		this.x = x;
		this.lastBatch = batch;

		const usePacked = packed && this.binaryProducts;
		const wc = wordsFor(g.c),
			pixels = batch * g.h * g.w;
		if (usePacked)
			for (let k = 0; k < this.N; k++)
				if (!this.pixelWords[k] || this.pixelWords[k].length < pixels * wc) this.pixelWords[k] = new Uint32Array(pixels * wc);
		let xe = x;
		if (this.inputMode === 'sign') {
			xe = this.xe = reuse(this.xe, n);
			// One pass: the ±1 floats (for dL/dW), the pixels' packed words (for the product) and the clip share.
			this.xInside = signInputs(x, pixels, g.c, xe, usePacked ? this.pixelWords[0] : null);
		} else if (this.inputMode === 'multibase') {
			xe = this.xe = reuse(this.xe, n);
			this.xBases = reuse(this.xBases, this.N * n);
			activationBasesForward(x.subarray(0, n), this.v!.value, this.beta!.value, xe, this.xBases);
		} else this.xe = x;
		const xBase = (k: number): Float32Array => (this.inputMode === 'sign' ? xe : this.xBases!.subarray(k * n, (k + 1) * n));
		const pad = this.padValue();
		const kmap = this.inputScale ? this.inputScales(x, batch) : null;

		const y = (this.y = reuse(this.y, batch * P * F));
		const z = kmap ? (this.z = reuse(this.z, batch * P * F)) : null;
		if (usePacked) {
			// Each weight base packed for the kernel (runs of wordsFor(C) words per filter tap), once per prepare.
			p.packed ??= p.bases.map((B) => packFilters(B, F, g));
			// Sign inputs were packed with their signs above; each input base is packed here.
			if (this.inputMode === 'multibase') for (let k = 0; k < this.N; k++) packPixels(xBase(k), pixels, g.c, this.pixelWords[k]);
		}
		// Small windows matrices (conv1's: 9 floats per position) are made once for the whole
		// batch and kept for the backward pass, which would otherwise make them again.
		const kept = (this.keptCols = this.binaryProducts ? null : this.keptColsFor(batch));
		if (kept) im2col(xe, g, 0, batch, pad, kept);
		for (let b0 = 0; b0 < batch; b0 += this.chunk) {
			const nb = Math.min(this.chunk, batch - b0),
				rows = nb * P;
			const yc = y.subarray(b0 * P * F, (b0 + nb) * P * F);
			if (this.binaryProducts) {
				// Binary weights and sign inputs: one pair with c = 1, and 1 · prod = prod, so the
				// integers go straight to y, skipping a pass over the output (same bits).
				const direct = this.weightMode === 'binary' && this.inputMode === 'sign';
				const prod = direct ? yc : (this.prod = reuse(this.prod, this.chunk * P * F));
				let first = true;
				for (let k = 0; k < this.N; k++) {
					let cols: Float32Array | null = null;
					if (usePacked) {
						const need = this.chunk * P * packedRowWords(g);
						if (!this.colWords || this.colWords.length < need) this.colWords = new Uint32Array(need);
						im2colPacked(this.pixelWords[k], g, b0, nb, this.colWords);
					} else {
						cols = this.colsFor(xBase(k), b0, nb, -1);
					}
					for (let i = 0; i < this.M; i++) {
						if (cols) matmulABt(cols, p.bases[i], prod, rows, F, g.k);
						else binaryConvGemm(this.colWords!, p.packed![i], prod, rows, F, g);
						if (!direct) accumulatePair(yc, prod, rows, F, first, p, i, this.beta?.value ?? null, k);
						first = false;
					}
				}
			} else if (this.weightMode === 'scaled') {
				// (f(x) ⊛ sign(W)) then alpha per filter: the same order as the binary path above.
				const prod = (this.prod = reuse(this.prod, this.chunk * P * F));
				matmulABt(this.forwardCols(b0, nb), p.bases[0], prod, rows, F, g.k);
				accumulatePair(yc, prod, rows, F, true, p, 0, this.beta?.value ?? null, 0);
			} else if (kept) {
				// The whole batch's windows are at hand: one product (each output row's sum is the
				// same whatever the rows around it, so the bits are the chunked products').
				matmulABt(kept, p.effective, y, batch * P, F, g.k);
				break;
			} else {
				matmulABt(this.colsFor(xe, b0, nb, pad), p.effective, yc, rows, F, g.k);
			}
		}
		if (kmap && z) {
			z.set(y);
			for (let r = 0, rows = batch * P; r < rows; r++) {
				const s = kmap[r];
				for (let f = 0, o = r * F; f < F; f++) y[o + f] *= s;
			}
		}
		if (this.b) {
			const bv = this.b.value;
			for (let r = 0, rows = batch * P; r < rows; r++) for (let f = 0, o = r * F; f < F; f++) y[o + f] += bv[f];
		}
		return y;
	}

	/**
	 * Whether {@link forwardPooled} can run this layer and `pool`, the max-pooling layer right
	 * after it, as one: float weights and inputs, no bias, filters in fours, and the kernels
	 * running here.
	 */
	fusesPool(pool: MaxPool2D): boolean {
		return this.pairsWith(pool) && this.weightMode === 'float' && this.inputMode === 'float' && (this.filters & 3) === 0;
	}

	/** What both fused passes need: `pool` pools this layer's output, no bias, and the WebAssembly kernels running here. */
	private pairsWith(pool: MaxPool2D): boolean {
		const q = pool.geometry,
			g = this.geometry;
		return !this.b && q.h === g.oh && q.w === g.ow && q.c === this.filters && gemmBackend() === 'wasm-simd' && simdTrainAvailable();
	}

	/**
	 * This layer's forward pass and `pool`'s as one (../wasm/conv-pool-simd.ts): the values
	 * and the state of both layers that `pool.forward(this.forward(x))` leaves, without the
	 * conv's whole output ever being written. Returns the pooled maps, or null when the
	 * kernels cannot run (the caller then runs the two layers one by one, which sets both
	 * layers' state afresh); check {@link fusesPool} first.
	 */
	forwardPooled(pool: MaxPool2D, x: Float32Array, batch: number): Float32Array | null {
		const g = this.geometry;
		const kept = this.keptColsFor(batch);
		const { y, arg } = pool.outputs(batch);
		if (!simdConvPoolForward(x, g, batch, 0, this.prepareWeights().effective, this.filters, pool.geometry, y, arg, kept)) return null;
		this.keptCols = kept;
		this.x = this.xe = x;
		this.lastBatch = batch;
		return y;
	}

	/** A buffer for the whole batch's windows when they fit in KEEP_COLS_BYTES (to keep them), else null. */
	private keptColsFor(batch: number): Float32Array | null {
		const size = batch * this.geometry.oh * this.geometry.ow * this.geometry.k;
		return size * 4 <= KEEP_COLS_BYTES ? reuse(this.keptCols, size) : null;
	}

	/** The windows of examples b0 .. b0+nb-1 of the last forward's f(x): the kept ones, or made now. */
	private forwardCols(b0: number, nb: number): Float32Array {
		const K = this.geometry.oh * this.geometry.ow * this.geometry.k;
		return this.keptCols ? this.keptCols.subarray(b0 * K, (b0 + nb) * K) : this.colsFor(this.xe!, b0, nb, this.padValue());
	}

	/** im2col of examples b0.. b0+nb-1 into the layer's chunk buffer. */
	private colsFor(src: Float32Array, b0: number, nb: number, pad: number): Float32Array {
		const g = this.geometry;
		const cols = (this.cols = reuse(this.cols, this.chunk * g.oh * g.ow * g.k));
		im2col(src, g, b0, nb, pad, cols);
		return cols;
	}

	/**
	 * XNOR-Net's K for every output position: A = mean_c |x| per pixel, then the mean of A
	 * over each k x k window (padded pixels count 0). [batch·OH·OW], float64 sums rounded once.
	 */
	private inputScales(x: Float32Array, batch: number): Float32Array {
		const g = this.geometry,
			pixels = batch * g.h * g.w;
		// A = mean_c |x| per pixel: XNOR-Net's input scale, betaPerRow over the [pixels, C] matrix.
		const A = betaPerRow(x.subarray(0, pixels * g.c), pixels, g.c);
		const g1 = this.scaleGeometry(),
			kk = g.kernel * g.kernel,
			rows = batch * g.oh * g.ow;
		const cols = new Float32Array(rows * kk);
		im2col(A, g1, 0, batch, 0, cols);
		const K = (this.kmap = reuse(this.kmap, rows));
		for (let r = 0; r < rows; r++) {
			let s = 0;
			for (let j = 0; j < kk; j++) s += cols[r * kk + j];
			K[r] = s / kk;
		}
		return K;
	}

	/** The layer's window over a one-channel map (for K). */
	private scaleGeometry(): ConvGeometry {
		const g = this.geometry;
		return convGeometry(g.h, g.w, 1, g.kernel, g.stride, g.pad);
	}

	/**
	 * Whether {@link backwardPooled} can take `pool`'s gradient (the max-pooling layer right
	 * after this one): no bias and no K map (whose gradients read every position's dz), the
	 * kernels running here, and either no dx wanted with the windows kept from the forward
	 * pass (a first layer), or windows the sparse kernels take (SPARSE_MIN_K values or more).
	 */
	takesPooled(pool: MaxPool2D, needDx: boolean): boolean {
		const firstLayer = !needDx && this.inputMode !== 'multibase' && this.keptCols !== null;
		return this.pairsWith(pool) && !this.inputScale && (firstLayer || this.geometry.k >= SPARSE_MIN_K);
	}

	/**
	 * This layer's backward pass and `pool`'s as one, from the pooled outputs' gradient dy:
	 * the same bits as `backward(pool.backward(dy), batch, needDx)`, with dz made a chunk at a
	 * time where the kernels read it (a first layer's GEMM, ../wasm/conv-pool-simd.ts; the
	 * sparse kernels, ../wasm/sparse-simd.ts) instead of whole. Check {@link takesPooled} first.
	 */
	backwardPooled(pool: MaxPool2D, dy: Float32Array, batch: number, needDx: boolean): Float32Array | null {
		if (!this.x || !this.xe || batch !== this.lastBatch) throw new Error(`${this.name}: backward needs a forward of the same batch first`);
		// A bias or a K map needs every position's dz, which this path never makes (takesPooled refuses them).
		if (this.b || this.inputScale) throw new Error(`${this.name}: a bias or a K map needs the pooling layer's own backward pass`);
		const g = this.geometry,
			F = this.filters;
		if (!needDx && this.keptCols && g.k < SPARSE_MIN_K && this.inputMode !== 'multibase') {
			const dwe = (this.dwe = reuse(this.dwe, F * g.k));
			if (!simdConvPoolDw(this.keptCols, g, batch, this.chunk, F, pool.geometry, pool.winners(batch), dy, dwe))
				return this.backward(pool.backward(dy, batch, true)!, batch, needDx);
			latentGrad(this.weightMode, this.est, this.prepareWeights(), this.W.value, dwe, this.W.grad, F, g.k);
			return null;
		}
		return this.backwardFrom(null, { dy, arg: pool.winners(batch), perExample: pool.outSize }, batch, needDx);
	}

	backward(dy: Float32Array, batch: number, needDx: boolean): Float32Array | null {
		return this.backwardFrom(dy, null, batch, needDx);
	}

	/** The backward pass from dy [batch, OH, OW, F], or from a max-pooling layer's outputs' gradient and winners. */
	private backwardFrom(
		dy: Float32Array | null,
		pooled: { dy: Float32Array; arg: Int32Array; perExample: number } | null,
		batch: number,
		needDx: boolean
	): Float32Array | null {
		// After an inference forward too (an attack's dL/dx): the forward keeps x, f(x) and K either way.
		if (!this.x || !this.xe || batch !== this.lastBatch) throw new Error(`${this.name}: backward needs a forward of the same batch first`);
		const g = this.geometry,
			F = this.filters,
			P = g.oh * g.ow,
			n = batch * this.inSize,
			rowsAll = batch * P;
		const p = this.prepareWeights();
		const pad = this.padValue();

		if (this.b && dy) {
			const gb = this.b.grad;
			gb.fill(0);
			for (let r = 0; r < rowsAll; r++) for (let f = 0; f < F; f++) gb[f] += dy[r * F + f];
		}
		// dz = dy ⊙ K, and dL/dK per position (Σ_f dy z).
		let dz = dy;
		let dK: Float64Array | null = null;
		if (this.kmap && this.z && dy) {
			const K = this.kmap,
				z = this.z;
			dz = this.dz = reuse(this.dz, rowsAll * F);
			dK = new Float64Array(rowsAll);
			for (let r = 0; r < rowsAll; r++) {
				let s = 0;
				for (let f = 0, o = r * F; f < F; f++) {
					dz[o + f] = dy[o + f] * K[r];
					s += dy[o + f] * z[o + f];
				}
				dK[r] = s;
			}
		}

		const wantDx = needDx || this.inputMode === 'multibase';
		const dwe = (this.dwe = reuse(this.dwe, F * g.k));
		const dxe = wantDx ? (this.dxe = reuse(this.dxe, n)) : null;
		if (dxe) dxe.fill(0);
		let padSum = 0;
		// The sparse kernels give the WebAssembly GEMMs' bits, so they stand in only for those;
		// and only for windows of SPARSE_MIN_K values or more, below which the lists cost more
		// than the zeros they skip (conv1's 9 taps: measured 1.4x slower than the GEMMs).
		const sparse = gemmBackend() === 'wasm-simd' && g.k >= SPARSE_MIN_K;
		const per = this.inSize;
		for (let b0 = 0; b0 < batch; b0 += this.chunk) {
			const nb = Math.min(this.chunk, batch - b0),
				rows = nb * P;
			// The chunk's dz, or its pooled outputs' gradients and winners (dz made in the kernels' memory).
			const chunkGrad = pooled
				? {
						dy: pooled.dy.subarray(b0 * pooled.perExample, (b0 + nb) * pooled.perExample),
						arg: pooled.arg.subarray(b0 * pooled.perExample, (b0 + nb) * pooled.perExample),
						base: b0 * P * F
					}
				: dz!.subarray(b0 * P * F, (b0 + nb) * P * F);
			const dw = b0 === 0 ? dwe : (this.dweChunk = reuse(this.dweChunk, F * g.k));
			// After max-pooling most of dz is zero: products over its nonzeros only, where they run.
			const sparsePad = sparse
				? simdSparseConvBackward(this.xe, g, b0, nb, pad, chunkGrad, F, dxe && p.effective, dw, dxe && dxe.subarray(b0 * per, (b0 + nb) * per))
				: null;
			if (sparsePad !== null) padSum += sparsePad;
			else {
				const dzc =
					chunkGrad instanceof Float32Array ? chunkGrad : unpool(chunkGrad.dy, chunkGrad.arg, chunkGrad.base, (this.dz = reuse(this.dz, rows * F)));
				matmulAtB(dzc, this.forwardCols(b0, nb), dw, F, g.k, rows);
				if (dxe) {
					const dcols = (this.dcols = reuse(this.dcols, this.chunk * P * g.k));
					matmulAB(dzc, p.effective, dcols, rows, g.k, F);
					padSum += col2im(dcols, g, b0, nb, dxe);
				}
			}
			if (dw !== dwe) for (let i = 0; i < dw.length; i++) dwe[i] += dw[i];
		}
		latentGrad(this.weightMode, this.est, p, this.W.value, dwe, this.W.grad, F, g.k);
		if (!dxe) return null;
		if (this.inputMode === 'float') return dxe;
		const x = this.x;
		const dx = (this.dx = reuse(this.dx, n));
		if (this.inputMode === 'sign') {
			steBackward(this.est, x.subarray(0, n), dxe, dx);
			if (dK) this.inputScalesBackward(x, batch, dK, dx);
		} else {
			activationBasesBackward(x.subarray(0, n), this.v!.value, this.beta!.value, dxe, dx, this.v!.grad, this.beta!.grad);
			// Each base's padding is -1: the padded f(x) = -Σ beta_n, so dL/dbeta_n gains -Σ(pad gradients).
			for (let k = 0; k < this.N; k++) this.beta!.grad[k] -= padSum;
		}
		return needDx ? dx : null;
	}

	/** dx += dL/dx through K: dA = col2im(dK / k²), dx[q, c] += dA[q] / C · sign(x[q, c]). */
	private inputScalesBackward(x: Float32Array, batch: number, dK: Float64Array, dx: Float32Array): void {
		const g = this.geometry,
			kk = g.kernel * g.kernel,
			rows = batch * g.oh * g.ow,
			pixels = batch * g.h * g.w;
		const dcols = new Float32Array(rows * kk);
		for (let r = 0; r < rows; r++) dcols.fill(dK[r] / kk, r * kk, (r + 1) * kk);
		const dA = new Float32Array(pixels);
		col2im(dcols, this.scaleGeometry(), 0, batch, dA);
		for (let q = 0; q < pixels; q++) {
			const d = dA[q] / g.c;
			for (let c = 0; c < g.c; c++) {
				const i = q * g.c + c;
				dx[i] += sign(x[i]) * d;
			}
		}
	}

	write(w: ByteWriter): void {
		writeWeights(w, this.weightMode, this.W.value, this.prepareWeights(), this.filters, this.geometry.k);
		if (this.v && this.beta) {
			w.f32s(this.v.value);
			w.f32s(this.beta.value);
		}
		if (this.b) w.f32s(this.b.value);
	}

	read(r: ByteReader): void {
		this.invalidate();
		this.prepared = readWeights(r, this.name, this.weightMode, this.M, this.W.value, this.filters, this.geometry.k);
		if (this.v && this.beta) {
			r.f32s(this.v.value, `${this.name} input shifts`);
			r.f32s(this.beta.value, `${this.name} input scales`);
		}
		if (this.b) r.f32s(this.b.value, `${this.name} bias`);
	}
}
