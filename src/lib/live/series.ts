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

/**
 * An exponential moving average of `values`, debiased (as TensorBoard's smoothing): out[i] =
 * m_i / (1 - w^(i+1)) with m_i = w·m_{i-1} + (1 - w)·values[i], m_{-1} = 0, so the first
 * points are not pulled toward 0. Non-finite values (a diverged step) are carried through as
 * they are and leave the average where it was. w in [0, 1): 0 returns the values.
 */
export function ema(values: ArrayLike<number>, w: number): Float64Array {
	const out = new Float64Array(values.length);
	let m = 0,
		k = 1;
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (!Number.isFinite(v)) {
			out[i] = v;
			continue;
		}
		m = w * m + (1 - w) * v;
		k *= w;
		out[i] = m / (1 - k);
	}
	return out;
}

/**
 * Training loss (or another per-step key) smoothed: for each model its raw curve, faint, and
 * its {@link ema} with weight `w` on top, which carries the model's label and the legend.
 */
export function smoothedStepSeries(models: readonly ModelFrame[], key: 'loss' | 'accuracy', w = 0.9): LineSeries[] {
	return models.flatMap((m) => [
		{ id: `${m.id}-raw`, label: `${m.label}, each step`, values: m.history[key], xs: m.history.step, faint: true },
		{ id: m.id, label: m.label, values: ema(m.history[key], w), xs: m.history.step }
	]);
}
