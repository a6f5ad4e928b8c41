/**
 * The benchmark worker: runs src/lib/bench/kernels.ts's suite or ./conv.ts's
 * convolutions (the same code as `npm run bench`) on the worker's `performance.now`,
 * posting progress as it goes, so the page's main thread only paints a progress bar,
 * a table and a chart.
 */
import { DEFAULT_CONV_PLAN, QUICK_CONV_PLAN, runConvBench } from './conv';
import { DEFAULT_PLAN, QUICK_PLAN, runKernelBench } from './kernels';
import type { FromBenchWorker, ToBenchWorker } from './protocol';

const ctx = self as unknown as {
	postMessage(message: FromBenchWorker): void;
	onmessage: ((ev: MessageEvent<ToBenchWorker>) => void) | null;
};
const post = (m: FromBenchWorker): void => ctx.postMessage(m);

const runtime = () => ({ userAgent: navigator.userAgent, cores: navigator.hardwareConcurrency || null });

ctx.onmessage = (e) => {
	const msg = e.data;
	if (msg?.type === 'conv') {
		try {
			const plan = msg.plan === 'quick' ? QUICK_CONV_PLAN : DEFAULT_CONV_PLAN;
			let done = 0;
			const result = runConvBench(plan, {
				now: () => performance.now(),
				seed: msg.seed,
				onSize: (size) => post({ type: 'convSize', size, done: ++done, total: plan.sizes.length })
			});
			post({ type: 'convDone', result, runtime: runtime() });
		} catch (err) {
			post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
		}
		return;
	}
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
		post({ type: 'done', result, runtime: runtime() });
	} catch (err) {
		post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
	}
};
