/**
 * A source transform for .svelte files, run by the notebook's Vite plugin before
 * the Svelte compiler sees them. It does two things at build time that a page
 * could not do at run time without shipping a library:
 *
 * 1. `<Math tex="..." />` (or `<Tex>`, the same component under a name that
 *    leaves the global Math object alone) gets `html={...}`: the formula typeset by KaTeX, so the
 *    browser receives markup and KaTeX's stylesheet but none of KaTeX's code.
 *    Client-side navigation works too, since the HTML is a constant in the
 *    compiled component.
 * 2. `<Lesson>` gets `outline={[...]}`: the ids and titles of the `<Section>`s in
 *    the same file, so the lesson's contents list is already in the prerendered
 *    HTML. (Svelte renders top to bottom, and the contents list sits above the
 *    sections it lists.) Sections register themselves at run time as well; the
 *    outline only fills the list until they have.
 *
 * `tex` must be a constant: a quoted attribute (`tex="x_i"`, fine when the formula
 * has no braces) or a single JavaScript string literal (`tex={String.raw`\frac{a}{b}`}`
 * or `tex={'\\frac{a}{b}'}`), because Svelte reads `{...}` inside a quoted
 * attribute as an expression and svelte-check would complain. Anything else is a
 * build error: there is no KaTeX in the browser to typeset it later.
 */
import { renderTex } from './tex.js';

interface Attr {
	name: string;
	/** Raw text of the value: without quotes for quoted values, without braces for {expressions}. */
	value: string | null;
	kind: 'bare' | 'quoted' | 'expression' | 'unquoted' | 'spread';
	start: number;
	end: number;
}

interface Tag {
	name: string;
	start: number;
	/** Index just past '>' of the opening tag. */
	end: number;
	/** Index of '/>' or '>' closing the opening tag. */
	closeAt: number;
	attrs: Attr[];
}

export interface TransformResult {
	code: string;
	/** True when anything was replaced. */
	changed: boolean;
}

