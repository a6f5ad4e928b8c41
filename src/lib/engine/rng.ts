/**
 * Seeded pseudo-random numbers. Every random draw in the engine goes through an
 * {@link Rng} passed in by the caller, so the same seed replays the same run in
 * node, in the CLI and in the browser worker. Nothing here touches `Math.random`.
 *
 * The generator is xoshiro128** (Blackman & Vigna, 2018): 128 bits of state,
 * 32-bit outputs, period 2^128 - 1. The state is seeded from a 32-bit integer by
 * splitmix32, so that nearby seeds (1, 2, 3 ...) give unrelated streams.
 */

/** A seeded random source. All methods advance the same underlying stream. */
export interface Rng {
	/** Next 32-bit unsigned integer, uniform on [0, 2^32). */
	nextU32(): number;
	/** Uniform float on [0, 1), with 32 bits of resolution. */
	float(): number;
	/** Uniform integer on [0, n), for 1 <= n <= 2^32 (rejection sampling: no modulo bias). */
	int(n: number): number;
	/** Standard normal N(0, 1) by the Box-Muller transform. */
	normal(): number;
	/** Uniform float on [lo, hi). */
	uniform(lo: number, hi: number): number;
	/** Shuffle `a` in place (Fisher-Yates) and return it. */
	shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T;
	/** A new generator seeded from this one's stream (for independent sub-streams). */
	fork(): Rng;
	/** The 4-word state, for saving and restoring a stream exactly. */
	state(): Uint32Array;
}

function splitmix32(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x9e3779b9) >>> 0;
		let z = s;
		z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
		z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
		return (z ^ (z >>> 16)) >>> 0;
	};
}

/**
 * Create a generator from an integer seed (any JS number; it is reduced to 32 bits)
 * or from a saved 4-word state.
 */
export function createRng(seed: number | Uint32Array): Rng {
	const s = new Uint32Array(4);
	if (typeof seed === 'number') {
		if (!Number.isFinite(seed)) throw new RangeError(`rng seed must be a finite number, got ${seed}`);
		const sm = splitmix32(Math.trunc(seed) >>> 0);
		for (let i = 0; i < 4; i++) s[i] = sm();
	} else {
		if (seed.length !== 4) throw new RangeError('rng state must have 4 words');
		s.set(seed);
	}
	// xoshiro's all-zero state is a fixed point; splitmix never yields it, but a restored state could.
	if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;

	let spare = NaN; // second Box-Muller value, kept for the next call

	const nextU32 = (): number => {
		const r = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
		const t = s[1] << 9;
		s[2] ^= s[0];
		s[3] ^= s[1];
		s[1] ^= s[2];
		s[0] ^= s[3];
		s[2] ^= t;
		s[3] = rotl(s[3], 11);
		return r;
	};

	const float = (): number => nextU32() / 4294967296;

	const rng: Rng = {
		nextU32,
		float,
		int(n: number): number {
			if (!(n >= 1 && n <= 4294967296)) throw new RangeError(`rng.int needs 1 <= n <= 2^32, got ${n}`);
			n = Math.floor(n);
			// Largest multiple of n below 2^32: draws at or above it are rejected.
			const limit = 4294967296 - (4294967296 % n);
			let x: number;
			do x = nextU32();
			while (x >= limit);
			return x % n;
		},
		normal(): number {
			if (!Number.isNaN(spare)) {
				const v = spare;
				spare = NaN;
				return v;
			}
			let u = 0;
			while (u === 0) u = float(); // log(0) is -Infinity
			const v = float();
			const r = Math.sqrt(-2 * Math.log(u));
			spare = r * Math.sin(2 * Math.PI * v);
			return r * Math.cos(2 * Math.PI * v);
		},
		uniform(lo: number, hi: number): number {
			return lo + (hi - lo) * float();
		},
		shuffle(a) {
			for (let i = a.length - 1; i > 0; i--) {
				const j = rng.int(i + 1);
				const t = a[i];
				a[i] = a[j];
				a[j] = t;
			}
			return a;
		},
		fork(): Rng {
			return createRng(new Uint32Array([nextU32(), nextU32(), nextU32(), nextU32()]));
		},
		state(): Uint32Array {
			return s.slice();
		}
	};
	return rng;
}

function rotl(x: number, k: number): number {
	return ((x << k) | (x >>> (32 - k))) >>> 0;
}
