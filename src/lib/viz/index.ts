/**
 * The figures: d3 computes scales, shapes and colours; Svelte renders the DOM;
 * canvas draws the big grids. Components take plain data (typed arrays, numbers)
 * and treat it as immutable: pass a new array, or bump the `version` prop after
 * changing one in place.
 */
export { default as LineChart } from './LineChart.svelte';
export { default as Heatmap } from './Heatmap.svelte';
export { default as Histogram } from './Histogram.svelte';
export { default as BitGrid } from './BitGrid.svelte';
export { default as NetworkGraph } from './NetworkGraph.svelte';
export { default as ConfusionMatrix } from './ConfusionMatrix.svelte';
export { default as DigitImage } from './DigitImage.svelte';
export { default as DigitPad } from './DigitPad.svelte';
export { default as ColourBar } from './ColourBar.svelte';

export type { LineSeries, HeatPoint, EdgeMode, Extent, SchemeName, BitKind } from './types';
export { gridPoints, cellAt, fractionAbove, pointsOnTheirSide } from './grid';
export { normaliseDigit, toSigned, centreOfMass, DIGIT_SIZE } from './digit';
export { OKABE_ITO, SERIES_COLOURS, seriesColour, seriesDash, interpolator, buildLUT, textOn, contrast } from './palette';
export { formatReadout, formatPercent, formatCount } from './scales';
export { minMaxIndices } from './downsample';
export { planMarkers, histogramStats, histogramSummary } from './histogram';
export { pickUnits, pickEdges, edgeStats } from './edges';
export { confusionStats } from './confusion';
export { wordCount, cellAddress, isOne, wordHex } from './bitlayout';
