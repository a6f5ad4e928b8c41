/**
 * The benchmark worker: runs src/lib/bench/kernels.ts's suite (the same code as
 * `npm run bench`) on the worker's `performance.now`, posting progress as it goes,
 * so the page's main thread only paints a progress bar and a table.
 */
import { DEFAULT_PLAN, QUICK_PLAN, runKernelBench } from './kernels';
import type { FromBenchWorker, ToBenchWorker } from './protocol';

const ctx = self as unknown as {
	postMessage(message: FromBenchWorker): void;
	onmessage: ((ev: MessageEvent<ToBenchWorker>) => void) | null;
};
const post = (m: FromBenchWorker): void => ctx.postMessage(m);

ctx.onmessage = (e) => {
	const msg = e.data;
	if (msg?.type !== 'run') return;
	try {
		// Progress at most every 200 ms: the main thread repaints a bar, not a flood.
		let last = -Infinity;
		const result = runKernelBench(msg.plan === 'quick' ? QUICK_PLAN : DEFAULT_PLAN, {
			now: () => performance.now(),
			seed: msg.seed,
			onProgress: (progress) => {
				const t = performance.now();
				if (t - last >= 200 || progress.done === progress.total) {
					last = t;
					post({ type: 'progress', progress });
				}
			},
			onSize: (size) => post({ type: 'size', size })
		});
		post({ type: 'done', result, runtime: { userAgent: navigator.userAgent, cores: navigator.hardwareConcurrency || null } });
	} catch (err) {
		post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
	}
};
