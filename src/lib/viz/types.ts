/** Prop types shared by the figures and the pages that feed them. */
export type { Extent } from './grid';
export type { SchemeName } from './palette';
export type { BitKind } from './bitlayout';

/** One line of a LineChart. */
export interface LineSeries {
	/** Stable key (also the {#each} key). */
	id: string;
	label: string;
	values: ArrayLike<number>;
	/** x of each value; the index when omitted. Same length as values. */
	xs?: ArrayLike<number>;
	/** Force a dashed (true) or solid (false) line; by default each series gets its own pattern. */
	dash?: boolean;
	/**
	 * Drawn thin and pale in the colour of the next series, and left out of the legend and the
	 * chart's description: the raw curve under its smoothed one, which follows it.
	 */
	faint?: boolean;
	/**
	 * false: a curve over a fixed range (error against k, say), whose last point is not "the
	 * latest" of anything: the legend names it without a value and its end gets no dot. Give
	 * the point that matters its own one-point series.
	 */
	latest?: boolean;
}

/** A labelled data point drawn over a Heatmap, in data coordinates. */
export interface HeatPoint {
	x: number;
	y: number;
	/** Class index: 0 is drawn as a circle, 1 as a cross, 2.. as other shapes. */
	label: number;
}

/** How NetworkGraph edges encode their values. */
export type EdgeMode = 'sign' | 'magnitude';
