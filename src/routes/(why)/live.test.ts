import { describe, expect, it } from 'vitest';
import { modelMemory } from '$lib/engine';
import { LIVE_MAX_STEPS, liveMemoryRatio, liveRequest, liveWeightBytes } from './live';

describe('the live network', () => {
	it('asks for a binary network and its float twin on the moons, same seed', () => {
		const r = liveRequest(0.1, 7);
		expect(r.data).toEqual({ kind: 'synthetic', name: 'moons', noise: 0.1, n: 1000, seed: 7 });
		expect(r.models.map((m) => m.id)).toEqual(['binary', 'float']);
		expect(r.models.every((m) => m.config.seed === 7)).toBe(true);
		expect(r.options?.maxSteps).toBe(LIVE_MAX_STEPS);
		const dense = r.models[0].config.model.layers.filter((l) => l.type === 'dense');
		expect(dense.map((l) => (l.type === 'dense' ? [l.units, l.weights, l.input] : null))).toEqual([
			[32, 'float', 'float'],
			[32, 'binary', 'sign'],
			[2, 'binary', 'sign']
		]);
		const twin = r.models[1].config.model.layers.filter((l) => l.type === 'dense');
		expect(twin.every((l) => l.type === 'dense' && l.weights === 'float')).toBe(true);
	});

	it('packs its binary weights 32 to a word; the rest stays 32 bits', () => {
		const b = liveWeightBytes();
		// dense2: 32 x 32 weights, dense3: 2 x 32 weights.
		expect(b.binaryFloat).toBe((32 * 32 + 2 * 32) * 4);
		expect(b.binaryPacked).toBe((32 + 2) * 4);
		const mem = modelMemory(liveRequest(0.1, 1).models[0].config.model);
		expect(b.binaryPacked + b.rest).toBe(mem.packedBytes);
		expect(mem.floatBytes).toBeGreaterThan(3 * mem.packedBytes);
	});

	it('is far under 32 times smaller as a whole: the float first layer and batch norm stay 32-bit', () => {
		const b = liveWeightBytes();
		const whole = (b.binaryFloat + b.rest) / (b.binaryPacked + b.rest);
		expect(liveMemoryRatio()).toBeCloseTo(whole, 12);
		expect(liveMemoryRatio()).toBeGreaterThan(3);
		expect(liveMemoryRatio()).toBeLessThan(8);
	});
});
