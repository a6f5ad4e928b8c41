import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { notebook } from './src/lib/notebook/build/vite-plugin.js';

export default defineConfig({
	// notebook() first: it typesets <Math> in .svelte source before the Svelte plugin compiles it.
	plugins: [notebook(), sveltekit()],
	worker: { format: 'es' },
	test: {
		// Two cores on the shared machines: keep worker count low so suites don't thrash.
		maxWorkers: 2,
		testTimeout: 60_000,
		projects: [
			{
				extends: true,
				test: { name: 'unit', include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts'], exclude: ['src/**/*.svelte.test.ts'], environment: 'node' }
			},
			// Runes modules whose effects are under test (live-run.svelte.test.ts): compiled for the client.
			{
				extends: true,
				resolve: { conditions: ['browser'] },
				test: { name: 'runes', include: ['src/**/*.svelte.test.ts'], environment: './tests/unit/runes-environment.ts' }
			}
		]
	}
});
