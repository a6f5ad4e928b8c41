/**
 * Optimisers over a model's {@link Param}s. `step()` reads each param's `grad` and
 * updates its `value` in place. Each update rule is one function over one tensor
 * ({@link sgdStep}, {@link adamStep}, {@link bopStep}); {@link createOptimizer} keeps the
 * state (velocities, moments, the step count) and applies the rule the config names:
 *
 * - SGD with momentum (PyTorch form): v <- mu v + g; w <- w - lr v.
 * - Adam (Kingma & Ba 2015): m <- b1 m + (1-b1) g; s <- b2 s + (1-b2) g^2;
 *   w <- w - lr m_hat / (sqrt(s_hat) + eps), with bias-corrected m_hat, s_hat; moments
 *   that fall below float32's smallest normal (2^-126) are flushed to 0.
 * - Bop (Helwegen et al. 2019), for latent (binary) weights only: m <- m + gamma (g - m);
 *   w <- -w where sign(w) m > tau. Binary weights carry no magnitudes, only signs. Every
 *   other parameter is updated by Adam at `lr`, as Larq pairs Bop with Adam.
 */
import type { OptimizerConfig } from './config';
import type { Param } from './layers/types';
import { sign } from './quantize';
import { AdamState, simdTrainAvailable, type PackedSigns } from './wasm/train-simd';

export interface Optimizer {
	readonly config: OptimizerConfig;
	/** Apply one update to every param from its current `grad`. */
	step(): void;
	/** Number of updates applied so far. */
	readonly steps: number;
	/**
	 * Σ g² of each param's gradient (same order as the params) as read by the last step,
	 * where the step's kernel summed it on the way (Adam on WebAssembly); NaN where it did not.
	 */
	readonly gradSquares: Float64Array;
	/**
	 * The signs of a param named in {@link OptimizerOptions.packSigns}, packed by the last
	 * step while the updated values were in the kernel's memory (Adam on WebAssembly), and
	 * the count of |w| <= 1; null where the step did not pack them. Valid until the next step.
	 */
	packedSigns(p: Param): PackedSigns | null;
}

/** 2^-126, the smallest normal float32: Adam's moments below it are flushed to 0. */
const F32_MIN_NORMAL = 2 ** -126;

/**
 * One SGD-with-momentum update of a tensor w from its gradient g, PyTorch's form:
 *
 *     v <- mu v + g;   w <- w - lr v.
 *
 * Stochastic gradient descent (Robbins & Monro 1951) with heavy-ball momentum (Polyak
 * 1964). w, g and the velocity v have the same length; v and w are updated in place.
 */
export function sgdStep(w: Float32Array, g: Float32Array, v: Float32Array, lr: number, mu: number): void {
	for (let i = 0; i < w.length; i++) {
		v[i] = mu * v[i] + g[i];
		w[i] -= lr * v[i];
	}
}

/**
 * One Adam update of a tensor w from its gradient g (Kingma & Ba 2015, Algorithm 1):
 *
 *     m <- b1 m + (1 - b1) g;   s <- b2 s + (1 - b2) g²;
 *     w <- w - lr (m / c1) / (sqrt(s / c2) + eps),   c1 = 1 - b1^t, c2 = 1 - b2^t,
 *
 * the bias corrections c1, c2 of step t given by the caller. Moments that fall below
 * float32's smallest normal (2^-126) are flushed to 0 (subnormals stall x86 conversions in
 * the WebAssembly kernel, and the update they would make rounds away). train.wat's `adam`
 * does exactly these operations in this order, two weights at a time, so the two agree to
 * the bit. w, g and the moments m, s have the same length; w, m and s are updated in place.
 */
export function adamStep(
	w: Float32Array,
	g: Float32Array,
	m: Float32Array,
	s: Float32Array,
	lr: number,
	b1: number,
	b2: number,
	c1: number,
	c2: number,
	eps: number
): void {
	for (let i = 0; i < w.length; i++) {
		const gi = g[i];
		const mi = b1 * m[i] + (1 - b1) * gi;
		const si = b2 * s[i] + (1 - b2) * gi * gi;
		m[i] = Math.abs(mi) < F32_MIN_NORMAL ? 0 : mi;
		s[i] = Math.abs(si) < F32_MIN_NORMAL ? 0 : si;
		w[i] -= (lr * (m[i] / c1)) / (Math.sqrt(s[i] / c2) + eps);
	}
}

/**
 * One Bop update of latent binary weights w from their gradient g (Helwegen et al. 2019,
 * "Latent weights do not exist", Algorithm 1):
 *
 *     m <- m + gamma (g - m);   w <- -w where sign(w) · m > tau,
 *
 * an exponential moving average of the gradient, and a flip of every weight the average
 * pushes against its sign by more than the threshold tau. Only the sign of a binary weight
 * exists for Bop, so the test uses sign(w) (quantize.ts's, +1 at 0) and the threshold is the
 * same for every weight whatever its latent size; a weight at 0 (or -0) flips to -1. w, g
 * and m have the same length; w and m are updated in place.
 */
