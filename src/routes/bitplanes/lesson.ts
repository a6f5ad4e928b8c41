/**
 * The bitplanes lesson's logic: grey levels from the worker's sample digits, their
 * bit planes and what a subset of planes rebuilds, the sign plane, the packing of a
 * row into 32-bit words, the live network's memory per layer, and the bit-serial dot
 * product term by term. Everything here calls the engine; nothing is slow (a digit
 * is 784 values, a vector at most a few hundred).
 */
import {
	andPopcount,
	bitSerialDot,
	createRng,
	fromBitPlanes,
	mlpConfig,
	modelMemory,
	mse,
	packSigns,
	sqnrDb,
	toBitPlanes,
	wordsFor,
	type MlpSpec
} from '$lib/engine';
import type { FieldSpec } from '$lib/notebook';
import type { RunRequest } from '$lib/worker/client.svelte';
import { floatTwin } from '$lib/worker/twin';

export const PIXELS = 784;
export const SIDE = 28;
/** Planes of an 8-bit grey level. */
export const BITS = 8;
export const WIDTHS = [16, 32, 64, 128, 256, 512] as const;

export const FIELDS = [
	/** Which of the 12 sample test digits. */
	{ name: 'digit', type: 'int', default: 0, min: 0, max: 11 },
	/** Kept planes as a mask: bit i set keeps plane i (default: the top four). */
	{ name: 'keep', type: 'int', default: 0xf0, min: 0, max: 255 },
	/** What to pack: a row of the digit or a random vector. */
	{ name: 'pack', type: 'enum', default: 'row', options: ['row', 'random'] },
	{ name: 'row', type: 'int', default: 14, min: 0, max: 27 },
	{ name: 'len', type: 'int', default: 45, min: 1, max: 100 },
	/** The live network's hidden width. */
	{ name: 'width', type: 'int', default: 128, min: 16, max: 512 },
	/** Bit-serial dot product: bits per value and vector length. */
	{ name: 'k', type: 'int', default: 3, min: 1, max: 8 },
	{ name: 'n', type: 'int', default: 10, min: 1, max: 64 },
	/** Seed of the random vectors (packing and bit-serial), apart from the network's seed. */
	{ name: 'vseed', type: 'int', default: 1, min: 0, max: 4294967295 }
] as const satisfies readonly FieldSpec[];

// ---------------------------------------------------------------------------
// Digits and planes.

/** 8-bit grey levels (0 = paper, 255 = ink) of image `index` of `images` ([count, 784] in [-1, 1]). */
export function greyLevels(images: Float32Array, index: number): Uint8Array {
	const out = new Uint8Array(PIXELS);
	const off = index * PIXELS;
	for (let i = 0; i < PIXELS; i++) {
		const v = Math.round(((images[off + i] + 1) / 2) * 255);
		out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
	}
	return out;
}

/** Plane i's bits as 0/1 floats, one per pixel (to draw). */
export function planePixels(plane: Uint32Array, n = PIXELS): Float32Array {
	const out = new Float32Array(n);
	for (let j = 0; j < n; j++) out[j] = (plane[j >>> 5] >>> (j & 31)) & 1;
	return out;
}

/** Whether plane i is kept in `mask`. */
export const kept = (mask: number, i: number): boolean => ((mask >>> i) & 1) === 1;

/** The mask keeping the top k of `bits` planes. */
export function topMask(k: number, bits = BITS): number {
	const kk = Math.max(0, Math.min(bits, Math.round(k)));
	return ((1 << bits) - 1) & ~((1 << (bits - kk)) - 1);
}

/** Mask with plane i flipped. */
export const toggled = (mask: number, i: number): number => (mask ^ (1 << i)) & 0xff;

/** Rebuild values from the kept planes only (dropped planes count as all zeros). */
export function rebuild(planes: readonly Uint32Array[], mask: number, n: number): Uint32Array {
	const zero = new Uint32Array(wordsFor(n));
	return fromBitPlanes(
		planes.map((p, i) => (kept(mask, i) ? p : zero)),
		n
	);
}

export interface PlaneError {
	/** Mean squared error in grey levels squared. */
	mse: number;
	/** Signal-to-quantisation-noise ratio, dB (Infinity when exact). */
	sqnr: number;
	/** Peak signal-to-noise ratio, 10 log10(255^2 / MSE), dB. */
	psnr: number;
}

/** The rebuilt image's error against the original (engine's mse and sqnrDb). */
export function planeError(original: ArrayLike<number>, rebuilt: ArrayLike<number>): PlaneError {
	const m = mse(original, rebuilt);
	return { mse: m, sqnr: sqnrDb(original, rebuilt), psnr: m === 0 ? Infinity : 10 * Math.log10((255 * 255) / m) };
}

/** MSE when keeping the top k planes, k = 0..bits. */
export function topKCurve(grey: Uint8Array, planes: readonly Uint32Array[]): number[] {
	return Array.from({ length: planes.length + 1 }, (_, k) => mse(grey, rebuild(planes, topMask(k, planes.length), grey.length)));
}

/** The binarization: +1 where the grey level is at least the middle grey (128), else -1. */
export function signPlane(grey: ArrayLike<number>): Float32Array {
	const out = new Float32Array(grey.length);
	for (let i = 0; i < grey.length; i++) out[i] = grey[i] - 128 >= 0 ? 1 : -1;
	return out;
}

// ---------------------------------------------------------------------------
// Packing.

/** Centred values of one image row: grey - 128, so the engine's sign gives the sign plane. */
export function rowValues(grey: ArrayLike<number>, row: number): Float32Array {
	const out = new Float32Array(SIDE);
	for (let c = 0; c < SIDE; c++) out[c] = grey[row * SIDE + c] - 128;
	return out;
}

