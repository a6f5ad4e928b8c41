/**
 * A chart series of bounded length: per-step values (loss, accuracy, flips...) that
 * keep arriving for as long as a run trains, held in at most `cap` points.
 *
 * When the buffer fills, neighbouring points are averaged in pairs (the later step
 * names the pair) and the stride doubles: from then on each point is the mean of
 * `stride` consecutive steps. So the whole run stays on the chart at a uniform
 * resolution, memory stays O(cap), and the work per pushed value is O(1) amortised.
 * The current partial bucket is not shown until it completes (a lag of under one
 * stride).
 */

/** A read-only copy of a series: `step` is the x of each point, one Float32Array per key. */
export type SeriesView<K extends string> = {
	readonly length: number;
	/** Steps averaged into each point. */
	readonly stride: number;
	readonly step: Float64Array;
} & { readonly [key in K]: Float32Array };

export class Series<K extends string> {
	readonly keys: readonly K[];
	readonly cap: number;
	private x: Float64Array;
	private ys: Float32Array[];
	private n = 0;
	private strideSteps = 1;
	private bucketCount = 0;
	private bucketX = 0;
	private bucketSums: Float64Array;

	/** `cap`: the most points kept (even, at least 2; default 2000). */
	constructor(keys: readonly K[], cap = 2000) {
		if (!Number.isInteger(cap) || cap < 2 || cap % 2 !== 0) throw new RangeError(`cap must be an even integer of at least 2, got ${cap}`);
		this.keys = keys;
		this.cap = cap;
		this.x = new Float64Array(cap);
		this.ys = keys.map(() => new Float32Array(cap));
		this.bucketSums = new Float64Array(keys.length);
	}

	get length(): number {
		return this.n;
	}
	get stride(): number {
		return this.strideSteps;
	}

	/** Add one step's values, in the order of `keys`. */
	push(step: number, ...values: number[]): void {
		for (let k = 0; k < this.keys.length; k++) this.bucketSums[k] += values[k];
		this.bucketX = step;
		if (++this.bucketCount < this.strideSteps) return;
		if (this.n === this.cap) {
			// The bucket keeps filling up to the new stride, so every point spans the same steps.
			this.halve();
			return;
		}
		const c = this.bucketCount;
		this.x[this.n] = this.bucketX;
		for (let k = 0; k < this.keys.length; k++) {
			this.ys[k][this.n] = this.bucketSums[k] / c;
			this.bucketSums[k] = 0;
		}
		this.n++;
		this.bucketCount = 0;
	}

	/** Add many steps at once: `steps[i]` with `columns[k][i]` for each key k. */
	pushMany(steps: ArrayLike<number>, columns: Readonly<Record<K, ArrayLike<number>>>): void {
		const cols = this.keys.map((k) => columns[k]);
		const row = new Array<number>(cols.length);
		for (let i = 0; i < steps.length; i++) {
			for (let k = 0; k < cols.length; k++) row[k] = cols[k][i];
			this.push(steps[i], ...row);
		}
	}

	clear(): void {
		this.n = 0;
		this.strideSteps = 1;
		this.bucketCount = 0;
		this.bucketSums.fill(0);
	}

	/** Fresh arrays holding the completed points (safe to keep and to hand to a chart). */
	view(): SeriesView<K> {
		const out: Record<string, unknown> = { length: this.n, stride: this.strideSteps, step: this.x.slice(0, this.n) };
		this.keys.forEach((k, i) => (out[k] = this.ys[i].slice(0, this.n)));
		return out as SeriesView<K>;
	}

	/** Average neighbours in pairs: half the points, twice the stride. */
	private halve(): void {
		const half = this.n >> 1;
		for (let i = 0; i < half; i++) {
			this.x[i] = this.x[2 * i + 1];
			for (const y of this.ys) y[i] = (y[2 * i] + y[2 * i + 1]) / 2;
		}
		this.n = half;
		this.strideSteps *= 2;
	}
}

/** An empty view, for initial state. */
export function emptyView<K extends string>(keys: readonly K[]): SeriesView<K> {
	return new Series(keys, 2).view();
}
