/**
 * Chart series from a run's models, one line per model: the per-step and per-test
 * histories every live figure draws. Give them the run's throttled `view`.
 */
import type { LineSeries } from '$lib/viz/types';
import type { ModelFrame } from './live-run.svelte';

/** Test loss or accuracy at each evaluation, labelled "<model>, test". */
export function testSeries(models: readonly ModelFrame[], key: 'loss' | 'accuracy'): LineSeries[] {
	return models.map((m) => ({ id: m.id, label: `${m.label}, test`, values: m.testHistory[key], xs: m.testHistory.step }));
}

/** Training loss, accuracy or sign flips at every step. */
export function stepSeries(models: readonly ModelFrame[], key: 'loss' | 'accuracy' | 'flips'): LineSeries[] {
	return models.map((m) => ({ id: m.id, label: m.label, values: m.history[key], xs: m.history.step }));
}
