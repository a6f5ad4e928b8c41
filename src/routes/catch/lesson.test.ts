import { describe, expect, it } from 'vitest';
import { Model, createRng, exportModel, mlpConfig } from '$lib/engine';
import {
	STEPS,
	binarySpec,
	binaryWeights,
	firstReach,
	floatSpec,
	gapPoints,
	hardLabel,
	raceRequest,
	readTeacher,
	recordGap,
	studentsRequest,
	teacherSoftTargets,
	widerRequest,
	widthRows
} from './lesson';

const fileOf = (width: number, spec = floatSpec) => exportModel(new Model(mlpConfig(spec(width)), createRng(3)), { dataset: 'mnist', seed: 1 });

describe('the runs', () => {
	it('race a float and a binary network of one shape, same seed and budget, float at lr 1e-3 and binary at 1e-2', () => {
		const r = raceRequest(64, 7, '/d.bin');
		expect(r.models.map((m) => m.id)).toEqual(['float', 'binary']);
		const [f, b] = r.models.map((m) => m.config);
		expect(f.model.layers.filter((l) => l.type === 'dense').map((l) => (l.type === 'dense' ? l.units : 0))).toEqual([64, 64, 10]);
		expect(b.model.layers.filter((l) => l.type === 'dense').every((l) => l.type === 'dense' && l.weights === 'binary')).toBe(true);
		expect([f.seed, b.seed, r.data.seed]).toEqual([7, 7, 7]);
		expect([f.optimizer.lr, b.optimizer.lr]).toEqual([1e-3, 1e-2]);
		expect(r.options?.maxSteps).toBe(STEPS);
	});

	it('give the students one teacher: the initialised one only when asked, the distilled one with a and T', () => {
		const t = new Uint8Array([1, 2, 3]);
		const all = studentsRequest(32, 1, '/d.bin', t, { alpha: 0.3, temperature: 6 }, true);
		expect(all.teacher).toBe(t);
		expect(all.models.map((m) => [m.id, m.init ?? null, m.distill ?? null])).toEqual([
			['scratch', null, null],
			['init', 'teacher', null],
			['kd', null, { alpha: 0.3, temperature: 6 }]
		]);
		expect(studentsRequest(32, 1, '/d.bin', t, { alpha: 0.3, temperature: 6 }, false).models.map((m) => m.id)).toEqual(['scratch', 'kd']);
	});

	it('widen the binary network two and four times', () => {
		const r = widerRequest(32, 1, '/d.bin');
		expect(r.models.map((m) => m.config.model.layers.find((l) => l.type === 'dense'))).toMatchObject([{ units: 64 }, { units: 128 }]);
	});
});

describe('firstReach', () => {
	const h = { step: [0, 25, 50, 75], accuracy: [0.1, 0.6, 0.85, 0.8], trainMs: [0, 100, 210, 330], length: 4 };
	it('is the first evaluation at or above the target, with the training seconds by then', () => {
		expect(firstReach(h, 0.6)).toEqual({ step: 25, seconds: 0.1, accuracy: 0.6 });
		expect(firstReach(h, 0.82)).toEqual({ step: 50, seconds: 0.21, accuracy: 0.85 });
		expect(firstReach(h, 0.9)).toBeNull();
	});
});

describe('the teacher', () => {
	it('reads a model file, and says whether it can initialise the students', () => {
		const t = readTeacher(fileOf(32), 'file', 'a.bwnn', 32);
		expect(t.shape).toBe('784-32-32-10');
		expect(t.fitsInit).toBe(true);
		expect(readTeacher(fileOf(32), 'file', 'a.bwnn', 64).fitsInit).toBe(false);
		expect(() => readTeacher(new Uint8Array(10), 'file', 'x', 32)).toThrow(/not a Bitwise model file/);
		const moons = exportModel(new Model(mlpConfig({ inputSize: 2, classes: 2, hidden: [4] }), createRng(1)));
		expect(() => readTeacher(moons, 'file', 'm', 32)).toThrow(/takes 2 inputs and gives 2 classes/);
	});

	it('gives soft targets that sum to 1 and flatten as T grows, beside a one-hot label', () => {
		const t = readTeacher(fileOf(16), 'page', 'p', 16);
		const rng = createRng(2);
		const image = Float32Array.from({ length: 784 }, () => rng.uniform(-1, 1));
		const p1 = teacherSoftTargets(t.model, image, 1),
			p8 = teacherSoftTargets(t.model, image, 8);
		expect(p1.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
		expect(Math.max(...p8)).toBeLessThan(Math.max(...p1));
		expect(Array.from(hardLabel(3))).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
	});
});

describe('widening', () => {
	it("costs bytes and one-bit products that grow with width, the binary networks' far below float's", () => {
		const rows = widthRows(64, { float: { step: STEPS, accuracy: 0.95 }, x4: { step: 10, accuracy: 0.5 } });
		expect(rows.map((r) => [r.id, r.width])).toEqual([
			['float', 64],
			['binary', 64],
			['x2', 128],
			['x4', 256]
		]);
		const [f, b1, b2, b4] = rows;
		expect(b1.packedBytes).toBeLessThan(b2.packedBytes);
		expect(b2.packedBytes).toBeLessThan(b4.packedBytes);
		expect(b4.packedBytes).toBeLessThan(f.packedBytes);
		expect(b4.bitOps).toBeLessThan(f.bitOps);
		expect([f.done, f.accuracy, b1.accuracy, b4.done]).toEqual([true, 0.95, null, false]);
	});

	it("counts the binary weights the flips are a share of: every dense layer's", () => {
		const dense = mlpConfig(binarySpec(48)).layers.filter((l) => l.type === 'dense');
		let inputs = 784,
			n = 0;
		for (const l of dense)
			if (l.type === 'dense') {
				n += inputs * l.units;
				inputs = l.units;
			}
		expect(binaryWeights(48)).toBe(n);
	});
});

describe('the gap table', () => {
	it('keeps one row per width and seed, merges settings as runs finish, and measures gaps in points', () => {
		let rows = recordGap([], 64, 2, { float: 0.96, values: { binary: 0.92 } });
		rows = recordGap(rows, 64, 1, { float: 0.95, values: { binary: 0.919 } });
		rows = recordGap(rows, 64, 2, { values: { kd: 0.97 }, kd: { alpha: 0.5, temperature: 4 } });
		expect(rows.map((r) => r.seed)).toEqual([1, 2]);
		expect(rows[1].values).toEqual({ binary: 0.92, kd: 0.97 });
		expect(gapPoints(rows[1], 'binary')).toBeCloseTo(4, 10);
		expect(gapPoints(rows[1], 'kd')).toBeCloseTo(-1, 10);
		expect(gapPoints(rows[0], 'x4')).toBeNull();
		expect(gapPoints(recordGap([], 32, 1, { values: { x2: 0.9 } })[0], 'x2')).toBeNull();
	});
});
