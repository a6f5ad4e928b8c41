/**
 * The playground, driven as a reader would: the real engine trains in the page's worker
 * (nothing is mocked), and the test reads the numbers the page shows.
 */
import type { Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, readNumber, snap, test, recordLongTasks } from './fixtures';

const num = async (page: Page, id: string) => readNumber(await page.getByTestId(id).textContent());
const stepOf = (page: Page) => num(page, 'step');
/** The play toggle, named by what it does: Play, Pause, or Replay once finished. */
const play = (page: Page) => page.getByRole('group', { name: /Controls for training/ }).getByRole('button', { name: /^(Play|Pause|Replay)$/ });

async function waitForStep(page: Page, atLeast: number): Promise<void> {
	await expect.poll(() => stepOf(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(atLeast);
}

async function pause(page: Page): Promise<void> {
	await expect(play(page)).toHaveText(/Pause|Play/);
	if ((await play(page).textContent())?.includes('Pause')) await play(page).click();
	await expect(play(page)).toHaveAccessibleName('Play');
}

test('trains live: the loss falls and the accuracy rises', async ({ page }) => {
	await page.goto('/playground?data=spiral');
	await expect(page.getByTestId('loss-float')).toHaveText(/^[0-9.]+$/);
	const early = await num(page, 'loss-float');
	const earlyAcc = await num(page, 'test-acc-binary');
	// Per-step losses are noisy: wait until one is well below the first.
	await expect.poll(() => num(page, 'loss-float'), { timeout: 60_000 }).toBeLessThan(early * 0.5);
	await expect.poll(() => num(page, 'test-acc-float'), { timeout: 60_000 }).toBeGreaterThan(90);
	await expect.poll(() => num(page, 'test-acc-binary'), { timeout: 60_000 }).toBeGreaterThan(Math.max(75, Number.isNaN(earlyAcc) ? 0 : earlyAcc));
	await snap(page, 'playground-training-desktop');
	await page.setViewportSize({ width: 375, height: 900 });
	await snap(page, 'playground-training-phone');
	await page.emulateMedia({ colorScheme: 'dark' });
	await snap(page, 'playground-training-phone-dark');
});

test('pause stops training and play resumes it', async ({ page }) => {
	await page.goto('/playground?data=moons');
	await waitForStep(page, 30);
	await pause(page);
	// The slice in flight when the pause arrived still reports its steps: let the count settle.
	await expect
		.poll(async () => {
			const a = await stepOf(page);
			await page.waitForTimeout(300);
			return (await stepOf(page)) - a;
		})
		.toBe(0);
	const paused = await stepOf(page);
	await page.waitForTimeout(1000);
	expect(await stepOf(page)).toBe(paused);
	await play(page).click();
	await waitForStep(page, paused + 30);
});

test('moving a control retrains from the start and writes the URL', async ({ page }) => {
	await page.goto('/playground?data=xor');
	await waitForStep(page, 300);
	await page.getByLabel('Straight-through estimator').selectOption('clipped');
	await expect.poll(() => stepOf(page)).toBeLessThan(300);
	await expect.poll(() => new URL(page.url()).searchParams.get('estimator')).toBe('clipped');
	await waitForStep(page, 50);
});

test('a copied link replays the same state and, with the same seed, the same numbers', async ({ page, context }) => {
	const link = '/playground?data=gaussians&hidden=16,8&weights=fbs&inputs=fss&estimator=clipped&lr=0.02&batch=16&seed=42';
	const tenSteps = async (p: Page) => {
		await waitForStep(p, 1);
		await pause(p);
		await p.getByRole('button', { name: 'Reset' }).click();
		await expect.poll(() => stepOf(p)).toBe(0);
		for (let i = 0; i < 10; i++) await p.getByRole('button', { name: 'Step' }).click();
		await expect.poll(() => stepOf(p)).toBe(10);
		return [await page.getByTestId('loss-binary').textContent(), await p.getByTestId('loss-float').textContent()];
	};
	await page.goto(link);
	const first = await tenSteps(page);
	const copied = page.url();
	const other = await context.newPage();
	await other.goto(copied);
	await expect(other.getByLabel('Data')).toHaveValue('gaussians');
	await expect(other.getByLabel('Units of layer 2')).toHaveValue('8');
	await expect(other.getByLabel('Weights of layer 3')).toHaveValue('s');
	await expect(other.getByLabel('Seed')).toHaveValue('42');
	const second = await tenSteps(other);
	expect(second[1]).toBe(first[1]);
	expect(await other.getByTestId('loss-binary').textContent()).toBe(first[0]);
});

test('malformed URL parameters fall back to defaults with a visible notice', async ({ page }) => {
	await page.goto('/playground?seed=abc&lr=banana&data=cifar&hidden=9999,x&weights=zz&bogus=1');
	const notice = page.getByRole('status').filter({ hasText: 'seed' });
	await expect(notice).toContainText("seed: 'abc'");
	await expect(notice).toContainText('lr');
	await expect(notice).toContainText('data');
	await expect(notice).toContainText("weights: 'zz'");
	await expect(page.getByLabel('Seed')).toHaveValue('1');
	await expect(page.getByLabel('Data')).toHaveValue('spiral');
	await snap(page, 'playground-malformed-url');
	// Training starts when the figure scrolls into view (the notice pushed it below the fold).
	await page.getByTestId('step').scrollIntoViewIfNeeded();
	await waitForStep(page, 20);
});

test('drawing a digit on the pad gets an answer from both networks', async ({ page }) => {
	await page.goto('/playground?data=mnist&hidden=32&weights=bb&inputs=fs&batch=64');
	await waitForStep(page, 40);
	const pad = page.getByRole('application', { name: /Drawing pad/ });
	await pad.scrollIntoViewIfNeeded();
	const box = (await pad.locator('canvas').boundingBox())!;
	// A "1": one vertical stroke down the middle.
	await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.2);
	await page.mouse.down();
	for (let t = 0.2; t <= 0.8; t += 0.05) await page.mouse.move(box.x + box.width * 0.52, box.y + box.height * t);
	await page.mouse.up();
	await expect(page.getByTestId('pad-answer-binary')).toHaveText(/^[0-9]$/);
	await expect(page.getByTestId('pad-answer-float')).toHaveText(/^[0-9]$/);
	await snap(page, 'playground-digits');
});

test('export then import round-trips the binary model; a bad file gets a clear message', async ({ page }, info) => {
	await page.goto('/playground?data=moons&hidden=16&weights=fb&inputs=fs');
	await waitForStep(page, 200);
	await pause(page);
	await expect(page.getByTestId('test-acc-binary')).not.toHaveText('–');
	await page.waitForTimeout(300); // the evaluation that follows a pause
	const before = await page.getByTestId('test-acc-binary').textContent();
	const download = page.waitForEvent('download');
	await page.getByRole('button', { name: 'Download the binary model' }).click();
	const file = info.outputPath('model.bwnn');
	await (await download).saveAs(file);
	const bytes = readFileSync(file);
	expect(bytes.subarray(0, 4).toString('latin1')).toBe('BWNN');
	await page.getByTestId('model-upload').setInputFiles(file);
	await expect(page.getByTestId('model-file-message')).toContainText('Loaded');
	await expect(page.getByTestId('test-acc-binary')).toHaveText(before!);

	const bad = info.outputPath('truncated.bwnn');
	writeFileSync(bad, bytes.subarray(0, 100));
	await page.getByTestId('model-upload').setInputFiles(bad);
	await expect(page.getByTestId('model-file-message')).toContainText(/truncated model file/);
});

test('no main-thread long task while the digits train, and the frame rate holds', async ({ page }) => {
	await recordLongTasks(page);
	await page.goto('/playground?data=mnist&hidden=256,256&weights=bbb&inputs=fss&batch=64');
	await waitForStep(page, 10); // loading and the first steps are behind us
	const result = await page.evaluate(async () => {
		const w = window as unknown as { __longTasks: number[] };
		w.__longTasks.length = 0;
		let frames = 0;
		const t0 = performance.now();
		await new Promise<void>((done) => {
			const tick = () => {
				frames++;
				if (performance.now() - t0 < 10_000) requestAnimationFrame(tick);
				else done();
			};
			requestAnimationFrame(tick);
		});
		const seconds = (performance.now() - t0) / 1000;
		return { fps: frames / seconds, longTasks: [...w.__longTasks] };
	});
	const steps = await stepOf(page);
	console.log(
		`MNIST training, 10 s: ${result.fps.toFixed(1)} frames per second, ${result.longTasks.length} long tasks (${result.longTasks.map((d) => d.toFixed(0)).join(', ') || 'none'}), ${steps} steps`
	);
	expect(result.longTasks).toEqual([]);
	expect(steps).toBeGreaterThan(20);
});

test('on a phone, the digits figure scrolled into view while the digits load starts training when they arrive', async ({ page }) => {
	await page.setViewportSize({ width: 375, height: 667 });
	// A slow link: the digits arrive only when the test lets them.
	let arrive!: () => void;
	const arrived = new Promise<void>((r) => (arrive = r));
	let held = false;
	await page.route('**/data/mnist.bin.gz', async (route) => {
		held = true;
		await arrived;
		await route.continue();
	});
	// #size opens the page at its last section, the figure scrolled away above it: the run starts with nothing on screen.
	await page.goto('/playground?data=mnist#size');
	const figure = page.locator('#trainer');
	const controls = page.getByRole('group', { name: /Controls for training/ });
	await expect.poll(() => held, { message: "the worker's request for the digits is held back" }).toBe(true);
	await expect(controls).toContainText('loading the data');
	await expect(figure).not.toBeInViewport({ ratio: 0.02 });
	await figure.evaluate((el) => el.scrollIntoView({ block: 'start' }));
	await expect(figure).toBeInViewport({ ratio: 0.02 });
	await page.waitForTimeout(300); // the figure's visibility reaches the run while the digits are still held back
	await expect(controls).toContainText('loading the data');
	arrive();
	await waitForStep(page, 5);
	const first = await stepOf(page);
	await waitForStep(page, first + 5);
	await expect(play(page)).toHaveAccessibleName('Pause');
	await expect(controls).toContainText('training');
});

test('a dead worker shows a readable state, and Restart brings training back', async ({ page, watch }) => {
	// The worker's script cannot load: the thread dies before it starts.
	await page.route('**/workers/**', (route) => route.abort());
	await page.goto('/playground?data=moons');
	const alert = page.getByRole('alert').filter({ hasText: 'training thread stopped' });
	await expect(alert).toBeVisible();
	await snap(page, 'playground-dead-worker');
	await page.unroute('**/workers/**');
	await alert.getByRole('button', { name: 'Restart training' }).click();
	await waitForStep(page, 20);
	await expect(alert).toHaveCount(0);
	// The failure was on purpose: drop what it logged so the fixture checks the rest.
	watch.failed.splice(0);
	watch.errors.splice(0);
});

test('a hostile link gets one summarising notice per problem, and the page still trains what it asks for', async ({ page }) => {
	// Node's server (like many hosts) refuses request lines this long with 431, so the
	// page is served from its short address: what the page itself makes of the link is
	// what is under test.
	await page.route(/\/playground\?/, async (route) =>
		route.fulfill({ response: await route.fetch({ url: new URL('/playground', route.request().url()).href }) })
	);
	// Two thousand made-up keys plus one real setting: one notice for the lot.
	const junk = Array.from({ length: 2000 }, (_, i) => `p${i}=${i}`).join('&');
	await page.goto(`/playground?${junk}&seed=7`);
	const notice = page.getByRole('status').filter({ hasText: 'unknown settings' });
	await expect(notice.getByRole('listitem')).toHaveCount(1);
	await expect(notice).toContainText('2,000 unknown settings ignored');
	await expect(page.getByLabel('Seed')).toHaveValue('7');
	await page.getByTestId('step').scrollIntoViewIfNeeded();
	await waitForStep(page, 20);

	// A 100 KB hide list: one notice for it, the real name in it still honoured.
	await page.goto(`/playground?hide=lr,${'a,'.repeat(50_000)}seed`);
	const hide = page.getByRole('status').filter({ hasText: 'hide:' });
	await expect(hide.getByRole('listitem')).toHaveCount(1);
	await expect(page.getByLabel('Learning rate')).toHaveCount(0);
	await page.getByTestId('step').scrollIntoViewIfNeeded();
	await waitForStep(page, 20);
});

test('a run that diverges says so, its twin keeps training, and starting again with a smaller rate recovers', async ({ page }) => {
	// Plain SGD at the largest rate, no batch norm, four wide layers: the float twin's loss overflows within a few steps.
	await page.goto('/playground?lr=10&optimizer=sgd&bn=0&hidden=256,256,256,256');
	await page.getByTestId('step').scrollIntoViewIfNeeded();
	const alerts = page.getByRole('alert').filter({ hasText: 'training diverged' });
	await expect(alerts.first()).toBeVisible({ timeout: 60_000 });
	await expect(alerts).toHaveCount(1);
	await expect(alerts).toContainText('Float twin');
	await expect(page.getByTestId('loss-float')).toHaveText(/–|NaN|diverged/i);
	// The binary network keeps training: the shared step count still rises.
	const at = await stepOf(page);
	await waitForStep(page, at + 20);
	await expect(page.getByTestId('loss-binary')).toHaveText(/^[0-9.]+$/);

	// Start again: back to step 0 and playing, not paused.
	await alerts.getByRole('button', { name: 'start again' }).click();
	await expect(play(page)).toHaveText(/Pause/);
	// A smaller rate, as the message suggests: a new run that stays finite.
	// The slider moves in log10 space: -2 is a rate of 0.01.
	await page.getByLabel('Learning rate').fill('-2');
	await expect.poll(() => Number(new URL(page.url()).searchParams.get('lr') ?? '0.01')).toBeLessThan(0.1);
	await waitForStep(page, 200);
	await expect(alerts).toHaveCount(0);
	await expect(page.getByTestId('loss-float')).toHaveText(/^[0-9.]+$/);
});

test('on a 1280×800 screen the boundaries and the controls share it, and pointing at a plot reads its values', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.goto('/playground?data=moons');
	const figure = page.locator('#trainer');
	await figure.evaluate((el) => el.scrollIntoView({ block: 'start' }));
	const boundaries = figure.getByRole('img', { name: /decision boundary/ });
	await expect(boundaries).toHaveCount(2);
	// Both maps and the learning rate at once: a teacher moves the knob and the class sees the map change.
	for (const el of [boundaries.first(), boundaries.last(), page.getByRole('slider', { name: 'Learning rate' })])
		await expect(el).toBeInViewport({ ratio: 1 });
	// Side by side, not stacked.
	const [a, b] = [await boundaries.first().boundingBox(), await boundaries.last().boundingBox()];
	expect(Math.abs(a!.y - b!.y)).toBeLessThan(2);
	await waitForStep(page, 50);

	// A map read under the pointer: coordinates and the probability there.
	// (The map's axes lie over it, so the pointer goes to its corner by coordinates.)
	await page.mouse.move(a!.x + 10, a!.y + 10);
	await expect(figure.locator('.hover').first()).toHaveText(/^\(-0\.9\d, 0\.9\d\): P\(class 1\) = \d+(\.\d)?%$/);
	// The loss chart: the smoothed curve in the legend, each step's value drawn faint beneath it,
	// and the values at the step under the pointer.
	const loss = figure.locator('.linechart').filter({ has: page.getByRole('img', { name: /Training loss per step, smoothed/ }) });
	await expect(loss.locator('path[stroke-opacity="0.3"]')).toHaveCount(2);
	await expect(loss.getByRole('list')).toHaveAccessibleName(/latest values/);
	await loss.getByRole('img').hover({ position: { x: 80, y: 100 } });
	await expect(loss.getByRole('list')).toHaveAccessibleName(/values at step [\d,]+/);
	await expect(loss.locator('.at')).toHaveText(/^at step [\d,]+$/);
	await page.mouse.move(0, 0);
	await expect(loss.getByRole('list')).toHaveAccessibleName(/latest values/);
	// Accuracy axes speak in percent, as the readouts do.
	const acc = figure.getByRole('img', { name: /^Test accuracy/ }).locator('..');
	await expect(acc.locator('text').filter({ hasText: '100%' })).toHaveCount(1);
	await snap(page, 'playground-one-screen-1280x800');
});

