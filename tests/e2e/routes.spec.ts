import { ROUTES } from './routes';
import { expect, snap, test } from './fixtures';

for (const route of ROUTES)
	test(`${route.path} loads with no console error and no off-site request`, async ({ page, watch }) => {
		await page.goto(route.path);
		await expect(page.locator('h1')).toContainText(route.heading);
		await page.waitForLoadState('networkidle');
		await snap(page, `route-${route.name}-desktop`);
		await page.setViewportSize({ width: 375, height: 800 });
		await snap(page, `route-${route.name}-phone`);
		await page.emulateMedia({ colorScheme: 'dark' });
		await snap(page, `route-${route.name}-phone-dark`);
		expect(watch.errors).toEqual([]);
	});
