/**
 * A Vitest environment for runes modules: node, but with modules transformed for the
 * client, so `$effect` and `$effect.root` run as they do in a page (the default node
 * environment compiles Svelte for the server, where effects never run). No DOM: the
 * modules tested here must not need one.
 */
import type { Environment } from 'vitest/environments';

export default {
	name: 'runes',
	viteEnvironment: 'client',
	setup() {
		return { teardown() {} };
	}
} satisfies Environment;
