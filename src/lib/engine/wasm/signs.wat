;; The elementwise ±1 kernels of binary training, with WebAssembly SIMD: packing signs
;; (latent weights after an update, sign inputs in the forward pass) and the clipped
;; straight-through mask. Compiled by scripts/build-wasm.mjs; loaded by signs-simd.ts,
;; which copies the operands in and the results out.
;;
;; signrows(src, rows, cols, dst, pm) packs X [rows, cols] (float32, row-major at src) the
;; way bits.ts's packRows does: bit c & 31 of word c >>> 5 of row r's wordsFor(cols) words
;; at dst is 1 iff X_rc >= 0 (so -0 gives 1 and NaN gives 0), tail bits 0. When pm is not
;; 0 it also writes sign(X) as ±1 floats there (same layout as X). It returns how many
;; values have |x| <= 1 (NaN does not).
;;
;; Whole words go 4 values at a time: f32x4.ge against 0 and i32x4.bitmask give 4 bits,
;; f32x4.abs and f32x4.le against 1 count the window in i32x4 lanes (a true lane is -1, so
;; it is subtracted). The last, partial word of a row goes one value at a time.
;;
;; clipmask(x, dy, dx, quads) is the clipped estimator's backward pass over 4 * quads
;; values, dx = dy where |x| <= 1 and +0 elsewhere (NaN x included): dy ANDed with the
;; f32x4.le mask, the same bits as ste.ts's `v <= 1 && v >= -1 ? dy : 0`.
(module
	(import "env" "memory" (memory 1))

	(func (export "clipmask") (param $x i32) (param $dy i32) (param $dx i32) (param $quads i32)
		(local $one v128)
		(local.set $one (f32x4.splat (f32.const 1)))
		(block $done
			(loop $quad
				(br_if $done (i32.eqz (local.get $quads)))
				(v128.store (local.get $dx)
					(v128.and (v128.load (local.get $dy)) (f32x4.le (f32x4.abs (v128.load (local.get $x))) (local.get $one))))
				(local.set $x (i32.add (local.get $x) (i32.const 16)))
				(local.set $dy (i32.add (local.get $dy) (i32.const 16)))
				(local.set $dx (i32.add (local.get $dx) (i32.const 16)))
				(local.set $quads (i32.sub (local.get $quads) (i32.const 1)))
				(br $quad))))

	(func (export "signrows") (param $src i32) (param $rows i32) (param $cols i32) (param $dst i32) (param $pm i32) (result i32)
		(local $r i32) (local $c i32) (local $g i32) (local $word i32) (local $in i32) (local $x f32)
		(local $v v128) (local $ge v128) (local $acc v128) (local $zero v128) (local $one v128) (local $minusOne v128)
		(local.set $one (f32x4.splat (f32.const 1)))
		(local.set $minusOne (f32x4.splat (f32.const -1)))
		(block $doneRows
			(loop $row
				(br_if $doneRows (i32.ge_u (local.get $r) (local.get $rows)))
				(local.set $c (i32.const 0))
				;; Whole words: 8 groups of 4.
				(block $doneWords
					(loop $words
						(br_if $doneWords (i32.gt_u (i32.add (local.get $c) (i32.const 32)) (local.get $cols)))
						(local.set $word (i32.const 0))
						(local.set $g (i32.const 0))
						(loop $groups
							(local.set $v (v128.load (local.get $src)))
							(local.set $ge (f32x4.ge (local.get $v) (local.get $zero)))
							(local.set $word (i32.or (local.get $word) (i32.shl (i32x4.bitmask (local.get $ge)) (local.get $g))))
							(if (local.get $pm)
								(then
									(v128.store (local.get $pm) (v128.bitselect (local.get $one) (local.get $minusOne) (local.get $ge)))
									(local.set $pm (i32.add (local.get $pm) (i32.const 16)))))
							(local.set $acc (i32x4.sub (local.get $acc) (f32x4.le (f32x4.abs (local.get $v)) (local.get $one))))
							(local.set $src (i32.add (local.get $src) (i32.const 16)))
							(br_if $groups (i32.lt_u (local.tee $g (i32.add (local.get $g) (i32.const 4))) (i32.const 32))))
						(i32.store (local.get $dst) (local.get $word))
						(local.set $dst (i32.add (local.get $dst) (i32.const 4)))
						(local.set $c (i32.add (local.get $c) (i32.const 32)))
						(br $words)))
				;; The partial last word, if any.
				(if (i32.lt_u (local.get $c) (local.get $cols))
					(then
						(local.set $word (i32.const 0))
						(local.set $g (i32.const 0))
						(loop $tail
							(local.set $x (f32.load (local.get $src)))
							(if (local.get $pm)
								(then
									(f32.store (local.get $pm) (select (f32.const 1) (f32.const -1) (f32.ge (local.get $x) (f32.const 0))))
									(local.set $pm (i32.add (local.get $pm) (i32.const 4)))))
							(local.set $word (i32.or (local.get $word) (i32.shl (f32.ge (local.get $x) (f32.const 0)) (local.get $g))))
							(local.set $in (i32.add (local.get $in) (f32.le (f32.abs (local.get $x)) (f32.const 1))))
							(local.set $src (i32.add (local.get $src) (i32.const 4)))
							(local.set $g (i32.add (local.get $g) (i32.const 1)))
							(br_if $tail (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $cols))))
						(i32.store (local.get $dst) (local.get $word))
						(local.set $dst (i32.add (local.get $dst) (i32.const 4)))))
				(local.set $r (i32.add (local.get $r) (i32.const 1)))
				(br $row)))
		(i32.add (local.get $in)
			(i32.add
				(i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
				(i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))))
