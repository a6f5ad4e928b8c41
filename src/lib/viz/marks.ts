/**
 * Point marks: each class gets its own shape as well as its own colour, so the
 * classes stay apart without colour vision and in greyscale print.
 */
import { symbol, symbolCircle, symbolCross, symbolDiamond, symbolSquare, symbolStar, symbolTriangle, type SymbolType } from 'd3';
import { DIVERGING, interpolator, OKABE_ITO, type SchemeName } from './palette';

interface Shape {
	type: SymbolType;
	/** Degrees; the cross turned 45 degrees reads as an X, far from the circle. */
	rotate: number;
	name: string;
}

const SHAPES: readonly Shape[] = [
	{ type: symbolCircle, rotate: 0, name: 'circle' },
	{ type: symbolCross, rotate: 45, name: 'cross' },
	{ type: symbolSquare, rotate: 0, name: 'square' },
	{ type: symbolTriangle, rotate: 0, name: 'triangle' },
	{ type: symbolDiamond, rotate: 0, name: 'diamond' },
	{ type: symbolStar, rotate: 0, name: 'star' }
];

export function shapeOf(label: number): Shape {
	return SHAPES[((label % SHAPES.length) + SHAPES.length) % SHAPES.length];
}

/** SVG path of the mark for class `label`, centred on 0,0, with area `area` px². */
export function markPath(label: number, area = 64): string {
	return symbol(shapeOf(label).type, area)() ?? '';
}

/**
 * Fill of class `label`'s marks over a map in `scheme`: on a diverging map the two
 * classes take its two strong ends (class 1 at the high end, where P(class 1) is
 * high); further classes, and any class over a sequential map, take Okabe–Ito colours.
 */
export function markFill(label: number, scheme: SchemeName): string {
	if (DIVERGING.has(scheme) && (label === 0 || label === 1)) return interpolator(scheme)(label === 0 ? 0.06 : 0.94);
	const cycle = [OKABE_ITO.blue, OKABE_ITO.vermillion, OKABE_ITO.bluishGreen, OKABE_ITO.reddishPurple, OKABE_ITO.orange, OKABE_ITO.skyBlue];
	return cycle[((label % cycle.length) + cycle.length) % cycle.length];
}
