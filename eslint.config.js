/**
 * ESLint flat config: the recommended sets of ESLint, typescript-eslint and eslint-plugin-svelte
 * (Svelte files parsed by svelte-eslint-parser, their <script lang="ts"> by the TypeScript
 * parser). Formatting is prettier's business (prettier.config.js); the plugin's `prettier`
 * set turns off the Svelte rules that would fight it. Rules switched off below each say why.
 */
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default defineConfig(
	globalIgnores([
		'build/',
		'.svelte-kit/',
		'test-results/',
		'playwright-report/',
		'.scratch/',
		'static/data/',
		// Generated from gemm.wat by scripts/build-wasm.mjs.
		'src/lib/engine/wasm/gemm.generated.ts'
	]),
	js.configs.recommended,
	ts.configs.recommended,
	svelte.configs.recommended,
	svelte.configs.prettier,
	{
		languageOptions: {
			// Pages run in the browser, the engine also in node (CLI, tests) and in a Web Worker.
			globals: { ...globals.browser, ...globals.node, ...globals.worker }
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'], svelteConfig }
		}
	},
	{
		files: ['**/*.ts', '**/*.svelte'],
		rules: {
			// TypeScript's own checker (npm run check, strict mode) reports undefined names, with
			// types; ESLint's copy has false positives on type-only globals. typescript-eslint's advice.
			'no-undef': 'off'
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		rules: {
			// Internal links are written `{base}/xnor` with `base` from $app/paths (which is what the
			// static build needs), the reference list links to other sites, and the URL-state module
			// replaces only the query string of the current page. The rule accepts only resolve().
			'svelte/no-navigation-without-resolve': 'off',
			// `{' '}` keeps a deliberate space between inline elements and a following block tag;
			// the rule reports every string-literal mustache, those included.
			'svelte/no-useless-mustaches': 'off'
		}
	},
	{
		// These two print HTML rendered at build time from the project's own sources (KaTeX for
		// <Math>, highlight.js for engine code in <CodeCell>), never from reader input.
		files: ['src/lib/notebook/Math.svelte', 'src/lib/notebook/CodeCell.svelte'],
		rules: { 'svelte/no-at-html-tags': 'off' }
	},
	{
		rules: {
			// `_name` marks a parameter kept for its position in a signature (kernels, callbacks).
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }]
		}
	}
);
