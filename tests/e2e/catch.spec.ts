/**
 * The catch lesson, driven as a reader would: the race, the students and the wider networks
 * train in the real worker; the teacher is the race's float network or a file the reader loads.
 * Width 32 keeps the runs short on a shared machine.
 */
import type { Page } from '@playwright/test';
import { Model, createRng, exportModel, mlpConfig } from '../../src/lib/engine';
import { expect, readNumber, snap, test } from './fixtures';

const text = async (page: Page, id: string) => (await page.getByTestId(id).textContent())?.trim() ?? '';
const num = async (page: Page, id: string) => readNumber(await text(page, id));
const stepOf = async (page: Page, id: string) => readNumber((await text(page, id)).split('/')[0]);
const control = (page: Page, label: string) => page.getByLabel(label, { exact: true }).filter({ visible: true });

/** A float 784-W-W-10 teacher file with batch norm (untrained: the mechanics, not the accuracy, are under test). */
function teacherFile(width: number): Buffer {
	const model = new Model(
		mlpConfig({ inputSize: 784, classes: 10, hidden: [width, width], weights: 'float', input: 'float', activation: 'relu', batchnorm: true }),
		createRng(5)
	);
	return Buffer.from(exportModel(model, { dataset: 'mnist', seed: 1, label: 'test teacher' }));
}

test('the race trains both networks; the target changes the readout, not the run; the flips are charted', async ({ page }) => {
	await page.goto('/catch?width=32');
	await expect(page.getByRole('heading', { level: 1, name: 'The catch' })).toBeVisible();
	const table = page.getByTestId('race-table');
	await table.scrollIntoViewIfNeeded();
	await expect.poll(() => stepOf(page, 'race-step-binary'), { timeout: 60_000 }).toBeGreaterThan(100);
	for (const id of ['float', 'binary']) {
		await expect(page.getByTestId(`race-acc-${id}`)).toHaveText(/^[0-9.]+%$/);
		expect(await num(page, `race-ms-${id}`)).toBeGreaterThan(0);
	}
	// A target of 50% is reached early by both; the step column says where, the seconds column how long it took.
	await control(page, 'Target accuracy').fill('0.5');
	await expect(page.getByTestId('race-reach-float')).toHaveText(/^\d+$/, { timeout: 30_000 });
	await expect(page.getByTestId('race-reach-binary')).toHaveText(/^\d+$/, { timeout: 30_000 });
	await expect(page.getByTestId('race-seconds-float')).toHaveText(/^[0-9.]+ s$/);
	await expect.poll(() => new URL(page.url()).searchParams.get('target')).toBe('0.5');
	// The run goes on (the target is a readout): the step keeps growing.
	const s = await stepOf(page, 'race-step-binary');
	await expect.poll(() => stepOf(page, 'race-step-binary'), { timeout: 30_000 }).toBeGreaterThan(s);
	await expect(
		page
			.getByRole('img', { name: /Sign flips per step/ })
			.or(page.getByLabel(/Sign flips per step/))
			.first()
	).toBeVisible();
	await snap(page, 'catch-race');
	// A narrower network is a new run from step 0.
	await control(page, 'Hidden width W').selectOption('64');
	await expect.poll(() => new URL(page.url()).searchParams.get('width')).toBeNull();
	await expect(page.getByTestId('race-table').locator('caption')).toContainText('width 64');
});

