/**
 * The kernel benchmark, shared by `npm run bench` (scripts/bench/kernels.ts) and the
 * in-browser benchmark (bench.worker.ts, BenchmarkFigure.svelte on /xnor): the same
 * inputs (the engine's seeded generator), the same rivals, the same interleaved
 * timing (./measure) and the same check, with the clock injected.
 *
 * Rivals, per size:
 * - dot products of n elements: a Float32Array loop with four accumulators (the loop a
 *   careful JS author writes) against `binaryDotXor` on the packed words;
 * - GEMMs C = A B^T, m x k x n: the engine's register-blocked JS float kernel
 *   (`matmulABtJs`) against its JS binary kernel (`binaryGemmJs`) — the like-for-like
 *   JavaScript pair — and, where WebAssembly SIMD runs, its SIMD float kernel against
 *   its fastest WebAssembly binary kernel (plus the plain i8x16.popcnt kernel when the
 *   fastest is the relaxed-SIMD one, for comparison).
 *
 * The ratio of a pair is float median / binary median: how many times faster the
 * binary kernel does the same product. One 32-bit word holds 32 elements, so 32x is
 * the word-width bound for a word-at-a-time kernel against one float per operation;
 * a 128-bit vector holds 128 bits against 4 floats, the same 32x.
 *
 * Inputs are ±1 matrices, so the float products are exact integers (|sum| <= k <
 * 2^24) and every binary result must equal its float rival's result exactly: each
 * size is verified before it is timed, and the result says whether it held.
 */
import { binaryDotXor, packRows, packSigns } from '../engine/bits';
import { binaryGemmBackend, binaryGemmJs, type BinaryGemmBackend } from '../engine/kernels/binary-gemm';
import { gemmBackend, matmulABt, matmulABtJs, naiveMatmulABt } from '../engine/gemm';
import { createRng, type Rng } from '../engine/rng';
import { bestBinaryWasmKernel, wasmBinaryGemm, type BinaryWasmKernel } from '../engine/wasm/bits-simd';
import { interleave, type Clock, type RivalTiming } from './measure';

/** What one timed rival is. */
export type KernelId = 'js-float' | 'js-binary' | 'wasm-float' | 'wasm-binary' | 'wasm-binary-popcnt' | 'naive-float';

/** A benchmark size: a dot product of n elements or a GEMM m x k x n (A [m, k], B [n, k]). */
export type SizeSpec = { kind: 'dot'; n: number } | { kind: 'gemm'; m: number; k: number; n: number };

/** How long and how often each size is timed. */
export interface Plan {
	sizes: SizeSpec[];
	/** Timed batches per rival, for dots and for GEMMs below and above 2^28 multiply-adds. */
	dotBatches: number;
	gemmBatches: number;
	bigGemmBatches: number;
	/** Target milliseconds per batch (fast operations are repeated to fill it). */
	dotBatchMs: number;
	gemmBatchMs: number;
	/** Milliseconds of untimed warm-up per rival (at least 1 call; 3 for small GEMMs). */
	warmupMs: number;
	/** Also time the naive triple-loop float GEMM at sizes up to 2^28 multiply-adds (node's bench, for context). */
	naive?: boolean;
}

const SIZES: SizeSpec[] = [
	{ kind: 'dot', n: 1024 },
	{ kind: 'dot', n: 4096 },
	{ kind: 'dot', n: 16384 },
	{ kind: 'dot', n: 65536 },
	{ kind: 'gemm', m: 256, k: 1024, n: 256 },
	{ kind: 'gemm', m: 1024, k: 1024, n: 1024 }
];

/** The default plan of both the page and `npm run bench`: about 12 s on a 2023 server core. */
export const DEFAULT_PLAN: Plan = { sizes: SIZES, dotBatches: 15, gemmBatches: 11, bigGemmBatches: 7, dotBatchMs: 10, gemmBatchMs: 40, warmupMs: 60 };

/** A shorter plan (`npm run bench -- --quick`): about 5 s. */
export const QUICK_PLAN: Plan = { sizes: SIZES, dotBatches: 7, gemmBatches: 5, bigGemmBatches: 3, dotBatchMs: 5, gemmBatchMs: 20, warmupMs: 30 };

/** One rival's timing at one size. */
export interface KernelTiming {
	kernel: KernelId;
	/** Human-readable name, e.g. 'binaryGemmJs'. */
	name: string;
	/** Median milliseconds per call over the interleaved batches, and quartiles. */
	medianMs: number;
	q1Ms: number;
	q3Ms: number;
	/** Calls per timed batch. */
	reps: number;
}

