import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchBytes, isGzip } from './fetch-bytes';

// Half noise, half zeros: gzip shrinks it, but not to a single chunk.
let x = 2463534242;
const payload = Uint8Array.from({ length: 50_000 }, (_, i) => {
	x ^= x << 13;
	x ^= x >>> 17;
	x ^= x << 5;
	return i % 2 ? 0 : x & 0xff;
});

function serve(body: Uint8Array, headers: Record<string, string>, chunk = 4096): void {
	vi.stubGlobal('fetch', async () => {
		let at = 0;
		const stream = new ReadableStream<Uint8Array>({
			pull(c) {
				if (at >= body.length) return c.close();
				c.enqueue(body.slice(at, at + chunk));
				at += chunk;
			}
		});
		return new Response(stream, { status: 200, headers });
	});
}

afterEach(() => vi.unstubAllGlobals());

describe('fetchBytes', () => {
	it('gunzips a gzipped asset and reports progress in network bytes up to Content-Length', async () => {
		const gz = new Uint8Array(gzipSync(payload, { level: 9 }));
		expect(isGzip(gz)).toBe(true);
		serve(gz, { 'content-length': String(gz.length) }, 1000);
		const seen: [number, number | null][] = [];
		const out = await fetchBytes('/data/x.gz', (l, t) => seen.push([l, t]));
		expect(Array.from(out)).toEqual(Array.from(payload));
		expect(seen.at(-1)).toEqual([gz.length, gz.length]);
		expect(seen.length).toBeGreaterThan(2);
		for (let i = 1; i < seen.length; i++) expect(seen[i][0]).toBeGreaterThanOrEqual(seen[i - 1][0]);
	});

	it('keeps bytes a server already decoded, and reports no total it cannot know', async () => {
		serve(payload, { 'content-encoding': 'gzip', 'content-length': '123' });
		const seen: [number, number | null][] = [];
		const out = await fetchBytes('/data/x.gz', (l, t) => seen.push([l, t]));
		expect(out).toEqual(payload);
		expect(seen[0][1]).toBeNull();
		expect(seen.at(-1)).toEqual([payload.length, payload.length]);
	});

	it('says what the server answered when it fails', async () => {
		vi.stubGlobal('fetch', async () => new Response('nope', { status: 404, statusText: 'Not Found' }));
		await expect(fetchBytes('/data/missing.gz')).rejects.toThrow('could not load /data/missing.gz: the server answered 404 Not Found');
	});
});