test('the digits train as a binary ConvNet beside its float twin, with its packed size', async ({ page }) => {
	await page.goto('/playground?data=mnist&arch=convnet&conv=4,8&hidden=32');
	const figure = page.locator('#trainer');
	await expect(figure.getByRole('group', { name: 'ConvNet' })).toContainText('conv 1→4 3×3 (float) · pool · conv →8 3×3 · pool · dense →32 · →10');
	// The dense layers' letters do not apply to it, so fitting them to one dense layer is not a notice.
	await expect(page.getByRole('status').filter({ hasText: 'weights:' })).toHaveCount(0);
	await waitForStep(page, 30);
	// Both networks measured on the test digits, and the binary one well above chance.
	await expect.poll(() => num(page, 'test-acc-binary'), { timeout: 90_000 }).toBeGreaterThan(30);
	await expect.poll(() => num(page, 'test-acc-float'), { timeout: 90_000 }).toBeGreaterThan(30);
	// The conv layers are the binary network's: their packed bytes are counted.
	await expect(page.getByTestId('model-size')).toContainText(/packed 32 to a word they take/);
	// Changing the weights after the first conv retrains from step 0 and writes the URL.
	await figure.getByLabel('Weights after the first conv').selectOption('s');
	await expect.poll(() => new URL(page.url()).searchParams.get('cw')).toBe('s');
	await snap(page, 'playground-convnet');
	// On a 2-D set the choice does not apply: the dense network trains, and a link that asks for both says so.
	await page.goto('/playground?data=moons&arch=convnet');
	await expect(page.getByRole('status').filter({ hasText: 'a ConvNet needs images' })).toBeVisible();
	await expect(figure.getByLabel('Network type')).toHaveCount(0);
	await waitForStep(page, 20);
});
