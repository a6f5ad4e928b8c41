/**
 * The engine's bit layout, for drawing: element i lives in word i >>> 5, bit i & 31
 * of a Uint32Array; the last word's bits past the length are tail bits, always 0.
 */

export const WORD_BITS = 32;

export function wordCount(n: number): number {
	return (n + WORD_BITS - 1) >>> 5;
}

export function cellAddress(i: number): { word: number; bit: number } {
	return { word: i >>> 5, bit: i & 31 };
}

/** How the values are encoded: bits (nonzero is 1) or signs (x >= 0 is +1, the engine's sign). */
export type BitKind = 'bit' | 'sign';

/** Whether value v is a 1 bit (+1) in the engine's packing. NaN packs to 0, as the engine's packer. */
export function isOne(v: number, kind: BitKind): boolean {
	return kind === 'bit' ? v !== 0 && !Number.isNaN(v) : v >= 0;
}

/** The text a cell shows: 1/0 for bits, +/− for signs. */
export function cellText(one: boolean, kind: BitKind): string {
	return kind === 'bit' ? (one ? '1' : '0') : one ? '+' : '−';
}

/**
 * Roving focus in a grid of n cells laid out `columns` per line: the index focus
 * moves to for a key, or null for keys the grid does not handle. Arrows stop at the
 * edges rather than wrap, Home/End go to the ends of the line, Ctrl+Home/End to the
 * first and last cell.
 */
export function moveFocus(i: number, key: string, n: number, columns: number, ctrl = false): number | null {
	const line = Math.floor(i / columns) * columns;
	switch (key) {
		case 'ArrowRight':
			return Math.min(n - 1, i + 1);
		case 'ArrowLeft':
			return Math.max(0, i - 1);
		case 'ArrowDown':
			return i + columns < n ? i + columns : i;
		case 'ArrowUp':
			return i - columns >= 0 ? i - columns : i;
		case 'Home':
			return ctrl ? 0 : line;
		case 'End':
			return ctrl ? n - 1 : Math.min(n - 1, line + columns - 1);
		default:
			return null;
	}
}

/** The Uint32 a word of the drawn values packs to, as 8 hex digits (tail bits 0). */
export function wordHex(values: ArrayLike<number>, word: number, kind: BitKind): string {
	let u = 0;
	const end = Math.min(values.length, (word + 1) * WORD_BITS);
	for (let i = word * WORD_BITS; i < end; i++) if (isOne(values[i], kind)) u |= 1 << (i & 31);
	return (u >>> 0).toString(16).padStart(8, '0');
}

/** Cells per line that fit `widthPx` with cells at least `minCell` wide: 32, 16 or 8 (a divisor of 32, so lines never straddle words). */
export function fitColumns(widthPx: number, minCell = 22): 32 | 16 | 8 {
	if (widthPx >= 32 * minCell) return 32;
	if (widthPx >= 16 * minCell) return 16;
	return 8;
}
