/**
 * Loader of batch norm's WebAssembly passes (norm.wat): one {@link BatchNormKernel} per
 * layer, whose memory holds the layer's input, xhat and output between calls, so the
 * backward pass finds xhat where the forward pass left it. The passes give the bits of
 * the JavaScript loops of ../layers/batchnorm.ts (see norm.wat); where the module cannot
 * run, {@link BatchNormKernel.create} returns null and the layer keeps to those loops.
 */
import { compiledOnce } from './compile';
import { NORM_WASM_BASE64 } from './gemm.generated';
import { growTo } from './memory';

interface NormExports {
	sums(x: number, by: number, rows: number, F: number, center: number, out: number, out2: number, squared: number): void;
	norm(x: number, rows: number, F: number, mu: number, inv: number, gamma: number, beta: number, xhat: number, y: number): void;
	back(dy: number, xhat: number, rows: number, F: number, k: number, sdy: number, sdyx: number, batch: number, dx: number, plain: number): void;
}

let mode: 'auto' | 'js' = 'auto';

/**
 * 'auto' (the default): batch norm layers use the WebAssembly passes where they run; 'js'
 * keeps them to the JavaScript loops (for tests and benchmarks). A layer settles on one at
 * its first forward pass, so set this before running the layers it should apply to.
 */
export function setNormBackend(choice: 'auto' | 'js'): void {
	if (choice !== 'auto' && choice !== 'js') throw new RangeError(`unknown batch norm backend ${choice}`);
	mode = choice;
}

const module = compiledOnce(NORM_WASM_BASE64);

/** The per-feature float64 vectors, in this order, each F padded to even, from byte 0. */
const VECTORS = ['mu', 'inv', 'gamma', 'beta', 'k', 'sdy', 'sdyx', 'out', 'out2'] as const;
type Vector = (typeof VECTORS)[number];

/**
 * One layer's batch norm passes over [rows, F] matrices. Regions after the vectors, each
 * rows·F floats: A (the input x, later dx), XH (xhat) and B (the output y, later dy).
 */
export class BatchNormKernel {
	private readonly k: NormExports;
	private readonly memory: WebAssembly.Memory;
	/** Floats per vector region, F padded to even (16-byte aligned f64 pairs). */
	private readonly stride: number;
	private readonly base: number;
	private capacity = 0;
	private a = 0;
	private xh = 0;
	private b = 0;
	private rows = 0;

	private constructor(readonly F: number) {
		this.memory = new WebAssembly.Memory({ initial: 1 });
		this.k = new WebAssembly.Instance(module()!, { env: { memory: this.memory } }).exports as unknown as NormExports;
		this.stride = (F + 1) & ~1;
		this.base = VECTORS.length * this.stride * 8;
	}

	/** A kernel for F features, or null where the module cannot run (the caller keeps to JavaScript). */
	static create(F: number): BatchNormKernel | null {
		if (mode === 'js' || !module()) return null;
		try {
			return new BatchNormKernel(F);
		} catch {
			return null;
		}
	}

	private at(v: Vector): number {
		return VECTORS.indexOf(v) * this.stride * 8;
	}

	/** A float64 view of vector v (valid until the memory grows). */
	vector(v: Vector): Float64Array {
		return new Float64Array(this.memory.buffer, this.at(v), this.F);
	}

	/** Make room for `rows` rows; false when the memory cannot grow (nothing is changed). */
	private reserve(rows: number): boolean {
		if (rows <= this.capacity) return true;
		const bytes = (rows * this.F * 4 + 15) & ~15;
		if (!growTo(this.memory, this.base + 3 * bytes, 2 ** 31)) return false;
		this.capacity = rows;
		this.a = this.base;
		this.xh = this.base + bytes;
		this.b = this.base + 2 * bytes;
		return true;
	}

	/** Copy x [rows, F] into A. False when the memory cannot grow (the caller uses JavaScript). */
	load(x: Float32Array, rows: number): boolean {
		if (!this.reserve(rows)) return false;
		this.rows = rows;
		new Float32Array(this.memory.buffer, this.a, rows * this.F).set(x.subarray(0, rows * this.F));
		return true;
	}

	/** Σ_r x_rj per feature of the loaded x, or with `center` Σ_r (x_rj - center_j)²; into `out`. */
	sums(center: Float64Array | null, out: Float64Array): void {
		if (center) this.vector('mu').set(center);
		this.k.sums(this.a, 0, this.rows, this.F, this.at('mu'), this.at('out'), 0, center ? 1 : 0);
		out.set(this.vector('out'));
	}

	/**
	 * y = gamma (x - mu) inv + beta of the loaded x into `y`, keeping xhat = (x - mu) inv
	 * for {@link backward} when `keep`.
	 */
	normalize(mu: ArrayLike<number>, inv: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>, keep: boolean, y: Float32Array): void {
		this.vector('mu').set(mu);
		this.vector('inv').set(inv);
		this.vector('gamma').set(gamma);
		this.vector('beta').set(beta);
		this.k.norm(this.a, this.rows, this.F, this.at('mu'), this.at('inv'), this.at('gamma'), this.at('beta'), keep ? this.xh : 0, this.b);
		y.set(new Float32Array(this.memory.buffer, this.b, this.rows * this.F));
	}

	/**
	 * Copy dy [rows, F] in (rows as the last forward's) and give Σ_r dy_rj and Σ_r dy_rj xhat_rj
	 * per feature into sdy and sdyx.
	 */
	dySums(dy: Float32Array, sdy: Float64Array, sdyx: Float64Array): void {
		const n = this.rows * this.F;
		new Float32Array(this.memory.buffer, this.b, n).set(dy.subarray(0, n));
		this.k.sums(this.b, this.xh, this.rows, this.F, 0, this.at('out'), this.at('out2'), 0);
		sdy.set(this.vector('out'));
		sdyx.set(this.vector('out2'));
	}

	/**
	 * dx = k (batch dy - sdy - xhat sdyx) per value, or k dy when `plain`, from the dy of
	 * {@link dySums}, into dx.
	 */
	backward(k: Float64Array, sdy: Float64Array, sdyx: Float64Array, batch: number, plain: boolean, dx: Float32Array): void {
		this.vector('k').set(k);
		this.vector('sdy').set(sdy);
		this.vector('sdyx').set(sdyx);
		this.k.back(this.b, this.xh, this.rows, this.F, this.at('k'), this.at('sdy'), this.at('sdyx'), batch, this.a, plain ? 1 : 0);
		dx.set(new Float32Array(this.memory.buffer, this.a, this.rows * this.F));
	}
}
