/**
 * Messages between the page and the benchmark worker (bench.worker.ts), which is
 * separate from the training worker: a benchmark run keeps a core busy for seconds
 * and must neither wait behind training slices nor hold them up.
 *
 * The page posts one `run`; the worker answers with `progress` messages (at most one
 * per timed batch), one `size` per finished size, then `done` (or `error`). To stop,
 * the page terminates the worker (the run is synchronous inside it, so a message
 * could not interrupt it) and starts a new one for the next run.
 */
import type { ConvBenchResult, ConvSizeResult } from './conv';
import type { BenchProgress, BenchResult, SizeResult } from './kernels';

/** Which plan: 'default' (about 12 s here) or 'quick'. */
export type PlanName = 'default' | 'quick';

/** `run`: the kernel suite (./kernels); `conv`: one binary against one float convolution, XNOR-Net's setting and its Figure 4 sweep (./conv). */
export type ToBenchWorker = { type: 'run'; plan: PlanName; seed: number } | { type: 'conv'; plan: PlanName; seed: number };

/** What the worker knows about its runtime, sent with the result. */
export interface WorkerRuntime {
	userAgent: string;
	/** navigator.hardwareConcurrency, or null where it is not exposed. */
	cores: number | null;
}

export type FromBenchWorker =
	| { type: 'progress'; progress: BenchProgress }
	| { type: 'size'; size: SizeResult }
	| { type: 'done'; result: BenchResult; runtime: WorkerRuntime }
	/** One convolution size timed (`done` of `total` sizes so far). */
	| { type: 'convSize'; size: ConvSizeResult; done: number; total: number }
	| { type: 'convDone'; result: ConvBenchResult; runtime: WorkerRuntime }
	| { type: 'error'; message: string };
