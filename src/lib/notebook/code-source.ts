/** What a `?code` import gives a CodeCell (see build/vite-plugin.ts). */
export interface CodeSource {
	/** The file, relative to the project root, e.g. 'src/lib/engine/ste.ts'. */
	path: string;
	/** The exported name shown, when the import asked for one. */
	symbol?: string;
	/** The source text shown (the whole file, or the one declaration). */
	source: string;
	/** `source` highlighted as TypeScript at build time (hljs-* spans, escaped). */
	html: string;
	/** First line of `source` in the file, counting from 1. */
	line: number;
}
