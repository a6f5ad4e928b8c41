;; Float32 GEMM kernels with WebAssembly SIMD (f32x4), hand-written so the module
;; stays small (Chrome compiles modules under 4 KB synchronously on the main thread)
;; and every instruction is accounted for. Compiled by scripts/build-wasm.mjs.
;;
;; The three exports compute C[m, n] = Σ_p a(i, p) b(p, j) for the layouts of a dense
;; layer's forward and backward products (see ../gemm.ts):
;;
;;   abt: A [m, k], B [n, k]   (Y = X W^T)
;;   ab:  A [m, k], B [k, n]   (dX = dY W)
;;   atb: A [k, m], B [k, n]   (dW = dY^T X)
;;
;; All addresses are byte offsets into the imported memory, chosen by the loader
;; (gemm-simd.ts), which also zero-pads 64 bytes after A and B: the kernels read up
;; to 7 floats past a row's end in tail tiles, into lanes whose results are dropped.
;;
;; Numerics: every C_ij is accumulated in one f32 lane, p = 0, 1, ..., k-1 in order,
;; each product rounded to f32 and then added (WebAssembly SIMD has no fused
;; multiply-add). The order does not depend on the layout, the blocking or the
;; position of (i, j) in a tile, so the three exports give identical bits for the
;; same product, and a row of C does not depend on the other rows of A.
;;
;; Blocking: a 4 x 8 tile of C lives in eight v128 accumulators (4 rows x 2 vectors
;; of 4 columns). Per step p the tile loads 8 consecutive floats of B (two v128) and
;; broadcasts 4 floats of A, then does 8 multiplies and 8 adds. The operands are
;; read as "panels": 4 values of A (rows i..i+3 at step p) at a_p, a_p + 4, a_p + 8,
;; a_p + 12, with a_{p+1} = a_p + aStep; 8 values of B (columns j..j+7) at b_p ..
;; b_p + 28, with b_{p+1} = b_p + bStep. B [k, n] is read in place (bStep = 4n);
;; B [n, k] is first transposed into contiguous panels by $pack (4 x 4 blocks
;; through shuffles), and A always is: A [m, k] by $pack, A [k, m] by plain 16-byte
;; copies, because reading A^T in place strides by 4m bytes, which at m = 256 maps
;; every step into the same few L1 sets (measured 25% slower). Columns are the outer
;; loop, so one B panel (k x 8 floats, 25 KB at k = 784) stays in L1 while the A
;; panels stream past it.
;;
;; At 128 x 256 x 784 this runs at ~30 GFLOP/s on a 2023 Xeon core, near the
;; ceiling of 16 SIMD operations per 64 flops on three vector ports; unrolling the
;; k loop measured slower.
(module
	(import "env" "memory" (memory 1))

	;; One 4 x 8 tile: rows of the result go to cp, cp + cs, cp + 2cs, cp + 3cs.
	(func $tile (param $ap i32) (param $aStep i32) (param $bp i32) (param $bStep i32) (param $k i32) (param $cp i32) (param $cs i32)
		(local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
		(local $c4 v128) (local $c5 v128) (local $c6 v128) (local $c7 v128)
		(local $b0 v128) (local $b1 v128) (local $a v128)
		;; v128 locals start at zero.
		(if (local.get $k)
			(then
				(loop $p
					(local.set $b0 (v128.load (local.get $bp)))
					(local.set $b1 (v128.load offset=16 (local.get $bp)))
					(local.set $a (v128.load32_splat (local.get $ap)))
					(local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $a) (local.get $b0))))
					(local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $a) (local.get $b1))))
					(local.set $a (v128.load32_splat offset=4 (local.get $ap)))
					(local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $a) (local.get $b0))))
					(local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $a) (local.get $b1))))
					(local.set $a (v128.load32_splat offset=8 (local.get $ap)))
					(local.set $c4 (f32x4.add (local.get $c4) (f32x4.mul (local.get $a) (local.get $b0))))
					(local.set $c5 (f32x4.add (local.get $c5) (f32x4.mul (local.get $a) (local.get $b1))))
					(local.set $a (v128.load32_splat offset=12 (local.get $ap)))
					(local.set $c6 (f32x4.add (local.get $c6) (f32x4.mul (local.get $a) (local.get $b0))))
					(local.set $c7 (f32x4.add (local.get $c7) (f32x4.mul (local.get $a) (local.get $b1))))
					(local.set $ap (i32.add (local.get $ap) (local.get $aStep)))
					(local.set $bp (i32.add (local.get $bp) (local.get $bStep)))
					(br_if $p (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))))
		(v128.store (local.get $cp) (local.get $c0))
		(v128.store offset=16 (local.get $cp) (local.get $c1))
		(local.set $cp (i32.add (local.get $cp) (local.get $cs)))
		(v128.store (local.get $cp) (local.get $c2))
		(v128.store offset=16 (local.get $cp) (local.get $c3))
		(local.set $cp (i32.add (local.get $cp) (local.get $cs)))
		(v128.store (local.get $cp) (local.get $c4))
		(v128.store offset=16 (local.get $cp) (local.get $c5))
		(local.set $cp (i32.add (local.get $cp) (local.get $cs)))
		(v128.store (local.get $cp) (local.get $c6))
		(v128.store offset=16 (local.get $cp) (local.get $c7)))

