/**
 * The XNOR lesson, driven as a reader would: the by-hand dot product runs on the real
 * engine in the page, the scale factors and inference times come from the real worker
 * run, and every expected number is computed here from what the page displays.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, readNumber, snap, test } from './fixtures';

const text = async (page: Page, id: string) => (await page.getByTestId(id).textContent())?.trim() ?? '';
const num = async (page: Page, id: string) => readNumber(await text(page, id));

const vectorX = (page: Page) => page.getByRole('group', { name: 'Vector x: click an element to flip it' });
const vectorW = (page: Page) => page.getByRole('group', { name: 'Vector w: click an element to flip it' });

/**
 * Wait until the page is live: the run has loaded in the worker, which also means the page has
 * hydrated (a click before that would be lost) and no request is left to cut off on leaving.
 */
async function ready(page: Page): Promise<void> {
	// The run is lazy: it starts (and fetches the digits) once one of its figures nears the screen.
	const again = page.getByRole('button', { name: 'Time inference again' });
	await again.scrollIntoViewIfNeeded();
	await expect(again).toBeEnabled({ timeout: 60_000 });
}

/** The ±1 entries a vector's cells display ('+' or '−'), in element order. */
async function signs(grid: Locator): Promise<number[]> {
	const cells = await grid.locator('button[data-i]').allTextContents();
	return cells.map((t) => {
		const s = t.trim();
		if (s === '+') return 1;
		if (s === '−') return -1;
		throw new Error(`cell shows ${JSON.stringify(s)}`);
	});
}

/** Read both vectors from the page and check every displayed number against them. */
async function checkDot(page: Page): Promise<{ x: number[]; w: number[]; dot: number }> {
	const x = await signs(vectorX(page));
	const w = await signs(vectorW(page));
	expect(w.length).toBe(x.length);
	const n = x.length;
	const dot = x.reduce((s, xi, i) => s + xi * w[i], 0);
	const agree = x.filter((xi, i) => xi === w[i]).length;
	await expect(page.getByTestId('dot-n')).toHaveText(String(n));
	await expect(page.getByTestId('popcount')).toHaveText(String(agree));
	await expect(page.getByTestId('dot-xnor')).toHaveText(String(dot));
	await expect(page.getByTestId('dot-xor')).toHaveText(String(dot));
	await expect(page.getByTestId('dot-engine')).toHaveText(String(dot));
	await expect(page.getByTestId('dot-mac')).toHaveText(String(dot));
	await expect(page.getByTestId('dot-check')).toHaveText('equal');
	// The XNOR row shows a 1 exactly where the two agree.
	const xnorCells = page.getByRole('group', { name: 'x XNOR w: 1 where x and w agree' }).locator('.cell:not(.tail)');
	const bits = (await xnorCells.allTextContents()).slice(0, n).map((t) => t.trim());
	expect(bits).toEqual(x.map((xi, i) => (xi === w[i] ? '1' : '0')));
	// The word popcounts add up to the total.
	const words = Math.ceil(n / 32);
	let pops = 0;
	for (let k = 0; k < words; k++) pops += await num(page, `word-pop-${k}`);
	expect(pops).toBe(agree);
	return { x, w, dot };
}

test('flipping a bit updates the XNOR, the popcount and the dot product, which match the multiply-accumulate', async ({ page }) => {
	await page.goto('/xnor');
	await expect(page.getByRole('heading', { level: 1, name: 'XNOR and popcount' })).toBeVisible();
	await ready(page);
	await vectorX(page).scrollIntoViewIfNeeded();
	const before = await checkDot(page);

	// Flip element 5 of x: the product x5 w5 changes sign, so the dot product moves by 2.
	const cell = vectorX(page).locator('button[data-i="5"]');
	const pressed = await cell.getAttribute('aria-pressed');
	await cell.click();
	await expect(cell).toHaveAttribute('aria-pressed', pressed === 'true' ? 'false' : 'true');
	const after = await checkDot(page);
	expect(after.x[5]).toBe(-before.x[5]);
	expect(Math.abs(after.dot - before.dot)).toBe(2);
	await expect.poll(() => new URL(page.url()).searchParams.get('fx')).toBe('5');

	// Flip two elements of w with the keyboard (Space on a focused cell, arrows to move).
	const w0 = vectorW(page).locator('button[data-i="0"]');
	await w0.focus();
	await page.keyboard.press('Space');
	await page.keyboard.press('ArrowRight');
	await page.keyboard.press('Space');
	const third = await checkDot(page);
	expect(third.w[0]).toBe(-after.w[0]);
	expect(third.w[1]).toBe(-after.w[1]);
	await expect.poll(() => new URL(page.url()).searchParams.get('fw')).toBe('0,1');

	// Make w equal to x: the dot product is n and the popcount counts every element.
	for (let i = 0; i < third.x.length; i++) {
		if (third.x[i] !== third.w[i]) await vectorW(page).locator(`button[data-i="${i}"]`).click();
	}
	const same = await checkDot(page);
	expect(same.dot).toBe(same.x.length);

	// Undo restores the seeded vectors.
	await page.getByRole('button', { name: 'Undo my flips' }).click();
	const undone = await checkDot(page);
	expect(undone.x).toEqual(before.x);
	expect(undone.w).toEqual(before.w);
	await snap(page, 'xnor-by-hand');
});

