/**
 * Timing helpers for the benchmark scripts (never for the engine, which takes no clock):
 * the interleaved-batch timing of src/lib/bench/measure.ts, which the in-browser
 * benchmark also uses, bound to node's monotonic clock.
 */
import { interleave as interleaveWith, median, quantile, type InterleaveOptions, type Rival, type RivalTiming } from '../../src/lib/bench/measure';

export { median, quantile, type InterleaveOptions, type Rival, type RivalTiming };

/** Milliseconds from a monotonic clock. */
export const now = (): number => performance.now();

/** Milliseconds one call of fn takes, timed once. */
export function timeOnce(fn: () => void): number {
	const t0 = now();
	fn();
	return now() - t0;
}

/** `interleave` of src/lib/bench/measure.ts on `performance.now`. */
export function interleave(rivals: readonly Rival[], opts: InterleaveOptions = {}): RivalTiming[] {
	return interleaveWith(rivals, now, opts);
}
