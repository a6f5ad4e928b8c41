import { describe, expect, it } from 'vitest';
import { CitationOrder, numberRuns, splitKeys } from './citations';
import { REFERENCES, authorList, shortLabel, type Reference } from './references';

describe('CitationOrder', () => {
	it('numbers works by first use and keeps a number once given', () => {
		const order = new CitationOrder();
		expect(order.cite(['hinton2015'])).toEqual([1]);
		expect(order.cite(['rastegari2016', 'hinton2015'])).toEqual([2, 1]);
		expect(order.cite(['courbariaux2016', 'rastegari2016'])).toEqual([3, 2]);
		expect(order.keys).toEqual(['hinton2015', 'rastegari2016', 'courbariaux2016']);
	});

	it('fails loudly on a key the registry does not know, registering nothing', () => {
		const order = new CitationOrder();
		expect(() => order.cite(['rastegari2061'])).toThrow("no reference 'rastegari2061'");
		expect(() => order.cite(['toString'])).toThrow(/no reference/);
		expect(order.keys).toEqual([]);
	});
});

describe('splitKeys and numberRuns', () => {
	it('splits comma lists and arrays alike', () => {
		expect(splitKeys(' a, b ,,c')).toEqual(['a', 'b', 'c']);
		expect(splitKeys(['a ', 'b'])).toEqual(['a', 'b']);
	});
	it('collapses consecutive numbers into runs, sorted and without repeats', () => {
		expect(numberRuns([5, 1, 2, 3, 3, 7, 8])).toEqual([[1, 2, 3], [5], [7, 8]]);
		expect(numberRuns([])).toEqual([]);
	});
});

describe('references', () => {
	const all = Object.entries(REFERENCES) as Array<[string, Reference]>;

	it('covers every source the design notes name', () => {
		const needed = [
			'rastegari2016',
			'courbariaux2016',
			'hubara2016',
			'lin2017',
			'bengio2013',
			'liu2018',
			'darabi2018',
			'helwegen2019',
			'zhou2016',
			'hinton2015',
			'goodfellow2015',
			'dally2015',
			'horowitz2014',
			'bannink2021',
			'zhang2019',
			'galloway2018',
			'lin2019',
			'ioffe2015',
			'kingma2015',
			'larq',
			'krizhevsky2012',
			'simonyan2015',
			'he2016',
			'sandler2018',
			'devlin2019',
			'radford2019',
			'martinez2020',
			'liu2020',
			'guo2022'
		];
		for (const key of needed) expect(Object.hasOwn(REFERENCES, key), key).toBe(true);
	});

	it('has authors, a title, a venue and an https link or none, for every entry', () => {
		for (const [key, ref] of all) {
			expect(ref.authors.length, key).toBeGreaterThan(0);
			expect(ref.title.length, key).toBeGreaterThan(3);
			expect(ref.venue.length, key).toBeGreaterThan(3);
			if (ref.url !== undefined) expect(ref.url, key).toMatch(/^https:\/\/\S+$/);
			if (ref.year !== undefined) expect(ref.year, key).toBeGreaterThan(1990);
		}
	});

	it('labels works the way a reader expects', () => {
		expect(shortLabel(REFERENCES.rastegari2016)).toBe('Rastegari et al. 2016');
		expect(shortLabel(REFERENCES.ioffe2015)).toBe('Ioffe and Szegedy 2015');
		expect(shortLabel(REFERENCES.horowitz2014)).toBe('Horowitz 2014');
		expect(shortLabel(REFERENCES.larq)).toBe('Larq docs');
		expect(authorList(REFERENCES.lin2019)).toBe('Ji Lin, Chuang Gan and Song Han');
		expect(authorList(REFERENCES.horowitz2014)).toBe('Mark Horowitz');
	});
});
