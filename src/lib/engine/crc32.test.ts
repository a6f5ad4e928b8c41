import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32';
import { createRng } from './rng';
import { crc32 as scriptCrc32 } from '../../../scripts/build-data.mjs';

/** Bit-at-a-time CRC-32 straight from the definition (no table), as the reference. */
function crc32Reference(bytes: Uint8Array): number {
	let c = 0xffffffff;
	for (const b of bytes) {
		c ^= b;
		for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
	}
	return (c ^ 0xffffffff) >>> 0;
}

function randomBytes(seed: number, n: number): Uint8Array {
	const rng = createRng(seed);
	const b = new Uint8Array(n);
	for (let i = 0; i < n; i++) b[i] = rng.int(256);
	return b;
}

describe('crc32', () => {
	it('matches the standard check values', () => {
		expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
		expect(crc32(new Uint8Array(0))).toBe(0);
		expect(crc32(new TextEncoder().encode('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
	});

	it('agrees with the bitwise definition on random data of random lengths', () => {
		for (let s = 0; s < 40; s++) {
			const b = randomBytes(s, createRng(1000 + s).int(300));
			expect(crc32(b)).toBe(crc32Reference(b));
		}
	});

	it('continues over pieces: crc32(b, crc32(a)) = crc32(a ++ b)', () => {
		const all = randomBytes(7, 1000);
		for (const cut of [0, 1, 31, 500, 999, 1000]) {
			expect(crc32(all.subarray(cut), crc32(all.subarray(0, cut)))).toBe(crc32(all));
		}
	});

	it('respects subarray views (byteOffset)', () => {
		const all = randomBytes(8, 200);
		expect(crc32(all.subarray(13, 77))).toBe(crc32(all.slice(13, 77)));
	});

	it('detects every single-bit flip in a small buffer', () => {
		const b = randomBytes(9, 64);
		const c = crc32(b);
		for (let i = 0; i < b.length * 8; i++) {
			b[i >>> 3] ^= 1 << (i & 7);
			expect(crc32(b)).not.toBe(c);
			b[i >>> 3] ^= 1 << (i & 7);
		}
	});

	it("agrees with scripts/build-data.mjs's own copy", () => {
		for (let s = 0; s < 20; s++) {
			const b = randomBytes(100 + s, s * 37);
			expect(scriptCrc32(b)).toBe(crc32(b));
		}
	});
});
