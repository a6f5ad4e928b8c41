// Generative checks of the URL-state schema: whatever a link holds, the page gets valid
// values and a bounded list of notices, and every valid state survives a round trip.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { completeSchema, HIDE, HIDE_EXTRAS, parseQuery, serialiseQuery, type AnyValues, type FieldSpec } from './url-schema';

const SCHEMA = completeSchema([
	{ name: 'bits', type: 'int', default: 8, min: 1, max: 32 },
	{ name: 'lr', type: 'float', default: 0.01, min: 1e-5, max: 1 },
	{ name: 'kind', type: 'enum', default: 'sign', options: ['sign', 'uniform', 'ternary'] },
	{ name: 'bn', type: 'bool', default: true },
	{ name: 'label', type: 'string', default: 'net', maxLength: 12 },
	{ name: 'hidden', type: 'intList', default: [32, 32], min: 1, max: 512, maxLength: 4, minLength: 1 }
]);

/** Whether `v` is a value field `f` can hold (what every page may rely on). */
function valid(f: FieldSpec, v: unknown): boolean {
	switch (f.type) {
		case 'int':
		case 'float':
			return (
				typeof v === 'number' &&
				Number.isFinite(v) &&
				(f.type === 'float' || Number.isInteger(v)) &&
				(f.min === undefined || v >= f.min) &&
				(f.max === undefined || v <= f.max)
			);
		case 'enum':
			return typeof v === 'string' && f.options.includes(v);
		case 'bool':
			return typeof v === 'boolean';
		case 'string':
			return typeof v === 'string' && v.length <= (f.maxLength ?? 200);
		case 'intList':
			return (
				Array.isArray(v) &&
				v.length >= (f.minLength ?? 0) &&
				v.length <= (f.maxLength ?? Infinity) &&
				v.every((x) => Number.isInteger(x) && (f.min === undefined || x >= f.min) && (f.max === undefined || x <= f.max))
			);
	}
}

// Keys drawn mostly from the schema (so values get parsed), plus hide, extras and junk.
const key = fc.oneof(
	fc.constantFrom(...SCHEMA.map((f) => f.name), HIDE),
	fc.string({ maxLength: 8 }),
	fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty')
);
const rawValue = fc.oneof(
	fc.string({ maxLength: 20 }),
	fc.double().map(String),
	fc.integer().map(String),
	fc.array(fc.oneof(fc.integer({ min: -5, max: 600 }).map(String), fc.string({ maxLength: 3 })), { maxLength: 8 }).map((a) => a.join(',')),
	fc.constantFrom('NaN', 'Infinity', '-0', '1e999', '0x10', ' 4 ', '', ...HIDE_EXTRAS, ...SCHEMA.map((f) => f.name))
);
const query = fc.oneof(
	fc.string({ maxLength: 200 }),
	fc
		.array(fc.tuple(key, rawValue), { maxLength: 30 })
		.map((pairs) => '?' + pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'))
);

describe('URL schema, generatively', () => {
	it('turns any query into valid values, known hidden names and a bounded list of notices, never throwing', () => {
		fc.assert(
			fc.property(query, (q) => {
				const r = parseQuery(SCHEMA, q);
				for (const f of SCHEMA) expect(valid(f, r.values[f.name]), `${f.name} = ${JSON.stringify(r.values[f.name])}`).toBe(true);
				expect(Object.keys(r.values).sort()).toEqual(SCHEMA.map((f) => f.name).sort());
				const names = new Set<string>([...SCHEMA.map((f) => f.name), ...HIDE_EXTRAS]);
				expect(r.hidden.every((n) => names.has(n))).toBe(true);
				expect(new Set(r.hidden).size).toBe(r.hidden.length);
				// At most one per field and hide, one for unknown keys, one for a cut link.
				expect(r.notices.length).toBeLessThanOrEqual(SCHEMA.length + 3);
				expect(r.notices.every((n) => typeof n === 'string' && n.length > 0 && n.length < 2000)).toBe(true);
			}),
			{ numRuns: 600 }
		);
	});

	const fieldValue = (f: FieldSpec): fc.Arbitrary<unknown> => {
		switch (f.type) {
			case 'int':
				return fc.integer({ min: f.min ?? -1e6, max: f.max ?? 1e6 });
			case 'float':
				// Values as links write them (12 significant digits).
				return fc.double({ min: f.min ?? -1e6, max: f.max ?? 1e6, noNaN: true }).map((x) => Number(x.toPrecision(12)));
			case 'enum':
				return fc.constantFrom(...f.options);
			case 'bool':
				return fc.boolean();
			case 'string':
				return fc.string({ maxLength: f.maxLength ?? 200 });
			case 'intList':
				return fc.array(fc.integer({ min: f.min ?? -1e6, max: f.max ?? 1e6 }), { minLength: f.minLength ?? 0, maxLength: f.maxLength ?? 8 });
		}
	};
	const state = fc.record(Object.fromEntries(SCHEMA.map((f) => [f.name, fieldValue(f)]))) as fc.Arbitrary<AnyValues>;
	const hiddenList = fc.subarray([...SCHEMA.map((f) => f.name), ...HIDE_EXTRAS]);

	it('round-trips every valid state through its link without a notice', () => {
		fc.assert(
			fc.property(state, hiddenList, (values, hidden) => {
				const link = serialiseQuery(SCHEMA, values, hidden);
				const r = parseQuery(SCHEMA, link);
				expect(r.notices).toEqual([]);
				for (const f of SCHEMA) {
					if (f.type === 'float') expect(r.values[f.name]).toBeCloseTo(values[f.name] as number, 10);
					else expect(r.values[f.name]).toEqual(values[f.name]);
				}
				expect([...r.hidden].sort()).toEqual([...hidden].sort());
				// And the link it gives back is the same link.
				expect(serialiseQuery(SCHEMA, r.values, r.hidden)).toBe(link);
			}),
			{ numRuns: 400 }
		);
	});
});
