/**
 * The multibase lesson, driven as a reader would: the weights and activations come
 * from the five networks training in the real worker, the fits from the real engine.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, readNumber, snap, test } from './fixtures';

const text = async (page: Page, id: string) => (await page.getByTestId(id).textContent())?.trim() ?? '';
const num = async (page: Page, id: string) => readNumber(await text(page, id));
/**
 * A figure's own control by its label. Each live figure's share panel (closed, so not visible)
 * lists the same controls under the same labels, as checkboxes that hide them in a link.
 */
const control = (page: Page, label: string): Locator => page.getByLabel(label).filter({ visible: true });
const IDS = ['float', 'mb11', 'mb31', 'mb33', 'mb55'];

/** Pause the run (the frontier's play toggle, named Pause while it trains), so the weights the figures show stop changing. */
async function pause(page: Page): Promise<void> {
	const controls = page
		.locator('figure')
		.filter({ has: page.getByTestId('frontier-table') })
		.getByRole('group', { name: /Controls for training/ });
	const toggle = (name: string) => controls.getByRole('button', { name, exact: true });
	await controls.scrollIntoViewIfNeeded();
	await expect(toggle('Pause')).toBeVisible({ timeout: 60_000 });
	await toggle('Pause').click();
	await expect(toggle('Play')).toBeVisible();
	await expect(toggle('Pause')).toHaveCount(0);
}

test('the M slider changes the approximation and its error readout', async ({ page }) => {
	await page.goto('/multibase?m=1');
	await expect(page.getByRole('heading', { level: 1, name: 'Multi-base approximation' })).toBeVisible();
	await page.getByTestId('frontier-table').scrollIntoViewIfNeeded();
	await expect.poll(() => num(page, 'step'), { timeout: 60_000 }).toBeGreaterThan(50);
	await pause(page);
	// The figures read the live weights only while on screen.
	await page.getByRole('slider', { name: 'Weight bases M', exact: true }).scrollIntoViewIfNeeded();
	const images = page.getByTestId('wb-images');
	await images.scrollIntoViewIfNeeded();
	await expect(page.getByTestId('wb-error')).toHaveText(/^[0-9.]+$/, { timeout: 30_000 });
	// Let the last inspection after the pause land, then read M = 1.
	await expect.poll(async () => (await text(page, 'wb-error')) === (await text(page, 'wb-curve-1')), { timeout: 10_000 }).toBe(true);
	const e1 = await num(page, 'wb-error');
	await expect(images.locator('canvas')).toHaveCount(2); // the original and B_1
	const slider = page.getByRole('slider', { name: 'Weight bases M', exact: true });
	await slider.fill('3');
	await expect(images.locator('canvas')).toHaveCount(4);
	await expect(page.getByTestId('wb-alpha-3')).toHaveText(/[0-9]/);
	await expect.poll(() => num(page, 'wb-error')).toBeLessThan(e1);
	// The readout is the M = 3 point of the curve fitted to the same weights.
	await expect.poll(async () => (await text(page, 'wb-error')) === (await text(page, 'wb-curve-3')), { timeout: 10_000 }).toBe(true);
	const e3 = await num(page, 'wb-error');
	expect(e3).toBeLessThan(e1);
	// 3 is the default, which links leave out.
	await expect.poll(() => new URL(page.url()).searchParams.get('m')).toBeNull();
	// The error curve falls with M on these weights.
	const curve = [];
	for (let m = 1; m <= 5; m++) curve.push(await num(page, `wb-curve-${m}`));
	for (let m = 1; m < 5; m++) expect(curve[m]).toBeLessThan(curve[m - 1]);
	// The price figure follows the same M.
	await expect(page.getByTestId('price-wbits-1')).toHaveText('3 (32)');
	await snap(page, 'multibase-weights');
	await slider.fill('5');
	await expect(images.locator('canvas')).toHaveCount(6);
	await expect.poll(() => num(page, 'wb-error')).toBeLessThan(e3);
	await expect.poll(() => new URL(page.url()).searchParams.get('m')).toBe('5');
});

