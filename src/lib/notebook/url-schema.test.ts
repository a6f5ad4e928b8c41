import { describe, expect, it } from 'vitest';
import { MAX_ENTRIES, MAX_QUERY_CHARS, SEED_MAX, SPEEDS, completeSchema, defaults, parseField, parseQuery, serialiseQuery, type FieldSpec } from './url-schema';

const FIELDS: FieldSpec[] = [
	{ name: 'bits', type: 'int', default: 8, min: 1, max: 32 },
	{ name: 'lr', type: 'float', default: 0.01, min: 1e-5, max: 1 },
	{ name: 'est', type: 'enum', default: 'clipped', options: ['identity', 'clipped', 'approxsign'] },
	{ name: 'bn', type: 'bool', default: true },
	{ name: 'note', type: 'string', default: '', maxLength: 10 },
	{ name: 'hidden', type: 'intList', default: [32, 32], min: 1, max: 512, maxLength: 3, minLength: 1 }
];
const SCHEMA = completeSchema(FIELDS);

describe('completeSchema', () => {
	it('appends a seed field in 0..2^32-1 with the page default, then speed and present', () => {
		const all = completeSchema(FIELDS, 7);
		expect(all.slice(-3).map((f) => f.name)).toEqual(['seed', 'speed', 'present']);
		expect(all.at(-3)).toEqual({ name: 'seed', type: 'int', default: 7, min: 0, max: SEED_MAX });
		expect(all.at(-2)).toMatchObject({ type: 'enum', default: 'max', options: SPEEDS });
		// A page that declares its own speed keeps it.
		const own = completeSchema([{ name: 'speed', type: 'int', default: 3, min: 1, max: 9 }]);
		expect(own.filter((f) => f.name === 'speed')).toEqual([{ name: 'speed', type: 'int', default: 3, min: 1, max: 9 }]);
	});
	it('rejects a table with a reserved or repeated name, a bad default or crossed bounds', () => {
		expect(() => completeSchema([{ name: 'hide', type: 'bool', default: false }])).toThrow(/reserved/);
		expect(() => completeSchema([{ name: 'prose', type: 'bool', default: false }])).toThrow(/reserved for the hide list/);
		expect(() => completeSchema([FIELDS[0], FIELDS[0]])).toThrow(/twice/);
		expect(() => completeSchema([{ name: 'k', type: 'int', default: 40, min: 1, max: 32 }])).toThrow(/default 40/);
		expect(() => completeSchema([{ name: 'k', type: 'int', default: 1.5 }])).toThrow(/default/);
		expect(() => completeSchema([{ name: 'e', type: 'enum', default: 'x', options: ['a'] }])).toThrow(/default/);
		expect(() => completeSchema([{ name: 'k', type: 'float', default: 1, min: 2, max: 1 }])).toThrow(/min 2 is above max 1/);
		expect(() => completeSchema([{ name: 'l', type: 'intList', default: [], minLength: 1 }])).toThrow(/default/);
	});
});

