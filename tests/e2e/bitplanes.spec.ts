/**
 * The bitplanes lesson, driven as a reader would: the digits come from the real worker
 * run, the planes and the packing from the real engine, and the live network trains.
 */
import type { Page } from '@playwright/test';
import { expect, readNumber, snap, test } from './fixtures';

const text = async (page: Page, id: string) => (await page.getByTestId(id).textContent())?.trim() ?? '';
const num = async (page: Page, id: string) => readNumber(await text(page, id));
/** The rebuilt image's pixels, as the canvas holds them. */
const rebuiltPixels = (page: Page) =>
	page
		.getByTestId('rebuilt-image')
		.locator('canvas')
		.evaluate((c: HTMLCanvasElement) => c.toDataURL());

test('toggling planes changes the rebuilt image and its error', async ({ page }) => {
	await page.goto('/bitplanes');
	await expect(page.getByRole('heading', { level: 1, name: 'Bitplanes' })).toBeVisible();
	// The digits load in the training thread.
	await expect(page.getByTestId('plane-mse')).toHaveText(/^[0-9.]+$/, { timeout: 60_000 });
	await expect(page.getByTestId('planes-kept')).toHaveText('7, 6, 5, 4');
	const mse4 = await num(page, 'plane-mse');
	// The error curve's legend reads the chosen k, the same number as the readout (not the curve's last point).
	const legend = page.getByRole('list', { name: /Mean squared error when keeping the top k planes/ });
	await expect(legend.getByRole('listitem').filter({ hasText: 'top 4' })).toHaveText(new RegExp(`top 4\\s*${mse4.toFixed(1)}`));
	await expect(legend.getByRole('listitem').filter({ hasText: 'MSE, top k planes' })).toHaveText(/^\s*MSE, top k planes\s*$/);
	const image4 = await rebuiltPixels(page);

	// Dropping the top plane: a much larger error and a different image, written to the URL.
	await page.getByTestId('keep-plane-7').uncheck();
	await expect(page.getByTestId('planes-kept')).toHaveText('6, 5, 4');
	await expect.poll(() => num(page, 'plane-mse')).toBeGreaterThan(mse4 * 4);
	expect(await rebuiltPixels(page)).not.toBe(image4);
	await expect.poll(() => new URL(page.url()).searchParams.get('keep')).toBe(String(0x70));

	// All eight planes rebuild the digit exactly.
	await page.getByRole('button', { name: 'Keep all planes' }).click();
	await expect(page.getByTestId('plane-mse')).toHaveText('0.0');
	await expect(page.getByTestId('plane-psnr')).toContainText('∞');

	// The top-k button: one plane keeps only plane 7.
	const topK = page.getByLabel('Top planes to keep (k)');
	await topK.fill('1');
	await page.getByRole('button', { name: 'Keep the top 1 planes' }).click();
	await expect(page.getByTestId('planes-kept')).toHaveText('7');
	await expect(page.getByTestId('keep-plane-6')).not.toBeChecked();
	await snap(page, 'bitplanes-planes');
});

test('packing shows the engine words, tail bits included', async ({ page }) => {
	await page.goto('/bitplanes?pack=random&len=33');
	const fig = page.getByTestId('pack-bytes');
	await fig.scrollIntoViewIfNeeded();
	await expect(fig).toContainText('33 values: 132 bytes as float32, 8 bytes packed (2 words)');
	await expect(fig).toContainText('the same signs');
	await expect(page.getByTestId('packed-word-1')).toHaveText(/^0x0000000[01]$/);
	await page.getByLabel('Length', { exact: true }).fill('32');
	await expect(fig).toContainText('32 values: 128 bytes as float32, 4 bytes packed (1 word)');
	await expect(page.getByTestId('packed-word-1')).toHaveCount(0);
});

test('the live network trains and its memory is shown float vs packed', async ({ page }) => {
	await page.goto('/bitplanes?width=64');
	await page.getByTestId('step').scrollIntoViewIfNeeded();
	await expect.poll(() => num(page, 'step'), { timeout: 60_000 }).toBeGreaterThanOrEqual(60);
	await expect(page.getByTestId('test-acc-binary')).toHaveText(/%$/);
	await expect.poll(() => num(page, 'test-acc-float'), { timeout: 60_000 }).toBeGreaterThan(50);
	await expect.poll(() => num(page, 'test-acc-binary'), { timeout: 60_000 }).toBeGreaterThan(30);
	// 784-64-10, binary weights: 64 rows of 25 words + 10 rows of 2 words, batch norm in float32.
	await expect(page.getByTestId('mem-packed')).toHaveText(`${(64 * 25 * 4 + 10 * 2 * 4 + 16 * (64 + 10)).toLocaleString('en')} B`);
	await expect(page.getByTestId('mem-float')).toHaveText(`${((64 * 784 + 10 * 64) * 4 + 16 * (64 + 10)).toLocaleString('en')} B`);
	await expect(page.getByTestId('memory-totals')).toContainText('smaller');
	await snap(page, 'bitplanes-network');
});

test('the bit-serial sum equals the integer dot product', async ({ page }) => {
	await page.goto('/bitplanes');
	const sum = page.getByTestId('bitserial-sum');
	await sum.scrollIntoViewIfNeeded();
	const check = async () => {
		const s = await text(page, 'bitserial-sum');
		expect(s).toMatch(/^[0-9]+$/);
		expect(await text(page, 'int-dot')).toBe(s);
		expect(await text(page, 'bitserial-engine')).toBe(s);
		await expect(page.getByTestId('bitserial-check')).toHaveText('equal');
		return s;
	};
	const first = await check();
	await page.getByLabel('Bits per value (k)').fill('8');
	await page.getByLabel('Vector length').fill('40');
	await expect.poll(() => text(page, 'bitserial-sum')).not.toBe(first);
	await check();
	await page.getByLabel('Vector seed').fill('12345');
	await page.getByLabel('Vector seed').press('Enter');
	await check();
	await snap(page, 'bitplanes-bitserial');
});
