import { PAGES } from '../../src/lib/lessons';
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

test('the previous and next links walk the lessons in reading order', async ({ page }) => {
	for (let i = 0; i < PAGES.length; i++) {
		await page.goto(PAGES[i].path);
		// Let each page's worker finish loading its data: leaving earlier would abort that request.
		await page.waitForLoadState('networkidle');
		const prev = page.locator('a[rel="prev"]'),
			next = page.locator('a[rel="next"]');
		if (i > 0) await expect(prev).toHaveAttribute('href', PAGES[i - 1].path);
		else await expect(prev).toHaveCount(0);
		if (i < PAGES.length - 1) await expect(next).toHaveAttribute('href', PAGES[i + 1].path);
		else await expect(next).toHaveCount(0);
	}
});

test('every built page carries a strict Content-Security-Policy and runs without breaking it', async ({ page, request }) => {
	await page.addInitScript(() => {
		const w = window as unknown as { cspViolations: string[] };
		w.cspViolations = [];
		document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective}: ${e.blockedURI}`));
	});
	for (const route of ROUTES) {
		const html = await (await request.get(route.path)).text();
		const csp = /<meta http-equiv="content-security-policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
		for (const d of ["default-src 'self'", "worker-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'"])
			expect(csp, route.path).toContain(d);
		// Scripts: our own files, WebAssembly, and SvelteKit's bootstrap by its hash; never 'unsafe-inline'.
		expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'/);
		expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
		// Every inline script in the page is covered by a hash.
		expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g)?.length ?? 0).toBe((csp.match(/'sha256-/g) ?? []).length);

		await page.goto(route.path);
		await page.waitForLoadState('networkidle');
		expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations), route.path).toEqual([]);
	}
});

test('the header menu says where a lesson sits and goes to any page; Escape closes it', async ({ page }) => {
	await page.goto('/xnor');
	const i = PAGES.findIndex((p) => p.path === '/xnor');
	await expect(page.getByTestId('lesson-position')).toHaveText(`${i + 1} of ${PAGES.length}`);
	const summary = page.locator('summary', { hasText: 'Lessons' });
	await summary.click();
	const menu = page.getByRole('navigation', { name: 'All lessons' });
	await expect(menu.getByRole('link')).toHaveCount(PAGES.length);
	await expect(menu.locator('a[aria-current="page"]')).toContainText('XNOR and popcount');
	await page.keyboard.press('Escape');
	await expect(menu).toBeHidden();
	await expect(summary).toBeFocused();
	await summary.press('Enter');
	await page.waitForLoadState('networkidle');
	await menu.getByRole('link', { name: /Bitplanes/ }).click();
	await expect(page.locator('h1')).toContainText('Bitplanes');
	await expect(menu).toBeHidden();
});

test('at phone width no page overflows sideways, and every box that scrolls shows that it does', async ({ page }) => {
	await page.setViewportSize({ width: 390, height: 844 });
	for (const route of ROUTES) {
		await page.goto(route.path);
		await page.waitForLoadState('networkidle');
		const problems = await page.evaluate(() => {
			const out: string[] = [];
			const name = (el: Element) => `${el.tagName.toLowerCase()}.${String((el as HTMLElement).className?.toString() ?? '').split(' ')[0]}`;
			if (document.documentElement.scrollWidth > innerWidth + 1) out.push(`the page is ${document.documentElement.scrollWidth} px wide`);
			for (const el of document.querySelectorAll<HTMLElement>('main *')) {
				const cs = getComputedStyle(el);
				const scrolls = (cs.overflowX === 'auto' || cs.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1;
				if (scrolls && !el.classList.contains('scroll-x') && !el.closest('[data-presenting]')) out.push(`${name(el)} scrolls sideways with no cue`);
			}
			// Formulas, tables, code and charts: inside the screen, or inside a box that scrolls.
			for (const el of document.querySelectorAll<HTMLElement>('main .katex-display, main table, main pre, main svg, main canvas')) {
				const box = el.getBoundingClientRect();
				if (box.width === 0 || (box.right <= innerWidth + 1 && box.left >= -1)) continue;
				if (!el.closest('.scroll-x')) out.push(`${name(el)} is cut off (${Math.round(box.left)}–${Math.round(box.right)} px)`);
			}
			// A chart's tick and axis labels inside its own box: charts clip their paint (contain), so
			// a label past the edge is cut.
			for (const t of document.querySelectorAll<SVGTextElement>('main svg text')) {
				const b = t.getBoundingClientRect(),
					s = t.closest('svg')!.getBoundingClientRect();
				const over = Math.max(s.left - b.left, b.right - s.right, s.top - b.top, b.bottom - s.bottom);
				if (b.width > 0 && over > 1)
					out.push(`the label "${t.textContent}" of ${name(t.closest('svg')!.parentElement!)} sticks out ${Math.round(over)} px`);
			}
			return out;
		});
		expect(problems, route.path).toEqual([]);
	}
});

test.describe('on a touch screen', () => {
	test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
	test('every control is at least 44 px tall, a box with its label', async ({ page }) => {
		for (const route of ROUTES) {
			await page.goto(route.path);
			await page.waitForLoadState('networkidle');
			const small = await page.evaluate(() => {
				const out: string[] = [];
				for (const el of document.querySelectorAll<HTMLElement>('main button, main select, main input, main summary, header button, header summary')) {
					const box = el.getBoundingClientRect();
					if (box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
					const input = el as HTMLInputElement;
					// A checkbox's target is the box with its label.
					const target = input.type === 'checkbox' || input.type === 'radio' ? (el.closest('label') ?? input.labels?.[0] ?? el) : el;
					const t = target.getBoundingClientRect();
					if (t.height < 43.5 || t.width < 24)
						out.push(
							`${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}" ${Math.round(t.width)}×${Math.round(t.height)}`
						);
				}
				return [...new Set(out)];
			});
			expect(small, route.path).toEqual([]);
		}
	});
});
