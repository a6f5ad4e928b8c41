/**
 * A live figure's charts follow the page's run only while the figure is on screen: this
 * page's four figures share one run, and redrawing the three off screen five times a second
 * (thousands of points per chart) would cost the one in view its smoothness. Off screen a
 * figure keeps its last drawing. Call while a component initialises (it owns an effect).
 */
import type { LiveRun, ModelFrame } from '$lib/live/live-run.svelte';

export function shownView(run: LiveRun, visible: () => boolean): { readonly frames: readonly ModelFrame[] } {
	let frames = $state.raw<readonly ModelFrame[]>([]);
	$effect(() => {
		if (visible()) frames = run.view;
	});
	return {
		get frames() {
			return frames;
		}
	};
}
