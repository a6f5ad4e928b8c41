/**
 * Classroom links: the page's present query with a figure's chosen controls hidden,
 * the seed written out (so the link replays the same run even if a default changes),
 * and optionally the figure opened in presentation mode.
 */
export interface ShareChoice {
	/** The page's current query, as UrlState.query writes it ('' or '?a=1&hide=b'). */
	query: string;
	/** The current seed: always written, so the link fixes it. */
	seed: number;
	/** Names this panel offers (the figure's settings and the classroom extras). */
	offered: readonly string[];
	/** Of `offered`, the ones to hide. Hidden names outside `offered` (other figures') are kept. */
	hide: readonly string[];
	/** Open this figure id in presentation mode, or null. */
	present: string | null;
}

/** The query string of a classroom link (starts with '?'). */
export function shareQuery(c: ShareChoice): string {
	const params = new URLSearchParams(c.query);
	const kept = (params.get('hide') ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter((n) => n && !c.offered.includes(n));
	const hide = [...kept, ...c.offered.filter((n) => c.hide.includes(n))];
	params.delete('hide');
	params.delete('present');
	params.set('seed', String(c.seed));
	if (c.present) params.set('present', c.present);
	if (hide.length) params.set('hide', hide.join(','));
	return `?${params.toString().replace(/%2C/gi, ',')}`;
}
