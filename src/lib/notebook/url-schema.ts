/**
 * The URL format of a page's state, as one declarative table (after TensorFlow
 * Playground's state.ts): each field has a name, a type, a default and bounds.
 * This module is pure (no DOM, no Svelte) so every rule is unit-tested; the runes
 * class in url-state.svelte.ts wires it to the address bar.
 *
 * Reading is forgiving and says what it did: values are clamped into range,
 * malformed values fall back to the default, unknown parameters are ignored, and
 * each of those produces one readable notice. Writing omits defaults so links
 * stay short.
 */

interface Base<T extends string> {
	/** Query parameter name, e.g. 'bits'. */
	name: string;
	type: T;
}
export interface NumberField extends Base<'int' | 'float'> {
	default: number;
	min?: number;
	max?: number;
}
export interface EnumField extends Base<'enum'> {
	default: string;
	options: readonly string[];
}
export interface BoolField extends Base<'bool'> {
	default: boolean;
}
export interface StringField extends Base<'string'> {
	default: string;
	/** Longer values are cut to this many characters (default 200). */
	maxLength?: number;
}
export interface IntListField extends Base<'intList'> {
	default: readonly number[];
	/** Bounds of each entry. */
	min?: number;
	max?: number;
	/** Most entries kept (extra ones are dropped with a notice). */
	maxLength?: number;
	/** Fewest entries accepted (shorter lists fall back to the default). Default 0. */
	minLength?: number;
}
export type FieldSpec = NumberField | EnumField | BoolField | StringField | IntListField;

/** The value type a field holds. */
export type ValueOf<F> = F extends { type: 'int' | 'float' }
	? number
	: F extends { type: 'enum'; options: readonly (infer O)[] }
		? O
		: F extends { type: 'bool' }
			? boolean
			: F extends { type: 'string' }
				? string
				: F extends { type: 'intList' }
					? number[]
					: never;

/** The values of a schema, by field name, plus the seed, speed and present every page carries. */
export type Values<S extends readonly FieldSpec[]> = {
	[F in S[number] as F['name']]: ValueOf<F>;
} & { seed: number; speed: Speed; present: string };

export type AnyValues = Record<string, number | string | boolean | number[]>;

export const SEED_MAX = 2 ** 32 - 1;
export const HIDE = 'hide';
const STRING_MAX = 200;

/** The seed field every page gets: a whole number in 0..2^32-1. */
export function seedField(defaultSeed = 1): NumberField {
	return { name: 'seed', type: 'int', default: defaultSeed, min: 0, max: SEED_MAX };
}

/** Training speeds a link may ask for, in steps per second per network; 'max' is as fast as the machine allows. */
export const SPEEDS = ['0.5', '1', '2', '5', '10', '30', '100', '300', '1000', 'max'] as const;
export type Speed = (typeof SPEEDS)[number];

/**
 * The classroom fields every page gets beside the seed: `speed` (how fast its live
 * figures train) and `present` (the id of a figure to open in presentation mode).
 */
export const CLASSROOM_FIELDS: readonly FieldSpec[] = [
	{ name: 'speed', type: 'enum', default: 'max', options: SPEEDS },
	{ name: 'present', type: 'string', default: '', maxLength: 60 }
];

/**
 * Names a `hide` list may hold besides the page's fields: `play` (Play/Pause, Step and
 * Reset), `share` (the share panel), `prose` (the lesson's text between figures) and
 * `try` (the figures' Try-this boxes).
 */
export const HIDE_EXTRAS = ['play', 'share', 'prose', 'try'] as const;

/**
 * The page's fields plus `seed`, `speed` and `present` (each appended unless the page
 * declares its own), after checking the table itself: names unique and not 'hide' or
 * a hide-list extra, defaults valid, bounds ordered. A bad table throws, which fails the
 * prerender of its page.
 */
