/**
 * axe-core as the e2e tests run it: injected into the page (which needs the test to bypass
 * the page's Content-Security-Policy: axe goes in as an inline script), run over the whole
 * document once animations have settled, and its serious or critical violations returned
 * as one readable line each.
 */
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type AxeNode = { target: string[]; any: { data?: { fgColor?: string; bgColor?: string; contrastRatio?: number } | null }[] };
type AxeResult = { violations: { id: string; impact: string; help: string; nodes: AxeNode[] }[] };

export async function seriousViolations(page: Page): Promise<string[]> {
	// Contrast is judged on the page at rest: a busy machine can catch a fade half-way.
	// Two frames first: a theme switch just asked for starts its transitions on the next one.
	await page.evaluate(async () => {
		await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
		await Promise.all(
			document
				.getAnimations()
				.filter((a) => a.effect?.getTiming().iterations !== Infinity)
				.map((a) => a.finished.catch(() => undefined))
		);
	});
	if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
	return page.evaluate(async () => {
		const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<AxeResult> } }).axe;
		const r = await axe.run(document, { resultTypes: ['violations'] });
		return r.violations
			.filter((v) => v.impact === 'serious' || v.impact === 'critical')
			.map(
				(v) =>
					`${v.id} (${v.impact}, ${v.nodes.length} nodes): ${v.help} — ${v.nodes
						.slice(0, 3)
						.map((n) => {
							// Contrast failures say what axe saw, so a flaky one can be told apart from a real one.
							const d = n.any.find((c) => c.data?.contrastRatio !== undefined)?.data;
							return n.target.join(' ') + (d ? ` (${d.fgColor} on ${d.bgColor}, ${d.contrastRatio})` : '');
						})
						.join(' | ')}`
			);
	});
}
