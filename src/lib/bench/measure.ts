/**
 * Timing by interleaved batches, shared by `npm run bench` (node) and the in-browser
 * benchmark worker, so both measure with exactly the same code. The clock is injected
 * (`now`, milliseconds from a monotonic clock such as `performance.now`), which keeps
 * this module pure and testable with a fake clock.
 *
 * Rivals are timed INTERLEAVED: every batch runs each rival once, in an order that
 * rotates from batch to batch, so a burst of machine noise (another process, a
 * frequency change, a GC) lands on all of them instead of on whichever ran last.
 * Results are medians over the batches, which ignore the noisy tail.
 */

/** Milliseconds from a monotonic clock. */
export type Clock = () => number;

/** The q-quantile (0 <= q <= 1) of xs by linear interpolation between order statistics. */
export function quantile(xs: readonly number[], q: number): number {
	if (xs.length === 0) throw new RangeError('quantile of an empty list');
	if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q must be in [0, 1], got ${q}`);
	const s = [...xs].sort((a, b) => a - b);
	const pos = q * (s.length - 1),
		lo = Math.floor(pos),
		hi = Math.ceil(pos);
	return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** The median of xs (mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
	return quantile(xs, 0.5);
}

/** One contestant: `run` does one operation (one dot product, one GEMM, one training step...). */
export interface Rival {
	name: string;
	run: () => void;
}

export interface InterleaveOptions {
	/** Timed batches per rival (default 15). */
	batches?: number;
	/** Untimed calls of each rival before calibration, for the JIT (default 3)... */
	warmup?: number;
	/** ...and at least this many milliseconds of them (default 100). */
	warmupMs?: number;
	/** Each batch repeats a rival's op until it has taken about this long (default 20 ms). */
	minBatchMs?: number;
	/** Upper bound on repetitions per batch (default 1e7). */
	maxReps?: number;
	/** Called after every timed batch of every rival: `done` of `total` timed batches. */
	onBatch?: (done: number, total: number) => void;
}

export interface RivalTiming {
	name: string;
	/** Calls per batch (calibrated once, then fixed). */
	reps: number;
	/** Milliseconds per call, one entry per batch. */
	perCallMs: number[];
	/** Median of perCallMs. */
	medianMs: number;
	/** First and third quartiles of perCallMs. */
	q1Ms: number;
	q3Ms: number;
}

/**
 * Time the rivals batch by batch, rotating their order each batch. Each rival is
 * warmed up (so the optimising compiler has run), then its repetitions per batch
 * are calibrated so one batch takes about `minBatchMs` (fast ops are repeated,
 * slow ones run once), which keeps timer resolution and loop overhead out of the
 * figures. Browsers coarsen `performance.now` (to 5-100 µs); batches of >= 10 ms
 * keep that error under 1%.
 */
export function interleave(rivals: readonly Rival[], now: Clock, opts: InterleaveOptions = {}): RivalTiming[] {
	const batches = opts.batches ?? 15,
		warmup = opts.warmup ?? 3,
		warmupMs = opts.warmupMs ?? 100;
	const minBatchMs = opts.minBatchMs ?? 20,
		maxReps = opts.maxReps ?? 1e7;
	if (!(batches >= 1)) throw new RangeError(`batches must be >= 1, got ${batches}`);
	const timeOnce = (fn: () => void): number => {
		const t0 = now();
		fn();
		return now() - t0;
	};
	for (const r of rivals) {
		const start = now();
		for (let i = 0; i < warmup || now() - start < warmupMs; i++) r.run();
	}
	const reps = rivals.map((r) => {
		// Grow the probe until it lasts a quarter of a batch, then scale to a whole batch.
		let n = 1,
			t = timeOnce(r.run);
		while (t < minBatchMs / 4 && n < maxReps) {
			n = Math.min(maxReps, n * 4);
			const start = now();
			for (let i = 0; i < n; i++) r.run();
			t = now() - start;
		}
		return Math.max(1, Math.min(maxReps, Math.round((n * minBatchMs) / Math.max(t, 1e-9))));
	});
	const samples = rivals.map(() => [] as number[]);
	const total = batches * rivals.length;
	for (let b = 0; b < batches; b++) {
		for (let s = 0; s < rivals.length; s++) {
			// Rotate the order by one each batch, so every rival runs in every position equally often.
			const idx = (s + b) % rivals.length;
			const r = rivals[idx],
				n = reps[idx];
			const start = now();
			for (let i = 0; i < n; i++) r.run();
			samples[idx].push((now() - start) / n);
			opts.onBatch?.(b * rivals.length + s + 1, total);
		}
	}
	return rivals.map((r, i) => ({
		name: r.name,
		reps: reps[i],
		perCallMs: samples[i],
		medianMs: median(samples[i]),
		q1Ms: quantile(samples[i], 0.25),
		q3Ms: quantile(samples[i], 0.75)
	}));
}
