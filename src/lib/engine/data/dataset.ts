/**
 * The shape every engine data set takes, and the seeded train/test split they share.
 *
 * A data set is plain typed arrays, so it can cross into a Web Worker as
 * transferable buffers and be fed to the model without conversion.
 */

import type { Rng } from '../rng';

/**
 * A classification data set, already split into train and test.
 *
 * - `trainX`: [nTrain, inputSize] row-major features; `trainY`: [nTrain] labels in 0..numClasses-1.
 * - `testX`: [nTest, inputSize]; `testY`: [nTest].
 * - `imageShape`: [rows, cols] when each row of X is an image stored row by row
 *   (rows * cols = inputSize); absent for non-image sets.
 */
export interface Dataset {
	name: string;
	inputSize: number;
	numClasses: number;
	trainX: Float32Array;
	trainY: Uint8Array;
	testX: Float32Array;
	testY: Uint8Array;
	nTrain: number;
	nTest: number;
	/** For images: [rows, cols], with rows * cols = inputSize. */
	imageShape?: [number, number];
}

/** The four arrays and two counts of a split, as placed in a {@link Dataset}. */
export type Split = Pick<Dataset, 'trainX' | 'trainY' | 'testX' | 'testY' | 'nTrain' | 'nTest'>;

/**
 * Pick `nTrain + nTest` distinct indices from `0..count-1` by a seeded shuffle of all
 * `count` indices (Fisher-Yates via `rng.shuffle`): the first `nTrain` go to train, the
 * next `nTest` to test. The two lists are disjoint; when `nTrain + nTest = count` they
 * cover every index. Consumes `count - 1` draws of `rng.int`.
 *
 * @throws RangeError if the sizes are not non-negative integers or exceed `count`
 */
export function splitIndices(count: number, nTrain: number, nTest: number, rng: Rng): { train: Uint32Array; test: Uint32Array } {
	for (const [what, v] of [
		['count', count],
		['train size', nTrain],
		['test size', nTest]
	] as const) {
		if (!Number.isInteger(v) || v < 0) throw new RangeError(`${what} must be a non-negative integer, got ${v}`);
	}
	if (nTrain + nTest > count) {
		throw new RangeError(`train size ${nTrain} + test size ${nTest} exceeds the ${count} examples available`);
	}
	const order = new Uint32Array(count);
	for (let i = 0; i < count; i++) order[i] = i;
	rng.shuffle(order);
	return { train: order.slice(0, nTrain), test: order.slice(nTrain, nTrain + nTest) };
}

/**
 * Copy the rows `idx` of a row-major [*, width] matrix into a new [idx.length, width]
 * Float32Array (row k of the result is row idx[k] of `x`).
 */
export function gatherRows(x: Float32Array, width: number, idx: ArrayLike<number>): Float32Array {
	const out = new Float32Array(idx.length * width);
	for (let k = 0; k < idx.length; k++) {
		const s = idx[k] * width;
		out.set(x.subarray(s, s + width), k * width);
	}
	return out;
}

/** Labels `y[idx[k]]` for each k, as a new Uint8Array of length idx.length. */
export function gatherLabels(y: Uint8Array, idx: ArrayLike<number>): Uint8Array {
	const out = new Uint8Array(idx.length);
	for (let k = 0; k < idx.length; k++) out[k] = y[idx[k]];
	return out;
}

/**
 * Split a pool of examples (`x`: [count, inputSize], `y`: [count]) into train and test
 * by a seeded shuffle (see {@link splitIndices}). The pool is not modified; the
 * results are fresh arrays.
 *
 * @throws RangeError if `x` and `y` disagree on the count or the sizes do not fit
 */
export function shuffledSplit(x: Float32Array, y: Uint8Array, inputSize: number, nTrain: number, nTest: number, rng: Rng): Split {
	if (!Number.isInteger(inputSize) || inputSize < 1) {
		throw new RangeError(`inputSize must be a positive integer, got ${inputSize}`);
	}
	if (x.length !== y.length * inputSize) {
		throw new RangeError(`pool has ${y.length} labels but ${x.length / inputSize} rows of ${inputSize} features`);
	}
	const { train, test } = splitIndices(y.length, nTrain, nTest, rng);
	return {
		trainX: gatherRows(x, inputSize, train),
		trainY: gatherLabels(y, train),
		testX: gatherRows(x, inputSize, test),
		testY: gatherLabels(y, test),
		nTrain,
		nTest
	};
}

/** How many labels of each class 0..numClasses-1 appear in `y` (labels outside the range are ignored). */
export function classCounts(y: Uint8Array, numClasses: number): number[] {
	const counts = new Array<number>(numClasses).fill(0);
	for (let i = 0; i < y.length; i++) if (y[i] < numClasses) counts[y[i]]++;
	return counts;
}

/**
 * Check that a data set's arrays agree with its counts and that every label is below
 * `numClasses`, so a malformed set fails loudly here instead of as NaN in training.
 *
 * @throws RangeError naming the first inconsistency found
 */
export function assertDataset(ds: Dataset): void {
	const { name, inputSize, numClasses, nTrain, nTest } = ds;
	if (!Number.isInteger(inputSize) || inputSize < 1) throw new RangeError(`${name}: bad inputSize ${inputSize}`);
	if (!Number.isInteger(numClasses) || numClasses < 1 || numClasses > 256) {
		throw new RangeError(`${name}: bad numClasses ${numClasses}`);
	}
	if (ds.trainX.length !== nTrain * inputSize || ds.trainY.length !== nTrain) {
		throw new RangeError(`${name}: train arrays do not hold ${nTrain} examples of ${inputSize} features`);
	}
	if (ds.testX.length !== nTest * inputSize || ds.testY.length !== nTest) {
		throw new RangeError(`${name}: test arrays do not hold ${nTest} examples of ${inputSize} features`);
	}
	if (ds.imageShape && ds.imageShape[0] * ds.imageShape[1] !== inputSize) {
		throw new RangeError(`${name}: imageShape ${ds.imageShape.join('x')} does not match inputSize ${inputSize}`);
	}
	for (const [part, y] of [
		['train', ds.trainY],
		['test', ds.testY]
	] as const) {
		for (let i = 0; i < y.length; i++) {
			if (y[i] >= numClasses) throw new RangeError(`${name}: ${part} label ${y[i]} at ${i} is not below ${numClasses}`);
		}
	}
}
