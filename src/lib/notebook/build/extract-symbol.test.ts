import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { extractSymbol } from './extract-symbol';

const SOURCE = `import { x } from './x';

// A line comment that belongs to whatever is above.
const hidden = 1;

/**
 * Adds. Braces in a doc comment: { not code }.
 * @param a left
 */
export function add(a: number, b: { c: number }): { sum: number } {
	const s = '}'; // a closing brace in a string
	const t = \`\${a} } \${b.c}\`;
	if (/}/.test(s)) {
		return { sum: a + b.c + t.length };
	}
	return { sum: 0 };
}

/** The answer. */
export const ANSWER = 42;

/** Doubles. */
export const double = (v: number): number => {
	return v * 2;
};

export class Counter {
	count = 0;
	/** Bumps. */
	bump(): void {
		this.count++;
	}
}

/** Overloaded. */
export function pick(a: string): string;
export function pick(a: number): number;
export function pick(a: string | number): string | number {
	return a;
}

export interface Shape {
	w: number;
}

function add2() {}
export const notAdd = 1;
`;

describe('extractSymbol', () => {
	it('takes a function from its TSDoc through its closing brace, whatever braces sit in strings and types', () => {
		const out = extractSymbol(SOURCE, 'add');
		expect(out.startsWith('/**\n * Adds.')).toBe(true);
		expect(out.endsWith('return { sum: 0 };\n}')).toBe(true);
		expect(out).not.toContain('ANSWER');
	});

	it('takes a const, with and without a block, including the semicolon', () => {
		expect(extractSymbol(SOURCE, 'ANSWER')).toBe('/** The answer. */\nexport const ANSWER = 42;');
		expect(extractSymbol(SOURCE, 'double')).toBe(
			'/** Doubles. */\nexport const double = (v: number): number => {\n\treturn v * 2;\n};'
		);
	});

	it('takes a whole class without a doc comment', () => {
		const out = extractSymbol(SOURCE, 'Counter');
		expect(out.startsWith('export class Counter {')).toBe(true);
		expect(out.endsWith('\t}\n}')).toBe(true);
	});

	it('keeps the overloads of one function together', () => {
		const out = extractSymbol(SOURCE, 'pick');
		expect(out.startsWith('/** Overloaded. */\nexport function pick(a: string): string;')).toBe(true);
		expect(out.endsWith('return a;\n}')).toBe(true);
	});

	it('leaves out line comments above and does not match prefixes or unexported names', () => {
		expect(extractSymbol(SOURCE, 'Shape')).toBe('export interface Shape {\n\tw: number;\n}');
		expect(() => extractSymbol(SOURCE, 'add2')).toThrow(/no exported .* named 'add2'/);
		expect(() => extractSymbol(SOURCE, 'hidden')).toThrow(/'hidden'/);
		expect(() => extractSymbol(SOURCE, 'nope', 'src/x.ts')).toThrow(/src\/x\.ts/);
	});

	it('cuts a real engine export that parses on its own', () => {
		const src = readFileSync('src/lib/engine/ste.ts', 'utf8');
		const out = extractSymbol(src, 'estimator');
		expect(out).toMatch(/^\/\*\*[\s\S]*export function estimator\(/);
		expect(out.trimEnd().endsWith('}')).toBe(true);
	});
});
