// Generative checks of the model file reader: whatever bytes arrive, it answers with a
// model or a FormatError, never another exception, and never allocates what the file
// cannot back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from './bytes';
import { crc32 } from './crc32';
import { makeSynthetic } from './data/synthetic';
import { exportModel, importModel, MODEL_FIXED_BYTES } from './format';
import { mlpConfig, type MlpSpec } from './mlp';
import { Trainer } from './train';

const data = makeSynthetic('moons', { n: 120, seed: 3 });
const specs: Partial<MlpSpec>[] = [
	{ weights: 'binary', input: 'sign' },
	{ weights: 'scaled', input: 'sign', batchnorm: true },
	{ weights: ['float', 'multibase', 'binary'], input: 'multibase', bases: 2, inputBases: 2, batchnorm: true }
];
const files = specs.map((spec) => {
	const t = new Trainer(
		{ model: mlpConfig({ inputSize: 2, classes: 2, hidden: [37, 5], ...spec }), optimizer: { type: 'adam', lr: 0.01 }, batchSize: 16, seed: 2 },
		data
	);
	for (let i = 0; i < 5; i++) t.step();
	return exportModel(t.model, { dataset: 'moons', seed: 2 });
});

/** Import, and report what happened: 'ok', 'format' (a FormatError), or the foreign exception. */
function tryImport(bytes: Uint8Array): { kind: 'ok'; bytes: Uint8Array } | { kind: 'format' } {
	try {
		const { model, meta } = importModel(bytes);
		return { kind: 'ok', bytes: exportModel(model, meta) };
	} catch (e) {
		if (e instanceof FormatError) return { kind: 'format' };
		throw e; // fails the property with the foreign exception
	}
}

const withCrc = (f: Uint8Array): Uint8Array => {
	new DataView(f.buffer, f.byteOffset).setUint32(f.length - 4, crc32(f.subarray(0, f.length - 4)), true);
	return f;
};

const mutations = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 });

describe('model file, generatively', () => {
	it('refuses any changed byte with a FormatError: the checksum sees it', () => {
		fc.assert(
			fc.property(fc.nat(files.length - 1), mutations, (which, muts) => {
				const f = files[which].slice();
				for (const [at, v] of muts) f[at % f.length] = v;
				const r = tryImport(f);
				if (f.every((b, i) => b === files[which][i])) expect(r.kind).toBe('ok');
				else expect(r.kind).toBe('format');
			}),
			{ numRuns: 300 }
		);
	});

	it('behind a valid checksum, any change gives a FormatError or a model whose tensors are exactly the file’s', () => {
		// The JSON header may be read leniently (an unknown key is ignored and the default
		// written back), so the tensors are compared byte for byte, and the header must be
		// a fixed point: the model written back reads back to the same bytes.
		const tensors = (b: Uint8Array) => Array.from(b.subarray(12 + new DataView(b.buffer, b.byteOffset).getUint32(8, true), b.length - 4));
		fc.assert(
			fc.property(fc.nat(files.length - 1), mutations, (which, muts) => {
				const f = files[which].slice();
				for (const [at, v] of muts) f[at % (f.length - 4)] = v;
				const r = tryImport(withCrc(f));
				if (r.kind !== 'ok') return;
				expect(tensors(r.bytes)).toEqual(tensors(f));
				const again = tryImport(r.bytes);
				expect(again.kind === 'ok' && Array.from(again.bytes)).toEqual(Array.from(r.bytes));
			}),
			{ numRuns: 400 }
		);
	});

	it('answers any short or random byte string with a FormatError', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (body, magic) => {
				const f = new Uint8Array(body.length + (magic ? MODEL_FIXED_BYTES : 0));
				if (magic) f.set([0x42, 0x57, 0x4e, 0x4e, 1, 0, 0, 0]);
				f.set(body, magic ? 8 : 0);
				expect(tryImport(magic && f.length >= MODEL_FIXED_BYTES ? withCrc(f) : f).kind).toBe('format');
			}),
			{ numRuns: 300 }
		);
	});
});
