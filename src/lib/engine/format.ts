/**
 * The packed model file: a trained model in the bytes a device would ship.
 *
 *     offset  size  field
 *     0       4     magic "BWNN"
 *     4       2     format version (1), little-endian
 *     6       2     flags (0)
 *     8       4     L, length of the header JSON
 *     12      L     header JSON, UTF-8: { "model": ModelConfig, "meta": {...} }
 *     12+L    P     the layers' stored tensors in order (see Model.memory().tensors):
 *                   binary weights as packed rows of 32-bit words, everything else float32
 *     12+L+P  4     CRC-32 of every byte before it
 *
 * So the file is exactly `packedBytes + 16 + L` bytes: P equals the model's packedBytes
 * figure and the header adds 16 bytes plus the JSON. Reading a truncated, corrupt or
 * foreign file throws a {@link FormatError} that says which.
 */
import { ByteReader, ByteWriter, FormatError } from './bytes';
import { ConfigError, validateModelConfig, type ModelConfig } from './config';
import { crc32 } from './crc32';
import { BatchNorm } from './layers/batchnorm';
import { Model, modelMemory } from './model';
import { createRng } from './rng';

export const MODEL_MAGIC = 'BWNN';
export const MODEL_VERSION = 1;
/** Fixed bytes around the JSON header: magic, version, flags, JSON length, CRC. */
export const MODEL_FIXED_BYTES = 16;

/** Free-form facts stored with a model (data set, seed, accuracy...), shown when it is loaded. */
export type ModelMeta = Record<string, string | number | boolean | null>;

export interface LoadedModel {
	model: Model;
	meta: ModelMeta;
	/** Bytes of the header (fixed part plus JSON). */
	headerBytes: number;
}

/**
 * Largest magnitude a stored value may have. No network trained to a finite loss holds
 * weights, biases, scales or statistics near it; past it, float32 products overflow to
 * infinity within a layer or two. Batch-norm running variances are squares, so theirs is
 * its square.
 */
export const MAX_MAGNITUDE = 1e6;

/** Why a model cannot be stored or used (a value not finite or beyond MAX_MAGNITUDE, naming the tensor), or null. */
export function unusableValue(model: Model): string | null {
	const bad = (name: string, values: ArrayLike<number>, limit: number): string | null => {
		for (let i = 0; i < values.length; i++) {
			const v = values[i];
			if (!Number.isFinite(v)) return `${name} holds a value that is not a finite number`;
			if (Math.abs(v) > limit)
				return `${name} holds ${v.toPrecision(3)}, beyond ±${limit.toLocaleString('en')}: no trained network has values that large`;
		}
		return null;
	};
	for (const p of model.params) {
		const b = bad(p.name, p.value, MAX_MAGNITUDE);
		if (b) return b;
	}
	for (const l of model.layers) {
		if (!(l instanceof BatchNorm)) continue;
		if (l.runningVar.some((v) => !(v >= 0))) return `${l.name} has a negative or missing running variance`;
		const b = bad(`${l.name} running mean`, l.runningMean, MAX_MAGNITUDE) ?? bad(`${l.name} running variance`, l.runningVar, MAX_MAGNITUDE ** 2);
		if (b) return b;
	}
	return null;
}

/** Thrown by {@link exportModel} for a model that a file could not faithfully hold (diverged training). */
export class UnsaveableModelError extends Error {
	constructor(problem: string) {
		super(`this model cannot be saved: ${problem} (its training diverged: reset it, lower the learning rate, and train again)`);
		this.name = 'UnsaveableModelError';
	}
}

/**
 * Serialise a model (its inference state: packed bits and float parameters) to the file
 * format above. Refuses ({@link UnsaveableModelError}) a model holding a value a file
 * could not be read back with, rather than write a file that import would refuse.
 */
export function exportModel(model: Model, meta: ModelMeta = {}): Uint8Array {
	const problem = unusableValue(model);
	if (problem) throw new UnsaveableModelError(problem);
	const json = new TextEncoder().encode(JSON.stringify({ model: model.config, meta }));
	const w = new ByteWriter();
	for (let i = 0; i < 4; i++) w.u8(MODEL_MAGIC.charCodeAt(i));
	w.u16(MODEL_VERSION);
	w.u16(0);
	w.u32(json.length);
	w.bytes(json);
	for (const l of model.layers) l.write(w);
	const body = w.finish();
	const out = new Uint8Array(body.length + 4);
	out.set(body);
	new DataView(out.buffer).setUint32(body.length, crc32(body), true);
	return out;
}

/** Read a model file. Throws FormatError with a plain message for anything that is not a valid, complete file. */
export function importModel(bytes: Uint8Array): LoadedModel {
	if (!(bytes instanceof Uint8Array)) throw new FormatError('expected the bytes of a model file');
	if (bytes.length < MODEL_FIXED_BYTES)
		throw new FormatError(`not a Bitwise model file: it is only ${bytes.length} bytes long (a model file has at least ${MODEL_FIXED_BYTES})`);
	const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
	if (magic !== MODEL_MAGIC) throw new FormatError(`not a Bitwise model file: it should start with "${MODEL_MAGIC}"`);
	const r = new ByteReader(bytes);
	r.offset = 4;
	const version = r.u16();
	if (version !== MODEL_VERSION)
		throw new FormatError(`this model file has format version ${version}; this version of Bitwise reads version ${MODEL_VERSION}`);
	const flags = r.u16();
	const L = r.u32();
	if (12 + L + 4 > bytes.length)
		throw new FormatError(`truncated model file: its header says ${L} bytes of JSON follow, but the file is only ${bytes.length} bytes long`);
	const body = bytes.subarray(0, bytes.length - 4);
	const storedCrc = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(bytes.length - 4, true);
	const crcOk = crc32(body) === storedCrc;

	// Everything is checked against the header before any model is built, so a small
	// hostile file cannot make the reader allocate a large model.
	let header: { model?: unknown; meta?: unknown };
	try {
		header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(r.bytes(L, 'the header')));
	} catch {
		throw new FormatError(crcOk ? 'invalid model file: its header is not valid JSON' : CORRUPT);
	}
	let config: ModelConfig;
	try {
		config = validateModelConfig(header?.model);
	} catch (e) {
		if (!crcOk || !(e instanceof ConfigError)) throw new FormatError(CORRUPT);
		throw new FormatError(`invalid model file: ${e.message}`);
	}
	const expected = 12 + L + modelMemory(config).packedBytes + 4;
	if (bytes.length < expected) throw new FormatError(`truncated model file: this model needs ${expected} bytes but the file has ${bytes.length}`);
	if (bytes.length > expected) throw new FormatError(`invalid model file: ${bytes.length - expected} unexpected bytes after the model's ${expected}`);
	if (!crcOk) throw new FormatError(CORRUPT);
	if (flags !== 0) throw new FormatError('invalid model file: it sets flags this version of Bitwise does not know');

	const model = new Model(config, createRng(0));
	const payload = new ByteReader(bytes, bytes.length - 4);
	payload.offset = 12 + L;
	for (const l of model.layers) l.read(payload);
	const problem = unusableValue(model);
	if (problem) throw new FormatError(`invalid model file: ${problem}`);
	return { model, meta: cleanMeta(header.meta), headerBytes: 12 + L + 4 };
}

const CORRUPT = 'corrupt model file: the checksum does not match its contents';

/** Keep only primitive values of the stored meta object. */
function cleanMeta(raw: unknown): ModelMeta {
	const meta: ModelMeta = {};
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return meta;
	for (const [k, v] of Object.entries(raw))
		if (v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) meta[k] = v;
	return meta;
}
