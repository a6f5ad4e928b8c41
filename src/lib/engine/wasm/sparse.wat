;; Sparse-times-dense products for a conv layer's backward pass, with WebAssembly SIMD.
;; Compiled by scripts/build-wasm.mjs; loaded by sparse-simd.ts into the memory of the
;; shared training-kernel instance (train-simd.ts), so im2col's output is read in place.
;;
;; Why: a conv layer followed by 2 x 2 max-pooling gets back an output gradient dz that is
;; three quarters zeros (each window passes its gradient to one position), and the two
;; backward products of the layer, dW = dz^T cols and dcols = dz W, spend three quarters
;; of their multiply-adds on those zeros.
;;
;; scan(dz, rows, F, rstart, fidx, rval, clo, chi, nidx, cval, rowBytes, table) -> nonzeros
;;
;;   lists the nonzero entries of dz [rows, F] (float32, row-major) twice:
;;   - by rows (CSR): row r's entries at rstart[r] .. rstart[r + 1] - 1 of fidx (their
;;     columns f as byte offsets f rowBytes of W's rows) and rval (their values), columns
;;     increasing;
;;   - by columns (CSC): column f's entries at clo[f] .. chi[f] - 1 of nidx (their rows r
;;     as byte offsets r rowBytes of im2col's rows) and cval, rows increasing.
;;   An entry is nonzero when f32.ne v 0: -0 is left out with +0, NaN is kept.
;;
;; spmm(lo, hi, idx, val, lists, M, k, out, group)
;;
;;   out[o, 0..k) = Σ_{e = lo[o]}^{hi[o] - 1} val[e] M[idx[e], 0..k) for o < lists, with
;;   M and out row-major with rows of k floats and idx[e] the byte offset of M's row. Each output is accumulated in one f32
;;   lane, e in increasing order, every product rounded to f32 and then added, as
;;   gemm.wat does over its p = 0..k-1. So with the lists of scan:
;;
;;     spmm(clo, chi, nidx, cval, F, cols, K, dw, group)     = gemm atb(dz, cols)   [F, K]
;;     spmm(rstart, rstart + 4, fidx, rval, rows, W, K, dcols, group) = gemm ab(dz, W)  [rows, K]
;;
;;   to the bit, whenever M is finite: the skipped products are ±0, and adding ±0 to a
;;   running f32 sum that started at +0 never changes it (the sum is never -0, because
;;   +0 + -0 = +0). The columns go 32 at a time in eight v128 accumulators (each entry
;;   loads its value once for 8 multiply-adds), then 4 at a time, then one by one. The
;;   entries go in groups of `group`, whose rows of M stay in L1 while every block of
;;   columns passes over them (M = im2col's rows is L2-sized).
(module
	(import "env" "memory" (memory 1))

	(func (export "scan") (param $dz i32) (param $rows i32) (param $F i32) (param $rstart i32) (param $fidx i32) (param $rval i32)
		(param $clo i32) (param $chi i32) (param $nidx i32) (param $cval i32) (param $rowBytes i32) (param $table i32) (result i32)
		(local $r i32) (local $f i32) (local $nnz i32) (local $v f32) (local $e i32) (local $e1 i32) (local $cp i32) (local $slot i32)
		(local $sum i32) (local $n i32) (local $rOff i32) (local $m i32) (local $l i32) (local $vv v128) (local $sh v128)
		;; The compaction table: for each 4-bit mask m, the byte shuffle that moves the lanes
		;; set in m to the front, in order (the other bytes 0x80: zeros, never kept).
		(block $doneM
			(loop $overM
				(br_if $doneM (i32.ge_u (local.get $m) (i32.const 16)))
				(v128.store (i32.add (local.get $table) (i32.shl (local.get $m) (i32.const 4))) (i8x16.splat (i32.const 0x80)))
				(local.set $n (i32.add (local.get $table) (i32.shl (local.get $m) (i32.const 4))))
				(local.set $l (i32.const 0))
				(block $doneL
					(loop $overL
						(br_if $doneL (i32.ge_u (local.get $l) (i32.const 4)))
						(if (i32.and (i32.shr_u (local.get $m) (local.get $l)) (i32.const 1))
							(then
								;; bytes 4l .. 4l+3 as one little-endian word
								(i32.store (local.get $n) (i32.add (i32.mul (i32.shl (local.get $l) (i32.const 2)) (i32.const 0x01010101)) (i32.const 0x03020100)))
								(local.set $n (i32.add (local.get $n) (i32.const 4)))))
						(local.set $l (i32.add (local.get $l) (i32.const 1)))
						(br $overL)))
				(local.set $m (i32.add (local.get $m) (i32.const 1)))
				(br $overM)))
		;; By rows, branch-free: four values at a time, their nonzeros (f32x4.ne: -0 is left out
		;; with +0, NaN kept) shuffled to the front and stored whole at the next free slot, which
		;; advances by their count (signs of gradients are coin flips a branch would mispredict).
		;; A store reaches 3 entries past its slot, but the slot is at most the entries read
		;; before these four, so it stays inside the lists. A row's last F % 4 one at a time.
		(block $doneR
			(loop $overR
				(br_if $doneR (i32.ge_u (local.get $r) (local.get $rows)))
				(i32.store (i32.add (local.get $rstart) (i32.shl (local.get $r) (i32.const 2))) (local.get $nnz))
				(local.set $f (i32.const 0))
				(block $done4
					(loop $over4
						(br_if $done4 (i32.gt_u (i32.add (local.get $f) (i32.const 4)) (local.get $F)))
						(local.set $vv (v128.load (local.get $dz)))
						(local.set $m (i32x4.bitmask (f32x4.ne (local.get $vv) (v128.const f32x4 0 0 0 0))))
						(local.set $sh (v128.load (i32.add (local.get $table) (i32.shl (local.get $m) (i32.const 4)))))
						(v128.store (i32.add (local.get $rval) (i32.shl (local.get $nnz) (i32.const 2))) (i8x16.swizzle (local.get $vv) (local.get $sh)))
						(v128.store (i32.add (local.get $fidx) (i32.shl (local.get $nnz) (i32.const 2)))
							(i8x16.swizzle (i32x4.add (i32x4.splat (local.get $f)) (v128.const i32x4 0 1 2 3)) (local.get $sh)))
						(local.set $nnz (i32.add (local.get $nnz) (i32.popcnt (local.get $m))))
						(local.set $dz (i32.add (local.get $dz) (i32.const 16)))
						(local.set $f (i32.add (local.get $f) (i32.const 4)))
						(br $over4)))
				(block $doneF
					(loop $overF
						(br_if $doneF (i32.ge_u (local.get $f) (local.get $F)))
						(local.set $v (f32.load (local.get $dz)))
						(i32.store (i32.add (local.get $fidx) (i32.shl (local.get $nnz) (i32.const 2))) (local.get $f))
						(f32.store (i32.add (local.get $rval) (i32.shl (local.get $nnz) (i32.const 2))) (local.get $v))
						(local.set $nnz (i32.add (local.get $nnz) (f32.ne (local.get $v) (f32.const 0))))
						(local.set $dz (i32.add (local.get $dz) (i32.const 4)))
						(local.set $f (i32.add (local.get $f) (i32.const 1)))
						(br $overF)))
				(local.set $r (i32.add (local.get $r) (i32.const 1)))
				(br $overR)))
		(i32.store (i32.add (local.get $rstart) (i32.shl (local.get $rows) (i32.const 2))) (local.get $nnz))
		;; By columns, from the row lists (a counting sort: work in proportion to the nonzeros).
		;; chi counts first, then clo takes the running sums and chi walks from there.
		(local.set $f (i32.const 0))
		(block $doneZ
			(loop $zero
				(br_if $doneZ (i32.ge_u (local.get $f) (local.get $F)))
				(i32.store (i32.add (local.get $chi) (i32.shl (local.get $f) (i32.const 2))) (i32.const 0))
				(local.set $f (i32.add (local.get $f) (i32.const 1)))
				(br $zero)))
		(local.set $e (i32.const 0))
		(block $doneC
			(loop $count
				(br_if $doneC (i32.ge_u (local.get $e) (local.get $nnz)))
				(local.set $cp (i32.add (local.get $chi) (i32.shl (i32.load (i32.add (local.get $fidx) (i32.shl (local.get $e) (i32.const 2)))) (i32.const 2))))
				(i32.store (local.get $cp) (i32.add (i32.load (local.get $cp)) (i32.const 1)))
				(local.set $e (i32.add (local.get $e) (i32.const 1)))
				(br $count)))
		(local.set $f (i32.const 0))
		(block $doneS
			(loop $sums
				(br_if $doneS (i32.ge_u (local.get $f) (local.get $F)))
				(local.set $cp (i32.add (local.get $chi) (i32.shl (local.get $f) (i32.const 2))))
				(local.set $n (i32.load (local.get $cp)))
				(i32.store (i32.add (local.get $clo) (i32.shl (local.get $f) (i32.const 2))) (local.get $sum))
				(i32.store (local.get $cp) (local.get $sum))
				(local.set $sum (i32.add (local.get $sum) (local.get $n)))
				(local.set $f (i32.add (local.get $f) (i32.const 1)))
				(br $sums)))
		;; Rows in order, so each column's rows increase; then the row lists' columns become
		;; byte offsets of W's rows, and the column lists hold byte offsets of im2col's rows.
		(local.set $r (i32.const 0))
		(local.set $e (i32.const 0))
		(block $doneP
			(loop $place
				(br_if $doneP (i32.ge_u (local.get $r) (local.get $rows)))
				(local.set $e1 (i32.load (i32.add (local.get $rstart) (i32.shl (i32.add (local.get $r) (i32.const 1)) (i32.const 2)))))
				(block $doneE
					(loop $overE
						(br_if $doneE (i32.ge_u (local.get $e) (local.get $e1)))
						(local.set $f (i32.load (i32.add (local.get $fidx) (i32.shl (local.get $e) (i32.const 2)))))
						(local.set $cp (i32.add (local.get $chi) (i32.shl (local.get $f) (i32.const 2))))
						(local.set $slot (i32.shl (i32.load (local.get $cp)) (i32.const 2)))
						(i32.store (local.get $cp) (i32.add (i32.load (local.get $cp)) (i32.const 1)))
						(i32.store (i32.add (local.get $nidx) (local.get $slot)) (local.get $rOff))
						(f32.store (i32.add (local.get $cval) (local.get $slot)) (f32.load (i32.add (local.get $rval) (i32.shl (local.get $e) (i32.const 2)))))
						(i32.store (i32.add (local.get $fidx) (i32.shl (local.get $e) (i32.const 2))) (i32.mul (local.get $f) (local.get $rowBytes)))
						(local.set $e (i32.add (local.get $e) (i32.const 1)))
						(br $overE)))
				(local.set $rOff (i32.add (local.get $rOff) (local.get $rowBytes)))
				(local.set $r (i32.add (local.get $r) (i32.const 1)))
				(br $place)))
		(local.get $nnz))

	(func (export "spmm") (param $lo i32) (param $hi i32) (param $idx i32) (param $val i32) (param $lists i32) (param $M i32)
		(param $k i32) (param $out i32) (param $group i32)
		(local $o i32) (local $e1 i32) (local $g0 i32) (local $g1 i32) (local $first i32) (local $kb i32)
		(local $vp i32) (local $ip i32) (local $vend i32) (local $mk i32) (local $p i32) (local $dst i32) (local $row i32)
		(local $a v128) (local $b v128) (local $q i32) (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
		(local $c4 v128) (local $c5 v128) (local $c6 v128) (local $c7 v128) (local $s f32)
		(local.set $row (local.get $out))
		(block $doneO
			(loop $overO
				(br_if $doneO (i32.ge_u (local.get $o) (local.get $lists)))
				(local.set $g0 (i32.load (i32.add (local.get $lo) (i32.shl (local.get $o) (i32.const 2)))))
				(local.set $e1 (i32.load (i32.add (local.get $hi) (i32.shl (local.get $o) (i32.const 2)))))
				(local.set $first (i32.const 1))
				;; The entries in groups, so a group's rows of M stay in L1 while every block of
				;; columns passes over them; later groups resume from the stored sums.
				(loop $overG
					(local.set $g1 (select (local.get $e1) (i32.add (local.get $g0) (local.get $group))
						(i32.lt_u (i32.sub (local.get $e1) (local.get $g0)) (local.get $group))))
					(local.set $vend (i32.add (local.get $val) (i32.shl (local.get $g1) (i32.const 2))))
					(local.set $dst (local.get $row))
					(local.set $mk (local.get $M))
					(local.set $kb (i32.const 0))
					;; 32 columns at a time: 8 accumulators.
					(block $done32
						(loop $over32
							(br_if $done32 (i32.gt_u (i32.add (local.get $kb) (i32.const 32)) (local.get $k)))
							(if (local.get $first)
								(then
									(local.set $c0 (v128.const i32x4 0 0 0 0))
									(local.set $c1 (local.get $c0))
									(local.set $c2 (local.get $c0))
									(local.set $c3 (local.get $c0))
									(local.set $c4 (local.get $c0))
									(local.set $c5 (local.get $c0))
									(local.set $c6 (local.get $c0))
									(local.set $c7 (local.get $c0)))
								(else
									(local.set $c0 (v128.load (local.get $dst)))
									(local.set $c1 (v128.load offset=16 (local.get $dst)))
									(local.set $c2 (v128.load offset=32 (local.get $dst)))
									(local.set $c3 (v128.load offset=48 (local.get $dst)))
									(local.set $c4 (v128.load offset=64 (local.get $dst)))
									(local.set $c5 (v128.load offset=80 (local.get $dst)))
									(local.set $c6 (v128.load offset=96 (local.get $dst)))
									(local.set $c7 (v128.load offset=112 (local.get $dst)))))
							(local.set $vp (i32.add (local.get $val) (i32.shl (local.get $g0) (i32.const 2))))
							(local.set $ip (i32.add (local.get $idx) (i32.shl (local.get $g0) (i32.const 2))))
							(block $doneE
							(loop $overE
									(br_if $doneE (i32.ge_u (local.get $vp) (local.get $vend)))
									(local.set $a (v128.load32_splat (local.get $vp)))
									(local.set $p (i32.add (local.get $mk) (i32.load (local.get $ip))))
									(local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $a) (v128.load (local.get $p)))))
									(local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $a) (v128.load offset=16 (local.get $p)))))
									(local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $a) (v128.load offset=32 (local.get $p)))))
									(local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $a) (v128.load offset=48 (local.get $p)))))
									(local.set $c4 (f32x4.add (local.get $c4) (f32x4.mul (local.get $a) (v128.load offset=64 (local.get $p)))))
									(local.set $c5 (f32x4.add (local.get $c5) (f32x4.mul (local.get $a) (v128.load offset=80 (local.get $p)))))
									(local.set $c6 (f32x4.add (local.get $c6) (f32x4.mul (local.get $a) (v128.load offset=96 (local.get $p)))))
									(local.set $c7 (f32x4.add (local.get $c7) (f32x4.mul (local.get $a) (v128.load offset=112 (local.get $p)))))
									(local.set $vp (i32.add (local.get $vp) (i32.const 4)))
									(local.set $ip (i32.add (local.get $ip) (i32.const 4)))
									(br $overE)
))
							(v128.store (local.get $dst) (local.get $c0))
							(v128.store offset=16 (local.get $dst) (local.get $c1))
							(v128.store offset=32 (local.get $dst) (local.get $c2))
							(v128.store offset=48 (local.get $dst) (local.get $c3))
							(v128.store offset=64 (local.get $dst) (local.get $c4))
							(v128.store offset=80 (local.get $dst) (local.get $c5))
							(v128.store offset=96 (local.get $dst) (local.get $c6))
							(v128.store offset=112 (local.get $dst) (local.get $c7))
							(local.set $dst (i32.add (local.get $dst) (i32.const 128)))
							(local.set $mk (i32.add (local.get $mk) (i32.const 128)))
							(local.set $kb (i32.add (local.get $kb) (i32.const 32)))
							(br $over32)))
					;; Then 4 at a time.
					(block $done4
						(loop $over4
							(br_if $done4 (i32.gt_u (i32.add (local.get $kb) (i32.const 4)) (local.get $k)))
							(local.set $c0 (select (v128.const i32x4 0 0 0 0) (v128.load (local.get $dst)) (local.get $first)))
							(local.set $vp (i32.add (local.get $val) (i32.shl (local.get $g0) (i32.const 2))))
							(local.set $ip (i32.add (local.get $idx) (i32.shl (local.get $g0) (i32.const 2))))
							(block $doneE4
								(loop $overE4
									(br_if $doneE4 (i32.ge_u (local.get $vp) (local.get $vend)))
									(local.set $c0
										(f32x4.add (local.get $c0)
											(f32x4.mul (v128.load32_splat (local.get $vp)) (v128.load (i32.add (local.get $mk) (i32.load (local.get $ip)))))))
									(local.set $vp (i32.add (local.get $vp) (i32.const 4)))
									(local.set $ip (i32.add (local.get $ip) (i32.const 4)))
									(br $overE4)))
							(v128.store (local.get $dst) (local.get $c0))
							(local.set $dst (i32.add (local.get $dst) (i32.const 16)))
							(local.set $mk (i32.add (local.get $mk) (i32.const 16)))
							(local.set $kb (i32.add (local.get $kb) (i32.const 4)))
							(br $over4)))
					;; Then one by one.
					(block $done1
						(loop $over1
							(br_if $done1 (i32.ge_u (local.get $kb) (local.get $k)))
							(local.set $s (select (f32.const 0) (f32.load (local.get $dst)) (local.get $first)))
							(local.set $vp (i32.add (local.get $val) (i32.shl (local.get $g0) (i32.const 2))))
							(local.set $ip (i32.add (local.get $idx) (i32.shl (local.get $g0) (i32.const 2))))
							(block $doneE1
								(loop $overE1
									(br_if $doneE1 (i32.ge_u (local.get $vp) (local.get $vend)))
									(local.set $s
										(f32.add (local.get $s)
											(f32.mul (f32.load (local.get $vp)) (f32.load (i32.add (local.get $mk) (i32.load (local.get $ip)))))))
									(local.set $vp (i32.add (local.get $vp) (i32.const 4)))
									(local.set $ip (i32.add (local.get $ip) (i32.const 4)))
									(br $overE1)))
							(f32.store (local.get $dst) (local.get $s))
							(local.set $dst (i32.add (local.get $dst) (i32.const 4)))
							(local.set $mk (i32.add (local.get $mk) (i32.const 4)))
							(local.set $kb (i32.add (local.get $kb) (i32.const 1)))
							(br $over1)))
					(local.set $first (i32.const 0))
					(local.set $g0 (local.get $g1))
					(br_if $overG (i32.lt_u (local.get $g0) (local.get $e1))))
				(local.set $row (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2))))
				(local.set $o (i32.add (local.get $o) (i32.const 1)))
				(br $overO))))
)
