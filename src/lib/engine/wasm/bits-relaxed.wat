;; Binary (XOR-popcount) GEMM with relaxed WebAssembly SIMD: nibble table lookups by
;; i8x16.relaxed_swizzle. The same product and layout contract as bits.wat (read its
;; header first), except that every 128-bit step of a row is stored as two vectors,
;; its low nibbles and its high nibbles (byte b of the step -> b & 15 at +0 and
;; b >> 4 at +16), so a row of `steps` steps is 32 steps bytes, and m is a multiple of
;; 4. The loader splits the nibbles while copying the packed rows in (O((m + n) k)
;; work against the product's O(m n k)).
;;
;; Why: XOR commutes with the split, (a ^ b) & 15 = (a & 15) ^ (b & 15), so the
;; popcount of a byte of A_i XOR B_j is T[lo_a ^ lo_b] + T[hi_a ^ hi_b] with T the
;; 16-entry table of nibble popcounts, held in one register. Every index is below 16,
;; where relaxed_swizzle is fully specified (it equals i8x16.swizzle; only indices
;; >= 16 are implementation-defined), and it compiles to a bare pshufb on x64 (tbl on
;; arm64), where i8x16.swizzle adds a saturating add of a constant to every index.
;; Per pair and step: 2 XOR + 2 lookups + 2 adds, against i8x16.popcnt's 4 logic ops
;; + 2 lookups + 2 constant loads per XOR on x64 without AVX-512, which the plain
;; kernel pays. Relaxed SIMD is on by default in Chrome and Edge 114+ and node 22+
;; (node 20 has it behind --experimental-wasm-relaxed-simd); where this module does
;; not validate, bits.wat runs instead.
;;
;; Tiling: a 4 x 4 tile of byte accumulators (a lane gains at most 4 + 4 = 8 per step,
;; so a chunk is at most 31 steps), widened (u8 -> u16 -> i32) and reduced by a
;; transpose-add per row of the tile. Rows of up to 31 steps (k <= 3968) are one
;; chunk and never touch memory; longer rows carry the i32x4 partial sums between
;; chunks through the 256-byte scratch at tmp. The tile needs more than the 15 usable
;; xmm registers, so some accumulators live on the stack; at 1024 x 1024 x 1024 it was
;; still the fastest shape measured in node 20 (~10% ahead of 2 x 4) and level with
;; 1 x 4, 2 x 4 and 3 x 4 in Chrome 156. Measured there, a product runs at about 3
;; cycles per pair and 128-bit step, against the 2 that its 6 vector operations on
;; three ports allow; the rest is the per-tile epilogue, which at k = 1024 (8 steps)
;; is amortised over few steps.
(module
	(import "env" "memory" (memory 1))

	;; The loader's nibble split: for each of `steps` 128-bit steps at $src (16 bytes each),
	;; write its low nibbles (v & 0x0f per byte) at $dst + 32 s and its high nibbles
	;; ((v >> 4) & 0x0f) at $dst + 32 s + 16. The regions must not overlap. In JavaScript this
	;; was two shifts, two masks and two stores per 32-bit word, a tenth of the product's time
	;; at XNOR-Net's convolution (c = 256, 3x3, 14x14).
	(func (export "split") (param $src i32) (param $dst i32) (param $steps i32)
		(local $v v128) (local $mask v128) (local $end i32)
		(local.set $mask (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15))
		(local.set $end (i32.add (local.get $src) (i32.shl (local.get $steps) (i32.const 4))))
		(block $done
			(loop $next
				(br_if $done (i32.ge_u (local.get $src) (local.get $end)))
				(local.set $v (v128.load (local.get $src)))
				(v128.store (local.get $dst) (v128.and (local.get $v) (local.get $mask)))
				(v128.store offset=16 (local.get $dst) (v128.and (i32x4.shr_u (local.get $v) (i32.const 4)) (local.get $mask)))
				(local.set $src (i32.add (local.get $src) (i32.const 16)))
				(local.set $dst (i32.add (local.get $dst) (i32.const 32)))
				(br $next)))
	)

	(func (export "bgemm") (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $n i32)
		(param $steps i32) (param $k i32) (param $tmp i32)
		(local $i i32) (local $j i32) (local $rs i32) (local $ap i32) (local $bp i32) (local $q i32) (local $cp i32)
		(local $left i32) (local $chunk i32)
		(local $lut v128) (local $l0 v128) (local $h0 v128) (local $l1 v128) (local $h1 v128) (local $l2 v128) (local $h2 v128) (local $l3 v128) (local $h3 v128) (local $bl v128) (local $bh v128)
		(local $ones v128) (local $kk v128) (local $t v128) (local $u v128)
		;; $sRC: byte counts of pair (A row i + R, B row j + C) in the current chunk;
		;; $pRC: its i32x4 partial sums over the chunks so far.
		(local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
		(local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
		(local $s20 v128) (local $s21 v128) (local $s22 v128) (local $s23 v128)
		(local $s30 v128) (local $s31 v128) (local $s32 v128) (local $s33 v128)
		(local $p00 v128) (local $p01 v128) (local $p02 v128) (local $p03 v128)
		(local $p10 v128) (local $p11 v128) (local $p12 v128) (local $p13 v128)
		(local $p20 v128) (local $p21 v128) (local $p22 v128) (local $p23 v128)
		(local $p30 v128) (local $p31 v128) (local $p32 v128) (local $p33 v128)
		(local $more i32)
		(local.set $rs (i32.shl (local.get $steps) (i32.const 5)))
		;; T[x] = popcount(x) for x = 0..15
		(local.set $lut (v128.const i8x16 0 1 1 2 1 2 2 3 1 2 2 3 2 3 3 4))
		(local.set $ones (v128.const i16x8 1 1 1 1 1 1 1 1))
		(local.set $kk (i32x4.splat (local.get $k)))
		(block $doneI
			(loop $overI
				(br_if $doneI (i32.ge_u (local.get $i) (local.get $m)))
				(local.set $j (i32.const 0))
				(block $doneJ
					(loop $overJ
						(br_if $doneJ (i32.ge_u (local.get $j) (local.get $n)))
						(local.set $ap (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rs))))
						(local.set $bp (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $rs))))
						(local.set $left (local.get $steps))
						(local.set $more (i32.const 0))
						(block $doneChunks
							(loop $chunks
								(local.set $chunk (select (i32.const 31) (local.get $left) (i32.gt_u (local.get $left) (i32.const 31))))
								(local.set $left (i32.sub (local.get $left) (local.get $chunk)))
								(local.set $s00 (v128.const i64x2 0 0)) (local.set $s01 (v128.const i64x2 0 0)) (local.set $s02 (v128.const i64x2 0 0)) (local.set $s03 (v128.const i64x2 0 0))
								(local.set $s10 (v128.const i64x2 0 0)) (local.set $s11 (v128.const i64x2 0 0)) (local.set $s12 (v128.const i64x2 0 0)) (local.set $s13 (v128.const i64x2 0 0))
								(local.set $s20 (v128.const i64x2 0 0)) (local.set $s21 (v128.const i64x2 0 0)) (local.set $s22 (v128.const i64x2 0 0)) (local.set $s23 (v128.const i64x2 0 0))
								(local.set $s30 (v128.const i64x2 0 0)) (local.set $s31 (v128.const i64x2 0 0)) (local.set $s32 (v128.const i64x2 0 0)) (local.set $s33 (v128.const i64x2 0 0))
								(loop $step
									(local.set $q (local.get $ap))
									(local.set $l0 (v128.load (local.get $q))) (local.set $h0 (v128.load offset=16 (local.get $q)))
									(local.set $q (i32.add (local.get $ap) (local.get $rs)))
									(local.set $l1 (v128.load (local.get $q))) (local.set $h1 (v128.load offset=16 (local.get $q)))
									(local.set $q (i32.add (local.get $ap) (i32.shl (local.get $rs) (i32.const 1))))
									(local.set $l2 (v128.load (local.get $q))) (local.set $h2 (v128.load offset=16 (local.get $q)))
									(local.set $q (i32.add (local.get $ap) (i32.mul (local.get $rs) (i32.const 3))))
									(local.set $l3 (v128.load (local.get $q))) (local.set $h3 (v128.load offset=16 (local.get $q)))
									(local.set $q (local.get $bp))
									(local.set $bl (v128.load (local.get $q))) (local.set $bh (v128.load offset=16 (local.get $q)))
									(local.set $s00 (i8x16.add (i8x16.add (local.get $s00)
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $l0) (local.get $bl))))
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $h0) (local.get $bh)))))
									(local.set $s10 (i8x16.add (i8x16.add (local.get $s10)
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $l1) (local.get $bl))))
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $h1) (local.get $bh)))))
									(local.set $s20 (i8x16.add (i8x16.add (local.get $s20)
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $l2) (local.get $bl))))
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $h2) (local.get $bh)))))
									(local.set $s30 (i8x16.add (i8x16.add (local.get $s30)
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $l3) (local.get $bl))))
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $h3) (local.get $bh)))))
									(local.set $q (i32.add (local.get $bp) (local.get $rs)))
									(local.set $bl (v128.load (local.get $q))) (local.set $bh (v128.load offset=16 (local.get $q)))
									(local.set $s01 (i8x16.add (i8x16.add (local.get $s01)
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $l0) (local.get $bl))))
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $h0) (local.get $bh)))))
									(local.set $s11 (i8x16.add (i8x16.add (local.get $s11)
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $l1) (local.get $bl))))
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $h1) (local.get $bh)))))
									(local.set $s21 (i8x16.add (i8x16.add (local.get $s21)
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $l2) (local.get $bl))))
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $h2) (local.get $bh)))))
									(local.set $s31 (i8x16.add (i8x16.add (local.get $s31)
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $l3) (local.get $bl))))
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $h3) (local.get $bh)))))
									(local.set $q (i32.add (local.get $bp) (i32.shl (local.get $rs) (i32.const 1))))
									(local.set $bl (v128.load (local.get $q))) (local.set $bh (v128.load offset=16 (local.get $q)))
									(local.set $s02 (i8x16.add (i8x16.add (local.get $s02)
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $l0) (local.get $bl))))
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $h0) (local.get $bh)))))
									(local.set $s12 (i8x16.add (i8x16.add (local.get $s12)
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $l1) (local.get $bl))))
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $h1) (local.get $bh)))))
									(local.set $s22 (i8x16.add (i8x16.add (local.get $s22)
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $l2) (local.get $bl))))
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $h2) (local.get $bh)))))
									(local.set $s32 (i8x16.add (i8x16.add (local.get $s32)
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $l3) (local.get $bl))))
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $h3) (local.get $bh)))))
									(local.set $q (i32.add (local.get $bp) (i32.mul (local.get $rs) (i32.const 3))))
									(local.set $bl (v128.load (local.get $q))) (local.set $bh (v128.load offset=16 (local.get $q)))
									(local.set $s03 (i8x16.add (i8x16.add (local.get $s03)
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $l0) (local.get $bl))))
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $h0) (local.get $bh)))))
									(local.set $s13 (i8x16.add (i8x16.add (local.get $s13)
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $l1) (local.get $bl))))
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $h1) (local.get $bh)))))
									(local.set $s23 (i8x16.add (i8x16.add (local.get $s23)
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $l2) (local.get $bl))))
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $h2) (local.get $bh)))))
									(local.set $s33 (i8x16.add (i8x16.add (local.get $s33)
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $l3) (local.get $bl))))
										(i8x16.relaxed_swizzle (local.get $lut) (v128.xor (local.get $h3) (local.get $bh)))))
									(local.set $ap (i32.add (local.get $ap) (i32.const 32)))
									(local.set $bp (i32.add (local.get $bp) (i32.const 32)))
									(br_if $step (local.tee $chunk (i32.sub (local.get $chunk) (i32.const 1)))))
								;; Widen the chunk's byte counts: u8 pairs -> u16 -> i32 (a dot product with ones).
								(local.set $p00 (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s00)) (local.get $ones)))
								(local.set $p01 (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s01)) (local.get $ones)))
								(local.set $p02 (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s02)) (local.get $ones)))
								(local.set $p03 (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s03)) (local.get $ones)))
								(local.set $p10 (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s10)) (local.get $ones)))
								(local.set $p11 (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s11)) (local.get $ones)))
								(local.set $p12 (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s12)) (local.get $ones)))
								(local.set $p13 (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s13)) (local.get $ones)))
								(local.set $p20 (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s20)) (local.get $ones)))
								(local.set $p21 (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s21)) (local.get $ones)))
								(local.set $p22 (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s22)) (local.get $ones)))
								(local.set $p23 (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s23)) (local.get $ones)))
								(local.set $p30 (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s30)) (local.get $ones)))
								(local.set $p31 (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s31)) (local.get $ones)))
								(local.set $p32 (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s32)) (local.get $ones)))
								(local.set $p33 (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s33)) (local.get $ones)))
								;; Long rows (more than 31 steps): carry the partial sums through the scratch at tmp.
								(if (local.get $more) (then
									(local.set $p00 (i32x4.add (local.get $p00) (v128.load offset=0 (local.get $tmp))))
									(local.set $p01 (i32x4.add (local.get $p01) (v128.load offset=16 (local.get $tmp))))
									(local.set $p02 (i32x4.add (local.get $p02) (v128.load offset=32 (local.get $tmp))))
									(local.set $p03 (i32x4.add (local.get $p03) (v128.load offset=48 (local.get $tmp))))
									(local.set $p10 (i32x4.add (local.get $p10) (v128.load offset=64 (local.get $tmp))))
									(local.set $p11 (i32x4.add (local.get $p11) (v128.load offset=80 (local.get $tmp))))
									(local.set $p12 (i32x4.add (local.get $p12) (v128.load offset=96 (local.get $tmp))))
									(local.set $p13 (i32x4.add (local.get $p13) (v128.load offset=112 (local.get $tmp))))
									(local.set $p20 (i32x4.add (local.get $p20) (v128.load offset=128 (local.get $tmp))))
									(local.set $p21 (i32x4.add (local.get $p21) (v128.load offset=144 (local.get $tmp))))
									(local.set $p22 (i32x4.add (local.get $p22) (v128.load offset=160 (local.get $tmp))))
									(local.set $p23 (i32x4.add (local.get $p23) (v128.load offset=176 (local.get $tmp))))
									(local.set $p30 (i32x4.add (local.get $p30) (v128.load offset=192 (local.get $tmp))))
									(local.set $p31 (i32x4.add (local.get $p31) (v128.load offset=208 (local.get $tmp))))
									(local.set $p32 (i32x4.add (local.get $p32) (v128.load offset=224 (local.get $tmp))))
									(local.set $p33 (i32x4.add (local.get $p33) (v128.load offset=240 (local.get $tmp))))
								))
								(local.set $more (i32.ne (local.get $left) (i32.const 0)))
								(if (local.get $more) (then
									(v128.store offset=0 (local.get $tmp) (local.get $p00))
									(v128.store offset=16 (local.get $tmp) (local.get $p01))
									(v128.store offset=32 (local.get $tmp) (local.get $p02))
									(v128.store offset=48 (local.get $tmp) (local.get $p03))
									(v128.store offset=64 (local.get $tmp) (local.get $p10))
									(v128.store offset=80 (local.get $tmp) (local.get $p11))
									(v128.store offset=96 (local.get $tmp) (local.get $p12))
									(v128.store offset=112 (local.get $tmp) (local.get $p13))
									(v128.store offset=128 (local.get $tmp) (local.get $p20))
									(v128.store offset=144 (local.get $tmp) (local.get $p21))
									(v128.store offset=160 (local.get $tmp) (local.get $p22))
									(v128.store offset=176 (local.get $tmp) (local.get $p23))
									(v128.store offset=192 (local.get $tmp) (local.get $p30))
									(v128.store offset=208 (local.get $tmp) (local.get $p31))
									(v128.store offset=224 (local.get $tmp) (local.get $p32))
									(v128.store offset=240 (local.get $tmp) (local.get $p33))
									(br $chunks)))
								))
						;; Per row of the tile, sum each pair's 4 lanes by a transpose-add: t = [p0_0 + p0_2,
						;; p1_0 + p1_2, p0_1 + p0_3, p1_1 + p1_3], u likewise for pairs 2, 3; then store
						;; k - 2 popcount for the 4 columns j..j+3.
						(local.set $cp (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
						(local.set $t (i32x4.add
							(i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $p00) (local.get $p01))
							(i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $p00) (local.get $p01))))
						(local.set $u (i32x4.add
							(i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $p02) (local.get $p03))
							(i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $p02) (local.get $p03))))
						(v128.store (local.get $cp) (i32x4.sub (local.get $kk) (i32x4.shl (i32x4.add
							(i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t) (local.get $u))
							(i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t) (local.get $u))) (i32.const 1))))
						(local.set $cp (i32.add (local.get $cp) (i32.shl (local.get $n) (i32.const 2))))
						(local.set $t (i32x4.add
							(i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $p10) (local.get $p11))
							(i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $p10) (local.get $p11))))
						(local.set $u (i32x4.add
							(i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $p12) (local.get $p13))
							(i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $p12) (local.get $p13))))
						(v128.store (local.get $cp) (i32x4.sub (local.get $kk) (i32x4.shl (i32x4.add
							(i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t) (local.get $u))
							(i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t) (local.get $u))) (i32.const 1))))
						(local.set $cp (i32.add (local.get $cp) (i32.shl (local.get $n) (i32.const 2))))
						(local.set $t (i32x4.add
							(i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $p20) (local.get $p21))
							(i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $p20) (local.get $p21))))
						(local.set $u (i32x4.add
							(i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $p22) (local.get $p23))
							(i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $p22) (local.get $p23))))
						(v128.store (local.get $cp) (i32x4.sub (local.get $kk) (i32x4.shl (i32x4.add
							(i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t) (local.get $u))
							(i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t) (local.get $u))) (i32.const 1))))
						(local.set $cp (i32.add (local.get $cp) (i32.shl (local.get $n) (i32.const 2))))
						(local.set $t (i32x4.add
							(i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $p30) (local.get $p31))
							(i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $p30) (local.get $p31))))
						(local.set $u (i32x4.add
							(i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $p32) (local.get $p33))
							(i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $p32) (local.get $p33))))
						(v128.store (local.get $cp) (i32x4.sub (local.get $kk) (i32x4.shl (i32x4.add
							(i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t) (local.get $u))
							(i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t) (local.get $u))) (i32.const 1))))
						(local.set $j (i32.add (local.get $j) (i32.const 4)))
						(br $overJ)))
				(local.set $i (i32.add (local.get $i) (i32.const 4)))
				(br $overI))))
)
