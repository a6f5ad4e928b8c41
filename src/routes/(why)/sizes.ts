/**
 * The numbers of the "Why binary?" page: model sizes at k bits per weight against a
 * phone's download budget, the energy of a few operations, and XNOR-Net's count of
 * the speed-up. Pure functions and cited constants (design/REFERENCES.md), so the
 * page only renders them and the unit tests pin every figure it prints.
 */
import { formatSignificant } from '$lib/format';
import type { ReferenceKey } from '$lib/notebook';

export interface KnownModel {
	name: string;
	/** Parameters, as the model's paper states them, or counted from its reference implementation where the paper gives none. */
	parameters: number;
	/** Where the count comes from: the paper, or the paper and the implementation counted (keys of the notebook's references). */
	cite: ReferenceKey | `${ReferenceKey}, ${ReferenceKey}`;
}

/** The models of the size figure, smallest first. */
export const MODELS: readonly KnownModel[] = [
	// The papers' own figures: AlexNet "60 million parameters", MobileNetV2 3.4M (its
	// table for width 1.0 at 224 px), GPT-2's smallest model 117M, BERT-base 110M, VGG-16
	// 138M. He et al. give no count for ResNet-18 or -50, so theirs are torchvision's
	// num_params (11,689,512 and 25,557,032), rounded as the others are.
	{ name: 'MobileNetV2', parameters: 3.4e6, cite: 'sandler2018' },
	{ name: 'ResNet-18', parameters: 11.7e6, cite: 'he2016, torchvision' },
	{ name: 'ResNet-50', parameters: 25.6e6, cite: 'he2016, torchvision' },
	{ name: 'AlexNet', parameters: 60e6, cite: 'krizhevsky2012' },
	{ name: 'BERT-base', parameters: 110e6, cite: 'devlin2019' },
	{ name: 'GPT-2 small', parameters: 117e6, cite: 'radford2019' },
	{ name: 'VGG-16', parameters: 138e6, cite: 'simonyan2015' }
];

/** The bit widths the page offers, narrowest first (the slider's positions). */
export const BIT_WIDTHS = [1, 2, 4, 8, 16, 32] as const;
export type BitWidth = (typeof BIT_WIDTHS)[number];

/** One megabyte, decimal, as app stores count download sizes. */
export const MB = 1e6;
/** The seed post's cellular download limit: 100 MB. */
export const BUDGET_BYTES = 100 * MB;

/** Bytes of `parameters` weights at `bits` bits each: parameters x bits / 8 (no scales, no headers). */
export function modelBytes(parameters: number, bits: number): number {
	return (parameters * bits) / 8;
}

/** True when `bytes` is within the budget (a model exactly at the limit still fits). */
export function fits(bytes: number, budget = BUDGET_BYTES): boolean {
	return bytes <= budget;
}

/** The widest of BIT_WIDTHS at which the model fits the budget, or null when none does. */
export function widestFit(parameters: number, budget = BUDGET_BYTES): BitWidth | null {
	let best: BitWidth | null = null;
	for (const b of BIT_WIDTHS) if (fits(modelBytes(parameters, b), budget)) best = b;
	return best;
}

export interface SizeRow extends KnownModel {
	bytes: number;
	fits: boolean;
	widestFit: BitWidth | null;
}

/** Every model at `bits` bits per weight, in MODELS order. */
export function sizeRows(bits: number, budget = BUDGET_BYTES): SizeRow[] {
	return MODELS.map((m) => {
		const bytes = modelBytes(m.parameters, bits);
		return { ...m, bytes, fits: fits(bytes, budget), widestFit: widestFit(m.parameters, budget) };
	});
}

/**
 * "552 MB", "46.8 MB", "1.46 MB", "438 kB": SI units (1 MB = 10⁶ bytes, as the page says),
 * three significant digits; "61M", "3.5M", "11.7M" parameters. The notebook's one set of
 * formatters, $lib/format.
 */
export { formatBytes, formatCompact as formatParameters } from '$lib/format';

/** The slider position of a bit width (log2) and back. */
export function positionOf(bits: number): number {
	return Math.round(Math.log2(bits));
}
export function bitsAt(position: number): BitWidth {
	const i = Math.min(BIT_WIDTHS.length - 1, Math.max(0, Math.round(position)));
	return BIT_WIDTHS[i];
}

// ---------------------------------------------------------------------------
// Energy per operation, 45 nm (Horowitz, ISSCC 2014, as quoted by Dally 2015).

export interface EnergyRow {
	id: string;
	label: string;
	/** Picojoules per operation. */
	pj: number;
	kind: 'arithmetic' | 'memory';
}

export const ENERGY: readonly EnergyRow[] = [
	{ id: 'int8-add', label: '8-bit integer add', pj: 0.03, kind: 'arithmetic' },
	{ id: 'fp32-add', label: '32-bit float add', pj: 0.9, kind: 'arithmetic' },
	{ id: 'int32-mult', label: '32-bit integer multiply', pj: 3.1, kind: 'arithmetic' },
	{ id: 'fp32-mult', label: '32-bit float multiply', pj: 3.7, kind: 'arithmetic' },
	{ id: 'sram', label: '32-bit SRAM read (on chip)', pj: 5, kind: 'memory' },
	{ id: 'dram', label: '32-bit DRAM read (off chip)', pj: 640, kind: 'memory' }
];

/** How many times more energy `a` costs than `b`. */
export function energyRatio(a: string, b: string): number {
	const find = (id: string) => {
		const r = ENERGY.find((e) => e.id === id);
		if (!r) throw new RangeError(`no energy figure for '${id}'`);
		return r.pj;
	};
	return find(a) / find(b);
}

/** "0.03 pJ", "3.7 pJ", "640 pJ". */
export function formatPj(pj: number): string {
	return `${formatSignificant(pj, 3)} pJ`;
}

// ---------------------------------------------------------------------------
// The two promises.

/** Memory ratio of 32-bit weights to `bits`-bit weights, weights only. */
export function memoryRatio(bits: number): number {
	return 32 / bits;
}

/**
 * XNOR-Net's speed-up, counted in operations rather than measured (Rastegari et al.
 * 2016, section 3.2). A standard convolution does c N_W N_I multiply-adds (c input
 * channels, N_W the filter's spatial size (width x height), N_I output positions). The binary one does the same
 * count of binary operations, 64 per clock on a 64-bit CPU, plus N_I non-binary ones
 * (the scaling): S = c N_W N_I / (c N_W N_I / 64 + N_I) = 64 c N_W / (c N_W + 64).
 * It tends to 64 as c N_W grows.
 */
export function xnorSpeedup(channels: number, filterWeights: number): number {
	const cn = channels * filterWeights;
	return (64 * cn) / (cn + 64);
}

/** The filter sizes the speed-up control offers (k x k filters, N_W = k^2). */
export const FILTER_SIZES = [1, 3, 5, 7, 11] as const;
/** Input channel counts the control steps through (powers of two). */
export const CHANNELS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] as const;
