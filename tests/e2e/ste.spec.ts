/**
 * The straight-through lesson, driven as a reader would: three binary networks train in
 * the page's worker on the real engine; the true derivative must stall, a straight-through
 * estimator must learn, and the live figures must move while they do.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, readNumber, snap, test } from './fixtures';

const text = async (page: Page, id: string) => (await page.getByTestId(id).textContent())?.trim() ?? '';
const num = async (page: Page, id: string) => readNumber(await text(page, id));
/** The figure that holds element `testId`. */
const figureOf = (page: Page, testId: string): Locator => page.locator('figure').filter({ has: page.getByTestId(testId) });
/**
 * A figure's own control by its label. Each live figure's share panel (closed, so not visible)
 * lists the same controls under the same labels, as checkboxes that hide them in a link.
 */
const control = (page: Page, label: string): Locator => page.getByLabel(label).filter({ visible: true });
/** A live figure's play toggle, by the name it has in that state: Play, Pause or Replay. */
const toggle = (fig: Locator, name: 'Play' | 'Pause' | 'Replay'): Locator => fig.getByRole('button', { name, exact: true });
/** Both networks evaluated on the test split at step `n` or later. */
async function evaluatedBoth(page: Page, n: number, timeout = 60_000): Promise<void> {
	await expect.poll(() => num(page, 'test-step-true'), { timeout }).toBeGreaterThanOrEqual(n);
	await expect.poll(() => num(page, 'test-step-ste'), { timeout }).toBeGreaterThanOrEqual(n);
}
// Chance on two balanced classes is ln 2 = 0.693; the true-derivative network can only shrink its
// logits toward it (its last batch norm still learns). Clipped reaches about 0.1 by step 300 here.
const STALLED = 0.6;
const LEARNED = 0.45;

test('the true derivative leaves the loss flat while a straight-through estimator makes it fall', async ({ page }) => {
	// 300 steps a second: the budget of 3,000 steps lasts long enough to pause the run mid-way.
	await page.goto('/ste?speed=300');
	await expect(page.getByRole('heading', { level: 1, name: 'Straight-through gradients' })).toBeVisible();
	await page.getByTestId('step').scrollIntoViewIfNeeded();
	await evaluatedBoth(page, 300);
	expect(await num(page, 'test-loss-true')).toBeGreaterThan(STALLED);
	expect(await num(page, 'test-loss-ste')).toBeLessThan(LEARNED);
	expect(await num(page, 'test-acc-ste')).toBeGreaterThan(85);
	// The true derivative never flips a binary weight.
	await expect(page.getByTestId('flips-last-true')).toHaveText('0');
	await snap(page, 'ste-pair-clipped');

	// Pause (the toggle is named by what it does), then pick the true derivative for the
	// right-hand network too: a new run from step 0, which keeps the reader's pause.
	const fig = figureOf(page, 'test-loss-true');
	await toggle(fig, 'Pause').click();
	await expect(toggle(fig, 'Play')).toBeVisible();
	await control(page, "Right-hand network's estimator").selectOption('true');
	await expect.poll(() => new URL(page.url()).searchParams.get('est')).toBe('true');
	await expect(fig.getByRole('row', { name: /Straight-through: true derivative/ })).toBeVisible();
	await expect(page.getByTestId('step')).toHaveText('0');
	await expect(page.getByTestId('test-step-ste')).toHaveText('0');
	await toggle(fig, 'Play').click();
	await expect(toggle(fig, 'Pause')).toBeVisible();
	await evaluatedBoth(page, 300);
	expect(await num(page, 'test-loss-ste')).toBeGreaterThan(STALLED);
	expect(await num(page, 'test-loss-true')).toBeGreaterThan(STALLED);
	await expect(page.getByTestId('flips-last-ste')).toHaveText('0');

	// And ApproxSign learns again, after a fresh start.
	await toggle(fig, 'Pause').click();
	await expect(toggle(fig, 'Play')).toBeVisible();
	await control(page, "Right-hand network's estimator").selectOption('approxsign');
	await expect.poll(() => new URL(page.url()).searchParams.get('est')).toBe('approxsign');
	await expect(page.getByTestId('step')).toHaveText('0');
	await toggle(fig, 'Play').click();
	await evaluatedBoth(page, 300);
	expect(await num(page, 'test-loss-ste')).toBeLessThan(LEARNED);
	expect(await num(page, 'test-loss-true')).toBeGreaterThan(STALLED);
});

test('the estimator curves come from the engine and follow beta', async ({ page }) => {
	await page.goto('/ste?est=swishsign');
	const peak = page.getByTestId('estimator-peak');
	await peak.scrollIntoViewIfNeeded();
	// SwishSign's multiplier at 0 is beta (default 5).
	await expect(peak).toHaveText('5.00');
	await control(page, 'SwishSign β').fill('12');
	await expect(peak).toHaveText('12.0');
	await expect.poll(() => new URL(page.url()).searchParams.get('beta')).toBe('12');
	await page.getByLabel('Estimator', { exact: true }).selectOption('approxsign');
	await expect(peak).toHaveText('2.00');
	await expect(control(page, 'SwishSign β')).toBeDisabled();
	await expect(page.getByTestId('estimator-readout')).toContainText('exactly 0 on 51% of [−2, 2]');
});