test('a length that is not a multiple of 32 shows its tail bits, masked before the count', async ({ page }) => {
	await page.goto('/xnor?n=33');
	await ready(page);
	await vectorX(page).scrollIntoViewIfNeeded();
	await expect(vectorX(page)).toContainText('2 words of 32 bits, 31 tail bits (always 0)');
	await expect(vectorX(page).locator('.cells .cell.tail')).toHaveCount(31);
	await expect(page.getByTestId('word-mask-1')).toHaveText('0x00000001');
	// Element 32 is bit 0 of word 1; every tail bit of the packed word is 0.
	const x = await signs(vectorX(page));
	await expect(page.getByTestId('word-x-1')).toHaveText(x[32] > 0 ? '0x00000001' : '0x00000000');
	await checkDot(page);

	const length = page.getByRole('slider', { name: 'Vector length n' });
	await length.fill('32');
	await expect(page.getByTestId('dot-n')).toHaveText('32');
	await expect(page.getByTestId('word-mask-1')).toHaveCount(0);
	await expect(page.getByTestId('word-mask-0')).toHaveText('0xffffffff');
	await expect(vectorX(page).locator('.cells .cell.tail')).toHaveCount(0);
	await checkDot(page);

	await length.fill('77');
	await expect(page.getByTestId('word-mask-2')).toHaveText('0x00001fff');
	await expect(vectorX(page).locator('.cells .cell.tail')).toHaveCount(19);
	await checkDot(page);
	await expect.poll(() => new URL(page.url()).searchParams.get('n')).toBe('77');
});

test('the live network trains, its weights show the scale factors, and its inference is timed', async ({ page }) => {
	await page.goto('/xnor?width=128');
	await page.getByTestId('step').scrollIntoViewIfNeeded();
	await expect.poll(() => num(page, 'step'), { timeout: 60_000 }).toBeGreaterThanOrEqual(60);
	await expect(page.getByTestId('test-acc-binary')).toHaveText(/%$/, { timeout: 60_000 });
	const first = await num(page, 'test-acc-binary');
	await expect.poll(() => num(page, 'test-acc-float'), { timeout: 60_000 }).toBeGreaterThan(50);
	await expect.poll(() => num(page, 'test-acc-binary'), { timeout: 60_000 }).toBeGreaterThan(Math.max(30, first));

	// The scale-factor figure reads the trained binary network's latent weights and layer-2 inputs
	// from the worker (after some training: at step 0 batch norm has no statistics yet).
	await page.locator('#alpha-beta').scrollIntoViewIfNeeded();
	const inspectedStep = async () => parseInt((await text(page, 'scales-step')).replace(/^Step (\d+):.*$/s, '$1'), 10);
	await expect.poll(inspectedStep, { timeout: 60_000 }).toBeGreaterThanOrEqual(60);
	await expect(page.getByTestId('scales-step')).toContainText('layer 2');
	await expect(page.getByTestId('w-rel-alpha')).toHaveText(/^[0-9.]+$/);
	expect(await num(page, 'w-rel-alpha')).toBeLessThan(await num(page, 'w-rel-sign'));
	await expect(page.getByTestId('dot-rel-scaled')).toHaveText(/^[0-9.]+$/);
	expect(await num(page, 'dot-rel-scaled')).toBeLessThan(await num(page, 'dot-rel-sign'));
	// Another layer: the figure keeps the last one until the worker sends the new one's weights
	// (a 784-input layer), and no error reaches the console meanwhile (the watch fixture).
	await page.getByRole('combobox', { name: 'Layer', exact: true }).selectOption('1');
	await expect(page.getByTestId('scales-step')).toContainText('layer 1', { timeout: 30_000 });
	await expect(page.getByTestId('scales-step')).toContainText('× 784 inputs');
	await expect(page.getByTestId('w-rel-alpha')).toHaveText(/^[0-9.]+$/);

	await page.getByTestId('step').scrollIntoViewIfNeeded();
	// The inference-time readout: both networks timed in the worker, and the kernels named.
	await expect(page.getByTestId('time-binary')).toHaveText(/(ms|µs)$/, { timeout: 60_000 });
	await expect(page.getByTestId('time-float')).toHaveText(/(ms|µs)$/);
	await expect(page.getByTestId('time-ratio')).toContainText('×');
	await expect(page.getByTestId('time-kernels')).toContainText('binary');
	await page.getByRole('button', { name: 'Time inference again' }).click();
	await expect(page.getByRole('button', { name: 'Time inference again' })).toBeEnabled({ timeout: 60_000 });
	await expect(page.getByTestId('amdahl')).toContainText('of the products are XNOR-popcount');

	await snap(page, 'xnor-live-desktop');
	await page.setViewportSize({ width: 375, height: 900 });
	await snap(page, 'xnor-live-phone');
	await page.emulateMedia({ colorScheme: 'dark' });
	await snap(page, 'xnor-live-phone-dark');
	await page.setViewportSize({ width: 1280, height: 900 });
	await snap(page, 'xnor-live-desktop-dark');
});

