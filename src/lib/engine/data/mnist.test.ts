import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import { assertDataset, classCounts, type Dataset } from './dataset';
import { MNIST_HEADER_BYTES, mnistDataset, parseMnist, type MnistImages } from './mnist';
import { loadMnistBytes } from '../../../../scripts/load-mnist';
import { checkAsset, encodeMnist, readDigitFile } from '../../../../scripts/build-data.mjs';

let bytes: Uint8Array;
let images: MnistImages;
let ds: Dataset;

beforeAll(() => {
	bytes = loadMnistBytes();
	images = parseMnist(bytes);
	ds = mnistDataset(bytes, { seed: 1 });
});

/** Element-wise equality; vitest's deep equality is slow on arrays of 10^5+ elements. */
function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}

/** Grey level 0..255 back from a feature x / 255 * 2 - 1. */
const level = (v: number) => Math.round(((v + 1) / 2) * 255);

/** One string per image (label + grey levels), to compare sets of images. */
function keysOfImages(labels: Uint8Array, pixels: Uint8Array, n: number): string[] {
	const keys: string[] = [];
	for (let i = 0; i < n; i++) keys.push(labels[i] + ':' + String.fromCharCode(...pixels.subarray(i * 784, i * 784 + 784)));
	return keys;
}
function keysOfSplit(X: Float32Array, Y: Uint8Array, n: number): string[] {
	const px = new Uint8Array(X.length);
	for (let i = 0; i < X.length; i++) px[i] = level(X[i]);
	return keysOfImages(Y, px, n);
}

describe('the MNIST asset', () => {
	it('holds the 10,000 digits of the mnist package, 28 x 28', () => {
		expect(images.count).toBe(10000);
		expect([images.rows, images.cols]).toEqual([28, 28]);
		expect(images.labels.length).toBe(10000);
		expect(images.pixels.length).toBe(10000 * 784);
		// Pinned so a changed source package or writer is noticed: the baselines depend on these bytes.
		expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 4, true)).toBe(0xf4e8dece);
	});

	it('has every digit with a plausible count and plausible ink', () => {
		const counts = classCounts(images.labels, 10);
		expect(counts.reduce((a, b) => a + b, 0)).toBe(10000);
		for (const c of counts) {
			expect(c).toBeGreaterThan(800);
			expect(c).toBeLessThan(1200);
		}
		let sum = 0;
		let full = 0;
		for (const p of images.pixels) {
			sum += p;
			if (p === 255) full++;
		}
		// MNIST's mean grey level is about 0.13 of full scale.
		expect(sum / images.pixels.length / 255).toBeGreaterThan(0.1);
		expect(sum / images.pixels.length / 255).toBeLessThan(0.17);
		expect(full).toBeGreaterThan(0);
	});

	it("stores the package's images exactly (round(v * 255)), sorted by digit then position", () => {
		const data = readDigitFile(7);
		const first = images.labels.indexOf(7);
		const n = data.length / 784;
		expect(images.labels.lastIndexOf(7) - first + 1).toBe(n);
		for (let i = 0; i < data.length; i++) {
			if (images.pixels[first * 784 + i] !== Math.round(data[i] * 255)) throw new Error(`pixel ${i} of digit 7 differs`);
		}
	});
});

describe('mnistDataset', () => {
	it('splits 8,000 / 2,000 with 784 features in [-1, 1] and 10 classes', () => {
		expect(ds.name).toBe('mnist');
		expect([ds.nTrain, ds.nTest, ds.inputSize, ds.numClasses]).toEqual([8000, 2000, 784, 10]);
		expect(ds.imageShape).toEqual([28, 28]);
		expect(() => assertDataset(ds)).not.toThrow();
		let min = Infinity;
		let max = -Infinity;
		for (const v of ds.testX) {
			min = Math.min(min, v);
			max = Math.max(max, v);
			// every feature is exactly a scaled grey level
			if (v !== Math.fround((level(v) / 255) * 2 - 1)) throw new Error(`feature ${v} is not a scaled grey level`);
		}
		expect([min, max]).toEqual([-1, 1]);
		for (const y of [ds.trainY, ds.testY]) for (const c of classCounts(y, 10)) expect(c).toBeGreaterThan(y.length * 0.06);
	});

	it('puts every image in exactly one of train and test', () => {
		const whole = keysOfImages(images.labels, images.pixels, images.count).sort();
		const split = [...keysOfSplit(ds.trainX, ds.trainY, ds.nTrain), ...keysOfSplit(ds.testX, ds.testY, ds.nTest)].sort();
		expect(split.length).toBe(whole.length);
		expect(split.every((k, i) => k === whole[i])).toBe(true);
	});

	it('is deterministic by seed, differs across seeds, and rng matches seed', () => {
		const again = mnistDataset(bytes, { seed: 1, trainSize: 300, testSize: 100 });
		// smaller sizes take a prefix of the same shuffle
		expect(same(again.trainY, ds.trainY.subarray(0, 300))).toBe(true);
		expect(same(again.testY, ds.trainY.subarray(300, 400))).toBe(true);
		expect(same(again.trainX, ds.trainX.subarray(0, 300 * 784))).toBe(true);
		expect(same(again.testX, ds.trainX.subarray(300 * 784, 400 * 784))).toBe(true);
		const byRng = mnistDataset(bytes, { rng: createRng(1), trainSize: 300, testSize: 0 });
		expect(same(byRng.trainX, again.trainX)).toBe(true);
		const other = mnistDataset(bytes, { seed: 2, trainSize: 300, testSize: 0 });
		expect(same(other.trainY, again.trainY)).toBe(false);
	});

	it('lines up pixels and labels: a class-mean classifier beats 60% on test', () => {
		const means = new Float64Array(10 * 784);
		const counts = classCounts(ds.trainY, 10);
		for (let i = 0; i < ds.nTrain; i++) {
			const c = ds.trainY[i];
			for (let j = 0; j < 784; j++) means[c * 784 + j] += ds.trainX[i * 784 + j] / counts[c];
		}
		let ok = 0;
		for (let i = 0; i < ds.nTest; i++) {
			let best = Infinity;
			let guess = -1;
			for (let c = 0; c < 10; c++) {
				let d = 0;
				for (let j = 0; j < 784; j++) d += (ds.testX[i * 784 + j] - means[c * 784 + j]) ** 2;
				if (d < best) {
					best = d;
					guess = c;
				}
			}
			if (guess === ds.testY[i]) ok++;
		}
		const accuracy = ok / ds.nTest;
		console.log(`nearest class mean, MNIST test split (seed 1): ${(accuracy * 100).toFixed(1)}%`);
		expect(accuracy).toBeGreaterThan(0.6);
	});

	it('rejects sizes that do not fit', () => {
		expect(() => mnistDataset(bytes, { trainSize: 9000 })).toThrow(/exceeds the 10000 examples/);
		expect(() => mnistDataset(bytes, { testSize: -1 })).toThrow(RangeError);
		expect(() => mnistDataset(bytes, { seed: 1, rng: createRng(1) })).toThrow(/either seed or rng/);
	});
});

