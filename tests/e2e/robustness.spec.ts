/**
 * Lesson 7, /robustness: a float and a binary network train in the page's worker, and the
 * engine's attacks run on both in the worker once they rest (nothing is mocked).
 */
import type { Page } from '@playwright/test';
import { expect, readNumber, snap, test, withoutLongTasks, recordLongTasks } from './fixtures';

const figure = (page: Page) => page.locator('figure#attacks');
const acc = async (page: Page, id: string, eps: number) => readNumber(await page.getByTestId(`acc-${id}-${eps}`).textContent());

/** Count the runs the page starts in its worker (each `init` message is a new run, trained from step 0). */
async function countRuns(page: Page): Promise<() => Promise<number>> {
	await page.addInitScript(() => {
		const w = window as unknown as { __runs: number };
		w.__runs = 0;
		const post = Worker.prototype.postMessage;
		Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: [StructuredSerializeOptions?]) {
			if ((message as { type?: string } | null)?.type === 'init') w.__runs++;
			return post.call(this, message, ...rest);
		} as Worker['postMessage'];
	});
	return () => page.evaluate(() => (window as unknown as { __runs: number }).__runs);
}

test('both networks train, then PGD and random signs are measured at every budget; the link keeps the attack', async ({ page }) => {
	const runs = await countRuns(page);
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
	// Choosing an attack, a budget or a digit re-reads the trained networks; it never trains them again.
	expect(await runs()).toBe(1);
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

test('no main-thread long task while the networks train and are attacked, the verdict included', async ({ page }) => {
	const longTasks = await recordLongTasks(page);
	await withoutLongTasks(async () => {
		await page.goto('/robustness?attack=fgsm');
		await longTasks.clear();
		await expect(figure(page).getByTestId('attack-table')).toBeVisible({ timeout: 90_000 });
		// The verdict's eight attacks run too, off screen, once the run has finished.
		await expect(page.getByTestId('verdict-table')).toBeAttached({ timeout: 90_000 });
		return longTasks.read();
	});
});

test('the verdict reads one attack of each kind from the run; the reader’s own drawing is attacked too', async ({ page }) => {
	await page.goto('/robustness?attack=fgsm');
	const verdict = page.locator('figure#verdict-run');
	await verdict.scrollIntoViewIfNeeded();
	await expect(verdict.getByTestId('verdict-table')).toBeVisible({ timeout: 90_000 });
	const cell = async (row: string, id: string) => readNumber(await verdict.getByTestId(`verdict-${row}-${id}`).textContent());
	for (const id of ['float', 'binary']) {
		const clean = await cell('clean', id);
		expect(clean).toBeGreaterThan(70);
		// PGD with the gradient at ε = 0.1 takes more than random signs of the same size.
		expect(await cell('pgd', id)).toBeLessThan(await cell('noise', id));
		for (const row of ['pgd', 'transfer', 'spsa', 'noise']) expect(await cell(row, id)).toBeLessThanOrEqual(clean + 5);
	}
	// Exactly one reading, written from those numbers.
	await expect(verdict.getByTestId('verdict-overall')).toContainText(
		/supports\s+the\s+seed’s\s+claim|agrees\s+with\s+Lin|false\s+sense\s+of\s+security|does\s+not\s+support\s+the\s+seed’s\s+claim|supports\s+neither\s+reading/
	);
	await expect(verdict.getByTestId('verdict')).toContainText(/gradient\s+masking/);
	// Another budget: the verdict is asked again, and the link keeps it.
	await verdict.getByLabel('Budget ε').selectOption('0.3');
	await expect(verdict.getByTestId('verdict-table')).toContainText('ε = 0.3', { timeout: 90_000 });
	await expect.poll(() => new URL(page.url()).searchParams.get('eps')).toBe('0.3');

	const one = page.locator('figure#one-digit');
	await one.scrollIntoViewIfNeeded();
	await one.getByLabel('Attack your own drawing').check();
	await expect(one.getByLabel('Test digit')).toHaveCount(0);
	const pad = one.getByRole('application', { name: /Drawing pad/ });
	const box = (await pad.locator('canvas').boundingBox())!;
	// A "7": a bar along the top, then a stroke down to the left.
	await page.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.2);
	await page.mouse.down();
	for (let t = 0.25; t <= 0.75; t += 0.05) await page.mouse.move(box.x + box.width * t, box.y + box.height * 0.2);
	for (let t = 0; t <= 1; t += 0.1) await page.mouse.move(box.x + box.width * (0.75 - 0.3 * t), box.y + box.height * (0.2 + 0.6 * t));
	await page.mouse.up();
	await expect(one.getByTestId('digit-table')).toContainText('on your drawing', { timeout: 60_000 });
	await expect(one.getByTestId('binary-clean')).toHaveText(/^\d \(\d+(\.\d)?%\)$/);
	await expect(one.getByText(/your drawing \(read as a \d\)/)).toBeVisible();
	// Back to the test digit: its own result, and the drawing is kept for later.
	await one.getByLabel('Attack your own drawing').uncheck();
	await expect(one.getByTestId('digit-table')).toContainText('on a test digit', { timeout: 60_000 });
	await one.getByLabel('Attack your own drawing').check();
	await expect(one.getByTestId('digit-table')).toContainText('on your drawing', { timeout: 60_000 });
});
