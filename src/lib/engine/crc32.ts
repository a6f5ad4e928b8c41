/**
 * CRC-32 checksums for the engine's binary files (the MNIST asset and the packed
 * model file), so a truncated download or a flipped bit is reported as corruption
 * instead of silently producing a wrong network or wrong digits.
 *
 * The variant is the common IEEE 802.3 / zlib / PNG one: reflected polynomial
 * 0xEDB88320, initial value 0xFFFFFFFF, final XOR 0xFFFFFFFF. Its check value,
 * `crc32(bytes('123456789'))`, is 0xCBF43926, so files can be verified with any
 * standard tool (`zlib.crc32`, Python's `zlib.crc32`, `crc32` on the shell).
 *
 * `scripts/build-data.mjs` carries a small copy (plain node cannot import
 * TypeScript); a test checks that the two agree.
 */

let table: Uint32Array | undefined;

/** The 256-entry byte table, built on first use (1 KiB, about 2k operations). */
function crcTable(): Uint32Array {
	if (table) return table;
	table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	return table;
}

/**
 * CRC-32 (IEEE, as in zlib and PNG) of `bytes`, as an unsigned 32-bit integer.
 *
 * Pass the previous result as `crc` to continue over a stream in pieces:
 * `crc32(b, crc32(a))` equals `crc32(a ++ b)`. The default `crc = 0` starts fresh.
 *
 * @param bytes data to checksum (any length, any byteOffset)
 * @param crc   checksum of the data before `bytes`, or 0 to start
 * @returns     the checksum in [0, 2^32)
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
	const t = crcTable();
	let c = ~crc >>> 0;
	for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
	return ~c >>> 0;
}
