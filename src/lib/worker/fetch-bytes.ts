/**
 * Download an asset in a worker with byte-accurate progress, gunzipping it when it
 * arrives gzipped. The digits ship as `mnist.bin.gz` (about 1.6 MB instead of 7.85 MB)
 * so any static host serves them small; a host that already decoded the gzip (served it
 * with Content-Encoding) hands over the raw bytes, which are recognised and kept as they
 * are. `progress` counts the bytes received from the network against Content-Length.
 */
const GZIP_MAGIC = [0x1f, 0x8b];

export async function fetchBytes(url: string, progress?: (loaded: number, total: number | null) => void): Promise<Uint8Array> {
	const res = await fetch(url);
	if (!res.ok) throw new Error(`could not load ${url}: the server answered ${res.status} ${res.statusText}`);
	// With a Content-Encoding the length is of the encoded body, not of what the reader sees.
	const length = res.headers.get('content-encoding') ? null : Number(res.headers.get('content-length'));
	const total = length && Number.isFinite(length) && length > 0 ? length : null;
	const chunks: Uint8Array[] = [];
	let loaded = 0;
	if (res.body) {
		const reader = res.body.getReader();
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			chunks.push(value);
			loaded += value.length;
			progress?.(loaded, total);
		}
	} else {
		chunks.push(new Uint8Array(await res.arrayBuffer()));
		loaded = chunks[0].length;
	}
	progress?.(loaded, total ?? loaded);
	const bytes = concat(chunks, loaded);
	return isGzip(bytes) ? gunzip(bytes) : bytes;
}

export function isGzip(bytes: Uint8Array): boolean {
	return bytes.length > 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
	const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
	return new Uint8Array(await new Response(stream).arrayBuffer());
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
	if (chunks.length === 1) return chunks[0];
	const out = new Uint8Array(length);
	let at = 0;
	for (const c of chunks) {
		out.set(c, at);
		at += c.length;
	}
	return out;
}
