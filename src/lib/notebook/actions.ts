/**
 * Svelte actions shared by the notebook's parts.
 */
import type { Action } from 'svelte/action';

export interface InViewOptions {
	/** Called with true when the element comes into view, false when it leaves. */
	onchange: (visible: boolean) => void;
	/** Share of the element that must show to count as in view (default 0.15). */
	threshold?: number;
	/** Grows or shrinks the viewport for the test, as IntersectionObserver's rootMargin (default '0px'). */
	rootMargin?: string;
	/**
	 * Also count the element as out of view while the tab is hidden (default true),
	 * so a figure's training pauses in a background tab.
	 */
	pageVisibility?: boolean;
}

/**
 * Reports when an element scrolls into and out of view. Fires only on changes,
 * starting with the first observation. Without IntersectionObserver (very old
 * browsers) the element counts as always in view, so figures still work.
 */
export const inView: Action<HTMLElement, InViewOptions> = (node, initial) => {
	let options = initial;
	let intersecting = false;
	let last: boolean | undefined;

	const report = () => {
		const hidden = (options.pageVisibility ?? true) && document.visibilityState === 'hidden';
		const visible = intersecting && !hidden;
		if (visible !== last) {
			last = visible;
			options.onchange(visible);
		}
	};

	let observer: IntersectionObserver | undefined;
	const observe = () => {
		observer?.disconnect();
		if (typeof IntersectionObserver === 'undefined') {
			intersecting = true;
			report();
			return;
		}
		observer = new IntersectionObserver(
			(entries) => {
				const entry = entries[entries.length - 1];
				const t = options.threshold ?? 0.15;
				// A figure taller than the screen never shows 15% of itself: count it in
				// view once it fills that share of the viewport instead.
				const viewport = entry.rootBounds?.height ?? Infinity;
				intersecting = entry.isIntersecting && (entry.intersectionRatio >= t - 1e-6 || entry.intersectionRect.height >= viewport * t);
				report();
			},
			{
				threshold: [0, 0.01, 0.02, 0.05, 0.1, options.threshold ?? 0.15, 0.25, 0.5, 0.75, 1],
				rootMargin: options.rootMargin ?? '0px'
			}
		);
		observer.observe(node);
	};

	observe();
	document.addEventListener('visibilitychange', report);

	return {
		update(next) {
			const reobserve = next.threshold !== options.threshold || next.rootMargin !== options.rootMargin;
			options = next;
			if (reobserve) observe();
		},
		destroy() {
			observer?.disconnect();
			document.removeEventListener('visibilitychange', report);
		}
	};
};

/**
 * Makes a horizontally scrolling box (a wide formula, a table, a long line of code)
 * show that it scrolls and reachable by keyboard, only while it actually overflows:
 * the `scroll-x` class (app.css) draws a shadow at each edge with more to see, and
 * `data-overflowing` marks it; a tab stop with a name lets arrow keys scroll it.
 * Boxes that fit show no shadow and add no tab stop.
 */
export const scrollableWhenOverflowing: Action<HTMLElement, string> = (node, label) => {
	let name = label;
	node.classList.add('scroll-x');
	const check = () => {
		if (node.scrollWidth > node.clientWidth + 1) {
			node.tabIndex = 0;
			node.setAttribute('role', 'region');
			node.setAttribute('aria-label', name);
			node.setAttribute('data-overflowing', '');
		} else {
			node.removeAttribute('tabindex');
			node.removeAttribute('role');
			node.removeAttribute('aria-label');
			node.removeAttribute('data-overflowing');
		}
	};
	const observer = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(check);
	observer?.observe(node);
	check();
	return {
		update(next) {
			name = next;
			check();
		},
		destroy() {
			observer?.disconnect();
		}
	};
};