/** All rivals at one size. */
export interface SizeResult {
	spec: SizeSpec;
	/** 'n = 1,024' or '1024×1024×1024' (m×k×n). */
	label: string;
	timings: KernelTiming[];
	/** JS float median / JS binary median. */
	ratioJs: number;
	/** WebAssembly SIMD float median / fastest WebAssembly binary median (GEMMs where SIMD runs; else null). */
	ratioWasm: number | null;
	/** WebAssembly SIMD float median / i8x16.popcnt kernel median, when it was timed beside a faster kernel. */
	ratioWasmPopcnt: number | null;
	/** Every binary result equalled its float rival's on the same ±1 data. */
	verified: boolean;
	/** What disagreed, if anything. */
	mismatches: string[];
}

/** The kernels this runtime has. */
export interface KernelRuntime {
	/** Float GEMM backend: 'wasm-simd' or 'js'. */
	floatGemm: 'wasm-simd' | 'js';
	/** Fastest binary GEMM backend. */
	binaryGemm: BinaryGemmBackend;
}

export interface BenchResult {
	runtime: KernelRuntime;
	sizes: SizeResult[];
	/** All sizes verified. */
	verified: boolean;
	/** Milliseconds the whole run took. */
	elapsedMs: number;
}

/** Progress of a run: `done` of `total` timed batches, and what is being timed. */
export interface BenchProgress {
	done: number;
	total: number;
	label: string;
}

export interface RunOptions {
	/** Monotonic clock in milliseconds (performance.now in node and browsers). */
	now: Clock;
	/** Seed of the inputs (default 1). */
	seed?: number;
	onProgress?: (p: BenchProgress) => void;
	/** Called with each size's result as soon as it is done. */
	onSize?: (r: SizeResult) => void;
}

/** The float rival for dot products: a Float32Array dot with four float64 accumulators. */
export function dotF32(a: Float32Array, b: Float32Array, n: number): number {
	let s0 = 0,
		s1 = 0,
		s2 = 0,
		s3 = 0,
		i = 0;
	for (; i + 4 <= n; i += 4) {
		s0 += a[i] * b[i];
		s1 += a[i + 1] * b[i + 1];
		s2 += a[i + 2] * b[i + 2];
		s3 += a[i + 3] * b[i + 3];
	}
	for (; i < n; i++) s0 += a[i] * b[i];
	return s0 + s1 + s2 + s3;
}

/** n random ±1 values from the seeded generator. */
export function randomSigns(rng: Rng, n: number): Float32Array {
	const x = new Float32Array(n);
	for (let i = 0; i < n; i++) x[i] = rng.nextU32() & 1 ? 1 : -1;
	return x;
}

/** The label of a size: 'n = 1,024' or '1024×1024×1024'. */
export function sizeLabel(s: SizeSpec): string {
	return s.kind === 'dot' ? `n = ${s.n.toLocaleString('en-US')}` : `${s.m}×${s.k}×${s.n}`;
}

/** Multiply-adds of a size (n for a dot, m k n for a GEMM). */
export function sizeWork(s: SizeSpec): number {
	return s.kind === 'dot' ? s.n : s.m * s.k * s.n;
}

const BIG = 2 ** 28;

/** The runtime's kernels (instantiates the WebAssembly modules on first call). */
export function kernelRuntime(): KernelRuntime {
	return { floatGemm: gemmBackend(), binaryGemm: binaryGemmBackend() };
}

interface Prepared {
	rivals: { id: KernelId; name: string; run: () => void }[];
	verify: () => string[];
}

/** Results land here so no call's result is dead code. */
let sink = 0;

function prepareDot(rng: Rng, n: number): Prepared {
	const x = randomSigns(rng, n),
		y = randomSigns(rng, n);
	const a = packSigns(x),
		b = packSigns(y);
	return {
		rivals: [
			{ id: 'js-float', name: 'Float32Array dot', run: () => void (sink += dotF32(x, y, n)) },
			{ id: 'js-binary', name: 'binaryDotXor', run: () => void (sink += binaryDotXor(a, b, n)) }
		],
		verify: () => {
			const f = dotF32(x, y, n),
				g = binaryDotXor(a, b, n);
			return f === g ? [] : [`dot n=${n}: float ${f}, binary ${g}`];
		}
	};
}

