/**
 * Shared e2e fixtures: every page is watched for console errors, uncaught exceptions and
 * requests that leave localhost, and each test can save a screenshot as an artifact.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';

export interface PageWatch {
	errors: string[];
	offsite: string[];
	failed: string[];
}

export const SCREENSHOTS = 'test-results/screenshots';

export const test = base.extend<{ watch: PageWatch }>({
	watch: async ({ page }, use) => {
		const w: PageWatch = { errors: [], offsite: [], failed: [] };
		page.on('console', (m) => {
			if (m.type() === 'error') w.errors.push(m.text());
		});
		page.on('pageerror', (e) => w.errors.push(`uncaught: ${e.message}`));
		page.on('request', (r) => {
			const u = new URL(r.url());
			if (!['localhost', '127.0.0.1'].includes(u.hostname) && !['data:', 'blob:'].includes(u.protocol)) w.offsite.push(r.url());
		});
		page.on('response', (r) => {
			if (r.status() >= 400) w.failed.push(`${r.url()}: HTTP ${r.status()}`);
		});
		page.on('requestfailed', (r) => w.failed.push(`${r.url()}: ${r.failure()?.errorText}`));
		await use(w);
		expect(w.errors, 'console errors').toEqual([]);
		expect(w.offsite, 'requests that left localhost').toEqual([]);
		expect(w.failed, 'failed requests').toEqual([]);
	}
});

/** Save a full-page screenshot under test-results/screenshots (kept as a CI artifact). */
export async function snap(page: Page, name: string): Promise<void> {
	mkdirSync(SCREENSHOTS, { recursive: true });
	await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

export { expect };