test('the frontier fills in from live training', async ({ page }) => {
	await page.goto('/multibase');
	const table = page.getByTestId('frontier-table');
	await table.scrollIntoViewIfNeeded();
	for (const id of IDS) {
		await expect(page.getByTestId(`frontier-acc-${id}`)).toHaveText(/^[0-9.]+%$/, { timeout: 90_000 });
		const acc = await num(page, `frontier-acc-${id}`);
		expect(Number.isFinite(acc)).toBe(true);
		expect(acc).toBeGreaterThan(0);
		expect(acc).toBeLessThanOrEqual(100);
	}
	await expect(page.getByTestId('frontier-memory').locator('g.pt')).toHaveCount(5);
	await expect(page.getByTestId('frontier-ops').locator('g.pt')).toHaveCount(5);
	for (const label of ['float', '(1,1)', '(3,1)', '(3,3)', '(5,5)'])
		await expect(page.getByTestId('frontier-memory').getByText(label, { exact: true })).toBeVisible();
	// The activation figure shows the (3,3) network's learned bases (read while it is on screen).
	await page.getByRole('slider', { name: 'Activation bases N (initial staircase)' }).scrollIntoViewIfNeeded();
	await expect(page.getByTestId('act-thr-3')).toHaveText(/^-?[0-9.]+$/, { timeout: 30_000 });
	await snap(page, 'multibase-frontier');
	await page.setViewportSize({ width: 375, height: 900 });
	await snap(page, 'multibase-phone');
	await page.emulateMedia({ colorScheme: 'dark' });
	await snap(page, 'multibase-phone-dark');
	await page.setViewportSize({ width: 1280, height: 900 });
	await snap(page, 'multibase-desktop-dark');
});

test('state round-trips through the URL; malformed values get a notice', async ({ page }) => {
	await page.goto('/multibase?m=4&n=2&unit=7&wnet=mb33&anet=mb55&seed=3');
	await expect(page.getByRole('slider', { name: 'Weight bases M', exact: true })).toHaveValue('4');
	await expect(page.getByRole('slider', { name: 'Hidden unit' })).toHaveValue('7');
	await expect(page.getByRole('slider', { name: 'Activation bases N (initial staircase)' })).toHaveValue('2');
	await expect(control(page, 'Weights of')).toHaveValue('mb33');
	await expect(control(page, 'Inputs and learned bases of')).toHaveValue('mb55');
	await expect(page.getByTestId('price-wbits-1')).toHaveText('4 (32)');
	// The run has loaded (so navigating away aborts no request of the worker).
	await page.getByRole('slider', { name: 'Weight bases M', exact: true }).scrollIntoViewIfNeeded();
	await expect(page.getByTestId('wb-error')).toHaveText(/^[0-9.]+$/, { timeout: 60_000 });
	await page.getByRole('slider', { name: 'Activation bases N (price)' }).fill('5');
	await expect.poll(() => new URL(page.url()).searchParams.get('n')).toBe('5');
	await page.reload();
	await expect(page.getByRole('slider', { name: 'Activation bases N (initial staircase)' })).toHaveValue('5');
	await expect(page.getByRole('slider', { name: 'Weight bases M', exact: true })).toHaveValue('4');
	expect(new URL(page.url()).searchParams.get('seed')).toBe('3');
	await page.getByRole('slider', { name: 'Weight bases M', exact: true }).scrollIntoViewIfNeeded();
	await expect(page.getByTestId('wb-error')).toHaveText(/^[0-9.]+$/, { timeout: 60_000 });

	await page.goto('/multibase?m=banana&wnet=bogus&unit=99');
	await expect(
		page
			.getByRole('status')
			.filter({ hasText: /m|wnet|unit/ })
			.first()
	).toBeVisible();
	await expect(page.getByRole('slider', { name: 'Weight bases M', exact: true })).toHaveValue('3');
	await expect(control(page, 'Weights of')).toHaveValue('float');
	await page.getByRole('slider', { name: 'Weight bases M', exact: true }).scrollIntoViewIfNeeded();
	await expect(page.getByTestId('wb-error')).toHaveText(/^[0-9.]+$/, { timeout: 60_000 });
	await snap(page, 'multibase-url-notice');
});