function prepareGemm(rng: Rng, m: number, k: number, n: number, wasmBinary: BinaryWasmKernel | null, naive: boolean): Prepared {
	const X = randomSigns(rng, m * k),
		Wt = randomSigns(rng, n * k);
	const A = packRows(X, m, k),
		B = packRows(Wt, n, k);
	const Cjf = new Float32Array(m * n),
		Cjb = new Int32Array(m * n),
		Cwf = new Float32Array(m * n);
	const Cwb = new Int32Array(m * n),
		Cwp = new Int32Array(m * n),
		Cn = new Float32Array(m * n);
	const simdFloat = gemmBackend() === 'wasm-simd';
	const rivals: Prepared['rivals'] = [
		{ id: 'js-float', name: 'matmulABtJs (register-blocked JS float)', run: () => matmulABtJs(X, Wt, Cjf, m, n, k) },
		{ id: 'js-binary', name: 'binaryGemmJs (JS XOR-popcount)', run: () => binaryGemmJs(A, B, Cjb, m, n, k) }
	];
	if (simdFloat) rivals.push({ id: 'wasm-float', name: 'matmulABt (WebAssembly SIMD float)', run: () => matmulABt(X, Wt, Cwf, m, n, k) });
	if (wasmBinary) {
		const which = wasmBinary;
		rivals.push({
			id: 'wasm-binary',
			name: which === 'wasm-relaxed-simd' ? 'binary GEMM (WebAssembly relaxed SIMD, nibble lookups)' : 'binary GEMM (WebAssembly SIMD, i8x16.popcnt)',
			run: () => void wasmBinaryGemm(which, A, B, Cwb, m, n, k)
		});
		if (which === 'wasm-relaxed-simd') {
			rivals.push({
				id: 'wasm-binary-popcnt',
				name: 'binary GEMM (WebAssembly SIMD, i8x16.popcnt)',
				run: () => void wasmBinaryGemm('wasm-simd', A, B, Cwp, m, n, k)
			});
		}
	}
	if (naive && m * k * n <= BIG) rivals.push({ id: 'naive-float', name: 'naiveMatmulABt (triple loop)', run: () => naiveMatmulABt(X, Wt, Cn, m, n, k) });
	return {
		rivals,
		verify: () => {
			const bad: string[] = [];
			for (const r of rivals) if (r.id !== 'naive-float') r.run();
			const compare = (what: string, x: ArrayLike<number>, y: ArrayLike<number>) => {
				for (let i = 0; i < m * n; i++) {
					if (x[i] !== y[i]) {
						bad.push(`${m}×${k}×${n} ${what}: element ${i} is ${y[i]}, float gives ${x[i]}`);
						return;
					}
				}
			};
			compare('JS binary vs JS float', Cjf, Cjb);
			if (simdFloat) compare('WebAssembly SIMD float vs JS float', Cjf, Cwf);
			if (wasmBinary) compare('WebAssembly binary vs JS float', Cjf, Cwb);
			if (wasmBinary === 'wasm-relaxed-simd') compare('WebAssembly i8x16.popcnt binary vs JS float', Cjf, Cwp);
			return bad;
		}
	};
}

/** Timed batches a size will run under the plan (for progress). */
function sizeBatches(plan: Plan, s: SizeSpec, rivals: number): number {
	const batches = s.kind === 'dot' ? plan.dotBatches : sizeWork(s) > BIG ? plan.bigGemmBatches : plan.gemmBatches;
	return batches * rivals;
}

/**
 * Run the benchmark: every size of the plan in order, each verified, then timed with
 * its rivals interleaved. Synchronous (a worker or a CLI runs it); reports progress
 * through the callbacks.
 */
