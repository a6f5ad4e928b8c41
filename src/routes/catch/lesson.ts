/**
 * The catch (lesson 6): the seed's four sentences about what binary networks cost,
 * each tested on the engine. Pure functions: the runs the page asks the worker for,
 * what it reads out of their histories (first step and time at a target accuracy), the
 * teacher's soft targets, the price of widening, and the table of gaps to float. The
 * numbers come from the engine (mlpConfig, modelMemory via netCost, softTargets,
 * importModel); nothing here touches the DOM.
 *
 * Sizes: every network is 784-W-W-10 with batch norm after each dense layer, W = 64 by
 * default. At that width the binary network trails float by about four points on these
 * digits after 10 epochs (docs/catch.md), a gap big enough to see what learning from a
 * teacher or widening does to it; at 256 units the gap is under two points.
 */
import { importModel, mlpConfig, sameDenseShape, softTargets, denseShape, Model, createRng, type MlpSpec, type ModelMeta } from '$lib/engine';
import type { FieldSpec } from '$lib/notebook';
import type { RunRequest } from '$lib/worker/client.svelte';
import type { ModelSpec } from '$lib/worker/protocol';
import { floatTwin } from '$lib/worker/twin';
import { netCost } from '../multibase/lesson';

export const PIXELS = 784;
export const CLASSES = 10;
/** Steps per network: 10 epochs of the 8,000 training digits in batches of 64. */
export const STEPS = 1250;
export const BATCH = 64;
/** Evaluate on the 2,000 test digits this often (steps), for the curves. */
export const EVAL_EVERY = 25;
/** Learning rates (Adam), as the README's verified runs: 1e-3 float, 1e-2 binary. */
export const FLOAT_LR = 1e-3;
export const BINARY_LR = 1e-2;
export const WIDTHS = ['32', '64', '128'] as const;
/** The multiples of the width the wider binary networks take. */
export const WIDEN = [2, 4] as const;
/** Sample test digits the worker sends (the soft-target figure picks one). */
export const SAMPLES = 12;

export const FIELDS = [
	/** Hidden width W of the 784-W-W-10 networks. */
	{ name: 'width', type: 'enum', default: '64', options: WIDTHS },
	/** The test accuracy whose first crossing the race figure reports. */
	{ name: 'target', type: 'float', default: 0.9, min: 0.5, max: 0.99 },
	/** Distillation weight a of the teacher's term. */
	{ name: 'alpha', type: 'float', default: 0.5, min: 0, max: 1 },
	/** Distillation temperature T. */
	{ name: 'temp', type: 'float', default: 4, min: 1, max: 20 },
	/** Which sample test digit the soft-target figure shows (0..SAMPLES-1). */
	{ name: 'digit', type: 'int', default: 0, min: 0, max: SAMPLES - 1 }
] as const satisfies readonly FieldSpec[];

// ---------------------------------------------------------------------------
// The networks.

/** The binary network of width W: binary weights everywhere, sign inputs after the first layer, batch norm, clipped STE. */
export function binarySpec(width: number): MlpSpec {
	return {
		inputSize: PIXELS,
		classes: CLASSES,
		hidden: [width, width],
		weights: 'binary',
		input: 'sign',
		batchnorm: true,
		estimator: 'clipped'
	};
}

/** The float network of the same shape (ReLU, batch norm): the binary network's twin, and the teacher. */
export const floatSpec = (width: number): MlpSpec => floatTwin(binarySpec(width));

const model = (spec: MlpSpec, lr: number, seed: number) => ({
	model: mlpConfig(spec),
	optimizer: { type: 'adam' as const, lr },
	batchSize: BATCH,
	seed
});

const mnist = (seed: number, url: string): RunRequest['data'] => ({ kind: 'mnist', seed, url });

/** Section 1: the float and the binary network of width W, side by side on the same digits and seed. */
export function raceRequest(width: number, seed: number, url: string): RunRequest {
	return {
		data: mnist(seed, url),
		models: [
			{ id: 'float', label: 'float network', config: model(floatSpec(width), FLOAT_LR, seed) },
			{ id: 'binary', label: 'binary network', config: model(binarySpec(width), BINARY_LR, seed) }
		],
		options: { histogramBins: 0, evalEvery: EVAL_EVERY, samples: 0, maxSteps: STEPS }
	};
}

