/**
 * Straight-through estimators: the forward pass is always the engine's sign
 * (+1 for x >= 0, -1 for x < 0); what differs is the gradient the backward pass
 * pretends sign has. Each estimator is the derivative of a smooth or piecewise
 * "surrogate" that looks like sign, used only on the way back.
 *
 * | name       | backward dL/dx                                              | surrogate                  | source                                      |
 * |------------|-------------------------------------------------------------|----------------------------|---------------------------------------------|
 * | identity   | dy                                                          | (x)                        | Bengio, Leonard, Courville 2013             |
 * | clipped    | dy * 1[|x| <= 1] (inclusive)                                | hardtanh                   | Hubara et al. 2016; Larq `ste_sign`         |
 * | approxsign | dy * (2 - 2|x|) * 1[|x| <= 1]                               | 2x - x|x|, clipped to +-1  | Liu et al. 2018 (Bi-Real Net); Larq         |
 * | swishsign  | dy * b (2 - b x tanh(b x / 2)) / (1 + cosh(b x)), b = beta  | 2 s(bx)(1 + bx(1 - s(bx)))-1 | Darabi et al. 2018; Larq `swish_sign`     |
 * | true       | 0 (the real derivative of sign away from 0)                 | (sign itself)              | for the lesson where training stalls        |
 *
 * Outside a mask the gradient is exactly 0, not dy * 0, as Larq's `tf.where`:
 * an Infinity or NaN upstream gradient does not leak through a closed gate.
 */
import { simdClipMask } from './wasm/train-simd';

/** The estimators the engine knows. */
export type EstimatorName = 'identity' | 'clipped' | 'approxsign' | 'swishsign' | 'true';

/** Every {@link EstimatorName}, in the order lessons list them. */
export const ESTIMATOR_NAMES: readonly EstimatorName[] = Object.freeze(['identity', 'clipped', 'approxsign', 'swishsign', 'true'] as const);

/** A forward/backward pair for binarising with sign. */
export interface Estimator {
	name: EstimatorName;
	/** sign(x): +1 for x >= 0 (also -0), -1 for x < 0, -1 for NaN (same as the bit packer). */
	forward(x: number): number;
	/** dL/dx given x and dL/dy. */
	backward(x: number, dy: number): number;
	/** d(surrogate)/dx, i.e. backward(x, 1). */
	grad(x: number): number;
	/**
	 * The surrogate whose derivative `backward` uses, for plotting and
	 * finite-difference checks; undefined for identity and true.
	 */
	surrogate?(x: number): number;
}

const signFwd = (x: number): number => (x >= 0 ? 1 : -1);

/**
 * SwishSign's derivative in an overflow-free form. With t = beta x and
 * e = exp(-|t|):  1 / (1 + cosh t) = 2e / (1 + e)^2  and  t tanh(t / 2) = |t| (1 - e) / (1 + e),
 * so the gradient is beta (2 - |t| (1 - e)/(1 + e)) 2e / (1 + e)^2. Larq's literal
 * formula overflows cosh for |t| > ~710 and gives NaN at |t| = Infinity; this one
 * tends to 0 and returns exactly 0 once e underflows.
 */
function swishGrad(x: number, beta: number): number {
	const at = Math.abs(beta * x);
	const e = Math.exp(-at);
	if (e === 0) return 0;
	const ope = 1 + e;
	return (beta * (2 - (at * (1 - e)) / ope) * 2 * e) / (ope * ope);
}

/** SwishSign surrogate 2 s(t)(1 + t(1 - s(t))) - 1, t = beta x, s the logistic sigmoid. */
function swishSurrogate(x: number, beta: number): number {
	const t = beta * x;
	// Saturated: s(t) (1 - s(t)) t underflows to 0 well before this, and Infinity * 0 would be NaN.
	if (t > 745) return 1;
	if (t < -745) return -1;
	const s = 1 / (1 + Math.exp(-t));
	const oms = 1 / (1 + Math.exp(t)); // 1 - s without cancellation
	return 2 * s * (1 + t * oms) - 1;
}

/**
 * Build an estimator by name. `opts.beta` is SwishSign's sharpness (default 5, as
 * Larq; must be positive and finite; ignored by the others). Its gradient at 0 is
 * beta, its surrogate overshoots +-1 a little near |x| ~ 2.4 / beta, so its
 * gradient is slightly negative beyond that and tends to 0.
 */
