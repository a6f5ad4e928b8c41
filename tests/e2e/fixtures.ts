/**
 * Shared e2e fixtures: every test's page is watched (an automatic fixture) for console errors,
 * uncaught exceptions, failed requests and requests that leave localhost, and each test can
 * save a screenshot as an artifact.
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
	// auto: every test is watched, whether or not it names `watch`; a test names it only to read
	// or clear what was recorded (one that provokes an error on purpose, say).
	watch: [
		async ({ page }, use) => {
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
			page.on('requestfailed', (r) => {
				// ERR_ABORTED is a request the page gave up, not one the site failed: Chromium aborts
				// whatever is in flight (the favicon, say) when a test navigates again, and the app's
				// own AbortControllers cancel fetches it no longer needs. A missing file is an HTTP
				// status above; a dead server is ERR_CONNECTION_REFUSED.
				const why = r.failure()?.errorText ?? 'failed';
				if (why !== 'net::ERR_ABORTED') w.failed.push(`${r.url()}: ${why}`);
			});
			await use(w);
			expect(w.errors, 'console errors').toEqual([]);
			expect(w.offsite, 'requests that left localhost').toEqual([]);
			expect(w.failed, 'failed requests').toEqual([]);
		},
		{ auto: true }
	]
});

/** Save a full-page screenshot under test-results/screenshots (kept as a CI artifact). */
export async function snap(page: Page, name: string): Promise<void> {
	mkdirSync(SCREENSHOTS, { recursive: true });
	const path = `${SCREENSHOTS}/${name}.png`;
	try {
		await page.screenshot({ path, fullPage: true, timeout: 20_000 });
	} catch (e) {
		// A full-page capture of a page that repaints every frame while a worker holds the
		// other core can stall on this 2-core machine; the visible part still makes the artifact.
		if (!(e instanceof Error) || e.name !== 'TimeoutError') throw e;
		console.log(`screenshot ${name}: full page timed out, kept the viewport`);
		await page.screenshot({ path, timeout: 20_000 });
	}
}

/**
 * The number at the start of a readout written by $lib/format: thousands commas dropped, the
 * minus sign U+2212 read as '-' ('25,088' -> 25088, '1.23e−5' -> 1.23e-5, '93.6%' -> 93.6).
 */
export function readNumber(text: string | null | undefined): number {
	return parseFloat((text ?? '').replace(/,/g, '').replace(/\u2212/g, '-'));
}

export { expect };

/**
 * Record the page's main-thread long tasks (>= 50 ms) from its first script on, into
 * `window.__longTasks` (durations, ms), which in-page checks may also read and clear.
 * Call before `page.goto`.
 */
export async function recordLongTasks(page: Page): Promise<{ clear: () => Promise<void>; read: () => Promise<number[]> }> {
	await page.addInitScript(() => {
		const w = window as unknown as { __longTasks: number[] };
		w.__longTasks = [];
		new PerformanceObserver((list) => {
			for (const e of list.getEntries()) w.__longTasks.push(e.duration);
		}).observe({ type: 'longtask', buffered: true });
	});
	return {
		clear: () => page.evaluate(() => void ((window as unknown as { __longTasks: number[] }).__longTasks.length = 0)),
		read: () => page.evaluate(() => [...(window as unknown as { __longTasks: number[] }).__longTasks])
	};
}

/**
 * Long-task checks on a shared machine. A page at fault makes long tasks on every pass; a
 * busy core (another build beside the suite) can stretch a frame past 50 ms once. So a
 * measurement that sees any is taken again on a fresh pass, and the last pass must be
 * clean: two passes in all, three when the machine's load average is above its core count
 * (on a quiet machine the first pass decides, unweakened). Returns the passes' results.
 */
export async function withoutLongTasks(pass: () => Promise<number[]>): Promise<number[][]> {
	const { cpus, loadavg } = await import('node:os');
	const tries = loadavg()[0] > cpus().length ? 3 : 2;
	const seen: number[][] = [];
	for (let i = 0; i < tries; i++) {
		seen.push(await pass());
		if (seen.at(-1)!.length === 0) return seen;
	}
	expect(seen.at(-1), `long tasks on every one of ${tries} passes: ${JSON.stringify(seen)}`).toEqual([]);
	return seen;
}
