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
import { Model } from './model';
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

/** Serialise a model (its inference state: packed bits and float parameters) to the file format above. */
export function exportModel(model: Model, meta: ModelMeta = {}): Uint8Array {
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
	r.u16();
	const L = r.u32();
	if (12 + L + 4 > bytes.length)
		throw new FormatError(`truncated model file: its header says ${L} bytes of JSON follow, but the file is only ${bytes.length} bytes long`);
	const body = bytes.subarray(0, bytes.length - 4);
	const storedCrc = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(bytes.length - 4, true);
	const crcOk = crc32(body) === storedCrc;

	let header: { model: ModelConfig; meta?: ModelMeta };
	let model: Model;
	try {
		header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(r.bytes(L, 'the header')));
		model = new Model(validateModelConfig(header?.model), createRng(0));
	} catch (e) {
		if (!crcOk) throw new FormatError('corrupt model file: the checksum does not match its contents');
		const why = e instanceof ConfigError ? e.message : 'its header is not valid JSON';
		throw new FormatError(`invalid model file: ${why}`);
	}
	const expected = 12 + L + model.memory().packedBytes + 4;
	if (bytes.length < expected)
		throw new FormatError(`truncated model file: this model needs ${expected} bytes but the file has ${bytes.length}`);
	if (bytes.length > expected)
		throw new FormatError(`invalid model file: ${bytes.length - expected} unexpected bytes after the model's ${expected}`);
	if (!crcOk) throw new FormatError('corrupt model file: the checksum does not match its contents');
	const payload = new ByteReader(bytes, bytes.length - 4);
	payload.offset = 12 + L;
	for (const l of model.layers) l.read(payload);
	const meta = header.meta && typeof header.meta === 'object' ? header.meta : {};
	return { model, meta, headerBytes: 12 + L + 4 };
}