export const STUDENT_IDS = ['scratch', 'init', 'kd'] as const;
export type StudentId = (typeof STUDENT_IDS)[number];

/** The three students of section 2, with the labels the page shows. */
export const STUDENT_LABEL: Record<StudentId, string> = {
	scratch: 'from scratch',
	init: 'float-initialised',
	kd: 'distilled'
};

/**
 * Section 2: three binary networks of width W on the same digits and seed, one from
 * scratch, one starting from the teacher's weights (when the teacher has their shape)
 * and one distilled from it with (a, T). The teacher is a model file's bytes.
 */
export function studentsRequest(
	width: number,
	seed: number,
	url: string,
	teacher: Uint8Array,
	distill: { alpha: number; temperature: number },
	withInit: boolean
): RunRequest {
	const cfg = model(binarySpec(width), BINARY_LR, seed);
	const models: ModelSpec[] = [{ id: 'scratch', label: STUDENT_LABEL.scratch, config: cfg }];
	if (withInit) models.push({ id: 'init', label: STUDENT_LABEL.init, config: cfg, init: 'teacher' });
	models.push({ id: 'kd', label: STUDENT_LABEL.kd, config: cfg, distill });
	return {
		data: mnist(seed, url),
		models,
		teacher,
		options: { histogramBins: 0, evalEvery: EVAL_EVERY, samples: SAMPLES, maxSteps: STEPS }
	};
}

/** Section 3: binary networks at 2W and 4W (the 1x pair is the race's). */
export function widerRequest(width: number, seed: number, url: string): RunRequest {
	return {
		data: mnist(seed, url),
		models: WIDEN.map((k) => ({ id: `x${k}`, label: `binary ×${k} (${k * width} units)`, config: model(binarySpec(k * width), BINARY_LR, seed) })),
		options: { histogramBins: 0, evalEvery: 125, samples: 0, maxSteps: STEPS }
	};
}

// ---------------------------------------------------------------------------
// Reading the histories.

/** A model's test history as the charts hold it: step, accuracy and training ms at each evaluation. */
export interface TestHistory {
	step: ArrayLike<number>;
	accuracy: ArrayLike<number>;
	trainMs: ArrayLike<number>;
	length: number;
}

/** The first evaluation at or above `target` accuracy: its step and the model's training seconds by then; null if none yet. */
export function firstReach(h: TestHistory, target: number): { step: number; seconds: number; accuracy: number } | null {
	for (let i = 0; i < h.length; i++) if (h.accuracy[i] >= target) return { step: h.step[i], seconds: h.trainMs[i] / 1000, accuracy: h.accuracy[i] };
	return null;
}

/** Mean milliseconds per training step so far (null before the first step). */
export const msPerStep = (trainMs: number, steps: number): number | null => (steps > 0 ? trainMs / steps : null);

/**
 * Flips per step as a share of the binary weights: the count the worker reports over the
 * network's binary weights (784 W + W² + 10 W).
 */
export function binaryWeights(width: number): number {
	return PIXELS * width + width * width + width * CLASSES;
}

// ---------------------------------------------------------------------------
// The teacher.

/** A teacher as the page holds it: the model file's bytes, where it came from, and what it is. */
export interface Teacher {
	bytes: Uint8Array;
	source: 'page' | 'file';
	/** The file's name, or a description of the page's network. */
	name: string;
	/** "784-64-64-10" */
	shape: string;
	/** Same dense shapes as the students (so the initialised student can take its weights). */
	fitsInit: boolean;
	meta: ModelMeta;
	model: Model;
}

/**
 * Read a teacher's model file (from the page's float network or a reader's file) and
 * check it fits the digits. Throws with a readable message when it does not.
 */
