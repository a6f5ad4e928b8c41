/**
 * A clock for live charts. The worker sends a snapshot every painted frame; charts of
 * thousands of points need not redraw that often, so the figures on this page rebuild
 * their chart data on this tick instead (every 200 ms, or every second when the reader
 * prefers reduced motion), and only while `active()` (their figure is on screen).
 * Call during component initialisation (it owns an $effect).
 */
export function ticker(active: () => boolean, ms = 200): { readonly n: number } {
	let n = $state(0);
	$effect(() => {
		if (!active()) return;
		const reduced = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
		const id = setInterval(() => n++, reduced ? Math.max(ms, 1000) : ms);
		return () => clearInterval(id);
	});
	return {
		get n() {
			return n;
		}
	};
}
