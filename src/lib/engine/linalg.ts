/**
 * A small dense solver for the normal equations of ABC-Net's least-squares
 * scales (Lin, Zhao, Pan 2017): n is the number of bases, at most about 8, so
 * everything is O(n^3) on tiny matrices and the cost is negligible next to the
 * pass over the weights that builds them.
 */

// Scratch reused across calls: the solver runs every training step and the
// matrices are tiny, so there is no reason to allocate. JS is single-threaded
// per worker, so one module-level buffer is safe.
let scratch = new Float64Array(0);

function work(size: number): Float64Array {
	if (scratch.length < size) scratch = new Float64Array(Math.max(size, 2 * scratch.length, 64));
	return scratch;
}

/** Relative size below which a Cholesky pivot or an eigenvalue is treated as zero. */
export const SINGULAR_RTOL = 1e-10;

/**
 * Solve A x = b for a symmetric n x n matrix A (row-major, both triangles read,
 * length n * n) and b of length n. A and b are not modified. Returns `out`
 * (length n) or a new Float64Array.
 *
 * Method: Cholesky (A = L L^T) when A is positive definite with every pivot above
 * SINGULAR_RTOL times its diagonal entry, which is the case for the Gram matrix
 * B^T B of linearly independent bases. Otherwise (singular or nearly so, e.g. two
 * identical bases when W is constant or tiny, or an indefinite A) it falls back to
 * the Moore-Penrose pseudo-inverse from a cyclic Jacobi eigen-decomposition,
 * dropping eigenvalues with |lambda| <= SINGULAR_RTOL * max |lambda|. For normal
 * equations A = B^T B, b = B^T w that is the minimum-norm least-squares solution
 * of B x ~ w: duplicated bases share their scale equally, and the fit
 * B x is still the orthogonal projection of w. No ridge is added, so a
 * well-posed system gets its exact solution.
 */
export function solveSymmetric(A: Float64Array, b: Float64Array, n: number, out?: Float64Array): Float64Array {
	if (!Number.isInteger(n) || n < 0) throw new RangeError(`solveSymmetric: n must be a non-negative integer, got ${n}`);
	if (A.length !== n * n) throw new RangeError(`solveSymmetric: A has length ${A.length}, expected ${n * n}`);
	if (b.length !== n) throw new RangeError(`solveSymmetric: b has length ${b.length}, expected ${n}`);
	const x = out ?? new Float64Array(n);
	if (x.length !== n) throw new RangeError(`solveSymmetric: out has length ${x.length}, expected ${n}`);
	if (!cholesky(A, b, n, x)) pseudoInverseSolve(A, b, n, x);
	return x;
}

function cholesky(A: Float64Array, b: Float64Array, n: number, x: Float64Array): boolean {
	const L = work(n * n + n);
	const yOff = n * n;
	for (let j = 0; j < n; j++) {
		let d = A[j * n + j];
		const ajj = d;
		for (let k = 0; k < j; k++) d -= L[j * n + k] * L[j * n + k];
		// Also rejects NaN: a NaN system goes to the eigen path, which returns NaN honestly.
		if (!(ajj > 0 && d > SINGULAR_RTOL * ajj)) return false;
		const ljj = Math.sqrt(d);
		L[j * n + j] = ljj;
		for (let i = j + 1; i < n; i++) {
			let s = A[i * n + j];
			for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
			L[i * n + j] = s / ljj;
		}
	}
	// Forward substitution L y = b, then back substitution L^T x = y.
	for (let i = 0; i < n; i++) {
		let s = b[i];
		for (let k = 0; k < i; k++) s -= L[i * n + k] * L[yOff + k];
		L[yOff + i] = s / L[i * n + i];
	}
	for (let i = n - 1; i >= 0; i--) {
		let s = L[yOff + i];
		for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
		x[i] = s / L[i * n + i];
	}
	return true;
}

/**
 * Eigen-decompose a symmetric matrix by cyclic Jacobi rotations.
 * Writes eigenvalues to the diagonal of `a` (overwritten) and eigenvectors as the
 * columns of `V` (row-major n x n).
 */
function jacobiEigen(a: Float64Array, aOff: number, V: Float64Array, vOff: number, n: number): void {
	for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) V[vOff + i * n + j] = i === j ? 1 : 0;
	for (let sweep = 0; sweep < 100; sweep++) {
		let off = 0,
			diag = 0;
		for (let p = 0; p < n; p++) {
			diag += a[aOff + p * n + p] ** 2;
			for (let q = p + 1; q < n; q++) off += a[aOff + p * n + q] ** 2;
		}
		if (!(off > 1e-30 * diag) || off === 0) return;
		for (let p = 0; p < n - 1; p++) {
			for (let q = p + 1; q < n; q++) {
				const apq = a[aOff + p * n + q];
				if (apq === 0) continue;
				const theta = (a[aOff + q * n + q] - a[aOff + p * n + p]) / (2 * apq);
				const at = Math.abs(theta);
				// Smaller root of t^2 + 2 theta t - 1 = 0, so the rotation angle is at most pi/4.
				let t = at > 1e150 ? 1 / (2 * theta) : 1 / (at + Math.sqrt(theta * theta + 1));
				if (theta < 0 && at <= 1e150) t = -t;
				const c = 1 / Math.sqrt(t * t + 1);
				const s = t * c;
				for (let k = 0; k < n; k++) {
					const kp = aOff + k * n + p,
						kq = aOff + k * n + q;
					const akp = a[kp],
						akq = a[kq];
					a[kp] = c * akp - s * akq;
					a[kq] = s * akp + c * akq;
				}
				for (let k = 0; k < n; k++) {
					const pk = aOff + p * n + k,
						qk = aOff + q * n + k;
					const apk = a[pk],
						aqk = a[qk];
					a[pk] = c * apk - s * aqk;
					a[qk] = s * apk + c * aqk;
				}
				for (let k = 0; k < n; k++) {
					const kp = vOff + k * n + p,
						kq = vOff + k * n + q;
					const vkp = V[kp],
						vkq = V[kq];
					V[kp] = c * vkp - s * vkq;
					V[kq] = s * vkp + c * vkq;
				}
				// The rotation was chosen to zero this pair; store the exact zero rather than rounding noise.
				a[aOff + p * n + q] = 0;
				a[aOff + q * n + p] = 0;
			}
		}
	}
}

function pseudoInverseSolve(A: Float64Array, b: Float64Array, n: number, x: Float64Array): void {
	const w = work(2 * n * n + n);
	const aOff = 0,
		vOff = n * n,
		cOff = 2 * n * n;
	for (let i = 0; i < n * n; i++) w[aOff + i] = A[i];
	jacobiEigen(w, aOff, w, vOff, n);
	let maxAbs = 0;
	for (let i = 0; i < n; i++) maxAbs = Math.max(maxAbs, Math.abs(w[aOff + i * n + i]));
	const tol = SINGULAR_RTOL * maxAbs;
	// c = diag(1/lambda) V^T b over the kept eigenvalues, then x = V c.
	for (let j = 0; j < n; j++) {
		const lambda = w[aOff + j * n + j];
		let s = 0;
		for (let k = 0; k < n; k++) s += w[vOff + k * n + j] * b[k];
		w[cOff + j] = Math.abs(lambda) > tol ? s / lambda : Number.isNaN(lambda + s) ? NaN : 0;
	}
	for (let i = 0; i < n; i++) {
		let s = 0;
		for (let j = 0; j < n; j++) s += w[vOff + i * n + j] * w[cOff + j];
		x[i] = s;
	}
}
