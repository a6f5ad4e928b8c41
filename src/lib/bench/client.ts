/**
 * Starting the benchmark worker from a page. A separate module so the URL of the
 * worker is resolved relative to it (Vite bundles `new Worker(new URL(...))`).
 */
import type { FromBenchWorker, PlanName, ToBenchWorker } from './protocol';

/** The smallest surface of a Worker the figure uses. */
export interface BenchWorkerLike {
	postMessage(message: ToBenchWorker): void;
	onmessage: ((ev: MessageEvent<FromBenchWorker>) => void) | null;
	onerror: ((ev: ErrorEvent) => void) | null;
	terminate(): void;
}

/** A new benchmark worker. */
export function createBenchWorker(): BenchWorkerLike {
	return new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' }) as unknown as BenchWorkerLike;
}

/**
 * Start a run on a fresh worker; `onMessage` receives every message. Returns a stop
 * function that terminates the worker (which ends a run at once, wherever it is).
 */
export function startBench(
	plan: PlanName,
	seed: number,
	onMessage: (m: FromBenchWorker) => void,
	onFailure: (message: string) => void,
	create: () => BenchWorkerLike = createBenchWorker,
	suite: ToBenchWorker['type'] = 'run'
): () => void {
	const w = create();
	let alive = true;
	const stop = () => {
		if (!alive) return;
		alive = false;
		w.terminate();
	};
	w.onmessage = (e) => {
		if (!alive) return;
		onMessage(e.data);
		if (e.data.type === 'done' || e.data.type === 'convDone' || e.data.type === 'error') stop();
	};
	w.onerror = (e) => {
		if (!alive) return;
		stop();
		onFailure(e.message || 'the benchmark worker failed to start');
	};
	w.postMessage({ type: suite, plan, seed });
	return stop;
}
