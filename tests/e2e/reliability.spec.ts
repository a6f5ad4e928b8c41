/**
 * A student who drags every control at once: a hundred changes in two seconds must
 * leave exactly one training worker alive (each change supersedes the last run), and
 * the page must still train what the controls finally say.
 */
import { expect, readNumber, test } from './fixtures';

test('100 control changes in 2 s leave exactly one live worker, training the last setting', async ({ page }) => {
	await page.goto('/playground');
	const step = page.getByTestId('step');
	await step.scrollIntoViewIfNeeded();
	await expect.poll(async () => readNumber(await step.textContent()), { timeout: 60_000 }).toBeGreaterThan(0);
	// The learning-rate slider moves in log10 space: from 10^-4 up to 10^-0.04 = 0.91.
	const lr = page.getByLabel('Learning rate');
	const started = Date.now();
	for (let i = 0; i < 100; i++) {
		await lr.fill((-4 + i * 0.04).toFixed(2));
		await page.waitForTimeout(Math.max(0, started + (i + 1) * 20 - Date.now()));
	}
	expect(Date.now() - started).toBeLessThan(10_000); // the loop itself, not a timing claim about the page
	await expect.poll(() => new URL(page.url()).searchParams.get('lr')).toBe('0.91');
	await expect.poll(async () => readNumber(await step.textContent()), { timeout: 60_000 }).toBeGreaterThan(20);
	// Workers that were replaced have been terminated (Playwright drops them on close).
	await expect.poll(() => page.workers().length, { timeout: 10_000 }).toBe(1);
});
