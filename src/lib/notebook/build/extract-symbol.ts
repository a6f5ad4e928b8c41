/**
 * Cut one exported declaration out of a TypeScript source, with its TSDoc, so a
 * code cell can show just `estimator` from ste.ts rather than the whole file.
 *
 * Build-time only (the notebook's Vite plugin and the tests): it leans on the
 * TypeScript parser, which never ships to the browser. A parser rather than a
 * brace counter because engine code holds braces in strings, regexes, object
 * types in signatures and template literals, and a code cell must show exactly
 * what runs.
 */
import ts from 'typescript';

/** The kinds of export a code cell can show. */
const KINDS = new Set([
	ts.SyntaxKind.FunctionDeclaration,
	ts.SyntaxKind.ClassDeclaration,
	ts.SyntaxKind.VariableStatement,
	ts.SyntaxKind.InterfaceDeclaration,
	ts.SyntaxKind.TypeAliasDeclaration,
	ts.SyntaxKind.EnumDeclaration
]);

function isExported(node: ts.Node): boolean {
	return (
		ts.canHaveModifiers(node) &&
		(ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
	);
}

function declaresName(node: ts.Statement, name: string): boolean {
	if (ts.isVariableStatement(node)) {
		return node.declarationList.declarations.some(
			(d) => ts.isIdentifier(d.name) && d.name.text === name
		);
	}
	const named = node as ts.Statement & { name?: ts.Node };
	return named.name !== undefined && ts.isIdentifier(named.name) && named.name.text === name;
}

/**
 * The text of `export function name` / `export const name` / `export class name`
 * (also interface, type and enum) from its TSDoc comment through its closing brace
 * (or semicolon). Overloads of one function come out together, from the first
 * signature to the implementation. Throws when `source` exports no such name, so
 * a renamed engine function breaks the build instead of showing an empty cell.
 */
export function extractSymbol(source: string, name: string, fileName = 'source.ts'): string {
	const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
	const hits = file.statements.filter(
		(s) => KINDS.has(s.kind) && isExported(s) && declaresName(s, name)
	);
	if (hits.length === 0) {
		throw new Error(
			`extractSymbol: ${fileName} has no exported function, const, class, interface, type or enum named '${name}'`
		);
	}
	const first = hits[0];
	const last = hits[hits.length - 1];
	// getStart(file, true) starts at the JSDoc comment when the declaration has one;
	// plain // comments above it are left out, as they usually belong to the code above.
	const start = first.getStart(file, true);
	return source.slice(start, last.getEnd());
}
