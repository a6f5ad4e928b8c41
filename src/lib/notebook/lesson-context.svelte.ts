/**
 * What a lesson page's parts tell each other: Sections register for the contents
 * list, Cites and Footnotes take their numbers, Figures take theirs. A Lesson
 * creates one of these and shares it through Svelte context; the parts find it
 * with getLesson(). Registration happens while components initialise, which is
 * document order both in prerendering and in the browser, so numbers agree
 * between the prerendered HTML and the hydrated page.
 */
import { getContext, setContext, type Snippet } from 'svelte';
import { CitationOrder } from './citations';

export interface SectionEntry {
	id: string;
	title: string;
}

export interface FootnoteEntry {
	n: number;
	content: Snippet;
}

const KEY = Symbol('bitwise-lesson');

export class LessonContext {
	/** Sections in page order. */
	sections: SectionEntry[] = $state([]);
	/** Cited reference keys in order of first use (number = index + 1). */
	cited: string[] = $state([]);
	footnotes: FootnoteEntry[] = $state([]);
	/** Element id of the first place each key is cited (the references list links back to it). */
	firstCite: Record<string, string> = {};
	#citations = new CitationOrder(this.cited);
	#figures = 0;
	#instances = 0;

	/** Numbers for these reference keys (a key keeps its number once cited). */
	cite(keys: readonly string[], elementId: string): number[] {
		const numbers = this.#citations.cite(keys);
		for (const key of keys) this.firstCite[key] ??= elementId;
		return numbers;
	}

	/** Register a footnote's content; returns its number. */
	footnote(content: Snippet): number {
		const n = this.footnotes.length + 1;
		this.footnotes.push({ n, content });
		return n;
	}

	/** Register a section; returns a function that unregisters it. */
	section(entry: SectionEntry): () => void {
		this.sections.push(entry);
		return () => {
			const i = this.sections.findIndex((s) => s.id === entry.id);
			if (i >= 0) this.sections.splice(i, 1);
		};
	}

	/** The next figure number. */
	figure(): number {
		return ++this.#figures;
	}

	/** A page-unique suffix for element ids (e.g. each place a work is cited). */
	uid(): number {
		return ++this.#instances;
	}
}

export function createLesson(): LessonContext {
	return setContext(KEY, new LessonContext());
}

/** The enclosing lesson, or undefined outside one (parts then degrade gracefully). */
export function getLesson(): LessonContext | undefined {
	return getContext<LessonContext | undefined>(KEY);
}
