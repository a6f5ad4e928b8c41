/**
 * A layer's 'sign' inputs, binarized in one pass: sign(x) as ±1 floats into `pm` (what
 * dL/dW multiplies), packed by rows into `words` when given (what the XOR-popcount product
 * reads), and the count of values with |x| <= 1 (the clipped estimator's window, which the
 * trainer reports): bits.ts's `signRows`, on its WebAssembly twin where that runs (the same
 * values: one signBit under both). The dense layer passes [batch, inputs], the conv layer
 * [pixels, channels].
 *
 * @returns the number of values with |x| <= 1 (NaN counts as outside)
 */
import { signRows } from '../bits';
import { simdSignRows } from '../wasm/train-simd';

export function signInputs(x: Float32Array, rows: number, cols: number, pm: Float32Array, words: Uint32Array | null): number {
	const simd = simdSignRows(x.subarray(0, rows * cols), rows, cols, pm);
	if (!simd) return signRows(x, rows, cols, pm, words);
	words?.set(simd.words);
	return simd.inside;
}