describe('parseMnist rejects bad bytes with a message saying why', () => {
	const copy = () => bytes.slice();

	it('truncated files', () => {
		const n = bytes.length;
		expect(() => parseMnist(bytes.subarray(0, n - 1))).toThrow(`truncated: expected ${n} bytes, got ${n - 1}`);
		expect(() => parseMnist(bytes.subarray(0, 5000))).toThrow(`truncated: expected ${n} bytes, got 5000`);
		expect(() => parseMnist(bytes.subarray(0, 10))).toThrow(/truncated: expected at least 16 header bytes, got 10/);
		expect(() => parseMnist(bytes.subarray(0, 2))).toThrow(/truncated/);
		expect(() => parseMnist(new Uint8Array(0))).toThrow(/truncated/);
	});

	it('a flipped byte anywhere (header count aside) fails the checksum', () => {
		for (const at of [MNIST_HEADER_BYTES + 3, MNIST_HEADER_BYTES + 10000 + 400, bytes.length - 6, bytes.length - 1]) {
			const b = copy();
			b[at] ^= 0x10;
			expect(() => parseMnist(b)).toThrow('checksum mismatch: file is corrupt');
		}
		const b = copy();
		b[8] ^= 1; // the count: the sizes no longer add up
		expect(() => parseMnist(b)).toThrow(/truncated|size mismatch/);
	});

	it('foreign bytes', () => {
		const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Uint8Array(40));
		const json = new TextEncoder().encode('{"data":[0,0,0.5]}');
		const rng = createRng(5);
		const noise = Uint8Array.from({ length: 5000 }, () => rng.int(256));
		for (const f of [png, json, noise]) {
			expect(() => parseMnist(f)).toThrow('not a Bitwise MNIST file (bad magic)');
		}
		expect(() => parseMnist(Uint8Array.of(0x42, 0x57, 0x00))).toThrow('not a Bitwise MNIST file (bad magic)');
	});

	it('another format version, extra bytes, empty shapes, bad labels', () => {
		const v2 = copy();
		v2[4] = 2;
		expect(() => parseMnist(v2)).toThrow(/unsupported Bitwise MNIST format version 2/);
		const longer = new Uint8Array(bytes.length + 3);
		longer.set(bytes);
		expect(() => parseMnist(longer)).toThrow(/size mismatch: expected 7850020 bytes, got 7850023/);
		const empty = encodeMnist({ count: 1, rows: 0, cols: 5, labels: Uint8Array.of(1), pixels: new Uint8Array(0) });
		expect(() => parseMnist(empty)).toThrow(/bad header/);
		const label10 = encodeMnist({ count: 2, rows: 1, cols: 2, labels: Uint8Array.of(3, 10), pixels: new Uint8Array(4) });
		expect(() => parseMnist(label10)).toThrow('invalid label 10 for image 1 (labels must be 0..9)');
	});
});

describe('scripts/build-data.mjs and the engine parser agree', () => {
	it("parses the script's encoding of random images back exactly", () => {
		const rng = createRng(12);
		for (const [count, rows, cols] of [
			[1, 1, 1],
			[7, 3, 5],
			[50, 28, 28]
		]) {
			const labels = Uint8Array.from({ length: count }, () => rng.int(10));
			const pixels = Uint8Array.from({ length: count * rows * cols }, () => rng.int(256));
			const out = parseMnist(encodeMnist({ count, rows, cols, labels, pixels }));
			expect([out.count, out.rows, out.cols]).toEqual([count, rows, cols]);
			expect(out.labels).toEqual(labels);
			expect(out.pixels).toEqual(pixels);
		}
	});

	it("the script's own validity check accepts what the parser accepts and rejects corruption", () => {
		expect(checkAsset(bytes)?.count).toBe(10000);
		const b = bytes.slice();
		b[12345] ^= 1;
		expect(checkAsset(b)).toBeNull();
		expect(checkAsset(bytes.subarray(0, bytes.length - 1))).toBeNull();
	});
});
