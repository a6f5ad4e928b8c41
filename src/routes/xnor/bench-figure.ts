/**
 * Pure logic of the benchmark figure (BenchmarkFigure.svelte): naming the reader's
 * device and runtime, and the table rows and headline ratios of a (partial) result.
 * The measuring itself is src/lib/bench/kernels.ts, run in src/lib/bench/bench.worker.ts.
 */
import { formatDuration, formatRatio, medianOf, type SizeResult } from '$lib/bench/kernels';

/** The parts of `navigator` the figure reads (a fake in tests). */
export interface NavigatorLike {
	userAgent: string;
	hardwareConcurrency?: number;
	userAgentData?: { brands?: readonly { brand: string; version: string }[]; platform?: string; mobile?: boolean };
}

/** Browser and version from the user agent string, for browsers without userAgentData. */
function browserFromUa(ua: string): string | null {
	const rules: [RegExp, string][] = [
		[/Edg\/(\d+)/, 'Edge'],
		[/Firefox\/(\d+)/, 'Firefox'],
		[/Chrome\/(\d+)/, 'Chrome'],
		[/Version\/(\d+)[\d.]* .*Safari\//, 'Safari']
	];
	for (const [re, name] of rules) {
		const m = re.exec(ua);
		if (m) return `${name} ${m[1]}`;
	}
	return null;
}

/** Operating system from the user agent string. */
function osFromUa(ua: string): string | null {
	if (/Android/.test(ua)) return 'Android';
	if (/iPhone|iPad|iPod/.test(ua)) return 'iOS';
	if (/Mac OS X|Macintosh/.test(ua)) return 'macOS';
	if (/Windows/.test(ua)) return 'Windows';
	if (/CrOS/.test(ua)) return 'ChromeOS';
	if (/Linux/.test(ua)) return 'Linux';
	return null;
}

/**
 * A short name of the runtime and device: 'Chromium 156 on Linux, 2 logical cores'.
 * Uses navigator.userAgentData where the browser has it (brands other than the
 * "Not A Brand" placeholders), else the user agent string.
 */
export function describeDevice(nav: NavigatorLike): string {
	const data = nav.userAgentData;
	const brand =
		data?.brands?.find((b) => !/not.?a.?brand/i.test(b.brand) && b.brand !== 'Chromium') ?? data?.brands?.find((b) => !/not.?a.?brand/i.test(b.brand));
	const browser = brand ? `${brand.brand} ${brand.version}` : (browserFromUa(nav.userAgent) ?? 'an unknown browser');
	const os = data?.platform || osFromUa(nav.userAgent);
	const cores = nav.hardwareConcurrency;
	const mobile = data?.mobile ? ' (mobile)' : '';
	return `${browser}${os ? ` on ${os}` : ''}${mobile}${cores ? `, ${cores} logical core${cores === 1 ? '' : 's'}` : ''}`;
}

/** WebAssembly support in words, e.g. 'WebAssembly SIMD: yes; relaxed SIMD: no'. */
export function describeWasm(s: { simd: boolean; relaxedSimd: boolean }): string {
	return `WebAssembly SIMD: ${s.simd ? 'yes' : 'no'}; relaxed SIMD: ${s.relaxedSimd ? 'yes' : 'no'}`;
}

/** One row of the results table, every cell formatted. */
export interface TableRow {
	kind: 'dot' | 'gemm';
	label: string;
	jsFloat: string;
	jsBinary: string;
	ratioJs: string;
	wasmFloat: string;
	wasmBinary: string;
	ratioWasm: string;
	verified: boolean;
}

/** Format a size's result as a table row ('–' where a kernel was not timed). */
export function tableRow(r: SizeResult): TableRow {
	const wasm = r.ratioWasm !== null;
	return {
		kind: r.spec.kind,
		label: r.label,
		jsFloat: formatDuration(medianOf(r, 'js-float')),
		jsBinary: formatDuration(medianOf(r, 'js-binary')),
		ratioJs: formatRatio(r.ratioJs),
		wasmFloat: wasm ? formatDuration(medianOf(r, 'wasm-float')) : '–',
		wasmBinary: wasm ? formatDuration(medianOf(r, 'wasm-binary')) : '–',
		ratioWasm: formatRatio(r.ratioWasm),
		verified: r.verified
	};
}

/** The headline: the largest GEMM's ratios (the sizes where the kernels are best fed). */
export function headline(sizes: readonly SizeResult[]): { label: string; js: number; wasm: number | null } | null {
	const gemms = sizes.filter((s) => s.spec.kind === 'gemm');
	if (gemms.length === 0) return null;
	const big = gemms.reduce((a, b) =>
		a.spec.kind === 'gemm' && b.spec.kind === 'gemm' && b.spec.m * b.spec.k * b.spec.n > a.spec.m * a.spec.k * a.spec.n ? b : a
	);
	return { label: big.label, js: big.ratioJs, wasm: big.ratioWasm };
}