export function bopStep(w: Float32Array, g: Float32Array, m: Float32Array, gamma: number, tau: number): void {
	for (let i = 0; i < w.length; i++) {
		m[i] += gamma * (g[i] - m[i]);
		if (sign(w[i]) * m[i] > tau) w[i] = w[i] === 0 ? -1 : -w[i];
	}
}

export interface OptimizerOptions {
	/**
	 * Clip latent params to [-1, 1] right after their update, in the same pass
	 * ({@link clipLatent}'s rule). Ignored by Bop, which flips latent weights instead.
	 */
	clipLatent?: boolean;
	/**
	 * Adam's kernel: 'auto' (default) runs it on WebAssembly SIMD where available, 'js'
	 * forces the JavaScript loop. Both give the same bits.
	 */
	kernel?: 'auto' | 'js';
	/**
	 * Latent params whose signs the step should pack by rows, [rows, cols], while their
	 * updated values are in the kernel (see {@link Optimizer.packedSigns}): what a binary
	 * layer needs next, without a pass of its own.
	 */
	packSigns?: ReadonlyMap<Param, { rows: number; cols: number }>;
}

/**
 * An optimiser over `params`. Adam (and Bop's Adam for float params) runs on the
 * WebAssembly kernel of ./wasm/train.wat where it is available: f64x2 lanes doing the
 * JavaScript loop's operations in its order, so the weights are identical to the bit,
 * at about a quarter of the time (the moments live in the kernel's memory).
 */
export function createOptimizer(params: Param[], config: OptimizerConfig, opts: OptimizerOptions = {}): Optimizer {
	let t = 0;
	const gradSquares = new Float64Array(params.length).fill(NaN);
	const signs = new Map<Param, PackedSigns>();
	const packedSigns = (p: Param): PackedSigns | null => signs.get(p) ?? null;
	const clip = !!opts.clipLatent && config.type !== 'bop';
	const clipIfLatent = (p: Param): void => {
		if (clip && p.role === 'latent') clipLatent([p]);
	};
	/** The optimiser object around one rule: `update` runs after the step count moves. */
	const optimizer = (update: () => void): Optimizer => ({
		config,
		gradSquares,
		packedSigns,
		get steps() {
			return t;
		},
		step() {
			t++;
			update();
		}
	});
	if (config.type === 'sgd') {
		const mu = config.momentum ?? 0.9;
		const vel = params.map((p) => new Float32Array(p.value.length));
		return optimizer(() => {
			for (let k = 0; k < params.length; k++) {
				sgdStep(params[k].value, params[k].grad, vel[k], config.lr, mu);
				clipIfLatent(params[k]);
			}
		});
	}
	const b1 = config.type === 'adam' ? (config.beta1 ?? 0.9) : 0.9;
	const b2 = config.type === 'adam' ? (config.beta2 ?? 0.999) : 0.999;
	const eps = config.type === 'adam' ? (config.epsilon ?? 1e-8) : 1e-8;
	const bop = config.type === 'bop';
	const gamma = config.type === 'bop' ? (config.gamma ?? 1e-4) : 0;
	const tau = config.type === 'bop' ? (config.tau ?? 1e-8) : 0;
	// Bop's latent weights keep only m; every other param has Adam's two moments.
	const adamOf = (p: Param): boolean => !(bop && p.role === 'latent');
	const wasm = opts.kernel !== 'js' && simdTrainAvailable() ? new AdamState(params.map((p) => (adamOf(p) ? p.value.length : 0))) : null;
	const state = params.map((p, k) =>
		wasm && adamOf(p) ? wasm.moments(k) : { m: new Float32Array(p.value.length), s: new Float32Array(adamOf(p) ? p.value.length : 0) }
	);
	return optimizer(() => {
		const c1 = 1 - Math.pow(b1, t),
			c2 = 1 - Math.pow(b2, t);
		const lr = config.lr;
		for (let k = 0; k < params.length; k++) {
			const { value: w, grad: g, role } = params[k];
			const { m, s } = state[k];
			if (bop && role === 'latent') {
				bopStep(w, g, m, gamma, tau);
				continue;
			}
			if (wasm) {
				gradSquares[k] = wasm.step(k, w, g, b1, b2, lr, c1, c2, eps, clip && role === 'latent');
				const shape = opts.packSigns?.get(params[k]);
				if (shape) {
					const packed = wasm.signsOfLast(k, shape.rows, shape.cols);
					const kept = signs.get(params[k]);
					// Copied out: the kernel's words region is reused by the next param's packing.
					if (kept && kept.words.length === packed.words.length) {
						kept.words.set(packed.words);
						kept.inside = packed.inside;
					} else signs.set(params[k], { words: packed.words.slice(), inside: packed.inside });
				}
				continue;
			}
			// train.wat's adam does adamStep's operations, in its order, two weights at a time.
			adamStep(w, g, m, s, lr, b1, b2, c1, c2, eps);
			clipIfLatent(params[k]);
		}
	});
}

/** Clip latent weights to [-1, 1] (Courbariaux et al. 2016), so a sign can always flip back. */
export function clipLatent(params: Param[]): void {
	for (const p of params) {
		if (p.role !== 'latent') continue;
		const w = p.value;
		for (let i = 0; i < w.length; i++) w[i] = w[i] > 1 ? 1 : w[i] < -1 ? -1 : w[i];
	}
}
