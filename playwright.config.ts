import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests drive Debian's system Chromium (never a downloaded browser) against the
 * built static site served by `vite preview`. One worker: the machine has two cores and each
 * page already trains in a Web Worker of its own.
 */
// E2E_PORT and E2E_DEV let a second checkout or a developer run specs beside another run:
// E2E_DEV=1 serves the pages with `vite dev` (compiled on demand) instead of the built site.
const port = Number(process.env.E2E_PORT ?? 4173);
const server = process.env.E2E_DEV ? `npx vite dev --port ${port} --strictPort` : `npx vite preview --port ${port} --strictPort`;

export default defineConfig({
	testDir: 'tests/e2e',
	timeout: 90_000,
	expect: { timeout: 20_000 },
	workers: 1,
	retries: 0,
	reporter: [['list']],
	outputDir: 'test-results/playwright',
	use: {
		baseURL: `http://localhost:${port}`,
		browserName: 'chromium',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			// Without these, Chromium tries to reach Google's services, which this network refuses.
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-component-update',
				'--no-first-run',
				'--disable-sync',
				'--disable-quic'
			]
		}
	},
	webServer: {
		command: server,
		url: `http://localhost:${port}`,
		reuseExistingServer: !process.env.CI,
		timeout: 60_000
	}
});
