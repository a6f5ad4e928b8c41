/**
 * 2-D convolution kernels: im2col in floats and in packed words, the packed binary
 * convolution, and a direct reference.
 *
 * Layout: NHWC. A batch of feature maps is one row-major Float32Array
 * [batch, height, width, channels], channels fastest: value (b, y, x, c) sits at
 * ((b·H + y)·W + x)·C + c. Filters are [F, kh, kw, C] (one filter per row of a
 * [F, kh·kw·C] matrix; PyTorch's OIHW order differs only by a permutation). NHWC
 * keeps each pixel's channels together, so
 * - the im2col row of an output position is kh·kw contiguous runs of C values,
 * - a convolution's output [batch·OH·OW, F] is already NHWC (no transpose),
 * - batch norm per channel is batch norm over the rows of a [batch·H·W, C] matrix,
 * - and each pixel's C signs pack into wordsFor(C) words once, to be reused by every
 *   window that covers the pixel.
 *
 * Convolution (cross-correlation, as in every deep-learning library), stride s and
 * p pixels of padding on each side:
 *
 *     y[b, oy, ox, f] = Σ_{ky, kx, c} xp[b, oy·s + ky - p, ox·s + kx - p, c] · W[f, ky, kx, c]
 *     OH = floor((H + 2p - kh) / s) + 1
 *
 * where xp is x outside the image replaced by the padding value: 0 for float inputs,
 * -1 for binary inputs. Padding with -1 (bit 0) keeps a binary input binary, so the
 * packed kernel needs no mask: a padded pixel is a run of zero words.
 *
 * Packed binary convolution (XNOR-Net, Rastegari et al. 2016, section 3.2, computed
 * as in Larq Compute Engine: im2col then a binary GEMM): each pixel's C signs are packed
 * once into wordsFor(C) words; a window's im2col row is its kernel² pixel runs laid end
 * to end, K = kernel²·C bits in wordsFor(K) words, exactly the row `packRows` makes of the
 * float im2col row (word copies when C is a multiple of 32, shifts otherwise); filters
 * are packed as those rows. The XOR-popcount GEMM then gives K - 2·popcount(row XOR
 * filter), the exact ±1 dot product: the packed and the float convolution of the same
 * ±1 data agree to the bit.
 */
import { packRows, wordsFor } from './bits';
import { simdCol2im, simdIm2col, simdSignRows } from './wasm/train-simd';
import { binaryGemm } from './kernels/binary-gemm';
import { matmulABt } from './gemm';

/** Sizes of one convolution (or pooling window) over NHWC maps. */
export interface ConvGeometry {
	/** Input height, width, channels. */
	h: number;
	w: number;
	c: number;
	/** Square window side, stride and padding on each side. */
	kernel: number;
	stride: number;
	pad: number;
	/** Output height and width. */
	oh: number;
	ow: number;
	/** kernel² · c: the length of a receptive field, one row of the im2col matrix. */
	k: number;
}

/**
 * The geometry of a kernel x kernel window at `stride` with `pad` pixels of padding over
 * an h x w x c map: OH = floor((h + 2 pad - kernel) / stride) + 1, likewise OW.
 * @throws RangeError if a size is not a positive integer or the window does not fit.
 */
export function convGeometry(h: number, w: number, c: number, kernel: number, stride = 1, pad = 0): ConvGeometry {
	for (const [v, name] of [
		[h, 'h'],
		[w, 'w'],
		[c, 'c'],
		[kernel, 'kernel'],
		[stride, 'stride']
	] as const)
		if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
	if (!Number.isInteger(pad) || pad < 0) throw new RangeError(`pad must be a non-negative integer, got ${pad}`);
	if (h + 2 * pad < kernel || w + 2 * pad < kernel) throw new RangeError(`a ${kernel}x${kernel} window does not fit a ${h}x${w} map padded by ${pad}`);
	return {
		h,
		w,
		c,
		kernel,
		stride,
		pad,
		oh: Math.floor((h + 2 * pad - kernel) / stride) + 1,
		ow: Math.floor((w + 2 * pad - kernel) / stride) + 1,
		k: kernel * kernel * c
	};
}

