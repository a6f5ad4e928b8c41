import { describe, expect, it } from 'vitest';
import { changeDepth, resizeModes } from './schema';

describe('changing the playground network’s depth', () => {
	const start = { hidden: [32, 32], weights: 'fbb', inputs: 'fss', dropped: { hidden: [], weights: '', inputs: '' } };

	it('keeps a binary network binary through 2 → 0 → 2 hidden layers', () => {
		const none = changeDepth(start, 0);
		expect(none).toMatchObject({ hidden: [], weights: 'f', inputs: 'f' });
		const back = changeDepth(none, 2);
		expect(back).toMatchObject({ hidden: [32, 32], weights: 'fbb', inputs: 'fss' });
	});

	it('restores the modes of dropped layers, and gives new layers the network’s binary mode', () => {
		const abc = { hidden: [64, 16], weights: 'fmm', inputs: 'fmm', dropped: { hidden: [], weights: '', inputs: '' } };
		expect(changeDepth(changeDepth(abc, 0), 2)).toMatchObject({ hidden: [64, 16], weights: 'fmm', inputs: 'fmm' });
		expect(changeDepth(abc, 4)).toMatchObject({ hidden: [64, 16, 16, 16], weights: 'fmmmm', inputs: 'fmmmm' });
		// A float network stays float where it was; layers it never had become binary.
		expect(changeDepth({ hidden: [8], weights: 'ff', inputs: 'ff', dropped: { hidden: [], weights: '', inputs: '' } }, 2)).toMatchObject({
			weights: 'ffb',
			inputs: 'ffs'
		});
	});

	it('resizes a mode string by keeping what remains and filling with the last binary letter', () => {
		expect(resizeModes('fsb', 2, 'b')).toBe('fs');
		expect(resizeModes('fsf', 5, 'b')).toBe('fsfss');
		expect(resizeModes('f', 3, 'b')).toBe('fbb');
	});
});
