;; Adam's update with WebAssembly SIMD, two weights per step in f64x2 lanes, the same
;; operations in the same order as the JavaScript loop of ../optim.ts, so the result is
;; identical to the bit (IEEE-754 f64 arithmetic, division and square root are exactly
;; rounded, and neither side fuses a multiply-add). Compiled by scripts/build-wasm.mjs;
;; loaded by adam-simd.ts, which keeps each parameter's moments m and s in this module's
;; memory between steps and copies only w and g in and w out.
;;
;; For i < 2 * pairs, with every array float32 and every operation f64 (promoted loads,
;; demoted stores):
;;
;;   m_i <- f32(b1 m_i + (1 - b1) g_i)
;;   s_i <- f32(b2 s_i + ((1 - b2) g_i) g_i)
;;   w_i <- f32(w_i - (lr (m_i / c1)) / (sqrt(s_i / c2) + eps))
;;   w_i <- min(max(w_i, -1), 1) in the JS form `w > 1 ? 1 : w < -1 ? -1 : w` when clip != 0
;;
;; (the clip keeps NaN and -0, as the JavaScript clip does). It returns Σ g_i² in f64
;; (even and odd i summed in the two lanes, then added), the squared gradient norm the
;; trainer reports, so no second pass reads g. The caller pads each array to whole pairs
;; with zeros; the padding's lanes compute harmless values that are never read.
;;
;; Cost: 3 f64x2.div and 1 f64x2.sqrt per pair, about 9 cycles per weight on a 2023 Xeon
;; (the divider is the bottleneck), against about 35 for the scalar JavaScript loop.
(module
	(import "env" "memory" (memory 1))

	(func (export "adam") (param $w i32) (param $g i32) (param $m i32) (param $s i32) (param $pairs i32)
		(param $b1 f64) (param $omb1 f64) (param $b2 f64) (param $omb2 f64) (param $lr f64) (param $c1 f64) (param $c2 f64)
		(param $eps f64) (param $clip i32) (result f64)
		(local $vb1 v128) (local $vomb1 v128) (local $vb2 v128) (local $vomb2 v128) (local $vlr v128)
		(local $vc1 v128) (local $vc2 v128) (local $veps v128) (local $one v128) (local $minusOne v128)
		(local $gv v128) (local $mv v128) (local $sv v128) (local $wv v128) (local $sq v128)
		(local.set $vb1 (f64x2.splat (local.get $b1)))
		(local.set $vomb1 (f64x2.splat (local.get $omb1)))
		(local.set $vb2 (f64x2.splat (local.get $b2)))
		(local.set $vomb2 (f64x2.splat (local.get $omb2)))
		(local.set $vlr (f64x2.splat (local.get $lr)))
		(local.set $vc1 (f64x2.splat (local.get $c1)))
		(local.set $vc2 (f64x2.splat (local.get $c2)))
		(local.set $veps (f64x2.splat (local.get $eps)))
		(local.set $one (f32x4.splat (f32.const 1)))
		(local.set $minusOne (f32x4.splat (f32.const -1)))
		(block $done
			(loop $pair
				(br_if $done (i32.eqz (local.get $pairs)))
				(local.set $gv (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $g))))
				(local.set $sq (f64x2.add (local.get $sq) (f64x2.mul (local.get $gv) (local.get $gv))))
				;; m <- f32(b1 m + (1 - b1) g), then read back as the float32 it now is.
				(local.set $mv (f32x4.demote_f64x2_zero
					(f64x2.add
						(f64x2.mul (local.get $vb1) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $m))))
						(f64x2.mul (local.get $vomb1) (local.get $gv)))))
				(v128.store64_lane 0 (local.get $m) (local.get $mv))
				;; s <- f32(b2 s + ((1 - b2) g) g)
				(local.set $sv (f32x4.demote_f64x2_zero
					(f64x2.add
						(f64x2.mul (local.get $vb2) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $s))))
						(f64x2.mul (f64x2.mul (local.get $vomb2) (local.get $gv)) (local.get $gv)))))
				(v128.store64_lane 0 (local.get $s) (local.get $sv))
				;; w <- f32(w - (lr (m / c1)) / (sqrt(s / c2) + eps))
				(local.set $wv (f32x4.demote_f64x2_zero
					(f64x2.sub
						(f64x2.promote_low_f32x4 (v128.load64_zero (local.get $w)))
						(f64x2.div
							(f64x2.mul (local.get $vlr) (f64x2.div (f64x2.promote_low_f32x4 (local.get $mv)) (local.get $vc1)))
							(f64x2.add (f64x2.sqrt (f64x2.div (f64x2.promote_low_f32x4 (local.get $sv)) (local.get $vc2))) (local.get $veps))))))
				;; pmin(w, 1) = 1 < w ? 1 : w; pmax(., -1) = . < -1 ? -1 : .  (NaN and -0 pass)
				(if (local.get $clip)
					(then (local.set $wv (f32x4.pmax (f32x4.pmin (local.get $wv) (local.get $one)) (local.get $minusOne)))))
				(v128.store64_lane 0 (local.get $w) (local.get $wv))
				(local.set $w (i32.add (local.get $w) (i32.const 8)))
				(local.set $g (i32.add (local.get $g) (i32.const 8)))
				(local.set $m (i32.add (local.get $m) (i32.const 8)))
				(local.set $s (i32.add (local.get $s) (i32.const 8)))
				(local.set $pairs (i32.sub (local.get $pairs) (i32.const 1)))
				(br $pair)))
		(f64.add (f64x2.extract_lane 0 (local.get $sq)) (f64x2.extract_lane 1 (local.get $sq)))))