/**
 * im2col: the receptive fields of examples b0 .. b0+nb-1 of x [batch, H, W, C] as rows
 * of cols [nb·OH·OW, K], row (b - b0)·OH·OW + oy·OW + ox, column (ky·kw + kx)·C + c,
 * out-of-image values set to `padValue`. A convolution is then cols · W^T with W [F, K].
 */
export function im2col(x: Float32Array, g: ConvGeometry, b0: number, nb: number, padValue: number, cols: Float32Array): void {
	// Four channels per vector in WebAssembly where it runs (the same values).
	if (!simdIm2col(x, g, b0, nb, padValue, cols)) im2colJs(x, g, b0, nb, padValue, cols);
}

/** {@link im2col} in plain JavaScript, one value at a time (what the benchmark's all-JavaScript pair times). */
export function im2colJs(x: Float32Array, g: ConvGeometry, b0: number, nb: number, padValue: number, cols: Float32Array): void {
	const { h, w, c, kernel, stride, pad, oh, ow, k } = g;
	let r = 0;
	for (let b = b0; b < b0 + nb; b++) {
		const xb = b * h * w * c;
		for (let oy = 0; oy < oh; oy++) {
			for (let ox = 0; ox < ow; ox++, r++) {
				let o = r * k;
				for (let ky = 0; ky < kernel; ky++) {
					const iy = oy * stride + ky - pad;
					for (let kx = 0; kx < kernel; kx++, o += c) {
						const ix = ox * stride + kx - pad;
						if (iy < 0 || iy >= h || ix < 0 || ix >= w) cols.fill(padValue, o, o + c);
						else {
							// A plain loop: a subarray per pixel would allocate 9 objects per output position.
							const s = xb + (iy * w + ix) * c;
							for (let j = 0; j < c; j++) cols[o + j] = x[s + j];
						}
					}
				}
			}
		}
	}
}

/**
 * col2im, the adjoint of {@link im2col}: adds each entry of dcols [nb·OH·OW, K] to the
 * input value it was copied from, in dx [batch, H, W, C] (examples b0 .. b0+nb-1; the
 * caller zeroes dx first). Entries that came from padding have no input; their sum is
 * returned (the gradient of a learnable padding value).
 */
export function col2im(dcols: Float32Array, g: ConvGeometry, b0: number, nb: number, dx: Float32Array): number {
	// Four channels per vector in WebAssembly where it runs (the same sums, in the same order).
	const simd = simdCol2im(dcols, g, b0, nb, dx);
	if (simd !== null) return simd;
	const { h, w, c, kernel, stride, pad, oh, ow, k } = g;
	let r = 0,
		padSum = 0;
	for (let b = b0; b < b0 + nb; b++) {
		const xb = b * h * w * c;
		for (let oy = 0; oy < oh; oy++) {
			for (let ox = 0; ox < ow; ox++, r++) {
				let o = r * k;
				for (let ky = 0; ky < kernel; ky++) {
					const iy = oy * stride + ky - pad;
					for (let kx = 0; kx < kernel; kx++, o += c) {
						const ix = ox * stride + kx - pad;
						if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
							for (let j = 0; j < c; j++) padSum += dcols[o + j];
						} else {
							const s = xb + (iy * w + ix) * c;
							for (let j = 0; j < c; j++) dx[s + j] += dcols[o + j];
						}
					}
				}
			}
		}
	}
	return padSum;
}

/** Words per im2col row of packed pixels: wordsFor(K), K = kernel² · C bits. */
export function packedRowWords(g: ConvGeometry): number {
	return wordsFor(g.k);
}

/**
 * Pack the signs of every pixel of x [pixels, C] (NHWC, so pixels = batch·H·W) into
 * wordsFor(C) words each, bit c of a pixel's run set iff x[pixel, c] >= 0 (the engine's
 * sign, +1 for 0), tail bits 0: `packRows(x, pixels, C)`.
 */
