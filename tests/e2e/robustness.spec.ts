/**
 * Lesson 7, /robustness: a float and a binary network train in the page's worker, and the
 * engine's attacks run on both in the worker once they rest (nothing is mocked).
 */
import type { Page } from '@playwright/test';
import { expect, readNumber, snap, test, withoutLongTasks } from './fixtures';

const figure = (page: Page) => page.locator('figure#attacks');
const acc = async (page: Page, id: string, eps: number) => readNumber(await page.getByTestId(`acc-${id}-${eps}`).textContent());

test('both networks train, then PGD and random signs are measured at every budget; the link keeps the attack', async ({ page }) => {
	await page.goto('/robustness');
	await expect(figure(page).getByTestId('attack-table')).toBeVisible({ timeout: 90_000 });
	for (const id of ['float', 'binary']) {
		// ε = 0 is the clean accuracy; PGD at 0.3 leaves almost nothing of either network.
		expect(await acc(page, id, 0)).toBeGreaterThan(70);
		expect(await acc(page, id, 0.3)).toBeLessThan(await acc(page, id, 0));
	}
	await expect(figure(page).getByTestId('attack-verdict')).toContainText(
		/At ε = 0\.1, PGD \(10 gradient steps\) leaves the float network [\d.]+% and the binary network [\d.]+%/
	);
	const pgdBinary = await acc(page, 'binary', 0.1);
	await figure(page).getByLabel('Attack').selectOption('noise');
	await expect(figure(page).getByTestId('attack-table')).toContainText('random signs of size ε', { timeout: 60_000 });
	await expect.poll(() => new URL(page.url()).searchParams.get('attack')).toBe('noise');
	// The same budget spent at random does less than the gradient does.
	expect(await acc(page, 'binary', 0.1)).toBeGreaterThan(pgdBinary);
	// One digit, attacked at the budget picked, with both networks' answers before and after.
	const one = page.locator('figure#one-digit');
	await one.scrollIntoViewIfNeeded();
	await expect(one.getByTestId('digit-table')).toContainText('against the binary network', { timeout: 60_000 });
	await expect(one.getByTestId('binary-clean')).toHaveText(/^\d \(\d+(\.\d)?%\)$/);
	await one.getByLabel('Budget ε').selectOption('0.3');
	await expect.poll(() => new URL(page.url()).searchParams.get('eps')).toBe('0.3');
	await expect(one.getByTestId('digit-table')).toContainText('random signs');
	await snap(page, 'robustness-desktop');
	await page.setViewportSize({ width: 390, height: 844 });
	await page.emulateMedia({ colorScheme: 'dark' });
	await snap(page, 'robustness-phone-dark');
});

test('a malformed attack in the link falls back with a notice', async ({ page }) => {
	await page.goto('/robustness?attack=cw&eps=9');
	await expect(page.getByRole('status').filter({ hasText: 'attack' }).first()).toBeVisible();
	await expect(figure(page).getByLabel('Attack')).toHaveValue('pgd');
});

test('no main-thread long task while the networks train and are attacked', async ({ page }) => {
	await page.addInitScript(() => {
		const w = window as unknown as { __longTasks: number[] };
		w.__longTasks = [];
		new PerformanceObserver((list) => {
			for (const e of list.getEntries()) w.__longTasks.push(e.duration);
		}).observe({ type: 'longtask', buffered: true });
	});
	await withoutLongTasks(async () => {
		await page.goto('/robustness?attack=fgsm');
		await page.evaluate(() => ((window as unknown as { __longTasks: number[] }).__longTasks.length = 0));
		await expect(figure(page).getByTestId('attack-table')).toBeVisible({ timeout: 90_000 });
		return page.evaluate(() => [...(window as unknown as { __longTasks: number[] }).__longTasks]);
	});
});
