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
		path: '/',
		title: 'Why binary?',
		summary: 'What one bit per weight buys: model sizes against a download budget, the energy of an operation, and the two promises stated precisely.'
	},
	{
		path: '/quantization',
		title: 'Quantization curves',
		summary:
			'A curve and its k-bit staircase, the error as k falls, and a live network’s accuracy at every bit width: 8 bits costs almost nothing, 1 bit a lot.'
	},
	{
		path: '/bitplanes',
		title: 'Bitplanes',
		summary:
			'A digit split into its bit planes, how ±1 values pack into 32-bit words, a live layer’s memory, and the dot product as a weighted sum of popcounts.'
	},
	{
		path: '/xnor',
		title: 'XNOR and popcount',
		summary:
			'Why a dot product of ±1 vectors is XNOR and popcount, exactly; XNOR-Net’s scale factors on live weights; and a benchmark of binary against float kernels, run in your browser.'
	},
	{
		path: '/ste',
		title: 'Straight-through gradients',
		summary:
			'Sign has no useful derivative. Watch a network stall without one and learn with a straight-through estimator, its gradients flowing layer by layer.'
	},
	{
		path: '/multibase',
		title: 'Multi-base approximation',
		summary:
			'ABC-Net’s idea: several shifted binary bases approximate real weights and activations, winning accuracy back at a measured price in memory and operations.'
	},
	{
		path: '/catch',
		title: 'The catch',
		summary:
			'What binary networks cost, tested live: longer training, a float teacher (initialisation and distillation), wider layers, and the gap to float that remains.'
	},
	{
		path: '/robustness',
		title: 'Robust to attacks?',
		summary:
			'The claim that binary networks withstand adversarial attacks, tested live: a float and a binary network attacked with and without their gradients.'
	},
	{
		path: '/playground',
		title: 'Playground',
		summary:
			'Every knob on one page: data set, layers, binary or float weights and inputs, estimator, optimiser. Train a binary network beside its float twin, live.'
	}
];

/** A previous/next link as the Lesson layout draws it. */
export interface PageLink {
	href: string;
	title: string;
}

/**
 * The previous and next links of page `path` in reading order, with hrefs under `base`
 * (the app's base path): every lesson takes its links from here, so a page added to
 * PAGES relinks its neighbours.
 */
export function pageLinks(path: string, base: string): { prev?: PageLink; next?: PageLink } {
	const { prev, next } = neighbours(path);
	const link = (p: PageEntry | undefined): PageLink | undefined => (p ? { href: `${base}${p.path}`, title: p.title } : undefined);
	return { prev: link(prev), next: link(next) };
}

/** The pages before and after `path` in reading order (undefined at the ends). */
function neighbours(path: string): { prev?: PageEntry; next?: PageEntry } {
	const i = PAGES.findIndex((p) => p.path === path);
	if (i < 0) return {};
	return { prev: PAGES[i - 1], next: PAGES[i + 1] };
}
