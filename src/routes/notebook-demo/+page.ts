// A developer's page (the parts the lessons are built from), served by `npm run dev` only: the
// built site leaves it out, so a reader never lands on it. In a build the address gets the
// site's not-found page.
import { dev } from '$app/environment';
import { error } from '@sveltejs/kit';

export const prerender = dev;

export function load(): void {
	if (!dev) error(404, 'Not found');
}
