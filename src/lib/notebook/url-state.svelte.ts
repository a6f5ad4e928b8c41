/**
 * A page's state in its URL, from one declarative schema (see url-schema.ts for
 * the format and its rules):
 *
 *   const url = defineUrlState([
 *     { name: 'bits', type: 'int', default: 8, min: 1, max: 32 },
 *     { name: 'est', type: 'enum', default: 'clipped', options: ESTIMATOR_NAMES }
 *   ]);
 *   <Slider label="Bits" bind:value={url.values.bits} hidden={url.hidden('bits')} ... />
 *   <UrlNotice notices={url.notices} />
 *
 * A page that names the values for short writes `const v = $derived(url.values)`, not a
 * plain `const v = url.values`: Svelte compiles `bind:x={v.x}` on a plain const as a
 * mutation of all of `v`, so every control would re-run everything that reads any value
 * (a live figure's run request among them, which then starts its run again).
 *
 * Call it in a component's <script> (it sets up effects). The prerendered HTML
 * shows the defaults: the URL is read only in the browser, after hydration, and
 * `ready` turns true then, so a figure can wait for it before it trains. Changes
 * are written back with SvelteKit's replaceState, debounced, without adding
 * history entries; defaults are left out of the link.
 */
import { browser } from '$app/environment';
import { replaceState } from '$app/navigation';
import { page } from '$app/state';
import { getContext, setContext, untrack } from 'svelte';
import { HIDE_EXTRAS, completeSchema, defaults, parseQuery, serialiseQuery, type AnyValues, type FieldSpec, type Values } from './url-schema';

const KEY = Symbol('bitwise-url-state');

/** How long after the last change the address bar is updated. */
const WRITE_DELAY_MS = 250;

export interface UrlStateOptions {
	/** The page's default seed (default 1). */
	seed?: number;
}

export class UrlState<S extends readonly FieldSpec[]> {
	/** The complete schema: the page's fields plus seed. */
	readonly schema: FieldSpec[];
	/** Current values, by field name; bind controls to these. */
	values: Values<S>;
	/** Readable sentences about values in the URL that were not used as given. */
	notices: string[] = $state([]);
	/** Names of fields whose controls this link hides (the `hide` parameter). */
	hide: string[] = $state([]);
	/** True once the URL has been read (always false during prerendering). */
	ready = $state(false);

	#written = '';
	#timer: ReturnType<typeof setTimeout> | undefined;

	constructor(fields: S, options: UrlStateOptions = {}) {
		this.schema = completeSchema(fields, options.seed ?? 1);
		this.values = $state(defaults(this.schema)) as Values<S>;
		// The page's parts (figures, the lesson frame, the share panel) read the hide list and the
		// classroom fields from here.
		setContext(KEY, this);
		if (!browser) return;

		$effect(() => {
			untrack(() => this.load(location.search));
		});
		$effect(() => {
			const query = this.query;
			if (!this.ready || query === this.#written) return;
			clearTimeout(this.#timer);
			this.#timer = setTimeout(() => this.#write(query), WRITE_DELAY_MS);
		});
		$effect(() => () => clearTimeout(this.#timer));
	}

	/** Replace the values with those in `search` (a query string), collecting notices. */
	load(search: string): void {
		const parsed = parseQuery(this.schema, search);
		Object.assign(this.values, parsed.values);
		this.hide = parsed.hidden;
		this.notices = parsed.notices;
		this.#written = serialiseQuery(this.schema, parsed.values, parsed.hidden);
		this.ready = true;
	}

	/** True when the link hides the control for `name` (a field, or one of HIDE_EXTRAS: play, share, prose, try). */
	hidden(name: (keyof Values<S> & string) | (typeof HIDE_EXTRAS)[number]): boolean {
		return this.hide.includes(name);
	}

	/** The query string for the current values ('' when all are defaults). */
	get query(): string {
		return serialiseQuery(this.schema, this.values as unknown as AnyValues, this.hide);
	}

	/** Put every value back to its default (the hide list stays). */
	reset(): void {
		Object.assign(this.values, defaults(this.schema));
	}

	#write(query: string): void {
		this.#written = query;
		const url = location.pathname + query + location.hash;
		try {
			replaceState(url, page.state);
		} catch {
			// Before SvelteKit's router has started (only possible in the first
			// moments of a page), fall back to the history API directly.
			history.replaceState(history.state, '', url);
		}
	}
}

/** The enclosing page's URL state (set by defineUrlState), or undefined outside one. */
export function getUrlState(): UrlState<readonly FieldSpec[]> | undefined {
	return getContext<UrlState<readonly FieldSpec[]> | undefined>(KEY);
}

/** One page's URL state. `fields` is the page's schema; `seed`, `speed`, `present` and `hide` are added. */
export function defineUrlState<const S extends readonly FieldSpec[]>(fields: S, options?: UrlStateOptions): UrlState<S> {
	return new UrlState(fields, options);
}