describe('parseQuery', () => {
	it('gives the defaults and no notice for an empty query', () => {
		for (const q of ['', '?']) {
			const r = parseQuery(SCHEMA, q);
			expect(r.values).toEqual(defaults(SCHEMA));
			expect(r.notices).toEqual([]);
			expect(r.hidden).toEqual([]);
		}
	});

	it('reads every type', () => {
		const r = parseQuery(SCHEMA, '?bits=4&lr=1e-3&est=approxsign&bn=0&note=hi%20there&hidden=64,16&seed=42&speed=2&present=figure-3');
		expect(r.values).toEqual({
			bits: 4,
			lr: 0.001,
			est: 'approxsign',
			bn: false,
			note: 'hi there',
			hidden: [64, 16],
			seed: 42,
			speed: '2',
			present: 'figure-3'
		});
		expect(r.notices).toEqual([]);
	});

	it('clamps numbers into range, with a notice naming the limit', () => {
		const r = parseQuery(SCHEMA, 'bits=64&lr=-2&seed=99999999999');
		expect(r.values.bits).toBe(32);
		expect(r.values.lr).toBe(1e-5);
		expect(r.values.seed).toBe(SEED_MAX);
		expect(r.notices).toEqual([
			'bits: 64 is above the largest allowed, 32; using 32',
			'lr: -2 is below the smallest allowed, 0.00001; using 0.00001',
			`seed: 99999999999 is above the largest allowed, ${SEED_MAX}; using ${SEED_MAX}`
		]);
	});

	it('falls back to the default for malformed values, saying why', () => {
		const r = parseQuery(SCHEMA, 'seed=abc&bits=2.5&lr=NaN&est=magic&bn=maybe&hidden=32,x');
		expect(r.values).toEqual(defaults(SCHEMA));
		expect(r.notices).toEqual([
			"seed: 'abc' is not a whole number; using 1",
			"bits: '2.5' is not a whole number; using 8",
			"lr: 'NaN' is not a number; using 0.01",
			"est: 'magic' is not one of identity, clipped, approxsign; using clipped",
			"bn: 'maybe' is not on or off (1 or 0); using on",
			"hidden: '32,x' is not a comma-separated list of whole numbers; using 32,32"
		]);
	});

	it('rejects number look-alikes: empty, Infinity, hex, spaces inside, comma decimals', () => {
		for (const raw of ['', 'Infinity', '0x10', '1 2', '1,5', '--1', '.', 'e3']) {
			const r = parseField(FIELDS[1], raw);
			expect(r.value, raw).toBe(0.01);
			expect(r.notice, raw).toBeDefined();
		}
		expect(parseField(FIELDS[0], '').notice).toBe('bits: no value given; using 8');
		expect(parseField(FIELDS[0], ' 16 ').value).toBe(16);
		expect(parseField(FIELDS[0], '1e1').value).toBe(10);
		expect(parseField(FIELDS[0], '-0').value).toBe(1); // clamped; and never -0
		expect(Object.is(parseField({ name: 'z', type: 'int', default: 0 }, '-0').value, 0)).toBe(true);
	});

	it('accepts the usual spellings of a boolean', () => {
		for (const t of ['1', 'true', 'ON', 'yes']) expect(parseField(FIELDS[3], t).value).toBe(true);
		for (const f of ['0', 'False', 'off', 'no']) expect(parseField(FIELDS[3], f).value).toBe(false);
	});

	it('cuts long strings and long lists, clamps list entries, refuses short lists', () => {
		expect(parseField(FIELDS[4], 'abcdefghijklmnop')).toEqual({
			value: 'abcdefghij',
			notice: 'note: longer than 10 characters; cut to 10'
		});
		expect(parseField(FIELDS[5], '8,9,10,11')).toEqual({
			value: [8, 9, 10],
			notice: 'hidden: 4 entries, more than 3; using the first 3'
		});
		expect(parseField(FIELDS[5], '0, 1000')).toEqual({
			value: [1, 512],
			notice: 'hidden: 0 is below the smallest allowed, 1; using 1. hidden: 1000 is above the largest allowed, 512; using 512'
		});
		expect(parseField(FIELDS[5], '')).toEqual({ value: [32, 32], notice: 'hidden: no value given; using 32,32' });
		expect(parseField(FIELDS[5], '1,,2').notice).toMatch(/not a comma-separated list/);
	});

	it('ignores unknown parameters and repeated ones, with a notice each', () => {
		const r = parseQuery(SCHEMA, 'utm_source=x&bits=4&bits=5');
		expect(r.values.bits).toBe(4);
		expect(r.notices).toEqual(['bits: given more than once; using the first', "'utm_source' is not a setting on this page; ignored"]);
	});

	it('bounds its notices on hostile links: one per field, one for unknown keys, one for the hide list', () => {
		const many = Array.from({ length: 2000 }, (_, i) => `p${i}=${i}`).join('&');
		const r = parseQuery(SCHEMA, `?${many}&bits=4`);
		expect(r.values.bits).toBe(4);
		expect(r.notices).toEqual(["2,000 unknown settings ignored ('p0', 'p1', 'p2', …): they are not settings on this page"]);

		const hide = parseQuery(SCHEMA, `?hide=lr,${'a,'.repeat(50_000)}seed`);
		expect(hide.hidden).toEqual(['lr']);
		expect(hide.notices).toEqual(["hide: 'a' is not a setting on this page; ignored. hide: more than 5,000 names; only the first 5,000 were read"]);
		const names = parseQuery(SCHEMA, `?hide=${Array.from({ length: 300 }, (_, i) => `n${i}`).join(',')}`);
		expect(names.notices).toEqual(["hide: 300 names are not settings on this page ('n0', 'n1', 'n2', …); ignored"]);

		const repeated = parseQuery(SCHEMA, '?' + Array.from({ length: 200 }, () => 'bits=99').join('&'));
		expect(repeated.values.bits).toBe(32);
		expect(repeated.notices).toHaveLength(1);
		expect(repeated.notices[0]).toMatch(/^bits: .*\. bits: given more than once; using the first$/);
	});

	it('reads only the first part of an over-long link, cut at an entry boundary, and says so', () => {
		const filler = `x=${'y'.repeat(MAX_QUERY_CHARS)}`;
		const r = parseQuery(SCHEMA, `?bits=4&${filler}&lr=0.5`);
		expect(r.values.bits).toBe(4);
		expect(r.values.lr).toBe(SCHEMA.find((f) => f.name === 'lr')!.default);
		expect(r.notices.at(-1)).toBe(
			`The link is ${(filler.length + 15).toLocaleString('en')} characters long; only the first ${MAX_QUERY_CHARS.toLocaleString('en')} were read`
		);
		const entries = parseQuery(SCHEMA, '?' + Array.from({ length: MAX_ENTRIES + 10 }, () => 'b=1').join('&'));
		expect(entries.notices.at(-1)).toBe(
			`The link has ${(MAX_ENTRIES + 10).toLocaleString('en')} settings; only the first ${MAX_ENTRIES.toLocaleString('en')} were read`
		);
	});

	it('reads the hide list, dropping unknown and repeated names', () => {
		const r = parseQuery(SCHEMA, 'hide=lr,seed,nope,lr,');
		expect(r.hidden).toEqual(['lr', 'seed']);
		expect(r.notices).toEqual(["hide: 'nope' is not a setting on this page; ignored"]);
	});

	it('takes the classroom extras in the hide list and writes them after the fields', () => {
		const r = parseQuery(SCHEMA, 'hide=try,prose,play,share,speed,bits');
		expect(r.hidden).toEqual(['try', 'prose', 'play', 'share', 'speed', 'bits']);
		expect(r.notices).toEqual([]);
		expect(serialiseQuery(SCHEMA, r.values, r.hidden)).toBe('?hide=bits,speed,play,share,prose,try');
	});

	it('never throws on garbage', () => {
		const junk = ['%', '&&&', '=', 'bits', 'bits=%E0%A4%A', '?hide', 'hidden=' + '9,'.repeat(1000), '\u0000=\u0000'];
		for (const q of junk) expect(() => parseQuery(SCHEMA, q)).not.toThrow();
	});
});

