import { describe, expect, it } from 'vitest';
import { toBitPlanes, unpackSigns } from '$lib/engine';
import {
	bitOf,
	bitSerial,
	greyLevels,
	kept,
	memoryByLayer,
	packSummary,
	planeError,
	planePixels,
	randomVector,
	rebuild,
	rowValues,
	runRequest,
	signPlane,
	toggled,
	topKCurve,
	topMask
} from './lesson';

function fakeDigit(): Uint8Array {
	return Uint8Array.from({ length: 784 }, (_, i) => (i * 37) % 256);
}

describe('grey levels', () => {
	it('maps [-1, 1] to 0..255 and clamps', () => {
		const images = new Float32Array(2 * 784).fill(-1);
		images[784] = 1;
		images[785] = 0;
		images[786] = 3;
		const g = greyLevels(images, 1);
		expect([g[0], g[1], g[2], g[3]]).toEqual([255, 128, 255, 0]);
	});
});

describe('planes', () => {
	const grey = fakeDigit();
	const planes = toBitPlanes(grey, 8);

	it('masks keep the top planes', () => {
		expect(topMask(0)).toBe(0);
		expect(topMask(1)).toBe(0x80);
		expect(topMask(4)).toBe(0xf0);
		expect(topMask(8)).toBe(0xff);
		expect(kept(0xf0, 7)).toBe(true);
		expect(kept(0xf0, 3)).toBe(false);
		expect(toggled(0xf0, 7)).toBe(0x70);
		expect(toggled(0xf0, 0)).toBe(0xf1);
	});

	it('all planes rebuild the image exactly; none rebuild zeros', () => {
		expect(Array.from(rebuild(planes, 0xff, 784))).toEqual(Array.from(grey));
		expect(rebuild(planes, 0, 784).every((v) => v === 0)).toBe(true);
		const e = planeError(grey, rebuild(planes, 0xff, 784));
		expect(e.mse).toBe(0);
		expect(e.psnr).toBe(Infinity);
	});

	it('keeping the top k planes truncates the low bits', () => {
		const r = rebuild(planes, topMask(3), 784);
		for (let i = 0; i < 784; i++) expect(r[i]).toBe(grey[i] & 0xe0);
	});

	it('the error falls as more top planes are kept', () => {
		const curve = topKCurve(grey, planes);
		expect(curve).toHaveLength(9);
		expect(curve[8]).toBe(0);
		for (let k = 1; k <= 8; k++) expect(curve[k]).toBeLessThanOrEqual(curve[k - 1]);
	});

	it('the sign plane is the top plane, as ±1', () => {
		const s = signPlane(grey);
		const top = planePixels(planes[7]);
		for (let i = 0; i < 784; i++) expect(s[i]).toBe(top[i] === 1 ? 1 : -1);
	});
});

describe('packing', () => {
	it('packs a row of 28 into one word with 4 tail bits, read back exactly', () => {
		const grey = fakeDigit();
		const v = rowValues(grey, 3);
		const p = packSummary(v);
		expect(p.words).toHaveLength(1);
		expect(p.words[0].tail).toBe(4);
		expect(p.packed[0] >>> 28).toBe(0);
		expect(Array.from(unpackSigns(p.packed, 28))).toEqual(Array.from(signPlane(grey.subarray(84, 112))));
		expect(p.floatBytes).toBe(112);
		expect(p.packedBytes).toBe(4);
	});

	it('handles lengths that are not multiples of 32', () => {
		for (const n of [1, 31, 32, 33, 64, 65, 100]) {
			const p = packSummary(randomVector(n, 5));
			expect(p.words).toHaveLength(Math.ceil(n / 32));
			expect(p.words.reduce((s, w) => s + w.used, 0)).toBe(n);
			expect(p.words.at(-1)!.hex).toMatch(/^[0-9a-f]{8}$/);
		}
	});
});

describe('memory', () => {
	it('per layer sums to the totals; binary weights are 1 bit each, rows padded to words', () => {
		const m = memoryByLayer(100);
		expect(m.layers.reduce((s, l) => s + l.floatBytes, 0)).toBe(m.floatBytes);
		expect(m.layers.reduce((s, l) => s + l.packedBytes, 0)).toBe(m.packedBytes);
		const w1 = m.layers[0].tensors.find((t) => t.name === 'dense1.W')!;
		expect(w1.kind).toBe('bits');
		expect(w1.floatBytes).toBe(100 * 784 * 4);
		expect(w1.packedBytes).toBe(100 * 25 * 4);
		const w2 = m.layers.find((l) => l.layer === 'dense2')!.tensors[0];
		expect(w2.packedBytes).toBe(10 * 4 * 4);
	});

	it('asks the worker for the binary network and its float twin on the digits', () => {
		const r = runRequest(64, 7, '/data/mnist.bin', false);
		expect(r.data).toMatchObject({ kind: 'mnist', seed: 7 });
		expect(r.models.map((m) => m.id)).toEqual(['binary', 'float']);
		expect(r.options?.autoplay).toBe(false);
	});
});

describe('bit-serial dot product', () => {
	it('the weighted popcounts equal the engine and the plain dot product', () => {
		for (const [n, k, seed] of [
			[1, 1, 1],
			[10, 3, 2],
			[33, 8, 3],
			[64, 5, 4]
		]) {
			const r = bitSerial(n, k, seed);
			expect(r.terms).toHaveLength(k * k);
			expect(r.sum).toBe(r.plain);
			expect(r.engine).toBe(r.plain);
			for (let t = 0; t < n; t++) {
				let v = 0;
				for (let i = 0; i < k; i++) v += bitOf(r.aPlanes[i], t) << i;
				expect(v).toBe(r.a[t]);
			}
		}
	});

	it('is seeded', () => {
		expect(Array.from(bitSerial(8, 4, 9).a)).toEqual(Array.from(bitSerial(8, 4, 9).a));
		expect(Array.from(bitSerial(8, 4, 9).a)).not.toEqual(Array.from(bitSerial(8, 4, 9).b));
	});
});
