/**
 * Prettier settings matching the code as it was written by hand: tabs, single quotes, no
 * trailing commas, and long lines (engine signatures and table-like literals often run to
 * ~160 columns; a narrower width would rewrap most of the tree for no reader's benefit).
 * @type {import('prettier').Config}
 */
const config = {
	useTabs: true,
	singleQuote: true,
	trailingComma: 'none',
	printWidth: 160,
	plugins: ['prettier-plugin-svelte'],
	overrides: [
		{ files: '*.svelte', options: { parser: 'svelte' } },
		// npm rewrites package.json with two spaces on every install; agree with it.
		{ files: 'package.json', options: { useTabs: false, tabWidth: 2 } }
	]
};

export default config;
