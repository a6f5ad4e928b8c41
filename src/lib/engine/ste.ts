/**
 * Straight-through estimators: the forward pass is always the engine's sign
 * (+1 for x >= 0, -1 for x < 0); what differs is the gradient the backward pass
 * pretends sign has. Each estimator is the derivative of a smooth or piecewise
 * "surrogate" that looks like sign, used only on the way back.
 *
 * | name       | export           | backward dL/dx                                              | surrogate                    | source                                        |
 * |------------|------------------|-------------------------------------------------------------|------------------------------|-----------------------------------------------|
 * | identity   | `identitySte`    | dy                                                          | (x)                          | Hinton 2012 (lecture); Bengio et al. 2013     |
 * | clipped    | `clippedSte`     | dy * 1[|x| <= 1] (inclusive)                                | hardtanh                     | Courbariaux, Hubara et al. 2016; Larq         |
 * | approxsign | `approxSign`     | dy * (2 - 2|x|) * 1[|x| <= 1]                               | 2x - x|x|, clipped to +-1    | Liu et al. 2018 (Bi-Real Net); Larq           |
 * | swishsign  | `swishSign(b)`   | dy * b (2 - b x tanh(b x / 2)) / (1 + cosh(b x)), b = beta  | 2 s(bx)(1 + bx(1 - s(bx)))-1 | Darabi et al. 2018 (BNN+); Larq `swish_sign`  |
 * | true       | `trueGradient`   | 0 (the real derivative of sign away from 0)                 | (sign itself)                | for the lesson where training stalls          |
 *
 * `estimator(name)` looks them up by name; {@link steBackward} is the loop that applies
 * one to a whole tensor, and the only one the layers use.
 *
 * Outside a mask `backward` returns exactly 0, not dy * 0, as Larq's `tf.where`:
 * an Infinity or NaN upstream gradient does not leak through a closed gate.
 */
import { sign, type FloatArray } from './quantize';
import { simdClipMask } from './wasm/train-simd';

/** The estimators the engine knows. */
export type EstimatorName = 'identity' | 'clipped' | 'approxsign' | 'swishsign' | 'true';

/** Every {@link EstimatorName}, in the order lessons list them. */
export const ESTIMATOR_NAMES: readonly EstimatorName[] = Object.freeze(['identity', 'clipped', 'approxsign', 'swishsign', 'true'] as const);

/** A forward/backward pair for binarising with sign. */
export interface Estimator {
	readonly name: EstimatorName;
	/** sign(x): quantize.ts's {@link sign}, +1 for x >= 0 (also -0), -1 for x < 0 and for NaN (as the bit packer). */
	forward(x: number): number;
	/** dL/dx given x and dL/dy: dy times the surrogate's slope at x, and exactly 0 where that slope is 0. */
	backward(x: number, dy: number): number;
	/**
	 * The surrogate whose derivative `backward` uses, for plotting and
	 * finite-difference checks; undefined for identity and true.
	 */
	surrogate?(x: number): number;
}

// Estimators defined here, whose names can be trusted to mean their definition (steBackward's fast paths).
const builtin = new WeakSet<Estimator>();

/** Register one of the engine's own estimators (frozen: they are shared by every model). */
function define(e: Estimator): Estimator {
	builtin.add(Object.freeze(e));
	return e;
}

/**
 * The identity straight-through estimator: the backward pass treats sign as the identity,
 *
 *     dL/dx = dL/dy        for every x (surrogate: x itself).
 *
 * Hinton's straight-through idea (Coursera lecture 15b, 2012), studied by Bengio, Léonard
 * and Courville 2013 ("Estimating or propagating gradients through stochastic neurons").
 */
export const identitySte: Estimator = define({
	name: 'identity',
	forward: sign,
	backward: (_x, dy) => dy
});

/**
 * The clipped straight-through estimator, the derivative of hardtanh:
 *
 *     dL/dx = dL/dy · 1[|x| <= 1]        (inclusive; surrogate: clip(x, -1, 1)).
 *
 * BinaryNet (Courbariaux, Hubara et al. 2016; Hubara et al. 2016), Larq's `ste_sign`. The
 * engine's default: it stops the gradient of values far from the threshold.
 */
