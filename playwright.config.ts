import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';
import { bundledChromium, findBrowser } from './tests/browser';

/**
 * End-to-end tests drive the machine's own Chromium or Chrome (found by tests/browser.ts;
 * never a downloaded one) against the built static site served by `vite preview`. One worker: the machine has two cores and each
 * page already trains in a Web Worker of its own.
 */
// E2E_PORT and E2E_DEV let a second checkout or a developer run specs beside another run:
// E2E_DEV=1 serves the pages with `vite dev` (compiled on demand) instead of the built site.
const port = Number(process.env.E2E_PORT ?? 4173);

// The browser is found once, here: with none on the machine the run stops with one
// message that says how to get one, instead of every test failing on its own.
const browser = findBrowser({ platform: process.platform, env: process.env, exists: existsSync, playwrightChromium: bundledChromium() });
if ('error' in browser) {
	process.stderr.write(`\n${browser.error}\n\n`);
	process.exit(1);
}
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
		// The offline reader's service worker would answer requests before page.route sees
		// them; tests/e2e/offline.spec.ts allows it, every other test sees the network.
		serviceWorkers: 'block',
		launchOptions: {
			executablePath: browser.path,
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