export function completeSchema(fields: readonly FieldSpec[], defaultSeed = 1): FieldSpec[] {
	const all = [...fields];
	for (const f of [seedField(defaultSeed), ...CLASSROOM_FIELDS]) if (!all.some((g) => g.name === f.name)) all.push(f);
	const seen = new Set<string>();
	for (const f of all) {
		const where = `url state field '${f.name}'`;
		if (!/^[A-Za-z][\w-]*$/.test(f.name)) throw new Error(`${where}: names are letters, digits, '_' or '-'`);
		if (f.name === HIDE) throw new Error(`${where}: 'hide' is reserved for the hidden-controls list`);
		if ((HIDE_EXTRAS as readonly string[]).includes(f.name)) throw new Error(`${where}: '${f.name}' is reserved for the hide list`);
		if (seen.has(f.name)) throw new Error(`${where}: declared twice`);
		seen.add(f.name);
		if ((f.type === 'int' || f.type === 'float' || f.type === 'intList') && f.min !== undefined && f.max !== undefined && f.min > f.max) {
			throw new Error(`${where}: min ${f.min} is above max ${f.max}`);
		}
		const check = parseField(f, serialiseValue(f, f.default as never));
		if (check.notice || !sameValue(f, check.value, f.default)) {
			throw new Error(`${where}: the default ${formatValue(f, f.default as never)} is not a valid value`);
		}
	}
	return all;
}

/** Defaults of every field, as fresh (unshared) values. */
export function defaults(schema: readonly FieldSpec[]): AnyValues {
	const out: AnyValues = {};
	for (const f of schema) out[f.name] = f.type === 'intList' ? [...f.default] : f.default;
	return out;
}

/** How a value reads in a notice or a readout. */
export function formatValue(f: FieldSpec, v: number | string | boolean | readonly number[]): string {
	if (f.type === 'intList') return (v as readonly number[]).join(',') || '(empty)';
	if (f.type === 'bool') return v ? 'on' : 'off';
	if (f.type === 'string') return `'${v}'`;
	return String(v);
}

// Plain decimal or exponent notation; rejects '', 'Infinity', 'NaN', hex and '1,5'.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

interface Parsed<V> {
	value: V;
	/** Set when the raw text was not used as it was. */
	notice?: string;
}

function clampNumber(f: { name: string; min?: number; max?: number }, n: number, label: string = f.name): Parsed<number> {
	if (f.max !== undefined && n > f.max) {
		return { value: f.max, notice: `${label}: ${n} is above the largest allowed, ${f.max}; using ${f.max}` };
	}
	if (f.min !== undefined && n < f.min) {
		return { value: f.min, notice: `${label}: ${n} is below the smallest allowed, ${f.min}; using ${f.min}` };
	}
	return { value: n };
}

const quote = (raw: string): string => `'${raw.length > 40 ? raw.slice(0, 40) + '…' : raw}'`;

/** Parse one field's raw query text. Never throws: a bad value gives the default and a notice. */
export function parseField(f: FieldSpec, raw: string): Parsed<number | string | boolean | number[]> {
	const fallback = (why: string): Parsed<number | string | boolean | number[]> => ({
		value: f.type === 'intList' ? [...f.default] : f.default,
		notice: `${f.name}: ${raw === '' ? 'no value given' : `${quote(raw)} ${why}`}; using ${formatValue(f, f.default)}`
	});
	const text = raw.trim();
	switch (f.type) {
		case 'int':
		case 'float': {
			const n = NUMBER.test(text) ? Number(text) : NaN;
			if (f.type === 'int' && !Number.isInteger(n)) return fallback('is not a whole number');
			if (!Number.isFinite(n)) return fallback('is not a number');
			return clampNumber(f, n === 0 ? 0 : n); // no -0 in links
		}
		case 'enum':
			return f.options.includes(text) ? { value: text } : fallback(`is not one of ${f.options.join(', ')}`);
		case 'bool': {
			const t = text.toLowerCase();
			if (['1', 'true', 'on', 'yes'].includes(t)) return { value: true };
			if (['0', 'false', 'off', 'no'].includes(t)) return { value: false };
			return fallback('is not on or off (1 or 0)');
		}
		case 'string': {
			const max = f.maxLength ?? STRING_MAX;
			if (raw.length <= max) return { value: raw };
			return { value: raw.slice(0, max), notice: `${f.name}: longer than ${max} characters; cut to ${max}` };
		}
		case 'intList': {
			const parts = text === '' ? [] : text.split(',').map((p) => p.trim());
			if (parts.some((p) => !NUMBER.test(p) || !Number.isInteger(Number(p)))) {
				return fallback('is not a comma-separated list of whole numbers');
			}
			const min = f.minLength ?? 0;
			if (parts.length < min) return fallback(`has fewer than ${min} ${min === 1 ? 'entry' : 'entries'}`);
			const notices: string[] = [];
			let nums = parts.map(Number);
			if (f.maxLength !== undefined && nums.length > f.maxLength) {
				notices.push(`${f.name}: ${nums.length} entries, more than ${f.maxLength}; using the first ${f.maxLength}`);
				nums = nums.slice(0, f.maxLength);
			}
			nums = nums.map((n) => {
				const c = clampNumber(f, n === 0 ? 0 : n);
				if (c.notice) notices.push(c.notice);
				return c.value;
			});
			return { value: nums, notice: notices.length ? notices.join('. ') : undefined };
		}
	}
}