export function runKernelBench(plan: Plan, opts: RunOptions): BenchResult {
	const { now } = opts;
	const t0 = now();
	const rng = createRng(opts.seed ?? 1);
	const runtime = kernelRuntime();
	const wasmBinary = bestBinaryWasmKernel();
	const rivalCount = (s: SizeSpec) =>
		s.kind === 'dot'
			? 2
			: 2 +
				(runtime.floatGemm === 'wasm-simd' ? 1 : 0) +
				(wasmBinary ? (wasmBinary === 'wasm-relaxed-simd' ? 2 : 1) : 0) +
				(plan.naive && sizeWork(s) <= BIG ? 1 : 0);
	const total = plan.sizes.reduce((t, s) => t + sizeBatches(plan, s, rivalCount(s)), 0);
	let before = 0;
	const sizes: SizeResult[] = [];
	for (const spec of plan.sizes) {
		const label = sizeLabel(spec);
		const name = spec.kind === 'dot' ? `dot product ${label}` : `matrix product ${label}`;
		opts.onProgress?.({ done: before, total, label: `checking the ${name}` });
		const prep = spec.kind === 'dot' ? prepareDot(rng, spec.n) : prepareGemm(rng, spec.m, spec.k, spec.n, wasmBinary, !!plan.naive);
		const mismatches = prep.verify();
		const big = spec.kind === 'gemm' && sizeWork(spec) > BIG;
		const timings = interleave(prep.rivals, now, {
			batches: spec.kind === 'dot' ? plan.dotBatches : big ? plan.bigGemmBatches : plan.gemmBatches,
			minBatchMs: spec.kind === 'dot' ? plan.dotBatchMs : plan.gemmBatchMs,
			warmup: spec.kind === 'dot' ? 3 : big ? 1 : 3,
			warmupMs: plan.warmupMs,
			onBatch: (done) => opts.onProgress?.({ done: before + done, total, label: `timing the ${name}` })
		});
		before += sizeBatches(plan, spec, prep.rivals.length);
		const byId = (id: KernelId): RivalTiming | undefined => timings[prep.rivals.findIndex((r) => r.id === id)];
		const med = (id: KernelId) => byId(id)?.medianMs ?? NaN;
		const wf = med('wasm-float'),
			wb = med('wasm-binary'),
			wp = med('wasm-binary-popcnt');
		const r: SizeResult = {
			spec,
			label,
			timings: prep.rivals.map((rv, i) => ({
				kernel: rv.id,
				name: rv.name,
				medianMs: timings[i].medianMs,
				q1Ms: timings[i].q1Ms,
				q3Ms: timings[i].q3Ms,
				reps: timings[i].reps
			})),
			ratioJs: med('js-float') / med('js-binary'),
			ratioWasm: Number.isFinite(wf) && Number.isFinite(wb) ? wf / wb : null,
			ratioWasmPopcnt: Number.isFinite(wf) && Number.isFinite(wp) ? wf / wp : null,
			verified: mismatches.length === 0,
			mismatches
		};
		sizes.push(r);
		opts.onSize?.(r);
	}
	if (Number.isNaN(sink)) sink = 0;
	opts.onProgress?.({ done: total, total, label: 'done' });
	return { runtime, sizes, verified: sizes.every((s) => s.verified), elapsedMs: now() - t0 };
}

/** A duration for people: '105 ns', '3.16 ms', '692 ms'. */
export function formatDuration(ms: number): string {
	if (!Number.isFinite(ms)) return '–';
	if (ms >= 100) return `${ms.toFixed(0)} ms`;
	if (ms >= 1) return `${ms.toFixed(2)} ms`;
	if (ms >= 0.001) return `${(ms * 1000).toPrecision(3)} µs`;
	return `${(ms * 1e6).toPrecision(3)} ns`;
}

/** A ratio for people: '14.0×' (or '–'). */
export function formatRatio(r: number | null): string {
	return r !== null && Number.isFinite(r) ? `${r.toFixed(1)}×` : '–';
}

/** The median of one kernel at one size, or NaN if it was not timed. */
export function medianOf(r: SizeResult, id: KernelId): number {
	return r.timings.find((t) => t.kernel === id)?.medianMs ?? NaN;
}

/**
 * The results as plain text, one line per size, for the clipboard and the CLI:
 * the runtime line, then size, each kernel's median, and both ratios.
 */
export function resultsText(result: BenchResult, device: string): string {
	const lines = [
		`Bitwise kernel benchmark (median of interleaved batches; ratio = float time / binary time)`,
		`Device: ${device}`,
		`Kernels: float GEMM ${result.runtime.floatGemm}, binary GEMM ${result.runtime.binaryGemm}`,
		''
	];
	for (const r of result.sizes) {
		const parts = [
			`${r.spec.kind === 'dot' ? 'dot' : 'GEMM'} ${r.label}:`,
			`JS float ${formatDuration(medianOf(r, 'js-float'))}`,
			`JS binary ${formatDuration(medianOf(r, 'js-binary'))}`,
			`JS ratio ${formatRatio(r.ratioJs)}`
		];
		if (r.ratioWasm !== null)
			parts.push(
				`WASM SIMD float ${formatDuration(medianOf(r, 'wasm-float'))}`,
				`WASM binary ${formatDuration(medianOf(r, 'wasm-binary'))}`,
				`WASM ratio ${formatRatio(r.ratioWasm)}`
			);
		if (r.ratioWasmPopcnt !== null)
			parts.push(`(i8x16.popcnt kernel ${formatDuration(medianOf(r, 'wasm-binary-popcnt'))}, ratio ${formatRatio(r.ratioWasmPopcnt)})`);
		lines.push(parts.join('  '));
	}
	lines.push('');
	lines.push(
		`Binary results equal the float results on the same ±1 data: ${result.verified ? 'yes' : 'NO — ' + result.sizes.flatMap((s) => s.mismatches).join('; ')}`
	);
	lines.push(
		"Bounds: 32× is the word width (32 bits per word against one float per operation); XNOR-Net's 58× counts operations, it is not a measured time."
	);
	lines.push(`Run took ${(result.elapsedMs / 1000).toFixed(1)} s.`);
	return lines.join('\n');
}
