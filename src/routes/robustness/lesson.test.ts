import { describe, expect, it } from 'vitest';
import { compare, readVerdict, type VerdictRun } from './lesson';

const run = (acc: Record<'pgd' | 'transfer' | 'spsa' | 'noise', [number, number]>, examples = 200, clean = { float: 0.93, binary: 0.9 }): VerdictRun => ({
	examples,
	clean,
	accuracy: Object.fromEntries(Object.entries(acc).map(([k, [float, binary]]) => [k, { float, binary }])) as VerdictRun['accuracy']
});

describe('compare', () => {
	it('calls a difference beyond two standard errors of the difference, and only that', () => {
		// n = 200 at 50%: se = sqrt(0.5/200) = 0.05, so the line is 10 points.
		expect(compare(0.61, 0.5, 200)).toBe('higher');
		expect(compare(0.59, 0.5, 200)).toBe('close');
		expect(compare(0.39, 0.5, 200)).toBe('lower');
		// The same gap is clear on more examples.
		expect(compare(0.59, 0.5, 2000)).toBe('higher');
		// Near 0 or 1 the error is small: 3% against 0% on 200 is clear.
		expect(compare(0.03, 0, 200)).toBe('higher');
	});
});

describe('readVerdict', () => {
	it('reads the command-line run of docs/robustness.md (ε = 0.1) as Lin et al.: the binary network falls further, with nothing masked', () => {
		const v = readVerdict(
			run({ pgd: [0.278, 0.046], transfer: [0.656, 0.39], spsa: [0.822, 0.856], noise: [0.934, 0.918] }, 500, { float: 0.942, binary: 0.942 })
		);
		expect(v.whiteBox).toBe('lower');
		expect(v.strongest.binary).toEqual({ attack: 'pgd', accuracy: 0.046 });
		expect(v.masked).toEqual({ float: false, binary: false });
		expect(v.worstCase).toBe('lower');
		expect(v.noise).toBe('close');
		expect(v.withstands).toEqual({ float: false, binary: false });
		expect(v.supports).toBe('lin');
	});

	it('sees masking when PGD fails against the binary network but an attack without its gradient succeeds', () => {
		const v = readVerdict(run({ pgd: [0.1, 0.8], transfer: [0.5, 0.15], spsa: [0.6, 0.5], noise: [0.9, 0.9] }));
		expect(v.whiteBox).toBe('higher');
		expect(v.masked.binary).toBe(true);
		expect(v.masked.float).toBe(false);
		expect(v.strongest.binary.attack).toBe('transfer');
		expect(v.worstCase).toBe('close');
		expect(v.supports).toBe('masking');
	});

	it('supports the seed only when the binary network holds more under the strongest attack on each, and keeps half its clean accuracy', () => {
		expect(readVerdict(run({ pgd: [0.1, 0.6], transfer: [0.3, 0.7], spsa: [0.5, 0.65], noise: [0.9, 0.9] })).supports).toBe('seed');
		// A browser run at ε = 0.1: PGD leaves 6% against 1%. More, and clearly so, but both have fallen.
		const fallen = readVerdict(run({ pgd: [0.01, 0.06], transfer: [0.375, 0.5], spsa: [0.59, 0.825], noise: [0.92, 0.88] }));
		expect(fallen.worstCase).toBe('higher');
		expect(fallen.withstands).toEqual({ float: false, binary: false });
		expect(fallen.supports).toBe('fall');
		// Level under every attack, and both keep most of their accuracy: neither reading.
		expect(readVerdict(run({ pgd: [0.7, 0.72], transfer: [0.8, 0.8], spsa: [0.85, 0.85], noise: [0.9, 0.88] })).supports).toBe('neither');
	});
});