export interface ParseResult {
	values: AnyValues;
	/** Field names whose controls the link hides. */
	hidden: string[];
	/** One readable sentence per value that was not used as given. */
	notices: string[];
}

/**
 * How much of a link the schema reads. A hostile or broken link (a 100 KB `hide=`, two
 * thousand made-up keys) must neither flood the page with notices nor stall it: past
 * these caps the rest is skipped and one notice says so.
 */
export const MAX_QUERY_CHARS = 131_072;
/** Query entries (`key=value` pairs), and names in the hide list, read at most. */
export const MAX_ENTRIES = 5_000;
/** Names quoted in a summarising notice before "…". */
const LISTED = 3;

const count = (n: number): string => n.toLocaleString('en');
const listOf = (names: readonly string[], total: number): string => names.slice(0, LISTED).map(quote).join(', ') + (total > LISTED ? ', …' : '');

/**
 * Read a query string (`?a=1&b=2`, with or without '?') against a complete schema
 * (see completeSchema). Pure: the caller passes `location.search`. Never throws, and
 * its notices are bounded: at most one per field (a repeated key, a bad value and its
 * clamping join in one sentence), one for all unknown keys, one for the hide list's
 * unknown names, one if the link was longer than the caps.
 */
export function parseQuery(schema: readonly FieldSpec[], search: string | URLSearchParams): ParseResult {
	let text = typeof search === 'string' ? search : search.toString();
	const fullLength = text.length;
	if (fullLength > MAX_QUERY_CHARS) {
		// Cut at an entry boundary, so no value is read half-way.
		const amp = text.lastIndexOf('&', MAX_QUERY_CHARS);
		text = text.slice(0, amp > 0 ? amp : MAX_QUERY_CHARS);
	}
	const values = defaults(schema);
	const byName = new Map(schema.map((f) => [f.name, f]));
	// Notices per field, in the order fields first needed one.
	const fieldNotices = new Map<string, string[]>();
	const note = (name: string, msg: string): void => {
		const list = fieldNotices.get(name);
		if (!list) fieldNotices.set(name, [msg]);
		else if (!list.includes(msg)) list.push(msg);
	};
	const seen = new Set<string>();
	const unknown: string[] = [];
	let unknownCount = 0;
	let entries = 0;
	let skipped = 0;
	let hidden: string[] = [];

	for (const [key, raw] of new URLSearchParams(text)) {
		if (++entries > MAX_ENTRIES) {
			skipped++;
			continue;
		}
		if (seen.has(key)) {
			if (byName.has(key) || key === HIDE) note(key, `${key}: given more than once; using the first`);
			else unknownCount++;
			continue;
		}
		seen.add(key);
		if (key === HIDE) {
			hidden = readHide(raw, byName, (msg) => note(HIDE, msg));
			continue;
		}
		const f = byName.get(key);
		if (!f) {
			unknownCount++;
			unknown.push(key);
			continue;
		}
		const parsed = parseField(f, raw);
		values[f.name] = parsed.value;
		if (parsed.notice) note(f.name, parsed.notice);
	}

	const notices = [...fieldNotices.values()].map((list) => list.join('. '));
	if (unknownCount === 1) notices.push(`${quote(unknown[0])} is not a setting on this page; ignored`);
	else if (unknownCount > 1)
		notices.push(`${count(unknownCount)} unknown settings ignored (${listOf(unknown, unknownCount)}): they are not settings on this page`);
	if (fullLength > MAX_QUERY_CHARS) notices.push(`The link is ${count(fullLength)} characters long; only the first ${count(MAX_QUERY_CHARS)} were read`);
	else if (skipped > 0) notices.push(`The link has ${count(entries)} settings; only the first ${count(MAX_ENTRIES)} were read`);
	return { values, hidden, notices };
}

