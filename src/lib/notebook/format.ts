/** Number formatting shared by the controls' readouts. */

/** Decimal places in a step such as 0.05 (2) or 1e-3 (3). */
export function decimalsOf(step: number): number {
	if (!Number.isFinite(step) || Number.isInteger(step)) return 0;
	const s = String(step);
	const e = /e-(\d+)$/.exec(s);
	if (e) return Number(e[1]) + (s.split('e')[0].split('.')[1]?.length ?? 0);
	return s.split('.')[1]?.length ?? 0;
}

/** A readout for a value on a linear slider: as many decimals as the step has. */
export function formatStep(value: number, step: number): string {
	return value.toFixed(decimalsOf(step));
}

/** `digits` significant digits, plain below 1e-4 .. 1e6 and in e-notation outside. */
export function formatSignificant(value: number, digits = 2): string {
	if (value === 0 || !Number.isFinite(value)) return String(value);
	const abs = Math.abs(value);
	if (abs < 1e-4 || abs >= 1e6) return value.toExponential(digits - 1).replace(/\.?0+e/, 'e').replace('e+', 'e');
	return String(Number(value.toPrecision(digits)));
}
