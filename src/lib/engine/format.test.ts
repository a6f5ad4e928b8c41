import { describe, expect, it } from 'vitest';
import { exportModel, importModel, MAX_MAGNITUDE, MODEL_FIXED_BYTES, UnsaveableModelError } from './format';
import { FormatError } from './bytes';
import { crc32 } from './crc32';
import { Trainer, evaluateModel } from './train';
import { mlpConfig, type MlpSpec } from './mlp';
import { makeSynthetic } from './data/synthetic';

const data = makeSynthetic('moons', { n: 300, seed: 2 });

function trained(spec: Partial<MlpSpec>) {
	const t = new Trainer(
		{
			model: mlpConfig({ inputSize: 2, classes: 2, hidden: [40, 33], batchnorm: true, ...spec }),
			optimizer: { type: 'adam', lr: 0.01 },
			batchSize: 32,
			seed: 4
		},
		data
	);
	for (let i = 0; i < 20; i++) t.step();
	return t;
}

const specs: Partial<MlpSpec>[] = [
	{},
	{ weights: 'binary', input: 'sign' },
	{ weights: 'scaled', input: 'sign' },
	{ weights: ['float', 'multibase', 'binary'], input: 'multibase', bases: 3, inputBases: 2 },
	{ weights: 'multibase', input: 'float', bases: 2, batchnorm: false }
];

describe('model file', () => {
	for (const spec of specs)
		it(`round-trips ${JSON.stringify(spec)} with identical outputs and size = packedBytes + header`, () => {
			const t = trained(spec);
			const before = evaluateModel(t.model, data, 'test');
			const logitsBefore = Float32Array.from(t.model.forward(data.testX, data.nTest, { training: false }));
			const bytes = exportModel(t.model, { dataset: 'moons', seed: 4 });
			const json = new TextEncoder().encode(JSON.stringify({ model: t.model.config, meta: { dataset: 'moons', seed: 4 } }));
			expect(bytes.length).toBe(t.model.memory().packedBytes + MODEL_FIXED_BYTES + json.length);
			const { model, meta } = importModel(bytes);
			expect(meta).toEqual({ dataset: 'moons', seed: 4 });
			expect(model.config).toEqual(t.model.config);
			const logitsAfter = model.forward(data.testX, data.nTest, { training: false });
			expect(Array.from(logitsAfter)).toEqual(Array.from(logitsBefore));
			expect(evaluateModel(model, data, 'test')).toEqual(before);
		});

	const bytes = exportModel(trained({ weights: 'binary', input: 'sign' }).model);

	it('says a truncated file is truncated, at every cut', () => {
		for (let cut = 0; cut < bytes.length; cut += 7) {
			const f = bytes.slice(0, cut);
			expect(() => importModel(f)).toThrow(FormatError);
			if (cut >= 16) expect(() => importModel(f)).toThrow(/truncated|corrupt/);
		}
		expect(() => importModel(bytes.slice(0, bytes.length - 8))).toThrow(/truncated model file/);
	});

	it('says a flipped byte makes the file corrupt', () => {
		for (const at of [20, bytes.length - 30, bytes.length - 1]) {
			const f = bytes.slice();
			f[at] ^= 0x10;
			expect(() => importModel(f)).toThrow(/corrupt/);
		}
	});

	it('refuses a small file that claims a huge model before allocating it', () => {
		const big = {
			inputSize: 2048,
			classes: 10,
			layers: [
				{ type: 'dense', units: 2048 },
				{ type: 'dense', units: 2048 },
				{ type: 'dense', units: 10 }
			]
		};
		const json = new TextEncoder().encode(JSON.stringify({ model: big, meta: {} }));
		const f = new Uint8Array(12 + json.length + 4);
		f.set([0x42, 0x57, 0x4e, 0x4e, 1, 0, 0, 0]);
		new DataView(f.buffer).setUint32(8, json.length, true);
		f.set(json, 12);
		new DataView(f.buffer).setUint32(f.length - 4, crc32(f.subarray(0, f.length - 4)), true);
		// The size check comes from the header alone (format.ts builds the model only after it).
		expect(() => importModel(f)).toThrow(/truncated model file: this model needs \d+ bytes/);
		const huge = { ...big, layers: Array.from({ length: 40 }, () => ({ type: 'dense', units: 4096 })).concat([{ type: 'dense', units: 10 }]) };
		const hj = new TextEncoder().encode(JSON.stringify({ model: huge }));
		const h = new Uint8Array(12 + hj.length + 4);
		h.set([0x42, 0x57, 0x4e, 0x4e, 1, 0, 0, 0]);
		new DataView(h.buffer).setUint32(8, hj.length, true);
		h.set(hj, 12);
		new DataView(h.buffer).setUint32(h.length - 4, crc32(h.subarray(0, h.length - 4)), true);
		expect(() => importModel(h)).toThrow(/the limit is/);
	});

	it('refuses values that are not finite, even under a valid checksum', () => {
		const t = trained({});
		const f = exportModel(t.model);
		const L = new DataView(f.buffer).getUint32(8, true);
		new DataView(f.buffer).setFloat32(12 + L, NaN, true); // the first weight
		new DataView(f.buffer).setUint32(f.length - 4, crc32(f.subarray(0, f.length - 4)), true);
		expect(() => importModel(f)).toThrow(/dense1.W holds a value that is not a finite number/);
	});

	it('refuses packed rows with bits set past their last column, even under a valid checksum', () => {
		// The binary first layer of `bytes` has 2 inputs: one word per row, 30 bits of padding.
		const f = bytes.slice();
		const L = new DataView(f.buffer).getUint32(8, true);
		f[12 + L] |= 0x04; // bit 2 of row 0: past column 1
		new DataView(f.buffer).setUint32(f.length - 4, crc32(f.subarray(0, f.length - 4)), true);
		expect(() => importModel(f)).toThrow(/dense1 has bits set past the end of row 0/);
	});

	it('refuses to export a diverged model, and to import values no trained network holds', () => {
		const t = trained({});
		t.model.params[0].value[3] = NaN;
		expect(() => exportModel(t.model)).toThrow(UnsaveableModelError);
		expect(() => exportModel(t.model)).toThrow(/cannot be saved: dense1.W holds a value that is not a finite number/);
		t.model.params[0].value[3] = 0.1;
		const f = exportModel(t.model);
		const L = new DataView(f.buffer).getUint32(8, true);
		new DataView(f.buffer).setFloat32(12 + L + 4, 1e38, true); // the second weight
		new DataView(f.buffer).setUint32(f.length - 4, crc32(f.subarray(0, f.length - 4)), true);
		expect(() => importModel(f)).toThrow(/dense1.W holds 1.00e\+38, beyond ±1,000,000/);
		expect(MAX_MAGNITUDE).toBe(1e6);
	});

	it('says a foreign file is not a model file, and a newer version is not readable', () => {
		const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(40).fill(0));
		expect(() => importModel(png)).toThrow(/not a Bitwise model file/);
		expect(() => importModel(new Uint8Array(3))).toThrow(/only 3 bytes/);
		const v2 = bytes.slice();
		v2[4] = 2;
		expect(() => importModel(v2)).toThrow(/format version 2/);
		const extra = new Uint8Array(bytes.length + 4);
		extra.set(bytes);
		expect(() => importModel(extra)).toThrow(FormatError);
	});
});
