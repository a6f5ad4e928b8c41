/**
 * Little-endian byte writing and bounds-checked reading, for the packed model file.
 * Reading past the end throws a {@link FormatError} that says the file is truncated.
 */

/** A model file or data asset that cannot be read; the message says why in plain words. */
export class FormatError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'FormatError';
	}
}

/** Appends little-endian values to a growing buffer. */
export class ByteWriter {
	private buf = new Uint8Array(1024);
	private view = new DataView(this.buf.buffer);
	length = 0;

	private ensure(extra: number): void {
		if (this.length + extra <= this.buf.length) return;
		let cap = this.buf.length * 2;
		while (cap < this.length + extra) cap *= 2;
		const next = new Uint8Array(cap);
		next.set(this.buf.subarray(0, this.length));
		this.buf = next;
		this.view = new DataView(next.buffer);
	}

	u8(v: number): void {
		this.ensure(1);
		this.view.setUint8(this.length, v);
		this.length += 1;
	}
	u16(v: number): void {
		this.ensure(2);
		this.view.setUint16(this.length, v, true);
		this.length += 2;
	}
	u32(v: number): void {
		this.ensure(4);
		this.view.setUint32(this.length, v >>> 0, true);
		this.length += 4;
	}
	bytes(b: Uint8Array): void {
		this.ensure(b.length);
		this.buf.set(b, this.length);
		this.length += b.length;
	}
	f32s(a: ArrayLike<number>): void {
		this.ensure(a.length * 4);
		for (let i = 0; i < a.length; i++) this.view.setFloat32(this.length + 4 * i, a[i], true);
		this.length += a.length * 4;
	}
	u32s(a: ArrayLike<number>): void {
		this.ensure(a.length * 4);
		for (let i = 0; i < a.length; i++) this.view.setUint32(this.length + 4 * i, a[i] >>> 0, true);
		this.length += a.length * 4;
	}
	/** The bytes written so far (a copy). */
	finish(): Uint8Array {
		return this.buf.slice(0, this.length);
	}
}

/** Reads little-endian values, throwing a FormatError instead of reading past the end. */
export class ByteReader {
	private view: DataView;
	offset = 0;
	constructor(
		private readonly b: Uint8Array,
		private readonly end = b.length
	) {
		this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
	}
	private need(n: number, what: string): void {
		if (this.offset + n > this.end)
			throw new FormatError(`truncated file: needed ${n} more bytes for ${what} at byte ${this.offset}, but only ${this.end - this.offset} remain`);
	}
	get remaining(): number {
		return this.end - this.offset;
	}
	u8(what = 'a byte'): number {
		this.need(1, what);
		return this.view.getUint8(this.offset++);
	}
	u16(what = 'a 16-bit field'): number {
		this.need(2, what);
		const v = this.view.getUint16(this.offset, true);
		this.offset += 2;
		return v;
	}
	u32(what = 'a 32-bit field'): number {
		this.need(4, what);
		const v = this.view.getUint32(this.offset, true);
		this.offset += 4;
		return v;
	}
	bytes(n: number, what = 'bytes'): Uint8Array {
		this.need(n, what);
		const v = this.b.subarray(this.offset, this.offset + n);
		this.offset += n;
		return v;
	}
	f32s(out: Float32Array, what = 'float values'): Float32Array {
		this.need(out.length * 4, what);
		for (let i = 0; i < out.length; i++) out[i] = this.view.getFloat32(this.offset + 4 * i, true);
		this.offset += out.length * 4;
		return out;
	}
	u32s(out: Uint32Array, what = 'packed words'): Uint32Array {
		this.need(out.length * 4, what);
		for (let i = 0; i < out.length; i++) out[i] = this.view.getUint32(this.offset + 4 * i, true);
		this.offset += out.length * 4;
		return out;
	}
}
