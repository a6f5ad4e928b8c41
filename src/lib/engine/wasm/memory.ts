/**
 * The one piece of memory management the WebAssembly kernel loaders share: grow a
 * module's linear memory to hold the operands of a call.
 */

/** Bytes per WebAssembly memory page. */
const PAGE_BYTES = 65536;

/**
 * Grow `mem` so its buffer holds at least `bytes` bytes, up to `maxBytes`. Returns false
 * (the memory unchanged) when that is more than allowed or the engine refuses to grow;
 * the caller then falls back to its JavaScript kernel. Growing detaches the old
 * buffer, so callers refresh their typed-array views after a true answer.
 */
export function growTo(mem: WebAssembly.Memory, bytes: number, maxBytes: number): boolean {
	if (bytes > maxBytes) return false;
	const have = mem.buffer.byteLength;
	if (have >= bytes) return true;
	try {
		mem.grow(Math.ceil((bytes - have) / PAGE_BYTES));
		return true;
	} catch {
		return false;
	}
}