export const clippedSte: Estimator = define({
	name: 'clipped',
	forward: sign,
	backward: (x, dy) => (Math.abs(x) <= 1 ? dy : 0),
	surrogate: (x) => (x > 1 ? 1 : x < -1 ? -1 : x)
});

/**
 * ApproxSign, the derivative of the piecewise quadratic 2x - x|x| on [-1, 1]:
 *
 *     dL/dx = dL/dy · (2 - 2|x|) · 1[|x| <= 1]        (surrogate: 2x - x|x|, clipped to ±1).
 *
 * Bi-Real Net (Liu et al. 2018); Larq's `approx_sign`. Closer to sign than hardtanh, so
 * its gradient peaks at 2 near 0 and falls to 0 at |x| = 1.
 */
export const approxSign: Estimator = define({
	name: 'approxsign',
	forward: sign,
	backward: (x, dy) => {
		const ax = Math.abs(x);
		return ax <= 1 ? dy * (2 - 2 * ax) : 0;
	},
	surrogate: (x) => (x > 1 ? 1 : x < -1 ? -1 : 2 * x - x * Math.abs(x))
});

/**
 * SwishSign with sharpness beta (default 5, as Larq), the derivative of
 * 2 s(bx)(1 + bx(1 - s(bx))) - 1 with s the logistic sigmoid and b = beta:
 *
 *     dL/dx = dL/dy · b (2 - b x tanh(b x / 2)) / (1 + cosh(b x)),
 *
 * computed in an overflow-free form (exactly 0 once it underflows). BNN+ (Darabi et al.
 * 2018); Larq's `swish_sign`. Its gradient at 0 is beta; its surrogate overshoots ±1 a
 * little near |x| ~ 2.4 / beta, so the gradient is slightly negative beyond that and tends to 0.
 *
 * @throws RangeError unless beta is positive and finite.
 */
export function swishSign(beta = 5): Estimator {
	if (!(beta > 0 && Number.isFinite(beta))) {
		throw new RangeError(`swishsign: beta must be positive and finite, got ${beta}`);
	}
	return define({
		name: 'swishsign',
		forward: sign,
		backward: (x, dy) => {
			const g = swishGrad(x, beta);
			return g === 0 ? 0 : dy * g;
		},
		surrogate: (x) => swishSurrogate(x, beta)
	});
}

/**
 * The true derivative of sign: 0 wherever it exists (everywhere but at 0), so
 *
 *     dL/dx = 0.
 *
 * No gradient reaches anything before a sign: the lesson where training stalls.
 */
export const trueGradient: Estimator = define({
	name: 'true',
	forward: sign,
	backward: () => 0
});

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
 * The estimator called `name`: {@link identitySte}, {@link clippedSte}, {@link approxSign},
 * {@link swishSign}(opts.beta) or {@link trueGradient}. `opts.beta` is SwishSign's
 * sharpness (default 5; ignored by the others).
 *
 * @throws RangeError for an unknown name or an invalid beta.
 */
export function estimator(name: EstimatorName, opts: { beta?: number } = {}): Estimator {
	switch (name) {
		case 'identity':
			return identitySte;
		case 'clipped':
			return clippedSte;
		case 'approxsign':
			return approxSign;
		case 'swishsign':
			return swishSign(opts.beta ?? 5);
		case 'true':
			return trueGradient;
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

/**
 * The straight-through loop every layer calls on its way back through a sign: for each
 * element, dx[i] = est.backward(x[i], dy[i]), overwriting dx. x, dy and dx have the same
 * length (any shape, flattened); dx may alias dy. Float32Array or Float64Array alike (the
 * M-base weights pass their shifted weights in float64, so the windows are not rounded).
 *
 * Used for sign inputs (dL/dx) and for binary, scaled and M-base latent weights
 * (layers/weights.ts), in the dense and the conv layer alike. The clipped case computes
 * dy · 1[|x| <= 1] + 0 without a branch, the same value as `backward` for every finite
 * dy (a non-finite dy outside the window gives NaN in the JavaScript loop).
 */
export function steBackward(est: Estimator, x: FloatArray, dy: FloatArray, dx: FloatArray): void {
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
			if (n >= 64 && x instanceof Float32Array && dy instanceof Float32Array && dx instanceof Float32Array && simdClipMask(x, dy, dx)) return;
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
