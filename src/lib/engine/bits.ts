/**
 * Bit-packed ±1 vectors, popcount and the dot products built on it. The binary matrix
 * product (the blocked kernel, its WebAssembly versions and a plain reference) is in
 * ./kernels/binary-gemm.ts.
 *
 * Encoding (shared by every module): +1 is bit 1, -1 is bit 0, and sign(0) =
 * sign(-0) = +1, so a value x packs to 1 exactly when `x >= 0`: the bit is
 * `quantize.ts`'s {@link signBit}, the one definition the engine's sign is made of.
 * NaN packs to 0 (-1), because `NaN >= 0` is false, so the float path and the
 * packed path agree even on garbage. Element i lives in
 * word `i >>> 5`, bit `i & 31` of a `Uint32Array`, and the tail bits of the last
 * word (past the true length) are 0.
 *
 * With that encoding the dot product of two ±1 vectors of length n is
 *
 *     a · b = (#agreements) - (#disagreements) = n - 2 popcount(a XOR b)
 *           = 2 popcount(a XNOR b) - n,
 *
 * the identity XNOR-Net (Rastegari et al. 2016) and Larq Compute Engine build on.
 * Zero tails make the XOR form exact without a mask; the XNOR form must mask them,
 * because the complement turns every tail 0 into a 1.
 *
 * Speed notes (V8, measured by `scripts/bench/kernels.ts`): JavaScript has no
 * popcount instruction, so the JS kernels count bits with a Harley-Seal carry-save
 * adder network (Harley & Seal; Muła, Kurz & Lemire 2018), which folds four words
 * into one before a 16-bit table lookup.
 */

import { checkCount, checkRoom } from './args';
import { signBit } from './quantize';

/**
 * Number of 32-bit words that hold n bits: ceil(n / 32).
 * @throws RangeError if n is not a non-negative integer.
 */
export function wordsFor(n: number): number {
	checkCount(n, 'n');
	return Math.ceil(n / 32);
}

/** popcount of every 16-bit value (index v holds popcount(v)); 64 KiB, built once at load. */
export const POP16 = new Uint8Array(65536);
for (let i = 1; i < 65536; i++) POP16[i] = (i & 1) + POP16[i >>> 1];

/** Mask of the valid bits in the last word of an n-bit vector: the low n mod 32 bits, all ones when n is a multiple of 32. */
export function tailMask(n: number): number {
	const r = n & 31;
	return r === 0 ? -1 : (1 << r) - 1;
}

/** Pack n values starting at x[xOff] into words starting at out[outOff]; writes whole words, so tails are 0. */
function packInto(x: ArrayLike<number>, xOff: number, n: number, out: Uint32Array, outOff: number): void {
	const full = n >>> 5;
	let i = xOff;
	for (let w = 0; w < full; w++) {
		let word = 0;
		// signBit is a flag move, not a branch: an `if` here mispredicts on random signs.
		for (let b = 0; b < 32; b++, i++) word |= signBit(x[i]) << b;
		out[outOff + w] = word;
	}
	const rem = n & 31;
	if (rem !== 0) {
		let word = 0;
		for (let b = 0; b < rem; b++, i++) word |= signBit(x[i]) << b;
		out[outOff + full] = word;
	}
}

/**
 * Pack the signs of n values into bits: bit i is 1 iff `x[i] >= 0` (so 0 and -0
 * give +1, NaN gives -1). Output: wordsFor(n) words written at `out[outOffset..]`,
 * whole words, so the tail bits past n are 0 even if `out` held garbage.
 *
 * @param x values, length >= n
 * @param n number of values to pack (default x.length)
 * @param out destination; allocated (length outOffset + wordsFor(n)) when omitted
 * @param outOffset first word to write
 * @returns `out` (or the new array)
 * @throws RangeError if n or outOffset is invalid, x is shorter than n, or out is too short.
 */
export function packSigns(x: ArrayLike<number>, n: number = x.length, out?: Uint32Array, outOffset = 0): Uint32Array {
	checkCount(n, 'n');
	checkCount(outOffset, 'outOffset');
	checkRoom(x.length, n, 'x');
	const words = wordsFor(n);
	const o = out ?? new Uint32Array(outOffset + words);
	checkRoom(o.length, outOffset + words, 'out');
	packInto(x, 0, n, o, outOffset);
	return o;
}

