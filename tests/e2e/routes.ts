/** Every route of the site, with the heading each must show. New pages join this list. */
export const ROUTES = [
	{ name: 'index', path: '/', heading: 'Why binary?' },
	{ name: 'quantization', path: '/quantization', heading: 'Quantization curves' },
	{ name: 'bitplanes', path: '/bitplanes', heading: 'Bitplanes' },
	{ name: 'xnor', path: '/xnor', heading: 'XNOR and popcount' },
	{ name: 'ste', path: '/ste', heading: 'Straight-through gradients' },
	{ name: 'multibase', path: '/multibase', heading: 'Multi-base approximation' },
	{ name: 'catch', path: '/catch', heading: 'The catch' },
	{ name: 'robustness', path: '/robustness', heading: 'Robust to attacks?' },
	{ name: 'playground', path: '/playground', heading: 'Playground' }
];

/** Developer pages `npm run dev` serves and the built site leaves out. */
export const DEV_ONLY = ['/notebook-demo', '/viz-demo'];