export function packPixels(x: Float32Array, pixels: number, c: number, out?: Uint32Array): Uint32Array {
	// The SIMD packer (4 signs per f32x4.ge + i32x4.bitmask) where it runs: the same words,
	// several times faster than the scalar loop on a 14x14x256 map.
	const simd = simdSignRows(x, pixels, c);
	if (!simd) return packRows(x, pixels, c, out);
	const o = out ?? new Uint32Array(simd.words.length);
	o.set(simd.words);
	return o;
}

/**
 * Pack ±1 filters W [F, kh, kw, C] for {@link binaryConvGemm}: one row of K = kernel²·C
 * bits per filter, wordsFor(K) words, in im2col order — `packRows(W, F, K)`, the same
 * rows the model file stores.
 */
export function packFilters(W: ArrayLike<number>, filters: number, g: ConvGeometry, out?: Uint32Array): Uint32Array {
	return packRows(W, filters, g.k, out);
}

/**
 * im2col on packed pixels: for examples b0 .. b0+nb-1 of px [batch·H·W, wordsFor(C)] (from
 * {@link packPixels}), row (b - b0)·OH·OW + oy·OW + ox of out [nb·OH·OW, wordsFor(K)] holds
 * the window's K = kernel²·C bits, tap t = ky·kernel + kx at bits t·C .. t·C + C - 1, as
 * `packRows` would pack the float im2col row. Pixels outside the image add no bits (bit 0
 * is -1, the padding). When C is a multiple of 32 every tap starts on a word and is
 * copied word by word; otherwise each pixel word is shifted into place.
 */
export function im2colPacked(px: Uint32Array, g: ConvGeometry, b0: number, nb: number, out: Uint32Array): void {
	const { h, w, c, kernel, stride, pad, oh, ow } = g;
	const wc = wordsFor(c),
		rowWords = wordsFor(g.k),
		aligned = (c & 31) === 0;
	let r = 0;
	for (let b = b0; b < b0 + nb; b++) {
		const pb = b * h * w;
		for (let oy = 0; oy < oh; oy++) {
			for (let ox = 0; ox < ow; ox++, r++) {
				const o = r * rowWords;
				if (!aligned) out.fill(0, o, o + rowWords);
				for (let ky = 0, t = 0; ky < kernel; ky++) {
					const iy = oy * stride + ky - pad;
					for (let kx = 0; kx < kernel; kx++, t++) {
						const ix = ox * stride + kx - pad;
						const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
						const s = (pb + iy * w + ix) * wc;
						if (aligned) {
							const d = o + t * wc;
							if (inside) for (let j = 0; j < wc; j++) out[d + j] = px[s + j];
							else for (let j = 0; j < wc; j++) out[d + j] = 0;
						} else if (inside) {
							for (let j = 0, pos = t * c; j < wc; j++, pos += 32) {
								const v = px[s + j],
									q = o + (pos >>> 5),
									sh = pos & 31;
								out[q] |= v << sh;
								// The pixel's tail bits are 0, so the spill never reaches past the row's K bits.
								if (sh !== 0 && (pos >>> 5) + 1 < rowWords) out[q + 1] |= v >>> (32 - sh);
							}
						}
					}
				}
			}
		}
	}
}

/**
 * The packed binary convolution's product: out[r, f] = Σ_K cols_r · W_f, the exact ±1 dot
 * product of im2col row r (from {@link im2colPacked}) and filter f (from {@link packFilters}),
 * for `rows` rows and `filters` filters, by `gemm` (default `binaryGemm`, the fastest
 * kernel here) over K bits.
 *
 * @param out [rows, filters], overwritten; integers in [-K, K]
 */
export function binaryConvGemm(
	cols: Uint32Array,
	filtersPacked: Uint32Array,
	out: Int32Array | Float32Array,
	rows: number,
	filters: number,
	g: ConvGeometry,
	gemm: (A: Uint32Array, B: Uint32Array, C: Int32Array | Float32Array, m: number, n: number, k: number) => void = binaryGemm
): void {
	gemm(cols, filtersPacked, out, rows, filters, g.k);
}

