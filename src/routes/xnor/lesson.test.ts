import { describe, expect, it } from 'vitest';
import { createRng, unpackSigns } from '$lib/engine';
import {
	amdahlBound,
	approxError,
	binary,
	binaryShare,
	bitDot,
	hex,
	layerKernels,
	MAX_LEN,
	networkSpec,
	runRequest,
	dotScaleStats,
	weightScaleStats,
	seededSigns,
	sortedRow,
	spread,
	timingRatio,
	toggleFlip,
	vectorOf,
	wordMask
} from './lesson';

/** Both halves of the scale statistics, as the figure runs them one task apart. */
const scaleStats = (layer: Parameters<typeof weightScaleStats>[0], acts: { count: number; values: Float32Array } | null, maxUnits?: number) => {
	const w = weightScaleStats(layer);
	return { ...w, dot: acts && acts.count > 0 ? dotScaleStats(layer, acts, w.alpha, maxUnits) : null };
};

describe('the seeded vectors and their flips', () => {
	it('are ±1, differ between x and w, and a shorter vector is a prefix', () => {
		const x = seededSigns(7, 'x'),
			w = seededSigns(7, 'w');
		expect(x.length).toBe(MAX_LEN);
		expect(x.every((v) => v === 1 || v === -1)).toBe(true);
		expect(Array.from(x)).not.toEqual(Array.from(w));
		expect(Array.from(vectorOf(7, 'x', 33, []))).toEqual(Array.from(x.slice(0, 33)));
		expect(Array.from(seededSigns(7, 'x'))).toEqual(Array.from(x));
	});

	it('negates exactly the flipped elements below the length', () => {
		const base = vectorOf(3, 'w', 10, []);
		const flipped = vectorOf(3, 'w', 10, [0, 4, 12]);
		for (let i = 0; i < 10; i++) expect(flipped[i]).toBe(i === 0 || i === 4 ? -base[i] : base[i]);
	});

	it('toggles an index in and out, sorted, dropping indices past the length', () => {
		expect(toggleFlip([], 5, 10)).toEqual([5]);
		expect(toggleFlip([5, 2], 3, 10)).toEqual([2, 3, 5]);
		expect(toggleFlip([2, 3, 5], 3, 10)).toEqual([2, 5]);
		expect(toggleFlip([2, 40], 3, 10)).toEqual([2, 3]);
	});
});

describe('the dot product by XNOR and popcount', () => {
	it('agrees with the multiply-accumulate for every length 1..100 and random signs', () => {
		const rng = createRng(11);
		for (let n = 1; n <= MAX_LEN; n++) {
			const x = Float32Array.from({ length: n }, () => (rng.int(2) ? 1 : -1));
			const w = Float32Array.from({ length: n }, () => (rng.int(2) ? 1 : -1));
			let mac = 0;
			for (let i = 0; i < n; i++) mac += x[i] * w[i];
			const d = bitDot(x, w);
			expect(d.equal).toBe(true);
			expect(d.mac).toBe(mac);
			expect(d.fromXnor).toBe(mac);
			expect(d.engineXnor).toBe(mac);
			expect(d.fromXor).toBe(mac);
			// popcount counts agreements, XOR-popcount disagreements.
			expect(d.popcount + d.xorCount).toBe(n);
			expect(d.agree.reduce((s, a) => s + a, 0)).toBe(d.popcount);
			expect(d.words.length).toBe(Math.ceil(n / 32));
		}
	});

	it('draws the packed words from the engine, with zero tails that XNOR turns to ones', () => {
		const x = vectorOf(1, 'x', 40, []),
			w = vectorOf(1, 'w', 40, []);
		const d = bitDot(x, w);
		expect(Array.from(unpackSigns(d.xWords, 40))).toEqual(Array.from(x));
		const last = d.words[1];
		expect(last.used).toBe(8);
		expect(last.tail).toBe(24);
		expect(last.x >>> 8).toBe(0);
		expect(last.w >>> 8).toBe(0);
		expect(last.xnorRaw >>> 8).toBe(0xffffff);
		expect(last.mask).toBe(0xff);
		expect(last.xnor >>> 8).toBe(0);
		// Without the mask the 24 tail bits would count as agreements.
		expect(d.words[0].mask).toBe(0xffffffff);
	});

	it('the identical and the opposite vectors give n and -n', () => {
		const x = vectorOf(5, 'x', 45, []);
		expect(bitDot(x, x).mac).toBe(45);
		expect(bitDot(x, x).popcount).toBe(45);
		const neg = x.map((v) => -v);
		expect(bitDot(x, neg).fromXnor).toBe(-45);
		expect(bitDot(x, neg).popcount).toBe(0);
	});

	it('rejects vectors of different lengths', () => {
		expect(() => bitDot(new Float32Array(3), new Float32Array(4))).toThrow(RangeError);
	});

	it('formats words and masks', () => {
		expect(hex(0xff)).toBe('000000ff');
		expect(hex(-1)).toBe('ffffffff');
		expect(binary(5)).toBe('0'.repeat(29) + '101');
		expect(wordMask(0, 32)).toBe(0xffffffff);
		expect(wordMask(1, 33)).toBe(1);
		expect(wordMask(0, 5)).toBe(0x1f);
	});
});

