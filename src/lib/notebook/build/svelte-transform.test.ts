import { describe, expect, it } from 'vitest';
import { constantString, transformNotebookMarkup } from './svelte-transform';

const page = (body: string, script = "import Math from '$lib/notebook/Math.svelte';") =>
	`<script lang="ts">\n\t${script}\n\tconst s = '<Math tex="ignored" />';\n</script>\n\n${body}\n\n<style>\n\tp { color: red; }\n</style>\n`;

function attr(out: string, name: string): unknown {
	const m = new RegExp(`${name}=\\{("(?:[^"\\\\]|\\\\.)*"|true|false|\\[.*?\\])\\}`).exec(out);
	return m ? JSON.parse(m[1]) : undefined;
}

describe('constantString', () => {
	it('reads string literals and substitution-free templates, String.raw keeping backslashes', () => {
		expect(constantString("'a\\\\b'")).toBe('a\\b');
		expect(constantString('"x_{i}"')).toBe('x_{i}');
		expect(constantString('String.raw`\\frac{a}{b}`')).toBe('\\frac{a}{b}');
		expect(constantString('`2^{k}`')).toBe('2^{k}');
	});
	it('refuses anything that is not a constant', () => {
		expect(constantString('formula')).toBeNull();
		expect(constantString('`x = ${v}`')).toBeNull();
		expect(constantString("'a' + b")).toBeNull();
		expect(constantString('String.raw`${x}`')).toBeNull();
	});
});

describe('transformNotebookMarkup: Math', () => {
	it('typesets a quoted formula to KaTeX HTML and leaves scripts, styles and comments alone', () => {
		const src = page('<p>Weights <Math tex="w_i \\in \\{-1, +1\\}" /> and <!-- <Math tex="\\bad{" /> --></p>');
		const { code, changed } = transformNotebookMarkup(src, 'page.svelte');
		expect(changed).toBe(true);
		expect(code).toContain(`const s = '<Math tex="ignored" />';`);
		expect(code).toContain('<!-- <Math tex="\\bad{" /> -->');
		expect(attr(code, 'tex')).toBe('w_i \\in \\{-1, +1\\}');
		expect(attr(code, 'display')).toBe(false);
		const html = attr(code, 'html') as string;
		expect(html).toContain('class="katex"');
		expect(html).toContain('<math'); // MathML for screen readers
	});

	it('takes String.raw and quoted-JS forms, and display as a bare or constant attribute', () => {
		const a = transformNotebookMarkup(page('<Math display tex={String.raw`\\frac{1}{n}\\sum_i x_i`} />'));
		expect(attr(a.code, 'tex')).toBe('\\frac{1}{n}\\sum_i x_i');
		expect(attr(a.code, 'display')).toBe(true);
		expect(attr(a.code, 'html')).toContain('katex-display');
		const b = transformNotebookMarkup(page("<Math tex={'\\\\sign(x)'} display={false} />"));
		expect(attr(b.code, 'tex')).toBe('\\sign(x)');
		expect(attr(b.code, 'html')).toContain('sign');
	});

	it('keeps other attributes and the line count of a multi-line tag', () => {
		const src = page('<Math\n\tlabel="the dot product"\n\ttex={String.raw`a \\cdot b`}\n/>\n<p id="after">x</p>');
		const { code } = transformNotebookMarkup(src);
		expect(code).toContain('label="the dot product"');
		expect(code.split('\n').length).toBe(src.split('\n').length);
		expect(code.split('\n').findIndex((l) => l.includes('id="after"'))).toBe(
			src.split('\n').findIndex((l) => l.includes('id="after"'))
		);
	});

	it('fails the build, naming file and line, for a dynamic formula or bad TeX', () => {
		expect(() => transformNotebookMarkup(page('<Math tex={formula} />'), 'x.svelte')).toThrow(
			/x\.svelte:\d+: .*not a constant string/
		);
		expect(() => transformNotebookMarkup(page('<Math tex="\\frac{1}" />'), 'y.svelte')).toThrow(
			/y\.svelte:\d+: KaTeX could not typeset/
		);
		expect(() => transformNotebookMarkup(page('<Math />'), 'z.svelte')).toThrow(/needs a tex attribute/);
	});

	it('treats <Tex> as the same component', () => {
		const { code } = transformNotebookMarkup(page('<Tex tex="x^2" />'));
		expect(attr(code, 'html')).toContain('katex');
	});

	it('does not touch similarly named tags or files without Math', () => {
		const src = page('<MathBlock tex="x" /><p>Math</p>');
		expect(transformNotebookMarkup(src)).toEqual({ code: src, changed: false });
	});
});

describe('transformNotebookMarkup: Lesson outline', () => {
	it('gives <Lesson> the ids and titles of the constant Sections in the file, in order', () => {
		const src = page(
			'<Lesson title="Bits" {prev}>\n<Section id="one" title="First &amp; foremost">a</Section>\n' +
				'<Section title={dynamic} id="skip">b</Section>\n<Section id={\'three\'} title={"Third"}>c</Section>\n</Lesson>'
		);
		const { code } = transformNotebookMarkup(src);
		expect(attr(code, 'outline')).toEqual([
			{ id: 'one', title: 'First & foremost' },
			{ id: 'three', title: 'Third' }
		]);
		expect(code).toContain('<Lesson title="Bits" {prev} outline=');
	});

	it('leaves an explicit outline alone', () => {
		const src = page('<Lesson outline={mine}><Section id="a" title="A">x</Section></Lesson>');
		expect(transformNotebookMarkup(src).changed).toBe(false);
	});
});
