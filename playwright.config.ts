import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests drive Debian's system Chromium (never a downloaded browser) against the
 * built static site served by `vite preview`. One worker: the machine has two cores and each
 * page already trains in a Web Worker of its own.
 */
export default defineConfig({
	testDir: 'tests/e2e',
	timeout: 90_000,
	expect: { timeout: 20_000 },
	workers: 1,
	retries: 0,
	reporter: [['list']],
	outputDir: 'test-results/playwright',
	use: {
		baseURL: 'http://localhost:4173',
		browserName: 'chromium',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			// Without these, Chromium tries to reach Google's services, which this network refuses.
			args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic']
		}
	},
	webServer: {
		command: 'npx vite preview --port 4173 --strictPort',
		url: 'http://localhost:4173',
		reuseExistingServer: !process.env.CI,
		timeout: 60_000
	}
});
