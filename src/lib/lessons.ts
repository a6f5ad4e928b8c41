/**
 * The notebook's pages in reading order: the index's cards, each lesson's previous/next
 * links and the end-to-end route list come from here. A page joins when it exists.
 */
export interface PageEntry {
	/** Route path without the base, e.g. '/playground'. */
	path: string;
	title: string;
	/** One sentence for the index card. */
	summary: string;
}

export const PAGES: PageEntry[] = [
	{
		path: '/playground',
		title: 'Playground',
		summary:
			'Every knob on one page: data set, layers, binary or float weights and inputs, estimator, optimiser. Train a binary network beside its float twin, live.'
	}
];

/** The pages before and after `path` in reading order (undefined at the ends). */
export function neighbours(path: string): { prev?: PageEntry; next?: PageEntry } {
	const i = PAGES.findIndex((p) => p.path === path);
	if (i < 0) return {};
	return { prev: PAGES[i - 1], next: PAGES[i + 1] };
}