export function estimator(name: EstimatorName, opts: { beta?: number } = {}): Estimator {
	const est = makeEstimator(name, opts);
	builtin.add(est);
	return est;
}

// Estimators made here, whose names can be trusted to mean their definition (steBackward's fast paths).
const builtin = new WeakSet<Estimator>();

function makeEstimator(name: EstimatorName, opts: { beta?: number }): Estimator {
	switch (name) {
		case 'identity':
			return {
				name,
				forward: signFwd,
				backward: (_x, dy) => dy,
				grad: () => 1
			};
		case 'clipped':
			return {
				name,
				forward: signFwd,
				backward: (x, dy) => (Math.abs(x) <= 1 ? dy : 0),
				grad: (x) => (Math.abs(x) <= 1 ? 1 : 0),
				surrogate: (x) => (x > 1 ? 1 : x < -1 ? -1 : x)
			};
		case 'approxsign':
			return {
				name,
				forward: signFwd,
				backward: (x, dy) => {
					const ax = Math.abs(x);
					return ax <= 1 ? dy * (2 - 2 * ax) : 0;
				},
				grad: (x) => {
					const ax = Math.abs(x);
					return ax <= 1 ? 2 - 2 * ax : 0;
				},
				surrogate: (x) => (x > 1 ? 1 : x < -1 ? -1 : 2 * x - x * Math.abs(x))
			};
		case 'swishsign': {
			const beta = opts.beta ?? 5;
			if (!(beta > 0 && Number.isFinite(beta))) {
				throw new RangeError(`swishsign: beta must be positive and finite, got ${beta}`);
			}
			return {
				name,
				forward: signFwd,
				backward: (x, dy) => {
					const g = swishGrad(x, beta);
					return g === 0 ? 0 : dy * g;
				},
				grad: (x) => swishGrad(x, beta),
				surrogate: (x) => swishSurrogate(x, beta)
			};
		}
		case 'true':
			return {
				name,
				forward: signFwd,
				backward: () => 0,
				grad: () => 0
			};
		default:
			throw new RangeError(`unknown estimator ${String(name)}`);
	}
}

/**
 * Whether `est.backward(x, dy)` is exactly `dy` for every x in [-1, 1]: true for the
 * engine's own identity and clipped estimators. A caller that knows all its x lie in
 * [-1, 1] (latent weights under latent clipping) may then skip the mask, which would
 * copy dy bit for bit.
 */
export function stePassesWithinUnit(est: Estimator): boolean {
	return builtin.has(est) && (est.name === 'identity' || est.name === 'clipped');
}

/** Bulk sign: out[i] = sign(x[i]) (+1 for x >= 0). Same length; out may be x. */
export function signForward(x: Float32Array, out: Float32Array): void {
	const n = x.length;
	if (out.length !== n) throw new RangeError(`signForward: out has length ${out.length}, expected ${n}`);
	for (let i = 0; i < n; i++) out[i] = +(x[i] >= 0) * 2 - 1;
}

/**
 * Bulk backward: dx[i] = est.backward(x[i], dy[i]), overwriting dx. All three
 * arrays have the same length (any shape, flattened); dx may alias dy.
 */
export function steBackward(est: Estimator, x: Float32Array, dy: Float32Array, dx: Float32Array): void {
	const n = x.length;
	if (dy.length !== n || dx.length !== n) {
		throw new RangeError(`steBackward: lengths x ${n}, dy ${dy.length}, dx ${dx.length} differ`);
	}
	// The common gates of our own estimators get a tight loop; anything else goes through the object.
	switch (builtin.has(est) ? est.name : '') {
		case 'identity':
			if (dx !== dy) dx.set(dy);
			return;
		case 'true':
			dx.fill(0);
			return;
		case 'clipped':
			// The SIMD mask is the same bits (train.wat); the loop is its fallback.
			if (n >= 64 && simdClipMask(x, dy, dx)) return;
			// dy times a 0/1 mask, plus 0 so a masked negative dy gives +0 as the branch did: a branch
			// on |x| <= 1 mispredicts often on batch-normalised inputs (measured ~3x slower).
			for (let i = 0; i < n; i++) {
				const v = x[i];
				dx[i] = dy[i] * (+(v <= 1) & +(v >= -1)) + 0;
			}
			return;
		default:
			for (let i = 0; i < n; i++) dx[i] = est.backward(x[i], dy[i]);
	}
}