;; Transpose one group of 4 rows of X (row stride rs bytes, `valid` of them real,
	;; the rest taken as zero) into dst: element (r, p) goes to dst + p*step + 4r.
	(func $group (param $src i32) (param $rs i32) (param $valid i32) (param $k i32) (param $dst i32) (param $step i32)
		(local $p i32) (local $r i32) (local $s i32) (local $d i32)
		(local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
		(if (i32.eq (local.get $valid) (i32.const 4))
			(then
				(block $end4
					(loop $by4
						(br_if $end4 (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $k)))
						(local.set $s (i32.add (local.get $src) (i32.shl (local.get $p) (i32.const 2))))
						(local.set $x0 (v128.load (local.get $s)))
						(local.set $s (i32.add (local.get $s) (local.get $rs)))
						(local.set $x1 (v128.load (local.get $s)))
						(local.set $s (i32.add (local.get $s) (local.get $rs)))
						(local.set $x2 (v128.load (local.get $s)))
						(local.set $s (i32.add (local.get $s) (local.get $rs)))
						(local.set $x3 (v128.load (local.get $s)))
						(local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1)))
						(local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
						(local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3)))
						(local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
						(local.set $d (i32.add (local.get $dst) (i32.mul (local.get $p) (local.get $step))))
						(v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
						(local.set $d (i32.add (local.get $d) (local.get $step)))
						(v128.store (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
						(local.set $d (i32.add (local.get $d) (local.get $step)))
						(v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
						(local.set $d (i32.add (local.get $d) (local.get $step)))
						(v128.store (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
						(local.set $p (i32.add (local.get $p) (i32.const 4)))
						(br $by4)))))
		;; The last k mod 4 steps, or all of them for a partial group, one value at a time.
		(block $end
			(loop $by1
				(br_if $end (i32.ge_u (local.get $p) (local.get $k)))
				(local.set $d (i32.add (local.get $dst) (i32.mul (local.get $p) (local.get $step))))
				(local.set $s (i32.add (local.get $src) (i32.shl (local.get $p) (i32.const 2))))
				(local.set $r (i32.const 0))
				(loop $rows
					(f32.store (local.get $d)
						(if (result f32) (i32.lt_u (local.get $r) (local.get $valid))
							(then (f32.load (local.get $s)))
							(else (f32.const 0))))
					(local.set $d (i32.add (local.get $d) (i32.const 4)))
					(local.set $s (i32.add (local.get $s) (local.get $rs)))
					(br_if $rows (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (i32.const 4))))
				(local.set $p (i32.add (local.get $p) (i32.const 1)))
				(br $by1))))

	;; Copy X [rows, k] (row r contiguous) into panels of w rows (w = 4 or 8): panel q
	;; starts at dst + q*w*k*4 and holds element (q*w + r, p) at index p*w + r. Rows
	;; past `rows` in the last panel are zero.
	(func $pack (param $src i32) (param $rows i32) (param $k i32) (param $dst i32) (param $w i32)
		(local $r i32) (local $rs i32) (local $left i32)
		(local.set $rs (i32.shl (local.get $k) (i32.const 2)))
		(block $done
			(loop $groups
				(br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
				(local.set $left (i32.sub (local.get $rows) (local.get $r)))
				;; Group r..r+3 is lanes (r mod w)..+3 of panel r/w.
				(call $group
					(i32.add (local.get $src) (i32.mul (local.get $r) (local.get $rs)))
					(local.get $rs)
					(select (i32.const 4) (local.get $left) (i32.ge_u (local.get $left) (i32.const 4)))
					(local.get $k)
					(i32.add (local.get $dst)
						(i32.add (i32.mul (i32.sub (local.get $r) (i32.rem_u (local.get $r) (local.get $w))) (local.get $rs))
							(i32.shl (i32.rem_u (local.get $r) (local.get $w)) (i32.const 2))))
					(i32.shl (local.get $w) (i32.const 2)))
				(local.set $r (i32.add (local.get $r) (i32.const 4)))
				(br $groups)))
		;; A last panel of 8 with only 1..4 rows: zero its upper half.
		(if (i32.and (i32.eq (local.get $w) (i32.const 8)) (i32.and (i32.rem_u (i32.add (local.get $rows) (i32.const 3)) (i32.const 8)) (i32.const 4)))
			(then
				(call $group (local.get $src) (i32.const 0) (i32.const 0) (local.get $k)
					(i32.add (local.get $dst) (i32.add (i32.mul (i32.sub (local.get $r) (i32.const 4)) (local.get $rs)) (i32.const 16)))
					(i32.const 32)))))

	;; C = Σ_p a(i, p) b(p, j) tile by tile. The A panel of rows i..i+3 starts at
	;; a + (i/4)*aPanel and steps by aStep; the B panel of columns j..j+7 starts at
	;; b + (j/8)*bPanel and steps by bStep. Tiles that overhang C go through the
	;; 128-byte buffer at tmp and only their valid part is copied out.
	(func $gemm (param $a i32) (param $aStep i32) (param $aPanel i32) (param $b i32) (param $bStep i32) (param $bPanel i32)
		(param $c i32) (param $m i32) (param $n i32) (param $k i32) (param $tmp i32)
		(local $i i32) (local $j i32) (local $ap i32) (local $bp i32) (local $rows i32) (local $cols i32) (local $r i32) (local $q i32)
		(local $cs i32) (local $dst i32)
		(local.set $cs (i32.shl (local.get $n) (i32.const 2)))
		(local.set $bp (local.get $b))
		(block $doneJ
			(loop $overJ
				(br_if $doneJ (i32.ge_u (local.get $j) (local.get $n)))
				(local.set $cols (select (i32.const 8) (i32.sub (local.get $n) (local.get $j))
					(i32.ge_u (i32.sub (local.get $n) (local.get $j)) (i32.const 8))))
				(local.set $i (i32.const 0))
				(local.set $ap (local.get $a))
				(block $doneI
					(loop $overI
						(br_if $doneI (i32.ge_u (local.get $i) (local.get $m)))
						(local.set $rows (select (i32.const 4) (i32.sub (local.get $m) (local.get $i))
							(i32.ge_u (i32.sub (local.get $m) (local.get $i)) (i32.const 4))))
						(local.set $dst (i32.add (local.get $c)
							(i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
						(if (i32.and (i32.eq (local.get $rows) (i32.const 4)) (i32.eq (local.get $cols) (i32.const 8)))
							(then
								(call $tile (local.get $ap) (local.get $aStep) (local.get $bp) (local.get $bStep) (local.get $k)
									(local.get $dst) (local.get $cs)))
							(else
								(call $tile (local.get $ap) (local.get $aStep) (local.get $bp) (local.get $bStep) (local.get $k)
									(local.get $tmp) (i32.const 32))
								(local.set $r (i32.const 0))
								(loop $copyRows
									(local.set $q (i32.const 0))
									(loop $copyCols
										(f32.store
											(i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $n)) (local.get $q)) (i32.const 2)))
											(f32.load (i32.add (local.get $tmp) (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $q)) (i32.const 2)))))
										(br_if $copyCols (i32.lt_u (local.tee $q (i32.add (local.get $q) (i32.const 1))) (local.get $cols))))
									(br_if $copyRows (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $rows))))))
						(local.set $i (i32.add (local.get $i) (i32.const 4)))
						(local.set $ap (i32.add (local.get $ap) (local.get $aPanel)))
						(br $overI)))
				(local.set $j (i32.add (local.get $j) (i32.const 8)))
				(local.set $bp (i32.add (local.get $bp) (local.get $bPanel)))
				(br $overJ))))

	;; C = A B^T with A [m, k] at a and B [n, k] at b; pa and pb receive the packed
	;; panels (4 rows of A per 16k bytes, 8 rows of B per 32k bytes).
	(func (export "abt") (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $n i32) (param $k i32)
		(param $pa i32) (param $pb i32) (param $tmp i32)
		(local $k4 i32)
		(local.set $k4 (i32.shl (local.get $k) (i32.const 2)))
		(call $pack (local.get $a) (local.get $m) (local.get $k) (local.get $pa) (i32.const 4))
		(call $pack (local.get $b) (local.get $n) (local.get $k) (local.get $pb) (i32.const 8))
		(call $gemm (local.get $pa) (i32.const 16) (i32.shl (local.get $k4) (i32.const 2))
			(local.get $pb) (i32.const 32) (i32.shl (local.get $k4) (i32.const 3))
			(local.get $c) (local.get $m) (local.get $n) (local.get $k) (local.get $tmp)))

	;; C = A B with A [m, k] at a (packed into pa) and B [k, n] at b (read in place).
	(func (export "ab") (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $n i32) (param $k i32)
		(param $pa i32) (param $tmp i32)
		(call $pack (local.get $a) (local.get $m) (local.get $k) (local.get $pa) (i32.const 4))
		(call $gemm (local.get $pa) (i32.const 16) (i32.shl (local.get $k) (i32.const 4))
			(local.get $b) (i32.shl (local.get $n) (i32.const 2)) (i32.const 32)
			(local.get $c) (local.get $m) (local.get $n) (local.get $k) (local.get $tmp)))

;; C = A^T B with A [k, m] at a (4 columns at a time copied into pa, so the panel
	;; is contiguous instead of strided by m) and B [k, n] at b (read in place). When
	;; m is not a multiple of 4 the last block copies up to 3 floats past each row of
	;; A (the next row's, or the zero padding), into lanes of rows that are dropped.
	(func (export "atb") (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $n i32) (param $k i32)
		(param $pa i32) (param $tmp i32)
		(local $i i32) (local $p i32) (local $s i32) (local $d i32) (local $ms i32)
		(local.set $ms (i32.shl (local.get $m) (i32.const 2)))
		(local.set $d (local.get $pa))
		(block $done
			(loop $blocks
				(br_if $done (i32.ge_u (local.get $i) (local.get $m)))
				(local.set $s (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
				(local.set $p (local.get $k))
				(block $end
					(loop $steps
						(br_if $end (i32.eqz (local.get $p)))
						(v128.store (local.get $d) (v128.load (local.get $s)))
						(local.set $s (i32.add (local.get $s) (local.get $ms)))
						(local.set $d (i32.add (local.get $d) (i32.const 16)))
						(local.set $p (i32.sub (local.get $p) (i32.const 1)))
						(br $steps)))
				(local.set $i (i32.add (local.get $i) (i32.const 4)))
				(br $blocks)))
		(call $gemm (local.get $pa) (i32.const 16) (i32.shl (local.get $k) (i32.const 4))
			(local.get $b) (i32.shl (local.get $n) (i32.const 2)) (i32.const 32)
			(local.get $c) (local.get $m) (local.get $n) (local.get $k) (local.get $tmp))))
