/**
 * The index page's live network: a small binary network beside its float twin on the
 * two moons, the first taste of "one bit can work". The binary network keeps float
 * weights in its first layer (it sees the raw 2-D point) and binary weights with
 * sign-binarized inputs in layers 2 and 3, as most binary networks do.
 */
import { mlpConfig, modelMemory, type MlpSpec } from '$lib/engine';
import type { RunRequest } from '$lib/worker/client.svelte';
import { floatTwin } from '$lib/worker/twin';

export const LIVE_HIDDEN = [32, 32] as const;
/** Training stops by itself after this many steps: the index page should not spin a core forever. */
export const LIVE_MAX_STEPS = 3000;

export function liveSpec(): MlpSpec {
	return {
		inputSize: 2,
		classes: 2,
		hidden: [...LIVE_HIDDEN],
		weights: ['float', 'binary', 'binary'],
		input: ['float', 'sign', 'sign'],
		batchnorm: true,
		estimator: 'approxsign'
	};
}

/** The worker run: the binary network and its float twin, same data, same seed. */
export function liveRequest(noise: number, seed: number): RunRequest {
	const spec = liveSpec();
	const optimizer = { type: 'adam', lr: 0.01 } as const;
	return {
		data: { kind: 'synthetic', name: 'moons', noise, n: 1000, seed },
		models: [
			{ id: 'binary', label: 'Binary network', config: { model: mlpConfig(spec), optimizer, batchSize: 32, seed } },
			{ id: 'float', label: 'Float twin', config: { model: mlpConfig(floatTwin(spec)), optimizer, batchSize: 32, seed } }
		],
		options: { boundaryResolution: 40, histogramBins: 0, evalEvery: 50, samples: 0, autoplay: true, maxSteps: LIVE_MAX_STEPS }
	};
}

export interface WeightBytes {
	/** The binary layers' weights as float32, and packed one bit each (rows padded to 32-bit words). */
	binaryFloat: number;
	binaryPacked: number;
	/** Everything else the model stores (first-layer weights, batch-norm statistics, biases), 32 bits each. */
	rest: number;
}

/** Where the live binary network's bytes go, from the engine's own storage plan. */
export function liveWeightBytes(): WeightBytes {
	const mem = modelMemory(mlpConfig(liveSpec()));
	let binaryFloat = 0,
		binaryPacked = 0,
		rest = 0;
	for (const t of mem.tensors) {
		if (t.kind === 'bits') {
			binaryFloat += t.floatBytes;
			binaryPacked += t.packedBytes;
		} else rest += t.packedBytes;
	}
	return { binaryFloat, binaryPacked, rest };
}

/**
 * How many times smaller the whole live binary network is packed than stored as float32:
 * floatBytes / packedBytes over every tensor it stores, from the engine's storage plan.
 * Well under 32, because its first layer and batch-norm statistics stay 32-bit.
 */
export function liveMemoryRatio(): number {
	const mem = modelMemory(mlpConfig(liveSpec()));
	return mem.floatBytes / mem.packedBytes;
}
