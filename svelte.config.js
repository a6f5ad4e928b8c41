import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// Every page is prerendered: the notebook works from any static host and offline.
		// 404.html: static hosts (GitHub Pages, Netlify, nginx's error_page) serve it for any
		// unknown address, and it renders the notebook's own not-found page.
		adapter: adapter({ pages: 'build', assets: 'build', fallback: '404.html', strict: true }),
		// A strict policy, written into every prerendered page as a <meta> tag: the pages run
		// reader-supplied model files and URL values, so they say exactly what may load and
		// run. SvelteKit hashes its own inline bootstrap script. Styles allow 'unsafe-inline'
		// because KaTeX and the charts set style attributes; no script is inline without a hash.
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self', 'wasm-unsafe-eval'],
				'worker-src': ['self'],
				'connect-src': ['self'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self', 'data:'],
				'style-src': ['self', 'unsafe-inline'],
				'object-src': ['none'],
				'base-uri': ['none'],
				'form-action': ['self']
			}
		}
	}
};

export default config;
