;; The elementwise kernels of a training step, with WebAssembly SIMD: Adam's update, sign
;; packing, the clipped straight-through mask, max-pooling and a conv layer's window copies.
;; Compiled by scripts/build-wasm.mjs; loaded by train-simd.ts, once per memory: an Adam
;; optimiser's instance keeps the moments m, s of its parameters in its own memory and
;; packs the signs of the latent weights it has just updated where they lie (no copy); a
;; shared instance serves the rest, and sparse.wat's kernels run in its memory too.
;;
;; adam(w, g, m, s, pairs, b1, 1 - b1, b2, 1 - b2, lr, c1, c2, eps, clip) -> Σ g²
;;
;; Adam, two weights per step in f64x2 lanes, the same operations in the same order as
;; the JavaScript loop of ../optim.ts, so the result is identical to the bit (IEEE-754 f64
;; arithmetic, division and square root are exactly rounded, and neither side fuses a
;; multiply-add). For i < 2 * pairs, with every array float32 and every operation f64
;; (promoted loads, demoted stores):
;;
;;   m_i <- f32(flush(b1 m_i + (1 - b1) g_i))
;;   s_i <- f32(flush(b2 s_i + ((1 - b2) g_i) g_i))
;;   w_i <- f32(w_i - (lr (m_i / c1)) / (sqrt(s_i / c2) + eps))
;;   w_i <- min(max(w_i, -1), 1) in the JS form `w > 1 ? 1 : w < -1 ? -1 : w` when clip != 0
;;
;; where flush(v) = 0 if |v| < 2^-126 (the smallest normal float32), else v: a moment whose
;; gradient stays exactly 0 (input columns that are constant over a batch, through batch
;; norm) decays by b1 every step into float32's subnormal range, and subnormal operands
;; cost x86 a microcode assist in every conversion: with 2% of a layer's moments subnormal
;; this loop measured 4-5x slower. The flushed values are below 2^-126, so the update they
;; would have made to w (lr m / sqrt(s)) rounds away. The clip keeps NaN and -0, as the
;; JavaScript clip does. It returns Σ g_i² in f64
;; (even and odd i summed in the two lanes, then added), the squared gradient norm the
;; trainer reports, so no second pass reads g. The caller pads each array to whole pairs
;; with zeros; the padding's lanes compute harmless values that are never read.
;;
;; Cost: 3 f64x2.div and 1 f64x2.sqrt per pair, about 9 cycles per weight on a 2023 Xeon
;; (the divider is the bottleneck), against about 35 for the scalar JavaScript loop.
;;
;; signrows(src, rows, cols, dst, pm) packs X [rows, cols] (float32, row-major at src) the
;; way bits.ts's packRows does: bit c & 31 of word c >>> 5 of row r's wordsFor(cols) words
;; at dst is 1 iff X_rc >= 0 (so -0 gives 1 and NaN gives 0), tail bits 0. When pm is not
;; 0 it also writes sign(X) as ±1 floats there (same layout as X). It returns how many
;; values have |x| <= 1 (NaN does not).
;;
;; maxpool(x, y, arg, batch, h, w, c, k, stride, oh, ow, base): the max-pooling layer's forward
;; pass, four channels per vector; im2col and col2im, a conv layer's window copies and their
;; adjoint, four channels per vector and the rest one by one (see the functions).
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

	(func (export "adam") (param $w i32) (param $g i32) (param $m i32) (param $s i32) (param $pairs i32)
		(param $b1 f64) (param $omb1 f64) (param $b2 f64) (param $omb2 f64) (param $lr f64) (param $c1 f64) (param $c2 f64)
		(param $eps f64) (param $clip i32) (result f64)
		(local $vb1 v128) (local $vomb1 v128) (local $vb2 v128) (local $vomb2 v128) (local $vlr v128)
		(local $vc1 v128) (local $vc2 v128) (local $veps v128) (local $one v128) (local $minusOne v128)
		(local $gv v128) (local $mv v128) (local $sv v128) (local $wv v128) (local $sq v128) (local $t v128) (local $tiny v128)
		(local.set $vb1 (f64x2.splat (local.get $b1)))
		(local.set $vomb1 (f64x2.splat (local.get $omb1)))
		(local.set $vb2 (f64x2.splat (local.get $b2)))
		(local.set $vomb2 (f64x2.splat (local.get $omb2)))
		(local.set $vlr (f64x2.splat (local.get $lr)))
		(local.set $vc1 (f64x2.splat (local.get $c1)))
		(local.set $vc2 (f64x2.splat (local.get $c2)))
		(local.set $veps (f64x2.splat (local.get $eps)))
		;; The clip bounds: ±1, or ±Infinity (pmin/pmax then return w unchanged, NaN and -0
		;; included) so the loop has no branch: an `if` around the clip in the loop measured
		;; 10-20% slower on a binary layer's weights.
		(local.set $one (f32x4.splat (select (f32.const 1) (f32.const inf) (local.get $clip))))
		(local.set $minusOne (f32x4.splat (select (f32.const -1) (f32.const -inf) (local.get $clip))))
		(local.set $tiny (f64x2.splat (f64.const 0x1p-126)))
		(block $done
			(loop $pair
				(br_if $done (i32.eqz (local.get $pairs)))
				(local.set $gv (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $g))))
				(local.set $sq (f64x2.add (local.get $sq) (f64x2.mul (local.get $gv) (local.get $gv))))
				;; m <- f32(flush(b1 m + (1 - b1) g)), then read back as the float32 it now is.
				(local.set $t (f64x2.add
					(f64x2.mul (local.get $vb1) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $m))))
					(f64x2.mul (local.get $vomb1) (local.get $gv))))
				(local.set $mv (f32x4.demote_f64x2_zero
					(v128.andnot (local.get $t) (f64x2.lt (f64x2.abs (local.get $t)) (local.get $tiny)))))
				(v128.store64_lane 0 (local.get $m) (local.get $mv))
				;; s <- f32(flush(b2 s + ((1 - b2) g) g))
				(local.set $t (f64x2.add
					(f64x2.mul (local.get $vb2) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $s))))
					(f64x2.mul (f64x2.mul (local.get $vomb2) (local.get $gv)) (local.get $gv))))
				(local.set $sv (f32x4.demote_f64x2_zero
					(v128.andnot (local.get $t) (f64x2.lt (f64x2.abs (local.get $t)) (local.get $tiny)))))
				(v128.store64_lane 0 (local.get $s) (local.get $sv))
				;; w <- f32(w - (lr (m / c1)) / (sqrt(s / c2) + eps))
				(local.set $wv (f32x4.demote_f64x2_zero
					(f64x2.sub
						(f64x2.promote_low_f32x4 (v128.load64_zero (local.get $w)))
						(f64x2.div
							(f64x2.mul (local.get $vlr) (f64x2.div (f64x2.promote_low_f32x4 (local.get $mv)) (local.get $vc1)))
							(f64x2.add (f64x2.sqrt (f64x2.div (f64x2.promote_low_f32x4 (local.get $sv)) (local.get $vc2))) (local.get $veps))))))
				;; pmin(w, 1) = 1 < w ? 1 : w; pmax(., -1) = . < -1 ? -1 : .  (NaN and -0 pass)
				(local.set $wv (f32x4.pmax (f32x4.pmin (local.get $wv) (local.get $one)) (local.get $minusOne)))
				(v128.store64_lane 0 (local.get $w) (local.get $wv))
				(local.set $w (i32.add (local.get $w) (i32.const 8)))
				(local.set $g (i32.add (local.get $g) (i32.const 8)))
				(local.set $m (i32.add (local.get $m) (i32.const 8)))
				(local.set $s (i32.add (local.get $s) (i32.const 8)))
				(local.set $pairs (i32.sub (local.get $pairs) (i32.const 1)))
				(br $pair)))
		(f64.add (f64x2.extract_lane 0 (local.get $sq)) (f64x2.extract_lane 1 (local.get $sq))))

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
				(i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc))))))

	;; maxpool(x, y, arg, batch, h, w, c, k, stride, oh, ow, base): max-pooling of x [batch, h, w, c]
	;; (NHWC float32 at x) over k x k windows with the given stride, no padding, into
	;; y [batch, oh, ow, c], and base + the element index into x of each maximum into arg (int32,
	;; same layout as y). Four channels per vector, so c must be a multiple of 4 (the caller
	;; checks). The taps go in row-major window order and a tap replaces the maximum only when
	;; strictly greater (f32x4.gt, false for NaN): ties keep the first, NaN never replaces, as
	;; in the JavaScript loop of ../layers/pool.ts, whose results this equals for finite inputs.
	(func (export "maxpool") (param $x i32) (param $y i32) (param $arg i32) (param $batch i32) (param $h i32) (param $w i32)
		(param $c i32) (param $k i32) (param $stride i32) (param $oh i32) (param $ow i32) (param $base i32)
		(local $b i32) (local $oy i32) (local $ox i32) (local $ch i32) (local $ky i32) (local $kx i32)
		(local $first i32) (local $q i32) (local $o i32)
		(local $m v128) (local $bi v128) (local $v v128) (local $gt v128) (local $lanes v128)
		;; base + lane: every index is offset by base (the chunk's first element in a larger x)
		(local.set $lanes (i32x4.add (i32x4.splat (local.get $base)) (v128.const i32x4 0 1 2 3)))
		(block $doneB
			(loop $overB
				(br_if $doneB (i32.ge_u (local.get $b) (local.get $batch)))
				(local.set $oy (i32.const 0))
				(block $doneY
					(loop $overY
						(br_if $doneY (i32.ge_u (local.get $oy) (local.get $oh)))
						(local.set $ox (i32.const 0))
						(block $doneX
							(loop $overX
								(br_if $doneX (i32.ge_u (local.get $ox) (local.get $ow)))
								;; first = ((b h + oy stride) w + ox stride) c: the window's top-left element
								(local.set $first
									(i32.mul
										(i32.add
											(i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (i32.mul (local.get $oy) (local.get $stride))) (local.get $w))
											(i32.mul (local.get $ox) (local.get $stride)))
										(local.get $c)))
								(local.set $ch (i32.const 0))
								(block $doneC
									(loop $overC
										(br_if $doneC (i32.ge_u (local.get $ch) (local.get $c)))
										(local.set $q (i32.add (local.get $first) (local.get $ch)))
										(local.set $m (v128.load (i32.add (local.get $x) (i32.shl (local.get $q) (i32.const 2)))))
										(local.set $bi (i32x4.add (i32x4.splat (local.get $q)) (local.get $lanes)))
										(local.set $ky (i32.const 0))
										(block $doneKy
											(loop $overKy
												(br_if $doneKy (i32.ge_u (local.get $ky) (local.get $k)))
												(local.set $kx (i32.const 0))
												(block $doneKx
													(loop $overKx
														(br_if $doneKx (i32.ge_u (local.get $kx) (local.get $k)))
														(local.set $q
															(i32.add
																(i32.add (local.get $first) (local.get $ch))
																(i32.mul (i32.add (i32.mul (local.get $ky) (local.get $w)) (local.get $kx)) (local.get $c))))
														(local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $q) (i32.const 2)))))
														(local.set $gt (f32x4.gt (local.get $v) (local.get $m)))
														(local.set $m (v128.bitselect (local.get $v) (local.get $m) (local.get $gt)))
														(local.set $bi
															(v128.bitselect (i32x4.add (i32x4.splat (local.get $q)) (local.get $lanes)) (local.get $bi) (local.get $gt)))
														(local.set $kx (i32.add (local.get $kx) (i32.const 1)))
														(br $overKx)))
												(local.set $ky (i32.add (local.get $ky) (i32.const 1)))
												(br $overKy)))
										(v128.store (i32.add (local.get $y) (i32.shl (local.get $o) (i32.const 2))) (local.get $m))
										(v128.store (i32.add (local.get $arg) (i32.shl (local.get $o) (i32.const 2))) (local.get $bi))
										(local.set $o (i32.add (local.get $o) (i32.const 4)))
										(local.set $ch (i32.add (local.get $ch) (i32.const 4)))
										(br $overC)))
								(local.set $ox (i32.add (local.get $ox) (i32.const 1)))
								(br $overX)))
						(local.set $oy (i32.add (local.get $oy) (i32.const 1)))
						(br $overY)))
				(local.set $b (i32.add (local.get $b) (i32.const 1)))
				(br $overB)))
	)

	;; im2col(x, cols, nb, h, w, c, k, stride, pad, oh, ow, padValue): the float im2col of
	;; ../conv.ts for nb examples of x [nb, h, w, c] (NHWC at x): row (b oh + oy) ow + ox of
	;; cols holds the k x k window's values, tap t = ky k + kx at floats t c .. t c + c - 1,
	;; padValue outside the image. Four channels per vector, then one at a time for c % 4
	;; (the loaders send c < 4 to im2colnarrow instead, by train-simd.ts's im2colKernel).
	(func (export "im2col") (param $x i32) (param $cols i32) (param $nb i32) (param $h i32) (param $w i32) (param $c i32)
		(param $k i32) (param $stride i32) (param $pad i32) (param $oh i32) (param $ow i32) (param $padValue f32)
		(local $b i32) (local $oy i32) (local $ox i32) (local $ky i32) (local $kx i32) (local $iy i32) (local $ix i32)
		(local $src i32) (local $end i32) (local $o i32) (local $cb i32) (local $fill v128)
		(local.set $fill (f32x4.splat (local.get $padValue)))
		(local.set $cb (i32.shl (local.get $c) (i32.const 2)))
		(local.set $o (local.get $cols))
		(block $doneB
			(loop $overB
				(br_if $doneB (i32.ge_u (local.get $b) (local.get $nb)))
				(local.set $oy (i32.const 0))
				(block $doneY
					(loop $overY
						(br_if $doneY (i32.ge_u (local.get $oy) (local.get $oh)))
						(local.set $ox (i32.const 0))
						(block $doneX
							(loop $overX
								(br_if $doneX (i32.ge_u (local.get $ox) (local.get $ow)))
								(local.set $ky (i32.const 0))
								(block $doneKy
									(loop $overKy
										(br_if $doneKy (i32.ge_u (local.get $ky) (local.get $k)))
										(local.set $iy (i32.sub (i32.add (i32.mul (local.get $oy) (local.get $stride)) (local.get $ky)) (local.get $pad)))
										(local.set $kx (i32.const 0))
										(block $doneKx
											(loop $overKx
												(br_if $doneKx (i32.ge_u (local.get $kx) (local.get $k)))
												(local.set $ix (i32.sub (i32.add (i32.mul (local.get $ox) (local.get $stride)) (local.get $kx)) (local.get $pad)))
												(local.set $end (i32.add (local.get $o) (local.get $cb)))
												;; unsigned compares: a negative coordinate is a huge one
												(if (i32.and (i32.lt_u (local.get $iy) (local.get $h)) (i32.lt_u (local.get $ix) (local.get $w)))
													(then
														(local.set $src
															(i32.add (local.get $x)
																(i32.mul
																	(i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $iy)) (local.get $w)) (local.get $ix))
																	(local.get $cb))))
														(block $doneCopy
															(loop $copy
																(br_if $doneCopy (i32.gt_u (i32.add (local.get $o) (i32.const 16)) (local.get $end)))
																(v128.store (local.get $o) (v128.load (local.get $src)))
																(local.set $o (i32.add (local.get $o) (i32.const 16)))
																(local.set $src (i32.add (local.get $src) (i32.const 16)))
																(br $copy)))
														(block $doneCopy1
															(loop $copy1
																(br_if $doneCopy1 (i32.ge_u (local.get $o) (local.get $end)))
																(f32.store (local.get $o) (f32.load (local.get $src)))
																(local.set $o (i32.add (local.get $o) (i32.const 4)))
																(local.set $src (i32.add (local.get $src) (i32.const 4)))
																(br $copy1))))
													(else
														(block $doneFill
															(loop $fillLoop
																(br_if $doneFill (i32.gt_u (i32.add (local.get $o) (i32.const 16)) (local.get $end)))
																(v128.store (local.get $o) (local.get $fill))
																(local.set $o (i32.add (local.get $o) (i32.const 16)))
																(br $fillLoop)))
														(block $doneFill1
															(loop $fillLoop1
																(br_if $doneFill1 (i32.ge_u (local.get $o) (local.get $end)))
																(f32.store (local.get $o) (local.get $padValue))
																(local.set $o (i32.add (local.get $o) (i32.const 4)))
																(br $fillLoop1)))))
												(local.set $kx (i32.add (local.get $kx) (i32.const 1)))
												(br $overKx)))
										(local.set $ky (i32.add (local.get $ky) (i32.const 1)))
										(br $overKy)))
								(local.set $ox (i32.add (local.get $ox) (i32.const 1)))
								(br $overX)))
						(local.set $oy (i32.add (local.get $oy) (i32.const 1)))
						(br $overY)))
				(local.set $b (i32.add (local.get $b) (i32.const 1)))
				(br $overB)))
	)

	;; col2im(dcols, dx, nb, h, w, c, k, stride, pad, oh, ow) -> padSum: the adjoint of im2col,
	;; dx [nb, h, w, c] += each entry of dcols at the input it was copied from, in row order
	;; (f32x4.add: the same float32 sums as JavaScript's dx[i] += v). Entries from padding are
	;; summed in f64, one at a time in the same order as ../conv.ts, and returned. Any c, as im2col.
	(func (export "col2im") (param $dcols i32) (param $dx i32) (param $nb i32) (param $h i32) (param $w i32) (param $c i32)
		(param $k i32) (param $stride i32) (param $pad i32) (param $oh i32) (param $ow i32) (result f64)
		(local $b i32) (local $oy i32) (local $ox i32) (local $ky i32) (local $kx i32) (local $iy i32) (local $ix i32)
		(local $dst i32) (local $end i32) (local $o i32) (local $cb i32) (local $padSum f64)
		(local.set $cb (i32.shl (local.get $c) (i32.const 2)))
		(local.set $o (local.get $dcols))
		(block $doneB
			(loop $overB
				(br_if $doneB (i32.ge_u (local.get $b) (local.get $nb)))
				(local.set $oy (i32.const 0))
				(block $doneY
					(loop $overY
						(br_if $doneY (i32.ge_u (local.get $oy) (local.get $oh)))
						(local.set $ox (i32.const 0))
						(block $doneX
							(loop $overX
								(br_if $doneX (i32.ge_u (local.get $ox) (local.get $ow)))
								(local.set $ky (i32.const 0))
								(block $doneKy
									(loop $overKy
										(br_if $doneKy (i32.ge_u (local.get $ky) (local.get $k)))
										(local.set $iy (i32.sub (i32.add (i32.mul (local.get $oy) (local.get $stride)) (local.get $ky)) (local.get $pad)))
										(local.set $kx (i32.const 0))
										(block $doneKx
											(loop $overKx
												(br_if $doneKx (i32.ge_u (local.get $kx) (local.get $k)))
												(local.set $ix (i32.sub (i32.add (i32.mul (local.get $ox) (local.get $stride)) (local.get $kx)) (local.get $pad)))
												(local.set $end (i32.add (local.get $o) (local.get $cb)))
												(if (i32.and (i32.lt_u (local.get $iy) (local.get $h)) (i32.lt_u (local.get $ix) (local.get $w)))
													(then
														(local.set $dst
															(i32.add (local.get $dx)
																(i32.mul
																	(i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $iy)) (local.get $w)) (local.get $ix))
																	(local.get $cb))))
														(block $doneAdd
															(loop $add
																(br_if $doneAdd (i32.gt_u (i32.add (local.get $o) (i32.const 16)) (local.get $end)))
																(v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $o))))
																(local.set $o (i32.add (local.get $o) (i32.const 16)))
																(local.set $dst (i32.add (local.get $dst) (i32.const 16)))
																(br $add)))
														(block $doneAdd1
															(loop $add1
																(br_if $doneAdd1 (i32.ge_u (local.get $o) (local.get $end)))
																(f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $o))))
																(local.set $o (i32.add (local.get $o) (i32.const 4)))
																(local.set $dst (i32.add (local.get $dst) (i32.const 4)))
																(br $add1))))
													(else
														(block $doneSum
															(loop $sum
																(br_if $doneSum (i32.ge_u (local.get $o) (local.get $end)))
																(local.set $padSum (f64.add (local.get $padSum) (f64.promote_f32 (f32.load (local.get $o)))))
																(local.set $o (i32.add (local.get $o) (i32.const 4)))
																(br $sum)))))
												(local.set $kx (i32.add (local.get $kx) (i32.const 1)))
												(br $overKx)))
										(local.set $ky (i32.add (local.get $ky) (i32.const 1)))
										(br $overKy)))
								(local.set $ox (i32.add (local.get $ox) (i32.const 1)))
								(br $overX)))
						(local.set $oy (i32.add (local.get $oy) (i32.const 1)))
						(br $overY)))
				(local.set $b (i32.add (local.get $b) (i32.const 1)))
				(br $overB)))
		(local.get $padSum)
	)

	;; im2colnarrow(x, cols, nb, h, w, c, k, stride, pad, oh, ow, padValue): im2col's result
	;; for few channels (c < 4, a first layer's grey or colour pixels), column by column:
	;; for each window row and tap, the taps of a whole output row come from one input row,
	;; so the inner loop walks ox with plain strides instead of re-deriving each window.
	(func (export "im2colnarrow") (param $x i32) (param $cols i32) (param $nb i32) (param $h i32) (param $w i32) (param $c i32)
		(param $k i32) (param $stride i32) (param $pad i32) (param $oh i32) (param $ow i32) (param $padValue f32)
		(local $b i32) (local $oy i32) (local $ox i32) (local $ky i32) (local $kx i32) (local $ch i32) (local $iy i32) (local $ix i32)
		(local $K4 i32) (local $rowOut i32) (local $dst i32) (local $rowIn i32) (local $inside i32)
		(local.set $K4 (i32.shl (i32.mul (i32.mul (local.get $k) (local.get $k)) (local.get $c)) (i32.const 2)))
		(local.set $rowOut (local.get $cols))
		(block $doneB
			(loop $overB
				(br_if $doneB (i32.ge_u (local.get $b) (local.get $nb)))
				(local.set $oy (i32.const 0))
				(block $doneY
					(loop $overY
						(br_if $doneY (i32.ge_u (local.get $oy) (local.get $oh)))
						(local.set $ky (i32.const 0))
						(block $doneKy
							(loop $overKy
								(br_if $doneKy (i32.ge_u (local.get $ky) (local.get $k)))
								(local.set $iy (i32.sub (i32.add (i32.mul (local.get $oy) (local.get $stride)) (local.get $ky)) (local.get $pad)))
								;; the input row's first value; x itself for a padding row, so every load below
								;; stays in bounds (its value is then not used)
								(local.set $rowIn
									(select
										(i32.add (local.get $x)
											(i32.shl (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $iy)) (local.get $w)) (local.get $c)) (i32.const 2)))
										(local.get $x)
										(i32.lt_u (local.get $iy) (local.get $h))))
								(local.set $kx (i32.const 0))
								(block $doneKx
									(loop $overKx
										(br_if $doneKx (i32.ge_u (local.get $kx) (local.get $k)))
										(local.set $ch (i32.const 0))
										(block $doneC
											(loop $overC
												(br_if $doneC (i32.ge_u (local.get $ch) (local.get $c)))
												;; column (ky k + kx) c + ch of every window in this output row
												(local.set $dst
													(i32.add (local.get $rowOut)
														(i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $ky) (local.get $k)) (local.get $kx)) (local.get $c)) (local.get $ch)) (i32.const 2))))
												(local.set $ox (i32.const 0))
												(block $doneX
													(loop $overX
														(br_if $doneX (i32.ge_u (local.get $ox) (local.get $ow)))
														(local.set $ix (i32.sub (i32.add (i32.mul (local.get $ox) (local.get $stride)) (local.get $kx)) (local.get $pad)))
														;; unsigned compares: a negative coordinate is a huge one
														(local.set $inside (i32.and (i32.lt_u (local.get $iy) (local.get $h)) (i32.lt_u (local.get $ix) (local.get $w))))
														(f32.store (local.get $dst)
															(select
																(f32.load (i32.add (local.get $rowIn) (i32.shl (i32.add (i32.mul (select (local.get $ix) (i32.const 0) (local.get $inside)) (local.get $c)) (local.get $ch)) (i32.const 2))))
																(local.get $padValue)
																(local.get $inside)))
														(local.set $dst (i32.add (local.get $dst) (local.get $K4)))
														(local.set $ox (i32.add (local.get $ox) (i32.const 1)))
														(br $overX)))
												(local.set $ch (i32.add (local.get $ch) (i32.const 1)))
												(br $overC)))
										(local.set $kx (i32.add (local.get $kx) (i32.const 1)))
										(br $overKx)))
								(local.set $ky (i32.add (local.get $ky) (i32.const 1)))
								(br $overKy)))
						(local.set $rowOut (i32.add (local.get $rowOut) (i32.mul (local.get $ow) (local.get $K4))))
						(local.set $oy (i32.add (local.get $oy) (i32.const 1)))
						(br $overY)))
				(local.set $b (i32.add (local.get $b) (i32.const 1)))
				(br $overB)))
	)

	;; unpool(arg, dy, outs, base, dz, size): max-pooling's backward pass into dz [size floats]
	;; (a chunk of the pooling input, from element base of the whole), as MaxPool2D.backward
	;; makes it: zeros, then each of the outs gradients dy added at its winner arg - base, in
	;; order (f32 adds: what the JavaScript loop's float64 add rounds to). size % 4 == 0.
	(func (export "unpool") (param $arg i32) (param $dy i32) (param $outs i32) (param $base i32) (param $dz i32) (param $size i32)
		(local $i i32) (local $p i32)
		(block $doneZ
			(loop $zero
				(br_if $doneZ (i32.ge_u (local.get $i) (local.get $size)))
				(v128.store (i32.add (local.get $dz) (i32.shl (local.get $i) (i32.const 2))) (v128.const i32x4 0 0 0 0))
				(local.set $i (i32.add (local.get $i) (i32.const 4)))
				(br $zero)))
		(local.set $i (i32.const 0))
		(block $doneS
			(loop $scatter
				(br_if $doneS (i32.ge_u (local.get $i) (local.get $outs)))
				(local.set $p (i32.add (local.get $dz) (i32.shl (i32.sub (i32.load (local.get $arg)) (local.get $base)) (i32.const 2))))
				(f32.store (local.get $p) (f32.add (f32.load (local.get $p)) (f32.load (local.get $dy))))
				(local.set $arg (i32.add (local.get $arg) (i32.const 4)))
				(local.set $dy (i32.add (local.get $dy) (i32.const 4)))
				(local.set $i (i32.add (local.get $i) (i32.const 1)))
				(br $scatter)))
	)
)