let pixelScratch = new Uint32Array(0);
let colScratch = new Uint32Array(0);

/**
 * One whole binary convolution of x [batch, H, W, C] (any floats: their signs are taken)
 * with packed ±1 filters: pack the pixels (`pack`, default {@link packPixels}: SIMD where it
 * runs; the benchmark's all-JavaScript pair passes `packRows`), im2col the words, binary
 * GEMM. Padding is -1.
 * out [batch·OH·OW, F] (NHWC) receives exact integers. What the benchmark times against
 * {@link floatConv2d}; the conv layer runs the same three steps in chunks.
 */
export function binaryConv2d(
	x: Float32Array,
	filtersPacked: Uint32Array,
	g: ConvGeometry,
	batch: number,
	filters: number,
	out: Int32Array | Float32Array,
	gemm?: (A: Uint32Array, B: Uint32Array, C: Int32Array | Float32Array, m: number, n: number, k: number) => void,
	pack: (x: Float32Array, pixels: number, c: number, out: Uint32Array) => Uint32Array = packPixels
): void {
	const pixels = batch * g.h * g.w,
		wc = wordsFor(g.c);
	if (pixelScratch.length < pixels * wc) pixelScratch = new Uint32Array(pixels * wc);
	const rows = batch * g.oh * g.ow,
		rw = packedRowWords(g);
	if (colScratch.length < rows * rw) colScratch = new Uint32Array(rows * rw);
	pack(x, pixels, g.c, pixelScratch);
	im2colPacked(pixelScratch, g, 0, batch, colScratch);
	binaryConvGemm(colScratch, filtersPacked, out, rows, filters, g, gemm);
}

let floatScratch = new Float32Array(0);

/**
 * One whole float convolution of x [batch, H, W, C] with filters W [F, K]: im2col (`cols`,
 * default {@link im2col}: WebAssembly where it runs), then `gemm` (default `matmulABt`: the
 * WebAssembly SIMD kernel where it runs). out [batch·OH·OW, F].
 */
export function floatConv2d(
	x: Float32Array,
	W: Float32Array,
	g: ConvGeometry,
	batch: number,
	filters: number,
	padValue: number,
	out: Float32Array,
	gemm: (A: Float32Array, B: Float32Array, C: Float32Array, m: number, n: number, k: number) => void = matmulABt,
	cols: typeof im2col = im2col
): void {
	const rows = batch * g.oh * g.ow;
	if (floatScratch.length < rows * g.k) floatScratch = new Float32Array(rows * g.k);
	cols(x, g, 0, batch, padValue, floatScratch);
	gemm(floatScratch, W, out, rows, filters, g.k);
}

/**
 * Reference convolution by direct loops, for tests: float64 sums in the order ky, kx, c,
 * rounded once, out-of-image values `padValue`. out [batch·OH·OW, F], allocated.
 */
export function conv2dReference(x: ArrayLike<number>, W: ArrayLike<number>, g: ConvGeometry, batch: number, filters: number, padValue: number): Float32Array {
	const { h, w, c, kernel, stride, pad, oh, ow, k } = g;
	const out = new Float32Array(batch * oh * ow * filters);
	for (let b = 0; b < batch; b++)
		for (let oy = 0; oy < oh; oy++)
			for (let ox = 0; ox < ow; ox++)
				for (let f = 0; f < filters; f++) {
					let s = 0;
					for (let ky = 0; ky < kernel; ky++)
						for (let kx = 0; kx < kernel; kx++) {
							const iy = oy * stride + ky - pad,
								ix = ox * stride + kx - pad;
							const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
							for (let ch = 0; ch < c; ch++) {
								const v = inside ? x[((b * h + iy) * w + ix) * c + ch] : padValue;
								s += v * W[f * k + (ky * kernel + kx) * c + ch];
							}
						}
					out[((b * oh + oy) * ow + ox) * filters + f] = s;
				}
	return out;
}
