/**
 * Compiling a WebAssembly kernel module once, the step every loader here starts with.
 */
import { decodeBase64 } from './gemm-simd';

/**
 * A module compiled on first use from its embedded base64 bytes, synchronously (each is
 * under 4 KB, which Chrome allows on the main thread), then kept; null for good where
 * WebAssembly is missing or the engine rejects the module (`WebAssembly.validate` checks
 * exactly the instructions it uses, SIMD included), so callers fall back to JavaScript.
 */
export function compiledOnce(base64: string): () => WebAssembly.Module | null {
	let tried = false;
	let compiled: WebAssembly.Module | null = null;
	return () => {
		if (tried) return compiled;
		tried = true;
		try {
			if (typeof WebAssembly !== 'object') return null;
			const bytes = decodeBase64(base64);
			if (WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
		} catch {
			compiled = null;
		}
		return compiled;
	};
}
