/**
 * A teacher's controls on a live figure, driven as a teacher would, on lesson 0's moons
 * (the real engine trains in the page's worker): the play toggle named by state, the
 * speed, the finished state and its replay, keyboard shortcuts, presentation mode and
 * the share panel's classroom link.
 */
import type { Locator, Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { SCREENSHOTS, expect, readNumber, snap, test } from './fixtures';

const figure = (page: Page) => page.locator('figure#moons');
const toggle = (page: Page) =>
	figure(page)
		.getByRole('group', { name: /Controls for training/ })
		.getByRole('button', { name: /^(Play|Pause|Replay)$/ });
const stepOf = async (page: Page) => readNumber(await page.getByTestId('live-step').textContent());

async function open(page: Page, query = ''): Promise<Locator> {
	await page.goto(`/${query}`);
	const fig = figure(page);
	await fig.scrollIntoViewIfNeeded();
	// Hydrated and started: the buttons are live (before that a click would change only the static HTML).
	await expect(toggle(page)).toBeEnabled({ timeout: 60_000 });
	return fig;
}

/** Steps taken in `ms` of wall time while playing. */
async function stepsIn(page: Page, ms: number): Promise<number> {
	const a = await stepOf(page);
	await page.waitForTimeout(ms);
	return (await stepOf(page)) - a;
}

test('the play toggle is named by what it does, and the state is written beside it', async ({ page }) => {
	await open(page);
	await expect(toggle(page)).toHaveAccessibleName('Pause', { timeout: 60_000 });
	await expect(figure(page).getByText(/training · step/)).toBeVisible();
	await toggle(page).click();
	await expect(toggle(page)).toHaveAccessibleName('Play');
	await expect(figure(page).getByText(/paused · step/)).toBeVisible();
	await toggle(page).click();
	await expect(toggle(page)).toHaveAccessibleName('Pause');
});

test('the speed control slows training measurably, and is kept in the link', async ({ page }) => {
	await open(page, '?speed=5');
	await expect.poll(() => stepOf(page), { timeout: 60_000 }).toBeGreaterThan(0);
	const slow = await stepsIn(page, 3000);
	const slider = figure(page).getByRole('slider', { name: 'Speed' });
	await expect(slider).toBeVisible();
	// Position 6 of 0.5, 1, 2, 5, 10, 30, 100, ...: 100 steps per second.
	await slider.fill('6');
	await expect.poll(() => new URL(page.url()).searchParams.get('speed')).toBe('100');
	await page.waitForTimeout(300);
	const fast = await stepsIn(page, 3000);
	// 5/s gives about 15 steps in 3 s and 100/s about 300; loose bounds for a busy machine.
	expect(slow).toBeGreaterThanOrEqual(5);
	expect(slow).toBeLessThanOrEqual(20);
	expect(fast).toBeGreaterThan(3 * slow);
});

test('a run that reaches its budget says it has finished, and Replay gives the same numbers', async ({ page }) => {
	// Noisy moons: accuracies that differ from run to run unless the run is replayed exactly.
	await open(page, '?noise=0.7&seed=5');
	const finished = figure(page).getByTestId('finished');
	await expect(finished).toBeVisible({ timeout: 90_000 });
	await expect(finished).toContainText('3,000 steps');
	await expect(toggle(page)).toHaveAccessibleName('Replay');
	await expect(figure(page).getByText('finished at step 3,000')).toBeVisible();
	expect(await stepOf(page)).toBe(3000);
	const first = [await page.getByTestId('live-acc-binary').textContent(), await page.getByTestId('live-acc-float').textContent()];
	await snap(page, 'classroom-finished-desktop');
	await page.setViewportSize({ width: 390, height: 844 });
	await finished.scrollIntoViewIfNeeded();
	await snap(page, 'classroom-finished-phone');
	await page.setViewportSize({ width: 1280, height: 900 });

	await toggle(page).click();
	await expect.poll(() => stepOf(page)).toBeLessThan(3000);
	await expect(finished).toBeVisible({ timeout: 90_000 });
	expect([await page.getByTestId('live-acc-binary').textContent(), await page.getByTestId('live-acc-float').textContent()]).toEqual(first);
});

test('keyboard shortcuts work on the focused figure: Space, → and R', async ({ page }) => {
	const fig = await open(page, '?speed=30');
	await expect(toggle(page)).toHaveAccessibleName('Pause', { timeout: 60_000 });
	await fig.focus();
	await page.keyboard.press('Space');
	await expect(toggle(page)).toHaveAccessibleName('Play');
	// Let the last steps in flight arrive, then step one at a time.
	await page.waitForTimeout(500);
	const at = await stepOf(page);
	await page.keyboard.press('ArrowRight');
	await expect.poll(() => stepOf(page)).toBe(at + 1);
	await page.keyboard.press('ArrowRight');
	await expect.poll(() => stepOf(page)).toBe(at + 2);
	await page.keyboard.press('r');
	await expect.poll(() => stepOf(page)).toBe(0);
	await expect(toggle(page)).toHaveAccessibleName('Play'); // the reader's pause holds over a reset
	await page.keyboard.press('Space');
	await expect(toggle(page)).toHaveAccessibleName('Pause');
	await expect.poll(() => stepOf(page)).toBeGreaterThan(0);
	await expect(fig.getByText(/Keys on this figure/)).toContainText('Space');
});

test('presentation mode fills the viewport, enlarges the figure, and Esc restores the page', async ({ page }) => {
	// A 1920x1080 projector at 150% zoom: 1280x720 CSS pixels.
	await page.setViewportSize({ width: 1280, height: 720 });
	const fig = await open(page, '?speed=30');
	const before = await fig.boundingBox();
	const fontBefore = await fig.getByTestId('live-step').evaluate((el) => el.getBoundingClientRect().height);
	await fig.getByRole('button', { name: 'Present' }).click();
	await expect(fig).toHaveClass(/presenting/);
	await expect.poll(() => new URL(page.url()).searchParams.get('present')).toBe('moons');
	const box = await fig.boundingBox();
	expect(box).toMatchObject({ x: 0, y: 0, width: 1280, height: 720 });
	const fontAfter = await fig.getByTestId('live-step').evaluate((el) => el.getBoundingClientRect().height);
	expect(fontAfter).toBeGreaterThan(fontBefore * 1.25);
	await snap(page, 'classroom-present-1280x720');
	await page.keyboard.press('Escape');
	await expect(fig).not.toHaveClass(/presenting/);
	await expect.poll(() => new URL(page.url()).searchParams.get('present')).toBeNull();
	const after = await fig.boundingBox();
	expect(after!.width).toBeCloseTo(before!.width, 0);
	await expect(fig.getByRole('button', { name: 'Present' })).toBeFocused();
});

test('present=ID opens the figure in presentation mode; an unknown id gets a notice', async ({ page }) => {
	await page.goto('/?present=moons');
	await expect(figure(page)).toHaveClass(/presenting/);
	await expect.poll(() => stepOf(page), { timeout: 60_000 }).toBeGreaterThan(0);
	await page.goto('/?present=nope');
	await expect(page.getByRole('status').filter({ hasText: 'present' })).toContainText("'nope' is not a figure on this page");
	await expect(figure(page)).not.toHaveClass(/presenting/);
});

test('a link built by the share panel opens with exactly those controls and boxes hidden', async ({ page, context }) => {
	const fig = await open(page, '?noise=0.3&seed=9');
	await fig.getByText('Share this setup').click();
	const panel = fig.getByTestId('share-moons');
	await panel.getByRole('checkbox', { name: 'Noise' }).check();
	await panel.getByRole('checkbox', { name: 'Speed' }).check();
	await panel.getByRole('checkbox', { name: 'Hide the lesson text between the figures' }).check();
	await panel.getByRole('checkbox', { name: 'Hide the Try-this boxes' }).check();
	await mkdir(SCREENSHOTS, { recursive: true });
	await fig.screenshot({ path: `${SCREENSHOTS}/classroom-share-panel.png` });
	await expect(panel.getByTestId('share-link')).toHaveValue(/^http.*hide=/);
	const link = await panel.getByTestId('share-link').inputValue();
	const url = new URL(link);
	expect(url.searchParams.get('seed')).toBe('9');
	expect(url.searchParams.get('noise')).toBe('0.3');
	expect(url.searchParams.get('hide')?.split(',').sort()).toEqual(['noise', 'prose', 'speed', 'try']);

	const other = await context.newPage();
	await other.goto(url.pathname + url.search);
	const f = figure(other);
	await f.scrollIntoViewIfNeeded();
	await expect(f.getByRole('slider', { name: 'Noise' })).toHaveCount(0);
	await expect(f.getByRole('slider', { name: 'Speed' })).toHaveCount(0);
	await expect(f.getByRole('textbox', { name: 'Seed' }).or(f.getByRole('spinbutton', { name: 'Seed' }))).toHaveValue('9');
	await expect(f.getByRole('button', { name: /^(Play|Pause)$/ })).toBeVisible();
	await expect(other.getByText('Try this')).toHaveCount(0);
	// Prose hidden: headings and figures stay, the paragraphs between them go.
	await expect(other.getByRole('heading', { name: 'One bit can work' })).toBeVisible();
	await expect(other.getByText('Here is a small network trained on the spot')).toBeHidden();
	await expect(other.getByRole('heading', { name: 'Contents' })).toHaveCount(0);
	await snap(other, 'classroom-shared-link');
});
