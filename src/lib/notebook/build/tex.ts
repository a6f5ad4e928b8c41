/**
 * KaTeX at build time. Pages ship the HTML this returns and KaTeX's stylesheet,
 * never KaTeX's JavaScript: the Svelte transform in ./svelte-transform.ts calls
 * this while Vite compiles a page.
 */
import katex from 'katex';

/** Operators the lessons write often, so every page spells them the same way. */
export const MACROS: Record<string, string> = {
	'\\sign': '\\operatorname{sign}',
	'\\popcount': '\\operatorname{popcount}',
	'\\clip': '\\operatorname{clip}',
	'\\xnor': '\\operatorname{XNOR}',
	'\\mean': '\\operatorname{mean}'
};

/**
 * Typeset `tex` to KaTeX HTML with MathML beside it (screen readers read the
 * MathML). A malformed formula throws KaTeX's ParseError, which fails the build
 * with the formula in the message rather than shipping red text.
 */
export function renderTex(tex: string, display = false): string {
	return katex.renderToString(tex, {
		displayMode: display,
		throwOnError: true,
		output: 'htmlAndMathml',
		// A fresh copy: KaTeX writes \gdef definitions into the object it is given.
		macros: { ...MACROS },
		strict: 'warn',
		trust: false
	});
}
