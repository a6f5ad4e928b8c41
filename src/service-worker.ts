/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * Offline reading: after one visit every page of this build opens without a network.
 * Installing precaches the app (scripts, styles, the WebAssembly kernels), the static
 * files and every prerendered page; the digits (several megabytes) are cached the first
 * time a figure fetches them, not at install. Each build gets its own cache, and the
 * old ones are deleted when it takes over.
 *
 * Pages are served network-first (a reader online sees the latest build), everything
 * else cache-first. Offline, a page not yet visited falls back to the cached index.
 */
import { build, files, prerendered, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `bitwise-${version}`;
/** Fetched on first use, then kept: too large to download before the reader asks. */
const ON_DEMAND = /\/data\//;
const PRECACHE = [...build, ...files.filter((f) => !ON_DEMAND.test(f)), ...prerendered];

sw.addEventListener('install', (event) => {
	event.waitUntil(
		caches
			.open(CACHE)
			.then((cache) => cache.addAll(PRECACHE))
			.then(() => sw.skipWaiting())
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		caches
			.keys()
			.then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
			.then(() => sw.clients.claim())
	);
});

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	const url = new URL(request.url);
	if (request.method !== 'GET' || url.origin !== sw.location.origin) return;
	// Ranged requests (media seeking) are not ours to cache.
	if (request.headers.has('range')) return;
	event.respondWith(request.mode === 'navigate' ? pageFirstFromNetwork(request, url) : fromCacheFirst(request));
});

async function pageFirstFromNetwork(request: Request, url: URL): Promise<Response> {
	const cache = await caches.open(CACHE);
	try {
		const response = await fetch(request);
		if (response.ok) await cache.put(url.pathname, response.clone());
		return response;
	} catch {
		// Offline: the page as cached (query strings are the page's own state, not another page).
		const cached = (await cache.match(url.pathname)) ?? (await cache.match(url.pathname.replace(/\/$/, '') || '/'));
		if (cached) return cached;
		const index = await cache.match(new URL(sw.registration.scope).pathname);
		return (
			index ??
			new Response('You are offline, and this page was not saved for offline reading yet.', {
				status: 503,
				headers: { 'content-type': 'text/plain; charset=utf-8' }
			})
		);
	}
}

async function fromCacheFirst(request: Request): Promise<Response> {
	const cache = await caches.open(CACHE);
	const cached = await cache.match(request);
	if (cached) return cached;
	const response = await fetch(request);
	// Keep what this origin serves whole (the digits on first use, anything missed at install).
	if (response.ok && response.status === 200) await cache.put(request, response.clone());
	return response;
}