describe('serialiseQuery', () => {
	it('omits defaults, so the default state is the bare path', () => {
		expect(serialiseQuery(SCHEMA, defaults(SCHEMA))).toBe('');
	});

	it('writes changed values in schema order, lists with bare commas, then hide', () => {
		const v = { ...defaults(SCHEMA), seed: 9, bits: 2, bn: false, hidden: [64, 8], note: 'a b&c' };
		expect(serialiseQuery(SCHEMA, v, ['seed', 'bits'])).toBe('?bits=2&bn=0&note=a%20b%26c&hidden=64,8&seed=9&hide=bits,seed');
	});

	it('writes floats without binary noise and treats noise-equal floats as default', () => {
		expect(serialiseQuery(SCHEMA, { ...defaults(SCHEMA), lr: 0.1 + 0.2 })).toBe('?lr=0.3');
		expect(serialiseQuery(SCHEMA, { ...defaults(SCHEMA), lr: 0.01 + 1e-17 })).toBe('');
	});

	it('round-trips: parse(serialise(v)) gives v back with no notice', () => {
		const cases = [
			{ bits: 1, lr: 1, est: 'identity', bn: false, note: 'x,y=z?', hidden: [1, 512, 7], seed: 0, speed: '0.5', present: '' },
			{ bits: 32, lr: 1e-5, est: 'approxsign', bn: true, note: '', hidden: [3], seed: SEED_MAX, speed: 'max', present: 'live' },
			{ bits: 8, lr: 0.0123, est: 'clipped', bn: true, note: 'ünï', hidden: [32, 32], seed: 123456, speed: '30', present: 'figure-2' }
		];
		for (const v of cases) {
			const q = serialiseQuery(SCHEMA, v, ['est']);
			const r = parseQuery(SCHEMA, q);
			expect(r.values, q).toEqual(v);
			expect(r.hidden).toEqual(['est']);
			expect(r.notices).toEqual([]);
		}
	});
});