/** The hide list: known names once each, in order; unknown ones summed up in one notice. */
function readHide(raw: string, byName: ReadonlyMap<string, FieldSpec>, notice: (msg: string) => void): string[] {
	const hidden: string[] = [];
	const unknown = new Set<string>();
	let read = 0;
	let cut = false;
	for (const part of raw.split(',', MAX_ENTRIES + 1)) {
		if (++read > MAX_ENTRIES) {
			cut = true;
			break;
		}
		const name = part.trim();
		if (!name) continue;
		if (byName.has(name) || isExtra(name)) {
			if (!hidden.includes(name)) hidden.push(name);
		} else unknown.add(name);
	}
	const names = [...unknown];
	if (names.length === 1) notice(`hide: ${quote(names[0])} is not a setting on this page; ignored`);
	else if (names.length > 1) notice(`hide: ${count(names.length)} names are not settings on this page (${listOf(names, names.length)}); ignored`);
	if (cut) notice(`hide: more than ${count(MAX_ENTRIES)} names; only the first ${count(MAX_ENTRIES)} were read`);
	return hidden;
}

function isExtra(name: string): boolean {
	return (HIDE_EXTRAS as readonly string[]).includes(name);
}

/** Floats as links write them: 12 significant digits, so 0.1 + 0.2 reads 0.3. */
function tidy(n: number): number {
	return Number(n.toPrecision(12));
}

function sameValue(f: FieldSpec, a: unknown, b: unknown): boolean {
	if (f.type === 'intList') {
		const x = a as readonly number[];
		const y = b as readonly number[];
		return x.length === y.length && x.every((v, i) => v === y[i]);
	}
	if (f.type === 'float') return tidy(a as number) === tidy(b as number);
	return a === b;
}

/** One value as query text (not yet URI-encoded). */
export function serialiseValue(f: FieldSpec, v: number | string | boolean | readonly number[]): string {
	if (f.type === 'intList') return (v as readonly number[]).join(',');
	if (f.type === 'bool') return v ? '1' : '0';
	if (f.type === 'float') return String(tidy(v as number));
	return String(v);
}

// Commas are legal in a query (RFC 3986 sub-delims) and keep lists readable.
const encode = (s: string): string => encodeURIComponent(s).replace(/%2C/gi, ',');

/**
 * The query string for `values` ('?a=1&b=2', or '' when everything is default):
 * fields in schema order, defaults left out, then `hide`.
 */
export function serialiseQuery(schema: readonly FieldSpec[], values: AnyValues, hidden: readonly string[] = []): string {
	const parts: string[] = [];
	for (const f of schema) {
		const v = values[f.name];
		if (v === undefined || sameValue(f, v, f.default)) continue;
		parts.push(`${encode(f.name)}=${encode(serialiseValue(f, v))}`);
	}
	const names = [...schema.map((f) => f.name), ...HIDE_EXTRAS].filter((n) => hidden.includes(n));
	if (names.length) parts.push(`${HIDE}=${names.map(encode).join(',')}`);
	return parts.length ? `?${parts.join('&')}` : '';
}
