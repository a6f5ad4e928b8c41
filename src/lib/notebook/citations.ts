/**
 * Numbering for citations and footnotes: a work gets its number the first time
 * the page cites it, and keeps it. Pure, so the rule is unit-tested; the lesson
 * context (lesson-context.svelte.ts) holds one of these per page.
 */
import { REFERENCES, type Reference } from './references';

export class CitationOrder {
	/** Keys in order of first citation; a key's number is its index + 1. */
	readonly keys: string[];

	constructor(keys: string[] = []) {
		this.keys = keys;
	}

	/**
	 * Numbers for `keys`, registering the ones not cited before. Throws for a key
	 * the registry does not know, so a typo fails the prerender of its page.
	 */
	cite(keys: readonly string[], registry: Record<string, Reference> = REFERENCES): number[] {
		return keys.map((key) => {
			if (!Object.hasOwn(registry, key)) {
				throw new Error(`Cite: no reference '${key}' in references.ts`);
			}
			let i = this.keys.indexOf(key);
			if (i < 0) {
				this.keys.push(key);
				i = this.keys.length - 1;
			}
			return i + 1;
		});
	}
}

/** Split a `keys` prop ('a, b' or ['a', 'b']) into trimmed keys. */
export function splitKeys(keys: string | readonly string[]): string[] {
	const list = typeof keys === 'string' ? keys.split(',') : keys;
	return list.map((k) => k.trim()).filter(Boolean);
}

/**
 * Collapse sorted citation numbers into ranges for display: [1, 2, 3, 5] reads
 * "1–3, 5". Returns runs so each number can still link to its entry.
 */
export function numberRuns(numbers: readonly number[]): number[][] {
	const sorted = [...new Set(numbers)].sort((a, b) => a - b);
	const runs: number[][] = [];
	for (const n of sorted) {
		const run = runs.at(-1);
		if (run && run.at(-1) === n - 1) run.push(n);
		else runs.push([n]);
	}
	return runs;
}