test('the gradient graph and the latent histograms update during training', async ({ page }) => {
	// 300 steps a second: the run is still going when the latent figure is reset below.
	await page.goto('/ste?seed=3&speed=300');
	const graph = page.getByTestId('gradient-graph');
	await graph.scrollIntoViewIfNeeded();
	await expect.poll(async () => Number(await graph.getAttribute('data-step')), { timeout: 60_000 }).toBeGreaterThan(0);
	const s1 = Number(await graph.getAttribute('data-step'));
	const n1 = await graph.getAttribute('data-norms');
	await expect.poll(async () => Number(await graph.getAttribute('data-step')), { timeout: 30_000 }).toBeGreaterThan(s1);
	await expect.poll(() => graph.getAttribute('data-norms')).not.toBe(n1);
	// Every layer gets a gradient with a straight-through estimator.
	for (const k of [1, 2, 3]) expect(await num(page, `grad-norm-${k}`)).toBeGreaterThan(0);
	await expect(page.getByTestId('clip-share-1')).toContainText('n/a');
	await expect(page.getByTestId('clip-share-2')).toHaveText(/^\d+\.\d%$/);

	// Drawn for the true-derivative network: every norm is exactly 0.
	await control(page, 'Network drawn').selectOption('true');
	await expect.poll(() => new URL(page.url()).searchParams.get('graph')).toBe('true');
	for (const k of [1, 2, 3]) await expect(page.getByTestId(`grad-norm-${k}`)).toHaveText('0');
	await control(page, 'Network drawn').selectOption('ste');

	// The latent histograms move: reset and watch the middle layer's counts change.
	// (Its figure draws once it is on screen.)
	await control(page, 'Clip latent weights to [−1, 1]').scrollIntoViewIfNeeded();
	const hist = page.getByTestId('latent-hist-2');
	await expect(hist).toBeVisible();
	const latentFig = figureOf(page, 'latent-hist-2');
	await latentFig.getByRole('button', { name: 'Reset' }).click();
	// The reader never paused: the run plays again from step 0 by itself.
	await expect(toggle(latentFig, 'Pause')).toBeVisible();
	await expect(hist).toHaveAttribute('data-signature', /\d/);
	const h1 = await hist.getAttribute('data-signature');
	await expect.poll(() => hist.getAttribute('data-signature'), { timeout: 30_000 }).not.toBe(h1);
	await snap(page, 'ste-flow-latent');
});

test('latent clipping off lets weights drift beyond ±1; Bop and Adam both flip signs', async ({ page }) => {
	await page.goto('/ste?lclip=false');
	// The histograms (and their readouts) appear once training starts, when the figure is in view.
	const toggle = control(page, 'Clip latent weights to [−1, 1]');
	await toggle.scrollIntoViewIfNeeded();
	await expect(toggle).not.toBeChecked();
	const out = page.getByTestId('outside-1');
	await expect.poll(async () => parseFloat((await out.textContent()) ?? ''), { timeout: 60_000 }).toBeGreaterThan(2);

	// Switched back on: a new run whose latent weights all stay within ±1.
	await control(page, 'Clip latent weights to [−1, 1]').check();
	await expect.poll(() => new URL(page.url()).searchParams.get('lclip')).toBeNull();
	await expect.poll(() => num(page, 'step'), { timeout: 60_000 }).toBeGreaterThanOrEqual(500);
	for (const k of [1, 2, 3]) await expect(page.getByTestId(`outside-${k}`)).toHaveText('0.0%');

	// The clip at |x| = 1 switch is the clipped / identity choice of estimator.
	await control(page, 'Clip the gradient at |x| = 1').uncheck();
	await expect.poll(() => new URL(page.url()).searchParams.get('est')).toBe('identity');

	await control(page, 'Bop τ (threshold)').scrollIntoViewIfNeeded();
	await expect.poll(() => num(page, 'flips-bop'), { timeout: 60_000 }).toBeGreaterThan(0);
	await expect.poll(() => num(page, 'flips-ste'), { timeout: 60_000 }).toBeGreaterThan(0);
	await control(page, 'Bop τ (threshold)').selectOption('1e-8');
	await expect.poll(() => new URL(page.url()).searchParams.get('tau')).toBe('1e-8');
});

test('malformed URL values fall back with a notice', async ({ page }) => {
	await page.goto('/ste?est=sine&beta=lots&gamma=7&graph=xyz');
	const notice = page.getByRole('status').filter({ hasText: 'est' });
	await expect(notice).toContainText('est');
	await expect(notice).toContainText('beta');
	await expect(notice).toContainText('gamma');
	await expect(control(page, "Right-hand network's estimator")).toHaveValue('clipped');
	await expect(control(page, 'Network drawn')).toHaveValue('ste');
});

test('screenshots: desktop and phone, light and dark', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 900 });
	await page.goto('/ste');
	await page.getByTestId('step').scrollIntoViewIfNeeded();
	await evaluatedBoth(page, 300);
	await page.getByTestId('gradient-graph').scrollIntoViewIfNeeded();
	await expect.poll(async () => Number(await page.getByTestId('gradient-graph').getAttribute('data-step')), { timeout: 60_000 }).toBeGreaterThan(0);
	// Each live figure draws once it has been on screen: pass by the last two as a reader would.
	await control(page, 'Clip latent weights to [−1, 1]').scrollIntoViewIfNeeded();
	await expect(page.getByTestId('latent-hist-2')).toBeVisible();
	await control(page, 'Bop τ (threshold)').scrollIntoViewIfNeeded();
	await expect(page.getByTestId('flips-bop')).toHaveText(/^\d/);
	await snap(page, 'ste-desktop');
	await page.emulateMedia({ colorScheme: 'dark' });
	await snap(page, 'ste-desktop-dark');
	await page.setViewportSize({ width: 375, height: 900 });
	await snap(page, 'ste-phone-dark');
	await page.emulateMedia({ colorScheme: 'light' });
	await snap(page, 'ste-phone');
	// Nothing wider than the phone's viewport.
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
});