export class NotebookTransformError extends Error {}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };
const decodeEntities = (s: string): string =>
	s.replace(/&(amp|lt|gt|quot|apos|#39);/g, (_, e: string) => ENTITIES[e]);

function lineOf(code: string, index: number): number {
	let line = 1;
	for (let i = 0; i < index && i < code.length; i++) if (code.charCodeAt(i) === 10) line++;
	return line;
}

/** Index just past the JavaScript expression that starts after the '{' at `open`. */
function skipExpression(code: string, open: number): number {
	// A stack of what we are inside: '{' (code), or a template literal ('`').
	const stack: string[] = ['{'];
	let i = open + 1;
	while (i < code.length) {
		const c = code[i];
		const top = stack[stack.length - 1];
		if (top === '`') {
			if (c === '\\') i += 2;
			else if (c === '`') {
				stack.pop();
				i++;
			} else if (c === '$' && code[i + 1] === '{') {
				stack.push('{');
				i += 2;
			} else i++;
			continue;
		}
		if (c === '"' || c === "'") {
			i++;
			while (i < code.length && code[i] !== c) i += code[i] === '\\' ? 2 : 1;
			i++;
		} else if (c === '`') {
			stack.push('`');
			i++;
		} else if (c === '/' && code[i + 1] === '/') {
			while (i < code.length && code[i] !== '\n') i++;
		} else if (c === '/' && code[i + 1] === '*') {
			const endC = code.indexOf('*/', i + 2);
			i = endC < 0 ? code.length : endC + 2;
		} else if (c === '{') {
			stack.push('{');
			i++;
		} else if (c === '}') {
			stack.pop();
			i++;
			if (stack.length === 0) return i;
		} else i++;
	}
	throw new NotebookTransformError(`unclosed '{' starting at line ${lineOf(code, open)}`);
}

/** Parse the opening tag `<Name ...>` that starts at `start`. */
function parseTag(code: string, start: number): Tag {
	const nameMatch = /^<([A-Za-z][\w.]*)/.exec(code.slice(start, start + 64));
	if (!nameMatch) throw new NotebookTransformError(`not a tag at line ${lineOf(code, start)}`);
	const attrs: Attr[] = [];
	let i = start + nameMatch[0].length;
	for (;;) {
		while (i < code.length && /\s/.test(code[i])) i++;
		if (i >= code.length) throw new NotebookTransformError(`unclosed <${nameMatch[1]}> at line ${lineOf(code, start)}`);
		if (code[i] === '>') return { name: nameMatch[1], start, end: i + 1, closeAt: i, attrs };
		if (code[i] === '/' && code[i + 1] === '>') {
			return { name: nameMatch[1], start, end: i + 2, closeAt: i, attrs };
		}
		const aStart = i;
		if (code[i] === '{') {
			const end = skipExpression(code, i);
			attrs.push({ name: '', value: code.slice(i + 1, end - 1), kind: 'spread', start: aStart, end });
			i = end;
			continue;
		}
		let j = i;
		while (j < code.length && !/[\s=/>]/.test(code[j])) j++;
		const name = code.slice(i, j);
		if (name === '') throw new NotebookTransformError(`unexpected '${code[i]}' at line ${lineOf(code, i)}`);
		i = j;
		while (i < code.length && /\s/.test(code[i]) && code[i] !== '\n') i++;
		if (code[i] !== '=') {
			attrs.push({ name, value: null, kind: 'bare', start: aStart, end: j });
			i = j;
			continue;
		}
		i++;
		while (/\s/.test(code[i])) i++;
		const q = code[i];
		if (q === '"' || q === "'") {
			const close = code.indexOf(q, i + 1);
			if (close < 0) throw new NotebookTransformError(`unclosed attribute ${name} at line ${lineOf(code, aStart)}`);
			attrs.push({ name, value: code.slice(i + 1, close), kind: 'quoted', start: aStart, end: close + 1 });
			i = close + 1;
		} else if (q === '{') {
			const end = skipExpression(code, i);
			attrs.push({ name, value: code.slice(i + 1, end - 1), kind: 'expression', start: aStart, end });
			i = end;
		} else {
			let k = i;
			while (k < code.length && !/[\s>]/.test(code[k]) && !(code[k] === '/' && code[k + 1] === '>')) k++;
			attrs.push({ name, value: code.slice(i, k), kind: 'unquoted', start: aStart, end: k });
			i = k;
		}
	}
}

/**
 * The value of a constant string expression: one string literal, or a template
 * literal (optionally String.raw) without substitutions. Null for anything else.
 */
export function constantString(expression: string): string | null {
	const e = expression.trim();
	const raw = /^String\.raw\s*`([^`]*)`$/.exec(e);
	if (raw) return raw[1].includes('${') ? null : raw[1];
	if (/^`[^`]*`$/.test(e)) return e.includes('${') ? null : (new Function(`return ${e};`)() as string);
	if (/^"(?:[^"\\\n]|\\.)*"$/.test(e) || /^'(?:[^'\\\n]|\\.)*'$/.test(e)) {
		return new Function(`return ${e};`)() as string;
	}
	return null;
}

function attrString(attr: Attr, code: string, what: string): string | null {
	if (attr.kind === 'quoted' || attr.kind === 'unquoted') return decodeEntities(attr.value ?? '');
	if (attr.kind === 'expression') return constantString(attr.value ?? '');
	if (attr.kind === 'bare') return '';
	throw new NotebookTransformError(`${what}: spread attributes are not supported`);
}

/** [start, end) ranges holding markup: outside <script>, <style> and HTML comments. */
function markupRanges(code: string): Array<[number, number]> {
	const ranges: Array<[number, number]> = [];
	const re = /<script\b[^>]*>[\s\S]*?<\/script\s*>|<style\b[^>]*>[\s\S]*?<\/style\s*>|<!--[\s\S]*?-->/g;
	let last = 0;
	for (let m = re.exec(code); m; m = re.exec(code)) {
		ranges.push([last, m.index]);
		last = m.index + m[0].length;
	}
	ranges.push([last, code.length]);
	return ranges;
}

function findTags(code: string, name: string): Tag[] {
	const tags: Tag[] = [];
	const re = new RegExp(`<${name}(?=[\\s/>])`, 'g');
	for (const [from, to] of markupRanges(code)) {
		re.lastIndex = from;
		for (let m = re.exec(code); m && m.index < to; m = re.exec(code)) {
			const tag = parseTag(code, m.index);
			tags.push(tag);
			re.lastIndex = tag.end;
		}
	}
	return tags;
}

