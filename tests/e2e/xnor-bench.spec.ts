/**
 * The in-browser benchmark on /xnor: it runs to completion in its worker without a
 * main-thread long task, fills the table with finite positive times, reports that every
 * binary result equalled the float result on the same ±1 data (checked in the worker),
 * and copies its results, ratios included, as text. The measured ratios are printed so
 * they can be set beside `npm run bench`'s (docs/benchmarks.md).
 */
import { expect, snap, test, recordLongTasks } from './fixtures';

/** '1.33 µs' / '45.10 ms' / '105 ns' -> milliseconds. */
function toMs(s: string): number {
	const m = /^([\d.]+) (ns|µs|ms)$/.exec(s.trim());
	if (!m) return NaN;
	return Number(m[1]) * { ns: 1e-6, µs: 1e-3, ms: 1 }[m[2] as 'ns' | 'µs' | 'ms'];
}

test('/xnor: the benchmark runs to completion in its worker, verified, without a long task, and copies its results', async ({ page, context }) => {
	test.setTimeout(180_000);
	await context.grantPermissions(['clipboard-read', 'clipboard-write']);
	const longTasks = await recordLongTasks(page);
	await page.goto('/xnor');
	await page.waitForLoadState('networkidle');
	const fig = page.getByTestId('bench');
	await fig.scrollIntoViewIfNeeded();
	await expect(page.getByTestId('bench-device')).toContainText(/logical core|WebAssembly SIMD: yes/);
	await expect(page.getByTestId('bench-copy')).toBeDisabled();
	await page.waitForTimeout(500);

	// Count long tasks from the click to the end of the run only.
	await longTasks.clear();
	await page.getByTestId('bench-run').click();
	await expect(page.getByTestId('bench-stop')).toBeEnabled();
	const progress = page.getByTestId('bench-progress');
	await expect(progress).not.toHaveAttribute('value', '0', { timeout: 30_000 });
	await expect(page.getByTestId('bench-run')).toBeEnabled({ timeout: 150_000 });
	await expect(progress).toHaveAttribute('value', '100');
	const long = await longTasks.read();
	console.log(`benchmark run: ${long.length} long tasks (${long.map((d) => d.toFixed(0)).join(', ') || 'none'})`);
	expect(long).toEqual([]);

	// The table: six sizes, every time finite and positive, every row verified in the worker.
	const rows = page.getByTestId('bench-row');
	await expect(rows).toHaveCount(6);
	const table = await rows.evaluateAll((trs) =>
		trs.map((tr) => {
			const cell = (id: string) => tr.querySelector(`[data-testid=${id}]`)?.textContent?.trim() ?? '';
			return {
				label: tr.querySelector('th')?.textContent?.trim() ?? '',
				jsFloat: cell('bench-js-float'),
				jsBinary: cell('bench-js-binary'),
				ratioJs: cell('bench-ratio-js'),
				wasmFloat: cell('bench-wasm-float'),
				wasmBinary: cell('bench-wasm-binary'),
				ratioWasm: cell('bench-ratio-wasm'),
				verified: cell('bench-verified')
			};
		})
	);
	for (const r of table) {
		expect(r.verified, r.label).toBe('yes');
		for (const t of [r.jsFloat, r.jsBinary]) {
			const ms = toMs(t);
			expect(Number.isFinite(ms) && ms > 0, `${r.label}: ${t}`).toBe(true);
		}
		expect(Number(r.ratioJs.replace('×', ''))).toBeGreaterThan(0);
		if (r.label.startsWith('matrix')) {
			// Chromium has WebAssembly SIMD, so both WebAssembly kernels were timed.
			for (const t of [r.wasmFloat, r.wasmBinary]) expect(toMs(t), `${r.label}: ${t}`).toBeGreaterThan(0);
			expect(Number(r.ratioWasm.replace('×', ''))).toBeGreaterThan(0);
		}
	}
	console.log('browser ratios (float time / binary time):');
	for (const r of table) console.log(`  ${r.label.padEnd(28)} JS ${r.ratioJs.padStart(7)}   WASM ${r.ratioWasm.padStart(7)}`);
	await expect(page.getByTestId('bench-bounds')).toContainText('32×');
	await expect(page.getByTestId('bench-bounds')).toContainText('one 3×3 convolution (its CPU, 2016)');

	// Copy as text: the clipboard gets the ratios, and the figure says so.
	await page.getByTestId('bench-copy').click();
	await expect(page.getByTestId('bench-copy-note')).toContainText('Copied');
	const copied = await page.evaluate(() => navigator.clipboard.readText());
	for (const r of table) {
		expect(copied).toContain(`JS ratio ${r.ratioJs}`);
		if (r.ratioWasm !== '–') expect(copied).toContain(`WASM ratio ${r.ratioWasm}`);
	}
	expect(copied).toContain('equal the float results on the same ±1 data: yes');
	expect(copied).toMatch(/Device: .*logical core/);
	await snap(page, 'xnor-bench');
});

test('/xnor: the benchmark stops when asked and can run again', async ({ page }) => {
	await page.goto('/xnor');
	await page.waitForLoadState('networkidle');
	await page.getByTestId('bench').scrollIntoViewIfNeeded();
	await page.getByTestId('bench-run').click();
	await expect(page.getByTestId('bench-stop')).toBeEnabled();
	// Stop mid-run, once the worker has loaded and started measuring.
	await expect(page.getByTestId('bench')).toContainText(/Checking|Timing/);
	await page.getByTestId('bench-stop').click();
	await expect(page.getByTestId('bench')).toContainText('Stopped');
	await expect(page.getByTestId('bench-run')).toHaveText('Run again');
	await expect(page.getByTestId('bench-run')).toBeEnabled();
	await expect(page.getByTestId('bench-stop')).toBeDisabled();
	// The worker is gone: nothing moves after the stop.
	const value = await page.getByTestId('bench-progress').getAttribute('value');
	await page.waitForTimeout(1500);
	await expect(page.getByTestId('bench-progress')).toHaveAttribute('value', value ?? '');
	await expect(page.getByTestId('bench')).toContainText('Stopped');
});

test('XNOR-Net’s 58× layer runs in the browser: every size timed and checked, the chart and headline filled in', async ({ page }) => {
	test.setTimeout(240_000);
	await page.goto('/xnor#fifty-eight');
	const fig = page.getByTestId('conv-bench');
	await fig.scrollIntoViewIfNeeded();
	await expect(page.getByTestId('conv-run')).toBeEnabled();
	await page.getByTestId('conv-run').click();
	await expect(page.getByTestId('conv-stop')).toBeEnabled();
	await expect(page.getByTestId('conv-row')).toHaveCount(9, { timeout: 200_000 });
	await expect(fig.getByText(/every binary convolution gave exactly the float one’s integers\.$/)).toBeVisible();
	await expect(page.getByTestId('conv-js')).toHaveText(/^[0-9.]+×$/);
	await expect(page.getByTestId('conv-wasm')).toHaveText(/^([0-9.]+×|–)$/);
	await expect(page.getByTestId('conv-row').first()).toContainText('c = 256, 3×3 (XNOR-Net’s)');
	// The measured points join the dashed curves on the chart.
	expect(await fig.locator('svg[role="img"] circle').count()).toBeGreaterThanOrEqual(8);
	await expect(page.getByTestId('conv-run')).toHaveText('Run again');
});
