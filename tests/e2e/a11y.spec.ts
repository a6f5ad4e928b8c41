/** axe-core on every route: no serious or critical accessibility violation, in light and dark. */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { ROUTES } from './routes';
import { expect, test } from './fixtures';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
// axe is injected as an inline script, which the pages' Content-Security-Policy rightly
// refuses; the policy itself is tested in routes.spec.ts.
test.use({ bypassCSP: true });

for (const route of ROUTES)
	for (const scheme of ['light', 'dark'] as const)
		test(`${route.path} has no serious accessibility violation (${scheme})`, async ({ page }) => {
			await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
			await page.goto(route.path);
			await page.waitForLoadState('networkidle');
			// Contrast is judged on the page at rest: a busy machine can catch a fade half-way.
			await page.evaluate(() =>
				Promise.all(
					document
						.getAnimations()
						.filter((a) => a.effect?.getTiming().iterations !== Infinity)
						.map((a) => a.finished.catch(() => undefined))
				)
			);
			await page.addScriptTag({ content: axeSource });
			const violations = await page.evaluate(async () => {
				const axe = (
					window as unknown as {
						axe: {
							run: (
								ctx: Document,
								opts: object
							) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }>;
						};
					}
				).axe;
				const r = await axe.run(document, { resultTypes: ['violations'] });
				return r.violations
					.filter((v) => v.impact === 'serious' || v.impact === 'critical')
					.map(
						(v) =>
							`${v.id} (${v.impact}): ${v.help} — ${v.nodes
								.slice(0, 3)
								.map((n) => n.target.join(' '))
								.join(' | ')}`
					);
			});
			expect(violations).toEqual([]);
		});