test('state round-trips through the URL; malformed values get a notice', async ({ page }) => {
	await page.goto('/xnor?n=50&vseed=7&fx=1,3&layer=1&width=128&pixels=sign&seed=3');
	await ready(page);
	await expect(page.getByRole('slider', { name: 'Vector length n' })).toHaveValue('50');
	await expect(page.getByLabel('Vector seed')).toHaveValue('7');
	await expect(page.getByRole('combobox', { name: 'Layer', exact: true })).toHaveValue('1');
	await expect(page.getByRole('combobox', { name: 'Hidden width' })).toHaveValue('128');
	await expect(page.getByRole('combobox', { name: 'Pixels into the first layer' })).toHaveValue('sign');
	await expect(page.getByTestId('dot-n')).toHaveText('50');
	const flipped = await signs(vectorX(page));
	await checkDot(page);
	// With every layer binary, the layer table lists three XNOR-popcount layers.
	await expect(page.getByTestId('amdahl')).toContainText('100.0% of the products');

	// Undoing the flips on the same seed negates exactly elements 1 and 3.
	await page.getByRole('button', { name: 'Undo my flips' }).click();
	await expect.poll(() => new URL(page.url()).searchParams.get('fx')).toBeNull();
	const plain = await signs(vectorX(page));
	expect(plain.map((v, i) => (i === 1 || i === 3 ? -v : v))).toEqual(flipped);

	await page.getByRole('slider', { name: 'Vector length n' }).fill('64');
	await expect.poll(() => new URL(page.url()).searchParams.get('n')).toBe('64');
	// The run has loaded (so reloading aborts no request of the worker).
	await ready(page);
	await page.reload();
	await expect(page.getByRole('slider', { name: 'Vector length n' })).toHaveValue('64');
	await expect(page.getByLabel('Vector seed')).toHaveValue('7');
	expect(new URL(page.url()).searchParams.get('seed')).toBe('3');
	expect(new URL(page.url()).searchParams.get('width')).toBe('128');
	await ready(page);
	await checkDot(page);

	await page.goto('/xnor?n=banana&width=300&fx=1,x');
	const notice = page
		.getByRole('status')
		.filter({ hasText: /n|width|fx/ })
		.first();
	await expect(notice).toBeVisible();
	await expect(notice).toContainText('banana');
	await expect(page.getByRole('slider', { name: 'Vector length n' })).toHaveValue('40');
	await expect(page.getByRole('combobox', { name: 'Hidden width' })).toHaveValue('256');
	await checkDot(page);
	await ready(page);
	await snap(page, 'xnor-url-notice');
});

test('the page at phone width and in dark mode', async ({ page }) => {
	await page.setViewportSize({ width: 375, height: 900 });
	await page.emulateMedia({ colorScheme: 'dark' });
	await page.goto('/xnor?n=45');
	await ready(page);
	await vectorX(page).scrollIntoViewIfNeeded();
	await checkDot(page);
	await snap(page, 'xnor-phone-dark');
	await page.emulateMedia({ colorScheme: 'light' });
	await snap(page, 'xnor-phone-light');
	await page.setViewportSize({ width: 1280, height: 900 });
	await snap(page, 'xnor-desktop-light');
});
