/**
 * Max pooling and flatten over NHWC feature maps (see ../conv.ts).
 *
 * Max pooling: y[b, oy, ox, c] = max over the size x size window at (oy·stride, ox·stride)
 * of channel c, no padding, OH = floor((H - size) / stride) + 1. The gradient goes to
 * the window's largest input (the first in row-major window order on ties), as in
 * PyTorch's MaxPool2d; NaN never wins a window. The forward pass runs four channels per
 * vector in WebAssembly when C is a multiple of 4, in JavaScript otherwise, with the same
 * results for any input. Flatten changes nothing in memory: an NHWC batch is already
 * [batch, H·W·C] row by row; it marks where dense layers take over.
 */
import type { ByteReader, ByteWriter } from '../bytes';
import { convGeometry, type ConvGeometry } from '../conv';
import { simdMaxPool } from '../wasm/train-simd';
import { reuse, type ForwardOptions, type Layer, type Param } from './types';

export class MaxPool2D implements Layer {
	readonly type = 'maxpool';
	readonly params: Param[] = [];
	readonly geometry: ConvGeometry;
	readonly inSize: number;
	readonly outSize: number;
	private y: Float32Array | null = null;
	private arg: Int32Array | null = null;
	private dx: Float32Array | null = null;
	private lastBatch = 0;

	/** @param inShape [H, W, C] of the input maps */
	constructor(
		readonly name: string,
		inShape: readonly [number, number, number],
		size: number,
		stride = size
	) {
		const [h, w, c] = inShape;
		this.geometry = convGeometry(h, w, c, size, stride, 0);
		this.inSize = h * w * c;
		this.outSize = this.geometry.oh * this.geometry.ow * c;
	}

	invalidate(): void {}

	/** x: [batch, H, W, C] -> [batch, OH, OW, C]; remembers each maximum's input index. */
	forward(x: Float32Array, batch: number, _opts: ForwardOptions): Float32Array {
		const { h, w, c, kernel, stride, oh, ow } = this.geometry;
		const y = (this.y = reuse(this.y, batch * this.outSize));
		if (!this.arg || this.arg.length !== y.length) this.arg = new Int32Array(y.length);
		const arg = this.arg;
		this.lastBatch = batch;
		// Four channels per vector in WebAssembly where it runs (the same maxima and indices).
		if (simdMaxPool(x, batch, this.geometry, y, arg)) return y;
		// Window offsets from its top-left value, in row-major window order (ties keep the first).
		const kk = kernel * kernel;
		const offs = new Int32Array(kk);
		for (let ky = 0; ky < kernel; ky++) for (let kx = 0; kx < kernel; kx++) offs[ky * kernel + kx] = (ky * w + kx) * c;
		let o = 0;
		for (let b = 0; b < batch; b++) {
			const xb = b * h * w * c;
			for (let oy = 0; oy < oh; oy++)
				for (let ox = 0; ox < ow; ox++, o += c) {
					const first = xb + (oy * stride * w + ox * stride) * c;
					for (let ch = 0; ch < c; ch++) {
						// Strictly greater, so ties keep the first and NaN never replaces, as the
						// WebAssembly kernel does. (A branch-free m += gt·(v - m) was faster on random
						// data but turned a window holding an infinity into NaN, and -0 into +0.)
						let bi = first + ch,
							m = x[bi];
						for (let t = 1; t < kk; t++) {
							const q = first + offs[t] + ch,
								v = x[q];
							if (v > m) {
								m = v;
								bi = q;
							}
						}
						y[o + ch] = m;
						arg[o + ch] = bi;
					}
				}
		}
		return y;
	}

	/**
	 * Buffers for a forward pass of `batch` examples that the layer before fills itself
	 * (Conv2D.forwardPooled): the pooled maps and the winners, which {@link backward} then
	 * reads as after {@link forward}.
	 */
	outputs(batch: number): { y: Float32Array; arg: Int32Array } {
		const y = (this.y = reuse(this.y, batch * this.outSize));
		if (!this.arg || this.arg.length !== y.length) this.arg = new Int32Array(y.length);
		this.lastBatch = batch;
		return { y, arg: this.arg };
	}

	/**
	 * Each output's winner in the last forward of `batch` examples: the element index into
	 * its input [batch, H, W, C] (a view, valid until the next forward), for a conv layer
	 * before this one that takes the pooled gradient whole (Conv2D.backwardPooled).
	 */
	winners(batch: number): Int32Array {
		if (!this.arg || batch !== this.lastBatch) throw new Error(`${this.name}: backward without a matching forward`);
		return this.arg.subarray(0, batch * this.outSize);
	}

	backward(dy: Float32Array, batch: number, needDx: boolean): Float32Array | null {
		if (!this.arg || batch !== this.lastBatch) throw new Error(`${this.name}: backward without a matching forward`);
		if (!needDx) return null;
		const dx = (this.dx = reuse(this.dx, batch * this.inSize));
		return unpool(dy.subarray(0, batch * this.outSize), this.arg, 0, dx);
	}

	write(_w: ByteWriter): void {}
	read(_r: ByteReader): void {}
}

/**
 * Max-pooling's backward pass into dz (a stretch of the pooling input, from element `base`
 * of the whole): zeros, then each output's gradient dy[o] added at its winner arg[o] - base,
 * in order (overlapping windows add up). What MaxPool2D.backward gives, and what a conv layer
 * taking the pooled gradient whole makes a chunk of when its kernels cannot (train.wat's
 * `unpool` is the WebAssembly twin).
 */
export function unpool(dy: Float32Array, arg: Int32Array, base: number, dz: Float32Array): Float32Array {
	dz.fill(0);
	for (let o = 0; o < dy.length; o++) dz[arg[o] - base] += dy[o];
	return dz;
}

/** NHWC maps to vectors: the identity on the data (x is returned as is, and so is dy). */
export class Flatten implements Layer {
	readonly type = 'flatten';
	readonly params: Param[] = [];
	readonly outSize: number;
	constructor(
		readonly name: string,
		readonly inSize: number
	) {
		this.outSize = inSize;
	}
	invalidate(): void {}
	forward(x: Float32Array): Float32Array {
		return x;
	}
	backward(dy: Float32Array, _batch: number, needDx: boolean): Float32Array | null {
		return needDx ? dy : null;
	}
	write(_w: ByteWriter): void {}
	read(_r: ByteReader): void {}
}
