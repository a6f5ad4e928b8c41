/**
 * The README's named config for the 2-D sets: sign-binarized hidden layers reach at least
 * 95% test accuracy on every set (the issue asks 95% on circles, xor, gaussians and moons,
 * 85% on spiral). Seed 1, as `npm run train -- --dataset NAME --hidden 64,64 --input sign
 * --batchnorm --estimator approxsign --lr 1e-2 --batch 32 --epochs 150 --seed 1` runs it.
 */
import { describe, expect, it } from 'vitest';
import { SYNTHETIC_NAMES, makeSynthetic } from '../../src/lib/engine/data/synthetic';
import { mlpConfig } from '../../src/lib/engine/mlp';
import { Trainer } from '../../src/lib/engine/train';

const floor: Record<string, number> = { spiral: 0.85, circles: 0.95, xor: 0.95, gaussians: 0.95, moons: 0.95 };

describe('2-D sets with sign-binarized hidden layers (README config)', () => {
	for (const name of SYNTHETIC_NAMES)
		it(`${name}: test accuracy at least ${floor[name] * 100}%`, () => {
			const seed = 1;
			const data = makeSynthetic(name, { seed, noise: 0.1, n: 1000 });
			const t = new Trainer(
				{
					model: mlpConfig({ inputSize: 2, classes: 2, hidden: [64, 64], input: 'sign', batchnorm: true, estimator: 'approxsign' }),
					optimizer: { type: 'adam', lr: 1e-2 },
					batchSize: 32,
					seed
				},
				data,
				{ histogramBins: 0 }
			);
			for (let s = 0; s < 150 * t.stepsPerEpoch; s++) t.step();
			expect(t.evaluate('test').accuracy).toBeGreaterThanOrEqual(floor[name]);
		});
});