/** Rebuild an opening tag, keeping its line count so later line numbers stay true. */
function rebuild(code: string, tag: Tag, keep: Attr[], extra: string[]): string {
	const original = code.slice(tag.start, tag.end);
	const newlines = (original.match(/\n/g) ?? []).length;
	const selfClosing = code[tag.closeAt] === '/';
	const parts = [`<${tag.name}`, ...keep.map((a) => code.slice(a.start, a.end)), ...extra];
	return parts.join(' ') + '\n'.repeat(newlines) + (selfClosing ? ' />' : '>');
}

function rewriteMath(code: string, tag: Tag, where: string): string {
	const texAttr = tag.attrs.find((a) => a.name === 'tex');
	if (!texAttr) throw new NotebookTransformError(`${where}: <Math> needs a tex attribute`);
	if (tag.attrs.some((a) => a.name === 'html')) return code.slice(tag.start, tag.end);
	const tex = attrString(texAttr, code, where);
	if (tex === null) {
		throw new NotebookTransformError(
			`${where}: <Math tex={${texAttr.value}}> is not a constant string. Formulas are typeset at build time, ` +
				'so write tex="..." or tex={String.raw`...`}.'
		);
	}
	const displayAttr = tag.attrs.find((a) => a.name === 'display');
	let display = false;
	if (displayAttr) {
		const v = displayAttr.kind === 'bare' ? 'true' : (displayAttr.value ?? '').trim();
		if (v !== 'true' && v !== 'false') {
			throw new NotebookTransformError(`${where}: <Math display> must be a constant true or false`);
		}
		display = v === 'true';
	}
	let html: string;
	try {
		html = renderTex(tex, display);
	} catch (err) {
		throw new NotebookTransformError(`${where}: KaTeX could not typeset ${JSON.stringify(tex)}: ${(err as Error).message}`);
	}
	const keep = tag.attrs.filter((a) => a !== texAttr && a !== displayAttr);
	return rebuild(code, tag, keep, [
		`tex={${JSON.stringify(tex)}}`,
		`display={${display}}`,
		`html={${JSON.stringify(html)}}`
	]);
}

function sectionOutline(code: string): Array<{ id: string; title: string }> {
	const outline: Array<{ id: string; title: string }> = [];
	for (const tag of findTags(code, 'Section')) {
		const id = tag.attrs.find((a) => a.name === 'id');
		const title = tag.attrs.find((a) => a.name === 'title');
		if (!id || !title) continue;
		const idText = id.kind === 'expression' ? constantString(id.value ?? '') : attrString(id, code, 'Section');
		const titleText =
			title.kind === 'expression' ? constantString(title.value ?? '') : attrString(title, code, 'Section');
		if (idText && titleText) outline.push({ id: idText, title: titleText });
	}
	return outline;
}

/** Apply both rewrites to one .svelte file's source. */
export function transformNotebookMarkup(code: string, filename = 'component.svelte'): TransformResult {
	const hasMath = code.includes('<Math') || code.includes('<Tex');
	const hasLesson = code.includes('<Lesson');
	if (!hasMath && !hasLesson) return { code, changed: false };

	const edits: Array<{ start: number; end: number; text: string }> = [];
	try {
		if (hasMath) {
			// <Tex> is the same component imported under another name, for scripts that
			// need the global Math object.
			const tags = [...findTags(code, 'Math'), ...findTags(code, 'Tex')];
			for (const tag of tags) {
				const where = `${filename}:${lineOf(code, tag.start)}`;
				edits.push({ start: tag.start, end: tag.end, text: rewriteMath(code, tag, where) });
			}
		}
		if (hasLesson) {
			const outline = sectionOutline(code);
			for (const tag of findTags(code, 'Lesson')) {
				if (tag.attrs.some((a) => a.name === 'outline')) continue;
				edits.push({ start: tag.start, end: tag.end, text: rebuild(code, tag, tag.attrs, [`outline={${JSON.stringify(outline)}}`]) });
			}
		}
	} catch (err) {
		if (err instanceof NotebookTransformError && !err.message.startsWith(filename)) {
			throw new NotebookTransformError(`${filename}: ${err.message}`);
		}
		throw err;
	}
	if (edits.length === 0) return { code, changed: false };
	edits.sort((a, b) => a.start - b.start);
	let out = '';
	let at = 0;
	for (const e of edits) {
		out += code.slice(at, e.start) + e.text;
		at = e.end;
	}
	out += code.slice(at);
	return { code: out, changed: true };
}
