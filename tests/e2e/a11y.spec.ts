/** axe-core on every route: no serious or critical accessibility violation, in light and dark. */
import { seriousViolations } from './axe';
import { ROUTES } from './routes';
import { expect, test } from './fixtures';
// axe is injected as an inline script, which the pages' Content-Security-Policy rightly
// refuses; the policy itself is tested in routes.spec.ts.
test.use({ bypassCSP: true });

for (const route of ROUTES)
	for (const scheme of ['light', 'dark'] as const)
		test(`${route.path} has no serious accessibility violation (${scheme})`, async ({ page }) => {
			await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
			await page.goto(route.path);
			await page.waitForLoadState('networkidle');
			const violations = await seriousViolations(page);
			expect(violations).toEqual([]);
		});