describe('XNOR-Net scale factors', () => {
	const rng = createRng(2);
	const units = 6,
		inputs = 50,
		count = 5;
	const weights = Float32Array.from({ length: units * inputs }, () => 0.05 * rng.normal());
	const values = Float32Array.from({ length: count * inputs }, () => rng.normal());
	const s = scaleStats({ units, inputs, weights }, { count, values });

	it('alpha is mean |W| per unit and beats both plain signs and one alpha for the tensor', () => {
		let sum = 0;
		for (let c = 0; c < inputs; c++) sum += Math.abs(weights[2 * inputs + c]);
		expect(s.alpha[2]).toBeCloseTo(sum / inputs, 6);
		expect(s.weight.row.mse).toBeLessThanOrEqual(s.weight.tensor.mse);
		expect(s.weight.tensor.mse).toBeLessThan(s.weight.sign.mse);
		// sign(W) of weights near 0.05 is off by about twentyfold.
		expect(s.weight.sign.rel).toBeGreaterThan(10);
		expect(s.weight.row.rel).toBeLessThan(1);
	});

	it('alpha_u is the least-squares scale: nudging it either way does worse', () => {
		for (const f of [0.9, 1.1]) {
			const a = s.alpha[0] * f;
			const row = weights.slice(0, inputs);
			const approx = row.map((v) => (v >= 0 ? a : -a));
			expect(approxError(row, approx).mse).toBeGreaterThan(
				approxError(
					row,
					row.map((v) => (v >= 0 ? s.alpha[0] : -s.alpha[0]))
				).mse
			);
		}
	});

	it('the sign products come from the packed kernel and equal the float sign dot; scales shrink the error', () => {
		const d = s.dot!;
		expect(d).not.toBeNull();
		for (let e = 0; e < count; e++)
			for (let u = 0; u < units; u++) {
				let sd = 0,
					real = 0;
				for (let c = 0; c < inputs; c++) {
					const xv = values[e * inputs + c],
						wv = weights[u * inputs + c];
					sd += (xv >= 0 ? 1 : -1) * (wv >= 0 ? 1 : -1);
					real += xv * wv;
				}
				expect(d.signDot[e * units + u]).toBe(sd);
				expect(d.real[e * units + u]).toBeCloseTo(real, 5);
				expect(d.scaled[e * units + u]).toBeCloseTo(d.beta[e] * s.alpha[u] * sd, 6);
			}
		expect(d.both.rel).toBeLessThan(d.sign.rel);
		expect(d.alphaOnly.rel).toBeLessThan(d.sign.rel);
		expect(d.correlation).toBeGreaterThan(0.3);
	});

	it('the one-pass weight errors equal approxError on the explicit stand-ins', () => {
		const signs = weights.map((v) => (v >= 0 ? 1 : -1));
		const byRow = weights.map((v, i) => s.alpha[Math.floor(i / inputs)] * (v >= 0 ? 1 : -1));
		expect(s.weight.sign.mse).toBeCloseTo(approxError(weights, signs).mse, 10);
		expect(s.weight.sign.rel).toBeCloseTo(approxError(weights, signs).rel, 10);
		expect(s.weight.row.mse).toBeCloseTo(approxError(weights, byRow).mse, 10);
	});

	it('computes the products of an evenly spread subset of units when asked for fewer', () => {
		const sub = scaleStats({ units, inputs, weights }, { count, values }, 3);
		const d = sub.dot!;
		expect(d.units).toEqual([0, 2, 4]);
		expect(d.real.length).toBe(count * 3);
		for (let e = 0; e < count; e++)
			d.units.forEach((u, j) => {
				expect(d.real[e * 3 + j]).toBeCloseTo(s.dot!.real[e * units + u], 10);
				expect(d.signDot[e * 3 + j]).toBe(s.dot!.signDot[e * units + u]);
			});
	});

	it('works without activations, and checks shapes', () => {
		expect(scaleStats({ units, inputs, weights }, null).dot).toBeNull();
		expect(() => scaleStats({ units: 7, inputs, weights }, null)).toThrow(RangeError);
	});

	it('approxError is zero for an exact copy and relative to the signal', () => {
		expect(approxError([1, 2], [1, 2])).toEqual({ mse: 0, rel: 0 });
		expect(approxError([3, 4], [0, 0]).rel).toBeCloseTo(1, 12);
	});

	it('sorts a unit’s weights and steps them at ±alpha', () => {
		const r = sortedRow({ units, inputs, weights }, 1, 0.5);
		for (let i = 1; i < inputs; i++) expect(r.w[i]).toBeGreaterThanOrEqual(r.w[i - 1]);
		expect(r.approx.every((v, i) => v === (r.w[i] >= 0 ? 0.5 : -0.5))).toBe(true);
	});

	it('spreads scatter indices evenly', () => {
		expect(spread(3, 10)).toEqual([0, 1, 2]);
		const s4 = spread(100, 4);
		expect(s4).toEqual([0, 25, 50, 75]);
	});
});

