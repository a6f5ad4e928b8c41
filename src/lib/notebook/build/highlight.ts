/**
 * highlight.js at build time, TypeScript only: the code cells show engine source.
 * Only the core and one language are loaded, and only in node.
 */
import hljs from 'highlight.js/lib/core';
import typescript from 'highlight.js/lib/languages/typescript';

hljs.registerLanguage('typescript', typescript);

/** `source` as HTML with hljs-* token spans (escaped; safe for {@html}). */
export function highlightTs(source: string): string {
	return hljs.highlight(source, { language: 'typescript', ignoreIllegals: true }).value;
}
