/**
 * The index page, lesson 0 "Why binary?": the bit-width control changes the sizes and
 * which models fit, the speed-up count follows its controls, and the live binary network
 * and its float twin train in the worker (nothing mocked).
 */
import type { Page } from '@playwright/test';
import { expect, readNumber, snap, test } from './fixtures';

const sizeOf = (page: Page, model: string) => page.locator(`[data-testid="size-row"][data-model="${model}"]`);
const num = async (page: Page, id: string) => readNumber(await page.getByTestId(id).textContent());

test('the bit-width control changes the sizes and which models fit', async ({ page }) => {
	await page.goto('/');
	await expect(page.locator('h1')).toHaveText('Why binary?');
	const slider = page.getByRole('slider', { name: 'Bits per weight' });
	await expect(page.getByTestId('fit-count')).toContainText('2 of 7');
	await expect(sizeOf(page, 'VGG-16').getByTestId('size-bytes')).toHaveText('552 MB');
	await expect(sizeOf(page, 'VGG-16').getByTestId('size-verdict')).toContainText('too big');
	await expect(sizeOf(page, 'ResNet-50').getByTestId('size-verdict')).toContainText('too big');
	await expect(sizeOf(page, 'ResNet-18').getByTestId('size-verdict')).toContainText('fits');

	// 8 bits: position 3 of 0..5.
	await slider.fill('3');
	await expect(page.getByTestId('fit-count')).toContainText('4 of 7');
	await expect(sizeOf(page, 'VGG-16').getByTestId('size-bytes')).toHaveText('138 MB');
	await expect(sizeOf(page, 'AlexNet').getByTestId('size-verdict')).toContainText('fits');
	await expect(sizeOf(page, 'BERT-base').getByTestId('size-verdict')).toContainText('too big');
	await expect.poll(() => new URL(page.url()).searchParams.get('bits')).toBe('8');

	// 1 bit: everything fits.
	await slider.fill('0');
	await expect(page.getByTestId('fit-count')).toContainText('7 of 7');
	await expect(sizeOf(page, 'VGG-16').getByTestId('size-bytes')).toHaveText('17.3 MB');
	await expect(page.locator('[data-testid="size-row"][data-fits="false"]')).toHaveCount(0);
	await snap(page, 'index-sizes-1bit');
});

test('a link with a bit width opens at that width; a bad one falls back with a notice', async ({ page }) => {
	await page.goto('/?bits=4');
	await expect(page.getByTestId('fit-count')).toContainText('7 of 7');
	await expect(sizeOf(page, 'GPT-2 small').getByTestId('size-bytes')).toHaveText('58.5 MB');
	await page.goto('/?bits=3');
	await expect(page.getByRole('status').filter({ hasText: 'bits' })).toBeVisible();
	await expect(page.getByTestId('fit-count')).toContainText('2 of 7');
});

test('the speed-up count follows channels and filter size', async ({ page }) => {
	await page.goto('/');
	await expect(page.getByTestId('speedup')).toContainText('62.3×');
	await page.getByLabel('Filter size').selectOption('1');
	await expect(page.getByTestId('speedup')).toContainText('51.2×');
	await page.getByRole('slider', { name: 'Input channels c' }).fill('0');
	await expect(page.getByTestId('speedup')).toContainText('1.0×');
	await expect.poll(() => new URL(page.url()).searchParams.get('c')).toBe('1');
});

test('the live binary network and its float twin train', async ({ page }) => {
	await page.goto('/');
	await page.getByTestId('live-step').scrollIntoViewIfNeeded();
	await expect.poll(() => num(page, 'live-step'), { timeout: 60_000 }).toBeGreaterThan(100);
	await expect.poll(() => num(page, 'live-acc-float'), { timeout: 60_000 }).toBeGreaterThan(90);
	await expect.poll(() => num(page, 'live-acc-binary'), { timeout: 60_000 }).toBeGreaterThan(85);
	await expect(page.getByTestId('live-memory')).toContainText('times smaller');
	await snap(page, 'index-live-desktop');
	await page.setViewportSize({ width: 375, height: 900 });
	await snap(page, 'index-live-phone');
	await page.emulateMedia({ colorScheme: 'dark' });
	await snap(page, 'index-live-phone-dark');
});
