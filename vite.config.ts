import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { notebook } from './src/lib/notebook/build/vite-plugin.js';

export default defineConfig({
	// notebook() first: it typesets <Math> in .svelte source before the Svelte plugin compiles it.
	plugins: [notebook(), sveltekit()],
	worker: { format: 'es' },
	test: {
		include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts'],
		environment: 'node',
		// Two cores on the shared machines: keep worker count low so suites don't thrash.
		maxWorkers: 2,
		testTimeout: 60_000
	}
});
