;; Binary (XOR-popcount) GEMM with WebAssembly SIMD: i8x16.popcnt of v128 XORs.
;; Compiled by scripts/build-wasm.mjs; loaded by bits-simd.ts, which prefers
;; bits-relaxed.wat's kernel where relaxed SIMD exists and falls back to the JS
;; `binaryGemmJs` where SIMD does not.
;;
;; bgemm computes, for i < m and j < n,
;;
;;   C[i, j] = k - 2 popcount(A_i XOR B_j)   (= the ±1 dot product of rows A_i and B_j)
;;
;; Layout (prepared by the loader): A is m rows and B is n rows of `steps` v128 each
;; (row r at a + 16 steps r), the packed bits of `bits.ts` (element p at bit p & 31
;; of word p >>> 5) with every bit past k zero, so the zero tails XOR to zero and
;; count nothing. m is a multiple of 2 and n of 4 (the loader pads with zero rows and
;; drops their results). C is [m, n] int32, row-major.
;;
;; Tiling: a 2 x 4 tile (2 rows of A, 4 of B) keeps 8 byte-wise accumulators; per
;; 128-bit step it loads 2 + 4 vectors and does 8 XOR + popcnt + add, so each loaded
;; vector is used 2 or 4 times. A byte lane gains at most 8 per step, so the byte
;; counts are widened every 31 steps (31 x 8 = 248 < 256) by
;; i16x8.extadd_pairwise_i8x16_u and i32x4.dot_i16x8_s against ones into i32x4 partial
;; sums; at k = 1024 a row is 8 steps, one chunk. At the end of a tile the 4 lanes of
;; each pair are summed by a 4 x 4 transpose-add and k - 2 popcount is stored, one
;; i32x4 per row of the tile. Everything stays in locals (v128 locals start at zero;
;; the partial sums are zeroed per tile).
;;
;; Cost: V8 lowers i8x16.popcnt on x64 without AVX-512 to two pshufb nibble lookups,
;; 4 logic ops and 2 constant loads; measured at ~3 cycles per popcnt on a 2023 Xeon in
;; node 20, which is why bits-relaxed.wat does the lookups itself. 4 x 4 and 1 x 4
;; tiles measured no faster than 2 x 4.
(module
	(import "env" "memory" (memory 1))

	(func (export "bgemm") (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $n i32)
		(param $steps i32) (param $k i32)
		(local $i i32) (local $j i32) (local $rs i32) (local $ap i32) (local $bp i32) (local $q i32) (local $cp i32)
		(local $left i32) (local $chunk i32)
		(local $a0 v128) (local $a1 v128) (local $bv v128)
		(local $ones v128) (local $kk v128) (local $t v128) (local $u v128)
		;; $sRC: byte counts of pair (A row i + R, B row j + C) in the current chunk;
		;; $pRC: its i32x4 partial sums over the chunks so far.
		(local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
		(local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
		(local $p00 v128) (local $p01 v128) (local $p02 v128) (local $p03 v128)
		(local $p10 v128) (local $p11 v128) (local $p12 v128) (local $p13 v128)
		(local.set $rs (i32.shl (local.get $steps) (i32.const 4)))
		(local.set $ones (v128.const i16x8 1 1 1 1 1 1 1 1))
		(local.set $kk (i32x4.splat (local.get $k)))
		(block $doneI
			(loop $overI
				(br_if $doneI (i32.ge_u (local.get $i) (local.get $m)))
				(local.set $j (i32.const 0))
				(block $doneJ
					(loop $overJ
						(br_if $doneJ (i32.ge_u (local.get $j) (local.get $n)))
						(local.set $p00 (v128.const i64x2 0 0)) (local.set $p01 (v128.const i64x2 0 0)) (local.set $p02 (v128.const i64x2 0 0)) (local.set $p03 (v128.const i64x2 0 0))
						(local.set $p10 (v128.const i64x2 0 0)) (local.set $p11 (v128.const i64x2 0 0)) (local.set $p12 (v128.const i64x2 0 0)) (local.set $p13 (v128.const i64x2 0 0))
						(local.set $ap (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rs))))
						(local.set $bp (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $rs))))
						(local.set $left (local.get $steps))
						(block $doneChunks
							(loop $chunks
								(br_if $doneChunks (i32.eqz (local.get $left)))
								(local.set $chunk (select (i32.const 31) (local.get $left) (i32.gt_u (local.get $left) (i32.const 31))))
								(local.set $left (i32.sub (local.get $left) (local.get $chunk)))
								(local.set $s00 (v128.const i64x2 0 0)) (local.set $s01 (v128.const i64x2 0 0)) (local.set $s02 (v128.const i64x2 0 0)) (local.set $s03 (v128.const i64x2 0 0))
								(local.set $s10 (v128.const i64x2 0 0)) (local.set $s11 (v128.const i64x2 0 0)) (local.set $s12 (v128.const i64x2 0 0)) (local.set $s13 (v128.const i64x2 0 0))
								(loop $step
									(local.set $a0 (v128.load (local.get $ap)))
									(local.set $a1 (v128.load (i32.add (local.get $ap) (local.get $rs))))
									(local.set $bv (v128.load (local.get $bp)))
									(local.set $s00 (i8x16.add (local.get $s00) (i8x16.popcnt (v128.xor (local.get $a0) (local.get $bv)))))
									(local.set $s10 (i8x16.add (local.get $s10) (i8x16.popcnt (v128.xor (local.get $a1) (local.get $bv)))))
									(local.set $bv (v128.load (i32.add (local.get $bp) (local.get $rs))))
									(local.set $s01 (i8x16.add (local.get $s01) (i8x16.popcnt (v128.xor (local.get $a0) (local.get $bv)))))
									(local.set $s11 (i8x16.add (local.get $s11) (i8x16.popcnt (v128.xor (local.get $a1) (local.get $bv)))))
									(local.set $bv (v128.load (i32.add (local.get $bp) (i32.shl (local.get $rs) (i32.const 1)))))
									(local.set $s02 (i8x16.add (local.get $s02) (i8x16.popcnt (v128.xor (local.get $a0) (local.get $bv)))))
									(local.set $s12 (i8x16.add (local.get $s12) (i8x16.popcnt (v128.xor (local.get $a1) (local.get $bv)))))
									(local.set $bv (v128.load (i32.add (local.get $bp) (i32.mul (local.get $rs) (i32.const 3)))))
									(local.set $s03 (i8x16.add (local.get $s03) (i8x16.popcnt (v128.xor (local.get $a0) (local.get $bv)))))
									(local.set $s13 (i8x16.add (local.get $s13) (i8x16.popcnt (v128.xor (local.get $a1) (local.get $bv)))))
									(local.set $ap (i32.add (local.get $ap) (i32.const 16)))
									(local.set $bp (i32.add (local.get $bp) (i32.const 16)))
									(br_if $step (local.tee $chunk (i32.sub (local.get $chunk) (i32.const 1)))))
								;; Widen the chunk's byte counts: u8 pairs -> u16 -> i32 (a dot product with ones).
								(local.set $p00 (i32x4.add (local.get $p00) (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s00)) (local.get $ones))))
								(local.set $p01 (i32x4.add (local.get $p01) (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s01)) (local.get $ones))))
								(local.set $p02 (i32x4.add (local.get $p02) (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s02)) (local.get $ones))))
								(local.set $p03 (i32x4.add (local.get $p03) (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s03)) (local.get $ones))))
								(local.set $p10 (i32x4.add (local.get $p10) (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s10)) (local.get $ones))))
								(local.set $p11 (i32x4.add (local.get $p11) (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s11)) (local.get $ones))))
								(local.set $p12 (i32x4.add (local.get $p12) (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s12)) (local.get $ones))))
								(local.set $p13 (i32x4.add (local.get $p13) (i32x4.dot_i16x8_s (i16x8.extadd_pairwise_i8x16_u (local.get $s13)) (local.get $ones))))
								(br $chunks)))
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
						(local.set $j (i32.add (local.get $j) (i32.const 4)))
						(br $overJ)))
				(local.set $i (i32.add (local.get $i) (i32.const 2)))
				(br $overI))))
)
