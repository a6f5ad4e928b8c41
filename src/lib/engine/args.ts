/**
 * Argument checks shared by the engine's kernels (not part of the public surface): the
 * RangeErrors they throw name the argument and what was wrong with it.
 */

/** @throws RangeError unless n is a non-negative integer. */
export function checkCount(n: number, name: string): void {
	if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
}

/** @throws RangeError if an array of `length` elements is shorter than `needed`. */
export function checkRoom(length: number, needed: number, what: string): void {
	if (length < needed) throw new RangeError(`${what} holds ${length} elements but ${needed} are needed`);
}