describe('the live network', () => {
	it('is binary everywhere, XNOR-popcount after the first layer, and the float twin is float', () => {
		const r = runRequest(256, 'float', 4, '/data/mnist.bin');
		expect(r.models.map((m) => m.id)).toEqual(['binary', 'float']);
		expect(r.models[0].config.seed).toBe(4);
		const layers = layerKernels(networkSpec(256, 'float'));
		expect(layers.map((l) => [l.name, l.inputs, l.units, l.binary])).toEqual([
			['dense1', 784, 256, false],
			['dense2', 256, 256, true],
			['dense3', 256, 10, true]
		]);
		expect(layerKernels(networkSpec(128, 'sign')).every((l) => l.binary)).toBe(true);
	});

	it('bounds the whole-network speed-up by the float layers (Amdahl)', () => {
		const layers = layerKernels(networkSpec(256, 'float'));
		const total = 784 * 256 + 256 * 256 + 256 * 10;
		expect(binaryShare(layers)).toBeCloseTo((256 * 256 + 2560) / total, 12);
		expect(amdahlBound(layers, 1)).toBe(1);
		// Even infinitely fast binary layers leave the first layer's time.
		expect(amdahlBound(layers, Infinity)).toBeCloseTo(total / (784 * 256), 12);
		expect(amdahlBound(layers, 10)).toBeLessThan(amdahlBound(layers, Infinity));
		expect(amdahlBound(layerKernels(networkSpec(256, 'sign')), 10)).toBeCloseTo(10, 12);
	});

	it('ratios timings', () => {
		const t = (modelId: string, ms: number) => ({
			modelId,
			msPerBatch: ms,
			msPerExample: ms / 256,
			batch: 256,
			repeats: 15,
			packed: modelId === 'binary',
			kernels: ''
		});
		expect(timingRatio([t('binary', 2), t('float', 5)])).toBe(2.5);
		expect(timingRatio([t('float', 5)])).toBeNull();
		expect(timingRatio([t('binary', 0), t('float', 5)])).toBeNull();
	});
});