export function readTeacher(bytes: Uint8Array, source: Teacher['source'], name: string, width: number): Teacher {
	const { model: m, meta } = importModel(bytes);
	if (m.inputSize !== PIXELS || m.classes !== CLASSES)
		throw new RangeError(`this model takes ${m.inputSize} inputs and gives ${m.classes} classes; the digits have ${PIXELS} pixels and ${CLASSES} classes`);
	const student = new Model(mlpConfig(binarySpec(width)), createRng(0));
	return { bytes, source, name, shape: denseShape(m), fitsInit: sameDenseShape(student, m), meta, model: m };
}

/** The teacher's soft targets softmax(z / T) for one example (784 pixels in [-1, 1]). */
export function teacherSoftTargets(teacher: Model, image: Float32Array, temperature: number): Float32Array {
	const logits = teacher.forward(image, 1, { training: false });
	return softTargets(logits.subarray(0, CLASSES), temperature);
}

/** The one-hot hard label. */
export const hardLabel = (label: number): Float32Array => Float32Array.from({ length: CLASSES }, (_, c) => (c === label ? 1 : 0));

// ---------------------------------------------------------------------------
// Widening.

export interface WidthRow {
	id: string;
	label: string;
	kind: 'float' | 'binary';
	width: number;
	/** Whole-model bytes as stored (binary weights packed) and one-bit products per example (netCost). */
	packedBytes: number;
	bitOps: number;
	accuracy: number | null;
	step: number;
	done: boolean;
}

/** The four networks of section 3: float at W, binary at W, 2W, 4W, with their costs and latest accuracy. */
export function widthRows(width: number, progress: Record<string, { step: number; accuracy: number | null }>): WidthRow[] {
	const nets: { id: string; label: string; kind: 'float' | 'binary'; w: number }[] = [
		{ id: 'float', label: 'float ×1', kind: 'float', w: width },
		{ id: 'binary', label: 'binary ×1', kind: 'binary', w: width },
		...WIDEN.map((k) => ({ id: `x${k}`, label: `binary ×${k}`, kind: 'binary' as const, w: k * width }))
	];
	return nets.map((n) => {
		const cost = netCost(n.kind === 'float' ? floatSpec(n.w) : binarySpec(n.w));
		const p = progress[n.id];
		return {
			id: n.id,
			label: n.label,
			kind: n.kind,
			width: n.w,
			packedBytes: cost.packedBytes,
			bitOps: cost.bitOps,
			accuracy: p?.accuracy ?? null,
			step: p?.step ?? 0,
			done: (p?.step ?? 0) >= STEPS
		};
	});
}

// ---------------------------------------------------------------------------
// The gap table.

/** The settings whose gap to float the table lists, in column order. */
export const GAP_KEYS = ['binary', 'init', 'kd', 'x2', 'x4'] as const;
export type GapKey = (typeof GAP_KEYS)[number];
export const GAP_LABEL: Record<GapKey, string> = {
	binary: 'binary ×1',
	init: 'float-initialised',
	kd: 'distilled',
	x2: 'binary ×2',
	x4: 'binary ×4'
};

/** One finished run's accuracies for a (width, seed): float and any of the settings. */
export interface GapRow {
	width: number;
	seed: number;
	float: number | null;
	values: Partial<Record<GapKey, number>>;
	/** The distillation setting the 'kd' value was measured with. */
	kd?: { alpha: number; temperature: number };
}

/** Merge new finished accuracies into the rows (one row per width and seed; later values replace earlier ones). */
export function recordGap(rows: readonly GapRow[], width: number, seed: number, update: Partial<Omit<GapRow, 'width' | 'seed'>>): GapRow[] {
	const i = rows.findIndex((r) => r.width === width && r.seed === seed);
	const old: GapRow = i >= 0 ? rows[i] : { width, seed, float: null, values: {} };
	const next: GapRow = { ...old, ...update, values: { ...old.values, ...(update.values ?? {}) } };
	const out = [...rows];
	if (i >= 0) out[i] = next;
	else out.push(next);
	return out.sort((a, b) => a.width - b.width || a.seed - b.seed);
}

/** Float minus the setting's accuracy, in points (null when either is missing). */
export function gapPoints(row: GapRow, key: GapKey): number | null {
	const v = row.values[key];
	return row.float === null || v === undefined ? null : 100 * (row.float - v);
}
