/**
 * The UI never freezes: on every page with a live network, scroll through the whole page
 * (so each figure starts, trains and pauses as it passes) and count main-thread long tasks
 * (>= 50 ms) after the page has loaded.
 */
import { ROUTES } from './routes';
import { test, withoutLongTasks, recordLongTasks } from './fixtures';

const LIVE = ROUTES.filter((r) => ['index', 'quantization', 'bitplanes', 'xnor', 'ste', 'multibase', 'catch', 'robustness', 'playground'].includes(r.name));

for (const route of LIVE)
	test(`${route.path}: no long task while scrolling through its live figures`, async ({ page }) => {
		const longTasks = await recordLongTasks(page);
		/** One pass: open the page, then scroll through it; the long tasks seen meanwhile. */
		const pass = async (): Promise<number[]> => {
			await page.goto(route.path);
			await page.waitForLoadState('networkidle');
			await page.waitForTimeout(500);
			await longTasks.clear();
			const height = await page.evaluate(() => document.documentElement.scrollHeight);
			for (let y = 0; y < height; y += 500) {
				await page.evaluate((y) => window.scrollTo(0, y), y);
				await page.waitForTimeout(400);
			}
			const long = await longTasks.read();
			console.log(`${route.path}: ${long.length} long tasks while scrolling ${height}px (${long.map((d) => d.toFixed(0)).join(', ') || 'none'})`);
			return long;
		};
		await withoutLongTasks(pass);
	});
