/**
 * Offline reading: after one visit the service worker serves every page of the build and
 * the digits a figure fetched, so a reader on a train (or a classroom whose Wi-Fi drops)
 * keeps going. An unknown address gets the notebook's own not-found page.
 */
import { expect, readNumber, test } from './fixtures';
import { DEV_ONLY } from './routes';

test.use({ serviceWorkers: 'allow' });

test('after one visit, the index, a lesson with the digits and the playground open offline', async ({ page, context }) => {
	await page.goto('/');
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});
	// Leaving mid-load would abort the page's own requests.
	await page.waitForLoadState('networkidle');
	// The digits are cached when a figure first fetches them.
	await page.goto('/bitplanes');
	const step = page.getByTestId('step');
	await step.scrollIntoViewIfNeeded();
	await expect.poll(async () => readNumber(await step.textContent()), { timeout: 60_000 }).toBeGreaterThan(0);

	await context.setOffline(true);
	for (const [path, heading] of [
		['/', 'Why binary?'],
		['/playground', 'Playground'],
		['/xnor', 'XNOR and popcount']
	]) {
		await page.goto(path);
		await expect(page.locator('h1')).toContainText(heading);
		await page.waitForLoadState('networkidle');
	}
	// A lesson that trains on the digits, offline: they come from the cache.
	await page.goto('/bitplanes');
	await page.getByTestId('step').scrollIntoViewIfNeeded();
	await expect.poll(async () => readNumber(await page.getByTestId('step').textContent()), { timeout: 60_000 }).toBeGreaterThan(0);
	// In-app navigation offline works too.
	await page.locator('a[rel="next"]').click();
	await expect(page.locator('h1')).toContainText('XNOR and popcount');
	await context.setOffline(false);
});

test('an unknown address gets a styled not-found page with the lessons', async ({ page, watch }) => {
	const response = await page.goto('/no-such-lesson');
	expect(response?.status()).toBe(404);
	await expect(page.locator('h1')).toHaveText('There is no page here');
	await expect(page.getByRole('link', { name: 'XNOR and popcount' })).toBeVisible();
	// The 404 itself is the point of this test.
	watch.failed = watch.failed.filter((f) => !f.includes('/no-such-lesson'));
	watch.errors = watch.errors.filter((e) => !e.includes('status of 404'));
});

test('the developer pages are not part of the built site', async ({ page, watch }) => {
	for (const path of DEV_ONLY) {
		const response = await page.goto(path);
		expect(response?.status(), path).toBe(404);
		await expect(page.locator('h1')).toHaveText('There is no page here');
	}
	// The 404s are the point of this test.
	watch.failed = watch.failed.filter((f) => !DEV_ONLY.some((p) => f.includes(p)));
	watch.errors = watch.errors.filter((e) => !e.includes('status of 404'));
});