/** n standard-normal values from `seed` (the values a layer's latent weights might hold). */
export function randomVector(n: number, seed: number): Float32Array {
	const rng = createRng(seed);
	return Float32Array.from({ length: n }, () => rng.normal());
}

export interface PackedWord {
	index: number;
	/** The word as the engine stores it, in hexadecimal (8 digits). */
	hex: string;
	/** Elements it holds and tail bits (always 0) past the vector's end. */
	used: number;
	tail: number;
}

/** The words of `packed` (the engine's Uint32Array) for an n-element vector. */
export function packedWords(packed: Uint32Array, n: number): PackedWord[] {
	return Array.from(packed.subarray(0, wordsFor(n)), (w, index) => {
		const used = Math.min(32, n - index * 32);
		return { index, hex: w.toString(16).padStart(8, '0'), used, tail: 32 - used };
	});
}

/** Pack `values` with the engine; the words and byte counts, float32 vs packed. */
export function packSummary(values: Float32Array): { packed: Uint32Array; words: PackedWord[]; floatBytes: number; packedBytes: number } {
	const packed = packSigns(values);
	return { packed, words: packedWords(packed, values.length), floatBytes: 4 * values.length, packedBytes: 4 * packed.length };
}

// ---------------------------------------------------------------------------
// The live network.

/** The binary network: binary weights everywhere, sign inputs after the first layer, batch norm. */
export function networkSpec(width: number): MlpSpec {
	return {
		inputSize: PIXELS,
		classes: 10,
		hidden: [width],
		weights: 'binary',
		input: ['float', 'sign'],
		batchnorm: true,
		estimator: 'clipped'
	};
}

export function runRequest(width: number, seed: number, mnistUrl: string, autoplay: boolean): RunRequest {
	const spec = networkSpec(width);
	const train = (s: MlpSpec, lr: number) => ({ model: mlpConfig(s), optimizer: { type: 'adam', lr } as const, batchSize: 64, seed });
	return {
		data: { kind: 'mnist', seed, url: mnistUrl },
		models: [
			{ id: 'binary', label: 'Binary network', config: train(spec, 1e-2) },
			{ id: 'float', label: 'Float twin', config: train(floatTwin(spec), 1e-3) }
		],
		options: { histogramBins: 0, evalEvery: 25, samples: 12, autoplay, maxSteps: 3000 }
	};
}

export interface LayerMemory {
	layer: string;
	tensors: { name: string; kind: 'bits' | 'f32'; values: number; floatBytes: number; packedBytes: number }[];
	floatBytes: number;
	packedBytes: number;
}

/** The binary network's memory per layer (from its config alone, by the engine's modelMemory). */
export function memoryByLayer(width: number): { layers: LayerMemory[]; floatBytes: number; packedBytes: number } {
	const mem = modelMemory(mlpConfig(networkSpec(width)));
	const layers: LayerMemory[] = [];
	for (const t of mem.tensors) {
		const layer = t.name.split('.')[0];
		let l = layers.at(-1);
		if (!l || l.layer !== layer) layers.push((l = { layer, tensors: [], floatBytes: 0, packedBytes: 0 }));
		l.tensors.push({ name: t.name, kind: t.kind, values: t.values, floatBytes: t.floatBytes, packedBytes: t.packedBytes });
		l.floatBytes += t.floatBytes;
		l.packedBytes += t.packedBytes;
	}
	return { layers, floatBytes: mem.floatBytes, packedBytes: mem.packedBytes };
}

/** Sizes in SI units (1 kB = 1000 B), as on every page: see $lib/format. */
export { formatBytes } from '$lib/format';

// ---------------------------------------------------------------------------
// Bit-serial dot product.

/** n unsigned k-bit integers from `seed`. */
export function randomInts(n: number, k: number, seed: number): Uint32Array {
	const rng = createRng(seed);
	return Uint32Array.from({ length: n }, () => rng.int(2 ** k));
}

export interface SerialTerm {
	/** Plane of a and plane of b. */
	i: number;
	j: number;
	/** popcount(a_i AND b_j). */
	count: number;
	/** 2^(i+j) * count. */
	term: number;
}

export interface BitSerial {
	a: Uint32Array;
	b: Uint32Array;
	aPlanes: Uint32Array[];
	bPlanes: Uint32Array[];
	terms: SerialTerm[];
	/** Sum of the terms. */
	sum: number;
	/** The engine's bitSerialDot. */
	engine: number;
	/** The plain integer dot product, sum_t a_t b_t. */
	plain: number;
}

/** Two seeded vectors of n k-bit integers and their dot product three ways. */
export function bitSerial(n: number, k: number, seed: number): BitSerial {
	const a = randomInts(n, k, seed);
	const b = randomInts(n, k, seed + 1);
	const aPlanes = toBitPlanes(a, k);
	const bPlanes = toBitPlanes(b, k);
	const words = wordsFor(n);
	const terms: SerialTerm[] = [];
	// toBitPlanes leaves the tail bits 0, so whole words count only the n elements.
	for (let i = 0; i < k; i++)
		for (let j = 0; j < k; j++) {
			const count = andPopcount(aPlanes[i], bPlanes[j], words);
			terms.push({ i, j, count, term: 2 ** (i + j) * count });
		}
	let plain = 0;
	for (let t = 0; t < n; t++) plain += a[t] * b[t];
	return {
		a,
		b,
		aPlanes,
		bPlanes,
		terms,
		sum: terms.reduce((s, t) => s + t.term, 0),
		engine: bitSerialDot(aPlanes, bPlanes, n),
		plain
	};
}

/** Bit i of element t of a plane. */
export const bitOf = (plane: Uint32Array, t: number): number => (plane[t >>> 5] >>> (t & 31)) & 1;