/**
 * Pack each row of a row-major matrix X [rows, cols] into sign bits. Row r occupies
 * words `r * wordsFor(cols) .. (r + 1) * wordsFor(cols) - 1` of the result (the
 * layout `binaryGemm` reads), each row with zero tail bits. A dense layer's weights
 * W [out, in] pack to `out` rows of `wordsFor(in)` words.
 *
 * @returns `out` (or a new Uint32Array of rows * wordsFor(cols) words)
 * @throws RangeError if X holds fewer than rows * cols values or out is too short.
 */
export function packRows(X: ArrayLike<number>, rows: number, cols: number, out?: Uint32Array): Uint32Array {
	checkCount(rows, 'rows');
	checkCount(cols, 'cols');
	checkRoom(X.length, rows * cols, 'X');
	const wpr = wordsFor(cols);
	const o = out ?? new Uint32Array(rows * wpr);
	checkRoom(o.length, rows * wpr, 'out');
	for (let r = 0; r < rows; r++) packInto(X, r * cols, cols, o, r * wpr);
	return o;
}

/**
 * {@link packRows} with two by-products, in one pass: sign(X) for X [rows, cols] packed by
 * rows (bit c of row r's `wordsFor(cols)` words is signBit(X_rc), tail bits 0) into `words`
 * when given, the ±1 floats of the same signs (+1 for x >= 0, also -0; -1 for NaN) into `pm`
 * when given, and the count of values with |x| <= 1 (the clipped estimator's window). What
 * a binary dense layer needs of its weights and of its sign inputs.
 *
 * @param pm [rows, cols] ±1 floats, or null
 * @param words [rows, wordsFor(cols)] words, or null
 * @returns the number of values with |x| <= 1 (NaN counts as outside)
 */
export function signRows(X: ArrayLike<number>, rows: number, cols: number, pm: Float32Array | null, words: Uint32Array | null): number {
	const wpr = wordsFor(cols);
	let inside = 0;
	for (let r = 0; r < rows; r++) {
		for (let w = 0; w < wpr; w++) {
			const c0 = w << 5,
				lim = Math.min(32, cols - c0),
				i0 = r * cols + c0;
			let word = 0;
			for (let b = 0; b < lim; b++) {
				const v = X[i0 + b];
				// signBit and the window test are flag moves: a branch here mispredicts on random signs.
				word |= signBit(v) << b;
				inside += +(v <= 1) & +(v >= -1);
			}
			if (pm) for (let b = 0; b < lim; b++) pm[i0 + b] = ((word >>> b) & 1) * 2 - 1;
			if (words) words[r * wpr + w] = word;
		}
	}
	return inside;
}

/**
 * Unpack n sign bits into a Float32Array of ±1 (bit 1 -> +1, bit 0 -> -1): the
 * inverse of `packSigns` on its ±1 image.
 *
 * @param words packed bits, length >= wordsFor(n)
 * @param n number of elements
 * @param out destination of length >= n (allocated when omitted)
 * @throws RangeError if words or out is too short.
 */
export function unpackSigns(words: Uint32Array, n: number, out?: Float32Array): Float32Array {
	checkCount(n, 'n');
	checkRoom(words.length, wordsFor(n), 'words');
	const o = out ?? new Float32Array(n);
	checkRoom(o.length, n, 'out');
	for (let i = 0; i < n; i++) o[i] = (((words[i >>> 5] >>> (i & 31)) & 1) << 1) - 1;
	return o;
}

/**
 * Number of set bits in the low 32 bits of x, by the SWAR method: sum adjacent
 * bits, then pairs, then nibbles, then add the four byte counts with one multiply
 * (Warren, Hacker's Delight, ch. 5). Accepts int32 or uint32 inputs alike.
 */
