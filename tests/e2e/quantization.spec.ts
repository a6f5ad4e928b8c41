/**
 * Lesson 1, quantization curves, driven as a reader would: the engine's quantisers draw
 * the staircase on the page, and the real network trains in the page's worker, which
 * measures its accuracy with the weights rounded to k bits.
 */
import type { Page } from '@playwright/test';
import { seriousViolations } from './axe';
import { expect, readNumber, snap, test, withoutLongTasks, recordLongTasks } from './fixtures';

const text = async (page: Page, id: string) => (await page.getByTestId(id).textContent())?.trim() ?? '';
const num = async (page: Page, id: string) => readNumber(await text(page, id));
/** The live figure (the run trains while it is on screen). */
const figure = (page: Page) => page.locator('figure#k-bits');

/** Wait until the page is live: hydrated (a slider moved before that would be lost) and the run loaded. */
async function ready(page: Page): Promise<void> {
	// The run is lazy: it starts (and fetches the digits) once its figure nears the screen.
	await figure(page).scrollIntoViewIfNeeded();
	await expect(
		figure(page)
			.getByRole('group', { name: /Controls for training/ })
			.getByRole('button', { name: /^(Play|Pause)$/ })
	).toBeEnabled({ timeout: 60_000 });
}

const staircasePath = (page: Page) =>
	page
		.getByTestId('staircase')
		.locator('path')
		.evaluateAll((ps) => ps.map((p) => p.getAttribute('d') ?? '').join('|'));

test('the bit width changes the staircase, the level count and the error', async ({ page }) => {
	await page.goto('/quantization');
	await ready(page);
	const bits = page.getByRole('slider', { name: 'Bits', exact: true });
	await expect(page.getByTestId('level-count')).toHaveText('7');
	const before = { path: await staircasePath(page), mse: await text(page, 'mse'), sqnr: await num(page, 'sqnr') };
	await bits.fill('1');
	await expect(page.getByTestId('level-count')).toHaveText('2');
	await expect.poll(() => staircasePath(page)).not.toBe(before.path);
	await expect.poll(() => text(page, 'mse')).not.toBe(before.mse);
	expect(await num(page, 'sqnr')).toBeLessThan(before.sqnr);
	await bits.fill('8');
	await expect(page.getByTestId('level-count')).toHaveText('255');
	expect(await num(page, 'sqnr')).toBeGreaterThan(before.sqnr + 20);
	await expect.poll(() => new URL(page.url()).searchParams.get('bits')).toBe('8');
	// The sign and ternary quantizers have two and three values.
	await page.getByLabel('Quantizer').selectOption('sign');
	await expect(page.getByTestId('level-count')).toHaveText('2');
	await page.getByLabel('Quantizer').selectOption('ternary');
	await expect(page.getByTestId('level-count')).toHaveText('3');
});

test('the live network trains, and its accuracy at k bits follows the slider', async ({ page }) => {
	await page.goto('/quantization?bits=8');
	await figure(page).scrollIntoViewIfNeeded();
	// It trains: the step count rises and the float test accuracy climbs well above chance.
	await expect.poll(() => num(page, 'step'), { timeout: 60_000 }).toBeGreaterThan(300);
	await expect.poll(() => num(page, 'float-acc'), { timeout: 60_000 }).toBeGreaterThan(85);
	await expect.poll(() => num(page, 'eval-step'), { timeout: 60_000 }).toBeGreaterThan(0);
	// 8 bits: within a point of the float network (both measured on the same weights).
	const float8 = await num(page, 'float-acc');
	expect(Math.abs((await num(page, 'k-acc')) - float8)).toBeLessThanOrEqual(1);
	await snap(page, 'quantization-network-desktop');
	// 1 bit: far below.
	await page.getByRole('slider', { name: 'Weight bits' }).fill('1');
	await expect(page.getByText('At 1 bit', { exact: true })).toBeVisible();
	await expect.poll(async () => (await num(page, 'float-acc')) - (await num(page, 'k-acc')), { timeout: 30_000 }).toBeGreaterThan(20);
	await expect(page.getByTestId('levels-note')).toContainText('2 levels');
	await expect(page.getByTestId('weight-bytes')).toContainText('6.35 kB');
	await page.setViewportSize({ width: 375, height: 900 });
	await snap(page, 'quantization-network-phone');
	await page.emulateMedia({ colorScheme: 'dark' });
	await snap(page, 'quantization-network-phone-dark');
});

test('pause stops the training, and a width not measured yet is measured on request', async ({ page }) => {
	await page.goto('/quantization');
	await figure(page).scrollIntoViewIfNeeded();
	await expect.poll(() => num(page, 'step'), { timeout: 60_000 }).toBeGreaterThan(100);
	const controls = figure(page).getByRole('group', { name: /Controls for training/ });
	// The toggle is named by what it does: Pause while training, then Play.
	await controls.getByRole('button', { name: 'Pause', exact: true }).click();
	await expect(controls.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
	await expect(controls.getByRole('button', { name: 'Pause', exact: true })).toHaveCount(0);
	// Resting: the accuracy is measured at the step where it stopped.
	await expect.poll(async () => (await num(page, 'eval-step')) === (await num(page, 'step')), { timeout: 30_000 }).toBe(true);
	const paused = await num(page, 'step');
	await page.waitForTimeout(800);
	expect(await num(page, 'step')).toBe(paused);
	// 5 bits is not among the fixed widths: moving the slider there asks the worker for it.
	await page.getByRole('slider', { name: 'Weight bits' }).fill('5');
	await expect.poll(() => text(page, 'k-acc'), { timeout: 30_000 }).toMatch(/^[0-9.]+%$/);
});

test.describe(() => {
	// axe goes in as an inline script, which the page's Content-Security-Policy refuses.
	test.use({ bypassCSP: true });
	for (const scheme of ['light', 'dark'] as const)
		test(`has no serious accessibility violation once trained (${scheme})`, async ({ page }) => {
			// The scheme is chosen before the page loads, as a reader's system would: switching it
			// under a live page was seen, on a loaded machine, to leave axe a frame that mixed
			// the old scheme's text colours with the new one's backgrounds.
			await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
			await page.goto('/quantization?quantizer=ternary');
			await figure(page).scrollIntoViewIfNeeded();
			await expect.poll(() => num(page, 'eval-step'), { timeout: 60_000 }).toBeGreaterThan(0);
			expect(await seriousViolations(page)).toEqual([]);
		});
});

test('no main-thread long task while the network trains and is measured at every width', async ({ page }) => {
	await recordLongTasks(page);
	await withoutLongTasks(async () => {
		await page.goto('/quantization');
		await figure(page).scrollIntoViewIfNeeded();
		await expect.poll(() => num(page, 'step'), { timeout: 60_000 }).toBeGreaterThan(20);
		const startEval = await num(page, 'eval-step');
		const longTasks = await page.evaluate(async () => {
			const w = window as unknown as { __longTasks: number[] };
			w.__longTasks.length = 0;
			await new Promise((r) => setTimeout(r, 4000));
			return [...w.__longTasks];
		});
		// Quantised evaluations came back meanwhile.
		expect(await num(page, 'eval-step')).toBeGreaterThan(Number.isNaN(startEval) ? -1 : startEval);
		return longTasks;
	});
});
