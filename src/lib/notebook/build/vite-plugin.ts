/**
 * The notebook's Vite plugin: build-time KaTeX and highlight.js, so neither
 * library's JavaScript reaches the browser.
 *
 * - `.svelte` files: <Math tex> is typeset and <Lesson> gets its section outline
 *   (./svelte-transform.ts), before the Svelte compiler runs.
 * - `?code` imports: `import c from '$lib/engine/ste.ts?code'` (whole file) or
 *   `'...ste.ts?symbol=estimator&code'` (one export with its TSDoc) give a
 *   CodeSource: the path, the text and its highlighted HTML. The text is read
 *   from the real file at build time, so a code cell shows what runs.
 *
 * Register it before sveltekit() in vite.config.ts: both are 'pre' plugins and
 * this one must see the .svelte source before vite-plugin-svelte does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';
import { extractSymbol } from './extract-symbol.js';
import { highlightTs } from './highlight.js';
import { transformNotebookMarkup } from './svelte-transform.js';
import type { CodeSource } from '../code-source';

const CODE_QUERY = /[?&]code$/;

/** Parse `/abs/file.ts?symbol=x&code` into its file and symbol. */
export function parseCodeId(id: string): { file: string; symbol?: string } | null {
	const q = id.indexOf('?');
	if (q < 0 || !CODE_QUERY.test(id)) return null;
	const params = new URLSearchParams(id.slice(q + 1));
	return { file: id.slice(0, q), symbol: params.get('symbol') ?? undefined };
}

export function codeSource(file: string, root: string, symbol?: string): CodeSource {
	const full = readFileSync(file, 'utf8');
	const rel = path.relative(root, file).split(path.sep).join('/');
	const source = symbol ? extractSymbol(full, symbol, rel) : full.replace(/\s+$/, '');
	const line = full.slice(0, full.indexOf(source)).split('\n').length;
	return { path: rel, symbol, source, html: highlightTs(source), line };
}

export function notebook(): Plugin {
	let root = process.cwd();
	return {
		name: 'bitwise-notebook',
		enforce: 'pre',
		configResolved(config) {
			root = config.root;
		},
		load(id) {
			const parsed = parseCodeId(id);
			if (!parsed) return null;
			this.addWatchFile(parsed.file);
			const code = codeSource(parsed.file, root, parsed.symbol);
			return `export default ${JSON.stringify(code)};`;
		},
		transform(code, id) {
			if (id.includes('?') || !id.endsWith('.svelte') || id.includes('/node_modules/')) return null;
			const result = transformNotebookMarkup(code, path.relative(root, id));
			// No source map: the rewrite keeps every line where it was.
			return result.changed ? { code: result.code, map: null } : null;
		}
	};
}
