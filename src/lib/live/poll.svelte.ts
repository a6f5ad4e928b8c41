/**
 * Ask the training worker something about a live run — `inspect`, `evaluateQuantized`,
 * `timeInference` — over and over while a figure needs it: once each time `key()`
 * changes (say, the step and the layer shown), at most every `every` ms, each answer
 * awaited before the next question, and only while `active()` holds (the figure is on
 * screen) and the run is ready. A question that only lost its run (a new run started)
 * is asked again quietly; any other failure is kept in `error` for the figure to show.
 *
 *     const weights = poll(run, {
 *       active: () => onScreen,
 *       key: () => `${run.client?.step}|${layer}`,
 *       ask: (c) => c.inspect('binary', { only: [layer] }),
 *       every: 500
 *     });
 *     weights.value   // the latest answer (null until the first; null again when a new run starts)
 *
 * Call it while a component initialises (it owns an effect).
 */
import { untrack } from 'svelte';
import { isSuperseded, type TrainingClient } from '$lib/worker/client.svelte';
import type { LiveRun } from './live-run.svelte';

export interface PollOptions<T> {
	/** The figure wants answers now (e.g. it is on screen). */
	active: () => boolean;
	/** Ask again when this changes (read between questions, untracked). */
	key: () => string;
	ask: (client: TrainingClient) => Promise<T>;
	/** Least time between two questions, ms. */
	every: number;
}

export interface Poll<T> {
	readonly value: T | null;
	readonly error: string | null;
}

export function poll<T>(run: LiveRun, opts: PollOptions<T>): Poll<T> {
	let value = $state.raw<T | null>(null);
	let error = $state<string | null>(null);
	let data: unknown = null;
	// Whether the run can be asked, as a boolean: a run that rests a moment mid-step (to answer
	// this very question) must not restart the loop, which would ask again at once.
	const ready = $derived.by(() => {
		const status = run.client?.status;
		return status === 'running' || status === 'paused';
	});

	$effect(() => {
		const c = run.client;
		// A new run: the old answer describes a network that is gone.
		if (c?.data !== data) {
			data = c?.data ?? null;
			untrack(() => (value = null));
		}
		if (!c || !ready || !opts.active()) return;
		let stopped = false;
		let last: string | null = null;
		untrack(() => {
			void (async () => {
				while (!stopped) {
					const key = opts.key();
					if (key !== last) {
						try {
							const answer = await opts.ask(c);
							if (stopped) return;
							value = answer;
							error = null;
							last = key;
						} catch (e) {
							if (stopped) return;
							if (!isSuperseded(e)) error = e instanceof Error ? e.message : String(e);
						}
					}
					await new Promise((r) => setTimeout(r, opts.every));
				}
			})();
		});
		return () => {
			stopped = true;
		};
	});

	return {
		get value() {
			return value;
		},
		get error() {
			return error;
		}
	};
}
