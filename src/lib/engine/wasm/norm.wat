;; Batch norm's passes over a [rows, F] matrix (float32, row-major), two features per
;; f64x2 vector, computing exactly what the JavaScript loops of ../layers/batchnorm.ts
;; compute: every operation in float64 (float32 values promoted, results demoted once
;; at the store), in the same order, and each feature's sum over rows 0, 1, ... in turn.
;; IEEE-754 f64 arithmetic is exactly rounded on both sides and neither fuses a
;; multiply-add, so the bits are the same. Compiled by scripts/build-wasm.mjs; loaded by
;; norm-simd.ts, one instance (and memory) per layer, which keeps xhat from the forward
;; pass for the backward one.
;;
;; Row-major, as the data lies: a feature at a time would stride by F floats through the
;; whole matrix once per feature. The running sums (F f64s) stay in L1. An odd F's last
;; feature goes one value at a time. Per-feature vectors (mu, inv, gamma, ...) are f64
;; arrays of F, padded to even.
;;
;; sums(x, by, rows, F, center, out, out2, squared)
;;   by != 0:       out[j] = Σ_r x_rj,  out2[j] = Σ_r x_rj by_rj
;;   squared != 0:  out[j] = Σ_r (x_rj - center_j)²
;;   otherwise:     out[j] = Σ_r x_rj
;; norm(x, rows, F, mu, inv, gamma, beta, xhat, y)
;;   h = (x_rj - mu_j) inv_j, y_rj = gamma_j h + beta_j, and xhat_rj = h unless xhat = 0
;; back(dy, xhat, rows, F, k, sdy, sdyx, batch, dx, plain)
;;   dx_rj = k_j (batch dy_rj - sdy_j - xhat_rj sdyx_j), or k_j dy_rj when plain != 0
(module
	(import "env" "memory" (memory 1))

	(func (export "sums") (param $x i32) (param $by i32) (param $rows i32) (param $F i32) (param $center i32) (param $out i32)
		(param $out2 i32) (param $squared i32)
		(local $r i32) (local $j i32) (local $pairs i32) (local $o i32) (local $o2 i32) (local $v v128) (local $d v128) (local $s f64) (local $t f64)
		(local.set $pairs (i32.shr_u (local.get $F) (i32.const 1)))
		;; Zero the sums (and out2's, harmlessly, when it is not used).
		(block $doneZ
			(loop $zero
				(br_if $doneZ (i32.ge_u (local.get $j) (local.get $F)))
				(f64.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))) (f64.const 0))
				(if (local.get $by) (then (f64.store (i32.add (local.get $out2) (i32.shl (local.get $j) (i32.const 3))) (f64.const 0))))
				(local.set $j (i32.add (local.get $j) (i32.const 1)))
				(br $zero)))
		(block $doneR
			(loop $overR
				(br_if $doneR (i32.ge_u (local.get $r) (local.get $rows)))
				(local.set $j (i32.const 0))
				(local.set $o (local.get $out))
				(local.set $o2 (local.get $out2))
				(block $doneJ
					(loop $overJ
						(br_if $doneJ (i32.ge_u (local.get $j) (local.get $pairs)))
						(local.set $v (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $x))))
						(if (local.get $by)
							(then
								(v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (local.get $v)))
								(v128.store (local.get $o2)
									(f64x2.add (v128.load (local.get $o2)) (f64x2.mul (local.get $v) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $by)))))))
							(else
								(if (local.get $squared)
									(then
										(local.set $d (f64x2.sub (local.get $v) (v128.load (i32.add (local.get $center) (i32.shl (local.get $j) (i32.const 4))))))
										(local.set $v (f64x2.mul (local.get $d) (local.get $d)))))
								(v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (local.get $v)))))
						(local.set $x (i32.add (local.get $x) (i32.const 8)))
						(local.set $by (select (i32.add (local.get $by) (i32.const 8)) (i32.const 0) (local.get $by)))
						(local.set $o (i32.add (local.get $o) (i32.const 16)))
						(local.set $o2 (i32.add (local.get $o2) (i32.const 16)))
						(local.set $j (i32.add (local.get $j) (i32.const 1)))
						(br $overJ)))
				;; An odd F's last feature.
				(if (i32.and (local.get $F) (i32.const 1))
					(then
						(local.set $s (f64.promote_f32 (f32.load (local.get $x))))
						(if (local.get $by)
							(then
								(f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (local.get $s)))
								(f64.store (local.get $o2) (f64.add (f64.load (local.get $o2)) (f64.mul (local.get $s) (f64.promote_f32 (f32.load (local.get $by))))))
								(local.set $by (i32.add (local.get $by) (i32.const 4))))
							(else
								(if (local.get $squared)
									(then
										(local.set $t (f64.sub (local.get $s) (f64.load (i32.add (local.get $center) (i32.shl (local.get $pairs) (i32.const 4))))))
										(local.set $s (f64.mul (local.get $t) (local.get $t)))))
								(f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (local.get $s)))))
						(local.set $x (i32.add (local.get $x) (i32.const 4)))))
				(local.set $r (i32.add (local.get $r) (i32.const 1)))
				(br $overR))))

	(func (export "norm") (param $x i32) (param $rows i32) (param $F i32) (param $mu i32) (param $inv i32) (param $gamma i32) (param $beta i32)
		(param $xhat i32) (param $y i32)
		(local $r i32) (local $j i32) (local $p i32) (local $h v128) (local $s f64)
		(block $doneR
			(loop $overR
				(br_if $doneR (i32.ge_u (local.get $r) (local.get $rows)))
				(local.set $j (i32.const 0))
				(block $doneJ
					(loop $overJ
						(br_if $doneJ (i32.ge_u (local.get $j) (local.get $F)))
						(local.set $p (i32.shl (local.get $j) (i32.const 3)))
						(if (i32.lt_u (i32.add (local.get $j) (i32.const 1)) (local.get $F))
							(then
								(local.set $h
									(f64x2.mul
										(f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $x))) (v128.load (i32.add (local.get $mu) (local.get $p))))
										(v128.load (i32.add (local.get $inv) (local.get $p)))))
								(if (local.get $xhat)
									(then
										(v128.store64_lane 0 (local.get $xhat) (f32x4.demote_f64x2_zero (local.get $h)))
										(local.set $xhat (i32.add (local.get $xhat) (i32.const 8)))))
								(v128.store64_lane 0 (local.get $y)
									(f32x4.demote_f64x2_zero
										(f64x2.add (f64x2.mul (v128.load (i32.add (local.get $gamma) (local.get $p))) (local.get $h))
											(v128.load (i32.add (local.get $beta) (local.get $p))))))
								(local.set $x (i32.add (local.get $x) (i32.const 8)))
								(local.set $y (i32.add (local.get $y) (i32.const 8)))
								(local.set $j (i32.add (local.get $j) (i32.const 2))))
							(else
								(local.set $s
									(f64.mul
										(f64.sub (f64.promote_f32 (f32.load (local.get $x))) (f64.load (i32.add (local.get $mu) (local.get $p))))
										(f64.load (i32.add (local.get $inv) (local.get $p)))))
								(if (local.get $xhat)
									(then
										(f32.store (local.get $xhat) (f32.demote_f64 (local.get $s)))
										(local.set $xhat (i32.add (local.get $xhat) (i32.const 4)))))
								(f32.store (local.get $y)
									(f32.demote_f64
										(f64.add (f64.mul (f64.load (i32.add (local.get $gamma) (local.get $p))) (local.get $s))
											(f64.load (i32.add (local.get $beta) (local.get $p))))))
								(local.set $x (i32.add (local.get $x) (i32.const 4)))
								(local.set $y (i32.add (local.get $y) (i32.const 4)))
								(local.set $j (i32.add (local.get $j) (i32.const 1)))))
						(br $overJ)))
				(local.set $r (i32.add (local.get $r) (i32.const 1)))
				(br $overR))))

	(func (export "back") (param $dy i32) (param $xhat i32) (param $rows i32) (param $F i32) (param $k i32) (param $sdy i32)
		(param $sdyx i32) (param $batch f64) (param $dx i32) (param $plain i32)
		(local $r i32) (local $j i32) (local $p i32) (local $v v128) (local $bv v128) (local $s f64)
		(local.set $bv (f64x2.splat (local.get $batch)))
		(block $doneR
			(loop $overR
				(br_if $doneR (i32.ge_u (local.get $r) (local.get $rows)))
				(local.set $j (i32.const 0))
				(block $doneJ
					(loop $overJ
						(br_if $doneJ (i32.ge_u (local.get $j) (local.get $F)))
						(local.set $p (i32.shl (local.get $j) (i32.const 3)))
						(if (i32.lt_u (i32.add (local.get $j) (i32.const 1)) (local.get $F))
							(then
								(local.set $v (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $dy))))
								(if (i32.eqz (local.get $plain))
									(then
										(local.set $v
											(f64x2.sub
												(f64x2.sub (f64x2.mul (local.get $bv) (local.get $v)) (v128.load (i32.add (local.get $sdy) (local.get $p))))
												(f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $xhat))) (v128.load (i32.add (local.get $sdyx) (local.get $p))))))))
								(v128.store64_lane 0 (local.get $dx) (f32x4.demote_f64x2_zero (f64x2.mul (v128.load (i32.add (local.get $k) (local.get $p))) (local.get $v))))
								(local.set $dy (i32.add (local.get $dy) (i32.const 8)))
								(local.set $xhat (i32.add (local.get $xhat) (i32.const 8)))
								(local.set $dx (i32.add (local.get $dx) (i32.const 8)))
								(local.set $j (i32.add (local.get $j) (i32.const 2))))
							(else
								(local.set $s (f64.promote_f32 (f32.load (local.get $dy))))
								(if (i32.eqz (local.get $plain))
									(then
										(local.set $s
											(f64.sub
												(f64.sub (f64.mul (local.get $batch) (local.get $s)) (f64.load (i32.add (local.get $sdy) (local.get $p))))
												(f64.mul (f64.promote_f32 (f32.load (local.get $xhat))) (f64.load (i32.add (local.get $sdyx) (local.get $p))))))))
								(f32.store (local.get $dx) (f32.demote_f64 (f64.mul (f64.load (i32.add (local.get $k) (local.get $p))) (local.get $s))))
								(local.set $dy (i32.add (local.get $dy) (i32.const 4)))
								(local.set $xhat (i32.add (local.get $xhat) (i32.const 4)))
								(local.set $dx (i32.add (local.get $dx) (i32.const 4)))
								(local.set $j (i32.add (local.get $j) (i32.const 1)))))
						(br $overJ)))
				(local.set $r (i32.add (local.get $r) (i32.const 1)))
				(br $overR)))))
