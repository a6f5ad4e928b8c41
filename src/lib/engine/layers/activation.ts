/**
 * Element-wise activations as {output, derivative} pairs:
 * ReLU, y = max(0, x), dy/dx = 1[x > 0];
 * hardtanh, y = clip(x, -1, 1), dy/dx = 1[|x| <= 1] (inclusive, like the clipped estimator).
 */
import type { ByteReader, ByteWriter } from '../bytes';
import { reuse, type ForwardOptions, type Layer, type Param } from './types';

export class Activation implements Layer {
	readonly params: Param[] = [];
	readonly outSize: number;
	private x: Float32Array | null = null;
	private y: Float32Array | null = null;
	private dx: Float32Array | null = null;

	constructor(
		readonly type: 'relu' | 'hardtanh',
		readonly name: string,
		readonly inSize: number
	) {
		this.outSize = inSize;
	}

	invalidate(): void {}

	forward(x: Float32Array, batch: number, _opts: ForwardOptions): Float32Array {
		const len = batch * this.inSize;
		const y = (this.y = reuse(this.y, len));
		this.x = x;
		if (this.type === 'relu') for (let i = 0; i < len; i++) y[i] = x[i] > 0 ? x[i] : 0;
		else for (let i = 0; i < len; i++) y[i] = x[i] > 1 ? 1 : x[i] < -1 ? -1 : x[i];
		return y;
	}

	backward(dy: Float32Array, batch: number, needDx: boolean): Float32Array | null {
		if (!needDx) return null;
		const len = batch * this.inSize,
			x = this.x!;
		const dx = (this.dx = reuse(this.dx, len));
		if (this.type === 'relu') for (let i = 0; i < len; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
		else for (let i = 0; i < len; i++) dx[i] = x[i] >= -1 && x[i] <= 1 ? dy[i] : 0;
		return dx;
	}

	write(_w: ByteWriter): void {}
	read(_r: ByteReader): void {}
}