test("a loaded teacher file trains the three students; a and T retrain them; a bad file is refused with the engine's message", async ({ page }) => {
	await page.goto('/catch?width=32');
	const upload = page.getByTestId('teacher-upload');
	await upload.scrollIntoViewIfNeeded();
	await expect(page.getByTestId('teacher-waiting')).toBeVisible();
	await upload.setInputFiles({ name: 'broken.bwnn', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model') });
	await expect(page.getByTestId('teacher-file-error')).toContainText('Could not use broken.bwnn as a teacher');
	await upload.setInputFiles({ name: 'teacher32.bwnn', mimeType: 'application/octet-stream', buffer: teacherFile(32) });
	await expect(page.getByTestId('teacher')).toContainText('teacher32.bwnn, 784-32-32-10');
	await expect(page.getByTestId('teacher-file-error')).toHaveCount(0);
	await page.getByTestId('students-table').scrollIntoViewIfNeeded();
	for (const id of ['scratch', 'init', 'kd']) await expect(page.getByTestId(`students-acc-${id}`)).toHaveText(/^[0-9.]+%$/, { timeout: 60_000 });
	await expect
		.poll(async () => readNumber((await page.getByTestId('students-row-kd').locator('td').first().textContent()) ?? ''), { timeout: 30_000 })
		.toBeGreaterThan(30);
	// The soft targets of the teacher for a sample digit, beside its label: a distribution.
	await page.getByTestId('soft-table').scrollIntoViewIfNeeded();
	let sum = 0;
	for (let c = 0; c < 10; c++) sum += readNumber(await text(page, `soft-${c}`).then((t) => t.replace('<', '')));
	expect(sum).toBeGreaterThan(0.95);
	expect(sum).toBeLessThan(1.05);
	await snap(page, 'catch-students');

	// Moving a retrains the students from step 0.
	await page.getByTestId('students-table').scrollIntoViewIfNeeded();
	const before = readNumber((await page.getByTestId('students-row-kd').locator('td').first().textContent()) ?? '');
	await control(page, 'Teacher weight a').fill('0.8');
	await expect.poll(() => new URL(page.url()).searchParams.get('alpha')).toBe('0.8');
	await expect(page.getByTestId('students-table').locator('caption')).toContainText('a = 0.8');
	await expect
		.poll(async () => readNumber((await page.getByTestId('students-row-kd').locator('td').first().textContent()) ?? ''), { timeout: 30_000 })
		.toBeLessThan(Math.max(before, 30));
	await expect(page.getByTestId('students-acc-kd')).toHaveText(/^[0-9.]+%$/, { timeout: 60_000 });

	// A teacher of another shape can distil but not initialise: that network is left out, and the figure says so.
	await upload.setInputFiles({ name: 'teacher16.bwnn', mimeType: 'application/octet-stream', buffer: teacherFile(16) });
	await expect(page.getByTestId('teacher-no-init')).toBeVisible();
	await expect(page.getByTestId('students-acc-init')).toHaveText('left out');
	await expect(page.getByTestId('students-acc-kd')).toHaveText(/^[0-9.]+%$/, { timeout: 60_000 });
});

test("the race's float network becomes the teacher when it finishes, and the gap table fills from finished runs", async ({ page }) => {
	test.setTimeout(240_000);
	await page.goto('/catch?width=32&seed=2');
	await page.getByTestId('students-table').scrollIntoViewIfNeeded();
	// The students' figure keeps the race training while it waits.
	await expect(page.getByTestId('teacher')).toContainText('the float network of the first figure (W = 32, seed 2)', { timeout: 180_000 });
	await expect(page.getByTestId('teacher-acc')).toHaveText(/^[0-9.]+% on this page/);
	await page.getByTestId('gap-table').scrollIntoViewIfNeeded();
	await expect(page.getByTestId('gap-row-32-2')).toBeVisible();
	await expect(page.getByTestId('gap-32-2-binary')).toHaveText(/^−?[0-9.]+$/);
	// The wider networks train while their figure is on screen.
	await page.getByTestId('wider-table').scrollIntoViewIfNeeded();
	for (const id of ['float', 'binary']) await expect(page.getByTestId(`wider-acc-${id}`)).toHaveText(/^[0-9.]+%$/);
	for (const id of ['x2', 'x4']) await expect(page.getByTestId(`wider-acc-${id}`)).toHaveText(/^[0-9.]+%$/, { timeout: 60_000 });
	await expect(page.getByTestId('wider-bytes').locator('g.pt')).toHaveCount(4);
	await snap(page, 'catch-desktop');
	await page.setViewportSize({ width: 390, height: 900 });
	await snap(page, 'catch-phone');
	await page.emulateMedia({ colorScheme: 'dark' });
	await snap(page, 'catch-phone-dark');
	await page.setViewportSize({ width: 1280, height: 900 });
	await snap(page, 'catch-desktop-dark');
});

test('state round-trips through the URL; malformed values get a notice', async ({ page }) => {
	await page.goto('/catch?width=32&target=0.8&alpha=0.3&temp=6&digit=4&seed=3');
	await expect(control(page, 'Hidden width W')).toHaveValue('32');
	await expect(control(page, 'Target accuracy')).toHaveValue('0.8');
	await expect(control(page, 'Teacher weight a')).toHaveValue('0.3');
	await expect(control(page, 'Temperature T')).toHaveValue('6');
	await expect(control(page, 'Test digit')).toHaveValue('4');
	await control(page, 'Temperature T').fill('8');
	await expect.poll(() => new URL(page.url()).searchParams.get('temp')).toBe('8');
	await page.getByTestId('race-table').scrollIntoViewIfNeeded();
	await expect.poll(() => stepOf(page, 'race-step-float'), { timeout: 60_000 }).toBeGreaterThan(0);
	await page.reload();
	await expect(control(page, 'Temperature T (soft targets)')).toHaveValue('8');
	expect(new URL(page.url()).searchParams.get('seed')).toBe('3');
	await page.getByTestId('race-table').scrollIntoViewIfNeeded();
	await expect.poll(() => stepOf(page, 'race-step-float'), { timeout: 60_000 }).toBeGreaterThan(0);

	await page.goto('/catch?width=48&alpha=2&temp=banana&digit=99');
	await expect(
		page
			.getByRole('status')
			.filter({ hasText: /width|alpha|temp|digit/ })
			.first()
	).toBeVisible();
	await expect(control(page, 'Hidden width W')).toHaveValue('64');
	await expect(control(page, 'Teacher weight a')).toHaveValue('1');
	await expect(control(page, 'Temperature T')).toHaveValue('4');
	await expect(control(page, 'Test digit')).toHaveValue('11');
	await page.getByTestId('race-table').scrollIntoViewIfNeeded();
	await expect.poll(() => stepOf(page, 'race-step-float'), { timeout: 60_000 }).toBeGreaterThan(0);
	await snap(page, 'catch-url-notice');
});
