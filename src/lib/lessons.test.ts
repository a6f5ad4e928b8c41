import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PAGES, pageLinks } from './lessons';

describe('pageLinks', () => {
	it('links every page to its neighbours in reading order, under the base path', () => {
		const paths = PAGES.map((p) => p.path);
		expect(paths).toEqual(['/', '/quantization', '/bitplanes', '/xnor', '/ste', '/multibase', '/catch', '/robustness', '/playground']);
		PAGES.forEach((p, i) => {
			const { prev, next } = pageLinks(p.path, '/bw');
			expect(prev).toEqual(i > 0 ? { href: `/bw${PAGES[i - 1].path}`, title: PAGES[i - 1].title } : undefined);
			expect(next).toEqual(i < PAGES.length - 1 ? { href: `/bw${PAGES[i + 1].path}`, title: PAGES[i + 1].title } : undefined);
		});
		expect(pageLinks('/nowhere', '')).toEqual({ prev: undefined, next: undefined });
	});

	it('lists only pages that exist as routes', () => {
		// The index lives in the route group (why) with its parts; groups do not appear in paths.
		for (const p of PAGES) expect(existsSync(`src/routes${p.path === '/' ? '/(why)' : p.path}/+page.svelte`), p.path).toBe(true);
	});
});
