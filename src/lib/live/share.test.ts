import { describe, expect, it } from 'vitest';
import { parseQuery, completeSchema } from '$lib/notebook/url-schema';
import { figureAction } from './keys';
import { shareQuery } from './share';

describe('shareQuery', () => {
	const schema = completeSchema([
		{ name: 'noise', type: 'float', default: 0.1, min: 0, max: 1 },
		{ name: 'width', type: 'int', default: 32, min: 1, max: 512 }
	]);

	it('writes the seed even at its default, the chosen hides and the present figure', () => {
		const q = shareQuery({ query: '', seed: 1, offered: ['noise', 'seed', 'speed', 'play', 'prose', 'try'], hide: ['noise', 'prose'], present: 'live' });
		expect(q).toBe('?seed=1&present=live&hide=noise,prose');
		const r = parseQuery(schema, q);
		expect(r.notices).toEqual([]);
		expect(r.hidden).toEqual(['noise', 'prose']);
		expect(r.values.present).toBe('live');
	});

	it("keeps the page's other values and other figures' hides, and drops this figure's unticked ones", () => {
		const q = shareQuery({ query: '?noise=0.5&hide=width,noise&present=old', seed: 7, offered: ['noise', 'try'], hide: ['try'], present: null });
		expect(q).toBe('?noise=0.5&seed=7&hide=width,try');
		expect(parseQuery(schema, q).values).toMatchObject({ noise: 0.5, seed: 7, present: '' });
	});
});

describe('figureAction', () => {
	const press = (key: string, tagName = 'FIGURE', mods: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {}) =>
		figureAction({ key, altKey: false, ctrlKey: false, metaKey: false, ...mods, target: { tagName } });

	it('maps Space, →, R, F and Esc on the figure', () => {
		expect([' ', 'ArrowRight', 'r', 'R', 'f', 'Escape', 'x'].map((k) => press(k))).toEqual(['toggle', 'step', 'reset', 'reset', 'present', 'leave', null]);
	});

	it('leaves form controls their own keys (Space on a button, → on a slider), but Esc always leaves', () => {
		for (const tag of ['BUTTON', 'INPUT', 'SELECT', 'summary']) {
			expect(press(' ', tag)).toBeNull();
			expect(press('ArrowRight', tag)).toBeNull();
			expect(press('Escape', tag)).toBe('leave');
		}
		expect(press('r', 'FIGURE', { ctrlKey: true })).toBeNull(); // Ctrl+R reloads
	});
});