export function popcount32(x: number): number {
	x = (x - ((x >>> 1) & 0x55555555)) | 0;
	x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
	x = (x + (x >>> 4)) & 0x0f0f0f0f;
	return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Total number of set bits in `count` words of `words` starting at `offset`.
 * @throws RangeError if the range runs past the array.
 */
export function popcountArray(words: Uint32Array, count: number = words.length, offset = 0): number {
	checkCount(count, 'count');
	checkCount(offset, 'offset');
	checkRoom(words.length, offset + count, 'words');
	let c = 0;
	for (let w = offset, e = offset + count; w < e; w++) {
		const x = words[w];
		c += POP16[x & 0xffff] + POP16[x >>> 16];
	}
	return c;
}

/**
 * popcount(a XOR b) over `words` whole words. A Harley-Seal carry-save adder
 * (CSA) network folds every four XOR words into one "fours" word, so only one in
 * four words needs a table lookup; `ones` and `twos` carry the remainder.
 */
function xorPopcount(a: Uint32Array, aOff: number, b: Uint32Array, bOff: number, words: number): number {
	let ones = 0,
		twos = 0,
		fours = 0,
		w = 0;
	for (; w + 4 <= words; w += 4) {
		const x0 = a[aOff + w] ^ b[bOff + w],
			x1 = a[aOff + w + 1] ^ b[bOff + w + 1];
		const x2 = a[aOff + w + 2] ^ b[bOff + w + 2],
			x3 = a[aOff + w + 3] ^ b[bOff + w + 3];
		// CSA(ones, x0, x1) -> (ones, t0); CSA(ones, x2, x3) -> (ones, t1); CSA(twos, t0, t1) -> (twos, f).
		let u = ones ^ x0;
		const t0 = (ones & x0) | (u & x1);
		ones = u ^ x1;
		u = ones ^ x2;
		const t1 = (ones & x2) | (u & x3);
		ones = u ^ x3;
		u = twos ^ t0;
		const f = (twos & t0) | (u & t1);
		twos = u ^ t1;
		fours += POP16[f & 0xffff] + POP16[f >>> 16];
	}
	let total = 4 * fours + 2 * popcount32(twos) + popcount32(ones);
	for (; w < words; w++) total += popcount32(a[aOff + w] ^ b[bOff + w]);
	return total;
}

function checkDotArgs(a: Uint32Array, b: Uint32Array, n: number, aOff: number, bOff: number): number {
	checkCount(n, 'n');
	checkCount(aOff, 'aOff');
	checkCount(bOff, 'bOff');
	const words = wordsFor(n);
	checkRoom(a.length, aOff + words, 'a');
	checkRoom(b.length, bOff + words, 'b');
	return words;
}

/**
 * Dot product of two packed ±1 vectors of length n, in the XOR form
 *
 *     a · b = n - 2 popcount(a XOR b).
 *
 * Relies on zero tail bits in both operands (as `packSigns` writes them): a 0
 * tail XOR a 0 tail counts nothing. Rastegari et al. 2016 (XNOR-Net); Larq
 * Compute Engine's output transform.
 *
 * @param a packed words, vector starts at word aOff
 * @param b packed words, vector starts at word bOff
 * @param n number of valid elements (bits)
 * @returns an integer in [-n, n]
 * @throws RangeError if either array holds fewer than wordsFor(n) words past its offset.
 */
export function binaryDotXor(a: Uint32Array, b: Uint32Array, n: number, aOff = 0, bOff = 0): number {
	const words = checkDotArgs(a, b, n, aOff, bOff);
	return n - 2 * xorPopcount(a, aOff, b, bOff, words);
}

/**
 * Dot product of two packed ±1 vectors of length n, in the XNOR form the
 * XNOR-Net paper writes,
 *
 *     a · b = 2 popcount(a XNOR b) - n,
 *
 * counting only the n valid bits: XNOR turns the zero tails into ones, so the
 * last word is masked. Always equal to `binaryDotXor` on zero-tail operands.
 *
 * @returns an integer in [-n, n]
 * @throws RangeError if either array holds fewer than wordsFor(n) words past its offset.
 */
export function binaryDotXnor(a: Uint32Array, b: Uint32Array, n: number, aOff = 0, bOff = 0): number {
	checkDotArgs(a, b, n, aOff, bOff);
	const full = n >>> 5;
	let agree = 0;
	for (let w = 0; w < full; w++) agree += popcount32(~(a[aOff + w] ^ b[bOff + w]));
	if ((n & 31) !== 0) agree += popcount32(~(a[aOff + full] ^ b[bOff + full]) & tailMask(n));
	return 2 * agree - n;
}

/**
 * Split k-bit unsigned integers into bit planes: plane i holds bit i of every
 * value, packed with the sign-bit layout (value j at word j >>> 5, bit j & 31,
 * zero tail). Used for bit-serial products of quantised activations and weights
 * (Zhou et al. 2016, DoReFa-Net).
 *
 * @param values integers in [0, 2^bits)
 * @param bits plane count, 1..16
 * @returns `bits` arrays of wordsFor(values.length) words, least significant plane first
 * @throws RangeError if bits is out of range or a value is not an integer in [0, 2^bits).
 */
export function toBitPlanes(values: ArrayLike<number>, bits: number): Uint32Array[] {
	if (!Number.isInteger(bits) || bits < 1 || bits > 16) throw new RangeError(`bits must be an integer in 1..16, got ${bits}`);
	const n = values.length,
		words = wordsFor(n),
		limit = 2 ** bits;
	const planes = Array.from({ length: bits }, () => new Uint32Array(words));
	for (let j = 0; j < n; j++) {
		const v = values[j];
		if (!Number.isInteger(v) || v < 0 || v >= limit) throw new RangeError(`values[${j}] = ${v} is not an integer in [0, ${limit})`);
		const w = j >>> 5,
			bit = 1 << (j & 31);
		for (let i = 0; i < bits; i++) if ((v >>> i) & 1) planes[i][w] |= bit;
	}
	return planes;
}

/**
 * Reassemble n unsigned integers from bit planes (least significant first):
 * value j = Σ_i 2^i bit_j(plane i). Inverse of `toBitPlanes`.
 *
 * @param planes 1..32 planes, each with at least wordsFor(n) words
 * @throws RangeError if there are no planes, more than 32, or a plane is too short.
 */
export function fromBitPlanes(planes: readonly Uint32Array[], n: number): Uint32Array {
	checkCount(n, 'n');
	if (planes.length < 1 || planes.length > 32) throw new RangeError(`need 1..32 bit planes, got ${planes.length}`);
	const words = wordsFor(n);
	planes.forEach((p, i) => checkRoom(p.length, words, `planes[${i}]`));
	const out = new Uint32Array(n);
	for (let j = 0; j < n; j++) {
		const w = j >>> 5,
			s = j & 31;
		let v = 0;
		for (let i = 0; i < planes.length; i++) v |= ((planes[i][w] >>> s) & 1) << i;
		out[j] = v;
	}
	return out;
}

/**
 * popcount(a AND b) over `words` whole words starting at aOff and bOff: the
 * number of positions where both bit vectors are 1.
 * @throws RangeError if either range runs past its array.
 */
export function andPopcount(a: Uint32Array, b: Uint32Array, words: number, aOff = 0, bOff = 0): number {
	checkCount(words, 'words');
	checkCount(aOff, 'aOff');
	checkCount(bOff, 'bOff');
	checkRoom(a.length, aOff + words, 'a');
	checkRoom(b.length, bOff + words, 'b');
	let c = 0;
	for (let w = 0; w < words; w++) {
		const x = a[aOff + w] & b[bOff + w];
		c += POP16[x & 0xffff] + POP16[x >>> 16];
	}
	return c;
}

/**
 * Bit-serial dot product of two vectors of n unsigned integers given as bit planes
 * (DoReFa-Net, Zhou et al. 2016, eq. 3):
 *
 *     a · b = Σ_i Σ_j 2^(i+j) popcount(a_i AND b_j).
 *
 * Only the first n bits of each plane count (the last word is masked). Exact while
 * the result stays below 2^53 (always, for bits <= 16 and n < 2^20).
 *
 * @param aPlanes planes of a, least significant first, each >= wordsFor(n) words
 * @param bPlanes planes of b, likewise (the two may have different bit widths)
 * @throws RangeError if a plane is too short.
 */
export function bitSerialDot(aPlanes: readonly Uint32Array[], bPlanes: readonly Uint32Array[], n: number): number {
	checkCount(n, 'n');
	const words = wordsFor(n),
		full = n >>> 5,
		last = tailMask(n);
	aPlanes.forEach((p, i) => checkRoom(p.length, words, `aPlanes[${i}]`));
	bPlanes.forEach((p, i) => checkRoom(p.length, words, `bPlanes[${i}]`));
	let sum = 0;
	for (let i = 0; i < aPlanes.length; i++) {
		const a = aPlanes[i];
		for (let j = 0; j < bPlanes.length; j++) {
			const b = bPlanes[j];
			let c = andPopcount(a, b, full);
			if (full < words) c += popcount32(a[full] & b[full] & last);
			sum += 2 ** (i + j) * c;
		}
	}
	return sum;
}
