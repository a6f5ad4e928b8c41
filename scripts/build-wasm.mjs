#!/usr/bin/env node
// Compiles the hand-written WebAssembly text of src/lib/engine/wasm/ with wabt into
// src/lib/engine/wasm/gemm.generated.ts, a git-ignored TypeScript module exporting each
// binary as a base64 string, which the engine instantiates synchronously:
//   gemm.wat         -> GEMM_WASM_BASE64          float32 GEMMs, SIMD (gemm-simd.ts)
//   bits.wat         -> BITS_WASM_BASE64          binary GEMM, SIMD i8x16.popcnt (bits-simd.ts)
//   bits-relaxed.wat -> BITS_RELAXED_WASM_BASE64  binary GEMM, relaxed SIMD (bits-simd.ts)
//   train.wat        -> TRAIN_WASM_BASE64         a training step's elementwise kernels (train-simd.ts)
//   sparse.wat       -> SPARSE_WASM_BASE64        a conv layer's sparse backward products (sparse-simd.ts)
//   norm.wat         -> NORM_WASM_BASE64          batch norm's passes (norm-simd.ts)
// Run by the postinstall, prebuild and pretest hooks.
//
// Skips the work (in a few milliseconds, without loading wabt) when the generated file
// records the SHA-256 of the current .wat files, this script and the wabt version, so it
// does not depend on file times, which git checkouts and npm reset. `--force`
// rebuilds regardless. Plain node ESM; wabt is a devDependency.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WASM_DIR = join(ROOT, 'src', 'lib', 'engine', 'wasm');
/** The float GEMM source (kept for callers of the first version of this script). */
export const WAT_PATH = join(WASM_DIR, 'gemm.wat');
/**
 * Every module: its source, the constant prefix it is exported under, and the
 * WebAssembly proposals wabt must accept in it.
 * @type {{ file: string, name: string, features: Record<string, boolean> }[]}
 */
export const MODULES = [
	{ file: 'gemm.wat', name: 'GEMM', features: { simd: true } },
	{ file: 'bits.wat', name: 'BITS', features: { simd: true } },
	{ file: 'bits-relaxed.wat', name: 'BITS_RELAXED', features: { simd: true, relaxed_simd: true } },
	{ file: 'train.wat', name: 'TRAIN', features: { simd: true } },
	{ file: 'sparse.wat', name: 'SPARSE', features: { simd: true } },
	{ file: 'norm.wat', name: 'NORM', features: { simd: true } }
];
export const OUT_PATH = join(ROOT, 'src', 'lib', 'engine', 'wasm', 'gemm.generated.ts');

/**
 * Chrome refuses synchronous `new WebAssembly.Module` on the main thread above 4 KB;
 * the engine may be imported there, so each module must stay below it.
 */
export const MAX_BYTES = 4096;

/** The version of the installed wabt package, or null if it is not installed. */
function wabtVersion() {
	try {
		const require = createRequire(import.meta.url);
		return String(JSON.parse(readFileSync(require.resolve('wabt/package.json'), 'utf8')).version);
	} catch {
		return null;
	}
}

/**
 * SHA-256 over everything the output depends on.
 * @param {string[]} wats
 * @param {string | null} wabt
 */
function sourceHash(wats, wabt) {
	const h = createHash('sha256');
	for (const wat of wats) {
		h.update(wat);
		h.update('\0');
	}
	h.update(readFileSync(fileURLToPath(import.meta.url)));
	h.update('\0');
	h.update(String(wabt));
	return h.digest('hex');
}

/**
 * Assemble WebAssembly text to a validated binary.
 * @param {string} wat
 * @param {Record<string, boolean>} [features] proposals to accept (default: SIMD)
 * @param {string} [name] file name for error messages
 * @returns {Promise<Uint8Array>}
 */
export async function assemble(wat, features = { simd: true }, name = 'gemm.wat') {
	const require = createRequire(import.meta.url);
	/** @type {() => Promise<any>} */
	const init = require('wabt');
	const wabt = await init();
	const mod = wabt.parseWat(name, wat, features);
	try {
		mod.resolveNames();
		mod.validate();
		return new Uint8Array(mod.toBinary({ log: false, write_debug_names: false }).buffer);
	} finally {
		mod.destroy();
	}
}

/**
 * Make sure OUT_PATH is current; rebuild it if not.
 * @param {{ force?: boolean }} [opts]
 * @returns {Promise<{ wrote: boolean, reason: string, bytes: number }>}
 */
export async function ensureWasm({ force = false } = {}) {
	const wats = MODULES.map((m) => readFileSync(join(WASM_DIR, m.file), 'utf8'));
	const wabt = wabtVersion();
	const hash = sourceHash(wats, wabt);
	let reason = force ? 'forced' : 'missing';
	if (!force && existsSync(OUT_PATH)) {
		const existing = readFileSync(OUT_PATH, 'utf8');
		const sizes = [...existing.matchAll(/_WASM_BYTES = (\d+);/g)].map((x) => Number(x[1]));
		const bytes = sizes.length === MODULES.length ? sizes.reduce((a, b) => a + b, 0) : null;
		if (existing.includes(`// source sha256: ${hash}\n`) && bytes !== null) return { wrote: false, reason: 'up to date', bytes };
		// Without wabt (a production install) existing modules are better than none.
		if (!wabt && bytes !== null) return { wrote: false, reason: 'wabt is not installed; kept the existing modules', bytes };
		reason = 'out of date';
	}
	if (!wabt) throw new Error('the `wabt` package is not installed (it is a devDependency; run npm install)');
	let text =
		`// Generated by scripts/build-wasm.mjs from ${MODULES.map((m) => m.file).join(', ')}; do not edit (git-ignored).\n` + `// source sha256: ${hash}\n`;
	let total = 0;
	for (let i = 0; i < MODULES.length; i++) {
		const { file, name, features } = MODULES[i];
		const bin = await assemble(wats[i], features, file);
		if (bin.length > MAX_BYTES) throw new Error(`${file} assembles to ${bin.length} bytes; keep it under ${MAX_BYTES} for synchronous compilation`);
		total += bin.length;
		text +=
			`/** The size of the module compiled from ${file}, in bytes. */\n` +
			`export const ${name}_WASM_BYTES = ${bin.length};\n` +
			`/** The WebAssembly binary of ${file}, base64-encoded. */\n` +
			`export const ${name}_WASM_BASE64 =\n\t'${Buffer.from(bin).toString('base64')}';\n`;
	}
	// Write then rename, so a concurrent reader or an interrupted run never sees half a file.
	const tmp = `${OUT_PATH}.${process.pid}.tmp`;
	writeFileSync(tmp, text);
	renameSync(tmp, OUT_PATH);
	return { wrote: true, reason, bytes: total };
}

async function main() {
	const r = await ensureWasm({ force: process.argv.includes('--force') });
	const where = relative(process.cwd(), OUT_PATH) || OUT_PATH;
	console.log(
		r.wrote ? `build-wasm: wrote ${where} (${r.bytes} bytes of wasm; was ${r.reason})` : `build-wasm: ${where} is ${r.reason} (${r.bytes} bytes of wasm)`
	);
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
	main().catch((e) => {
		console.error(`build-wasm: ${e instanceof Error ? e.message : e}`);
		process.exit(1);
	});
}
