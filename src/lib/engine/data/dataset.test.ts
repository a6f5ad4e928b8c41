import { describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import { assertDataset, classCounts, gatherRows, shuffledSplit, splitIndices, type Dataset } from './dataset';

describe('splitIndices', () => {
	it('gives disjoint lists that cover everything when the sizes add up', () => {
		for (const [count, nTrain] of [
			[1, 1],
			[10, 7],
			[1000, 800],
			[33, 0]
		]) {
			const { train, test } = splitIndices(count, nTrain, count - nTrain, createRng(count));
			expect(train.length).toBe(nTrain);
			expect(test.length).toBe(count - nTrain);
			const seen = [...train, ...test].sort((a, b) => a - b);
			expect(seen).toEqual(Array.from({ length: count }, (_, i) => i));
		}
	});

	it('takes a prefix of the same shuffle for smaller sizes, deterministic per seed', () => {
		const full = splitIndices(500, 300, 200, createRng(3));
		const part = splitIndices(500, 100, 50, createRng(3));
		expect([...part.train]).toEqual([...full.train.subarray(0, 100)]);
		expect([...part.test]).toEqual([...full.train.subarray(100, 150)]);
		const other = splitIndices(500, 300, 200, createRng(4));
		expect([...other.train]).not.toEqual([...full.train]);
	});

	it('actually shuffles: each index lands in test about as often as its share', () => {
		const hits = new Array(20).fill(0);
		const rng = createRng(11);
		for (let r = 0; r < 2000; r++) for (const i of splitIndices(20, 15, 5, rng).test) hits[i]++;
		// Expected 500 each; binomial sd about 19, allow 5 sd.
		for (const h of hits) expect(Math.abs(h - 500)).toBeLessThan(100);
	});

	it('rejects sizes that do not fit', () => {
		const rng = createRng(0);
		expect(() => splitIndices(10, 8, 3, rng)).toThrow(/exceeds the 10 examples/);
		expect(() => splitIndices(10, -1, 3, rng)).toThrow(RangeError);
		expect(() => splitIndices(10, 2.5, 3, rng)).toThrow(/non-negative integer/);
	});
});

describe('shuffledSplit', () => {
	it('keeps each row with its label', () => {
		const n = 50;
		const w = 3;
		const x = new Float32Array(n * w);
		const y = new Uint8Array(n);
		for (let i = 0; i < n; i++) {
			y[i] = i % 7;
			for (let j = 0; j < w; j++) x[i * w + j] = i * 10 + j;
		}
		const s = shuffledSplit(x, y, w, 40, 10, createRng(5));
		expect(s.nTrain).toBe(40);
		expect(s.nTest).toBe(10);
		const rows = new Set<number>();
		for (const [X, Y, m] of [
			[s.trainX, s.trainY, 40],
			[s.testX, s.testY, 10]
		] as const) {
			for (let k = 0; k < m; k++) {
				const id = X[k * w] / 10;
				expect(Y[k]).toBe(id % 7);
				expect([...X.subarray(k * w, k * w + w)]).toEqual([id * 10, id * 10 + 1, id * 10 + 2]);
				rows.add(id);
			}
		}
		expect(rows.size).toBe(n);
	});

	it('rejects a pool whose features and labels disagree', () => {
		expect(() => shuffledSplit(new Float32Array(10), new Uint8Array(4), 2, 2, 2, createRng(0))).toThrow(RangeError);
	});
});

describe('helpers', () => {
	it('gatherRows copies the named rows in order', () => {
		const x = Float32Array.from({ length: 12 }, (_, i) => i);
		expect([...gatherRows(x, 3, [3, 0, 3])]).toEqual([9, 10, 11, 0, 1, 2, 9, 10, 11]);
	});

	it('classCounts counts each class', () => {
		expect(classCounts(Uint8Array.of(0, 2, 2, 1, 2, 9), 3)).toEqual([1, 1, 3]);
	});

	it('assertDataset accepts a consistent set and names what is wrong otherwise', () => {
		const ok: Dataset = {
			name: 't',
			inputSize: 2,
			numClasses: 2,
			trainX: new Float32Array(6),
			trainY: Uint8Array.of(0, 1, 1),
			testX: new Float32Array(2),
			testY: Uint8Array.of(1),
			nTrain: 3,
			nTest: 1
		};
		expect(() => assertDataset(ok)).not.toThrow();
		expect(() => assertDataset({ ...ok, nTrain: 4 })).toThrow(/train arrays/);
		expect(() => assertDataset({ ...ok, testY: Uint8Array.of(2) })).toThrow(/test label 2/);
		expect(() => assertDataset({ ...ok, imageShape: [3, 3] })).toThrow(/imageShape/);
	});
});
