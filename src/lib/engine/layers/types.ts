/**
 * What every layer of a sequential model offers the model, the trainer, the
 * optimisers and the model file. Layers own their output and gradient buffers and
 * reuse them between calls: a returned array stays valid until the layer's next
 * call of the same method, and callers must not keep it longer.
 */
import type { ByteReader, ByteWriter } from '../bytes';

/** A trainable tensor and its gradient (same length). */
export interface Param {
	/** Stable, human-readable name, e.g. `dense1.W`. */
	name: string;
	value: Float32Array;
	grad: Float32Array;
	/**
	 * 'latent': real-valued stand-ins for binary weights (Courbariaux et al. 2016): the forward
	 * pass uses their signs, the optimiser may clip them to [-1, 1], Bop flips them, and the
	 * trainer counts their sign flips. 'float': everything else.
	 */
	role: 'float' | 'latent';
}

/** One stored tensor of a layer, as it sits in the packed model file. */
export interface StoredTensor {
	name: string;
	/** 'bits': packed ±1 rows (Uint32 words); 'f32': float32 values. */
	kind: 'bits' | 'f32';
	/** Number of values it stands for (weights for 'bits', floats for 'f32'). */
	values: number;
	/** Bytes it takes in the packed file. */
	packedBytes: number;
	/** Bytes it would take in a float32 model of the same architecture (0 where a float model has no such tensor). */
	floatBytes: number;
}

export interface ForwardOptions {
	/** Training mode: batch statistics in batch norm, caches kept for backward. */
	training: boolean;
	/**
	 * Use the packed XOR-popcount kernel where both a layer's weights and inputs are binary.
	 * Defaults to true, in training as in inference, for dense and conv layers alike (the packed
	 * forward is faster and gives the same numbers); false gives the float simulation.
	 */
	packed?: boolean;
	/**
	 * In inference mode, keep what backward needs, so dL/dx can go back through the model as
	 * it infers (running statistics in batch norm): the input gradient of an attack. Dense
	 * and activation layers always keep it; batch norm only when asked, since evaluation
	 * would pay for it otherwise.
	 */
	keepForBackward?: boolean;
}

export interface Layer {
	readonly type: string;
	readonly name: string;
	readonly inSize: number;
	readonly outSize: number;
	readonly params: Param[];
	/** x: [batch, inSize] -> [batch, outSize]. */
	forward(x: Float32Array, batch: number, opts: ForwardOptions): Float32Array;
	/**
	 * dy: [batch, outSize], for the batch of the last training forward (or inference forward
	 * with `keepForBackward`). Fills each param's
	 * `grad` (overwriting) and returns dL/dx [batch, inSize], or null when `needDx` is false.
	 */
	backward(dy: Float32Array, batch: number, needDx: boolean): Float32Array | null;
	/** The latent weights changed (after an optimiser step or an import): drop derived caches. */
	invalidate(): void;
	/** Write the stored tensors (in `layerStorage` order, see storage.ts) to a model file. */
	write(w: ByteWriter): void;
	/** Read them back from a model file written by {@link write}. */
	read(r: ByteReader): void;
}

/** A reusable Float32Array cache, so hot loops allocate only when a batch size changes. */
export function reuse(buf: Float32Array | null, length: number): Float32Array {
	return buf && buf.length === length ? buf : new Float32Array(length);
}
