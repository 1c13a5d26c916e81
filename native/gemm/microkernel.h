// The sgemm microkernel: the only part of the GEMM written once per instruction set (the BLIS design).
//
// Everything else (blocking, packing, threading) is portable and lives in sgemm.cc. A microkernel updates one
// MR x NR tile of a row-major C from a micro-panel of A and one of B:
//
//   C[i*ldc + j] = alpha * sum_{p < kc} a[i*rsa + p*csa] * b[p*ldb + j]  +  beta * C[i*ldc + j]
//   for 0 <= i < m, 0 <= j < n.
//
// Contract:
//   a     the A micro-panel, kc x m: element (i, p) at a[i*rsa + p*csa]. Packed by pack_a (rsa = 1, csa = MR,
//         64-byte aligned, rows i >= m zero), or read where it is: op(A) not transposed (rsa = lda, csa = 1) or
//         transposed (rsa = 1, csa = lda). Only rows i < m are read. Any alignment.
//   b     the B micro-panel, kc x n: row p at b + p*ldb. Packed by pack_b (ldb = NR, 64-byte aligned, columns
//         j >= n zero), or a non-transposed B read where it is (ldb = B's row stride). Only columns j < n are
//         read (an edge tile of B read in place uses masked or partial loads). Any alignment.
//   c     the tile's top-left element in C; any alignment; row stride ldc >= n (in elements).
//   kc    >= 1. Each C element is a chain of multiply-adds (fused where the ISA has FMA) over p = 0, 1, ..., kc-1
//         in that order, then the alpha and beta terms, with the same operations whatever m, n, the strides and
//         the alignment are. So an edge tile is bit-identical to a full one, a packed operand to one read in
//         place, and any split of C between threads to any other.
//   m, n  the valid part of the tile: 1 <= m <= MR, 1 <= n <= NR. Only that part of C is read or written.
//   beta  when beta == 0, C is written without being read (BLAS semantics: NaN or Inf in C does not propagate).
#pragma once

#include <cstdint>

#include "cpu/isa.h"

namespace sg::gemm {

using MicrokernelFn = void (*)(int64_t kc, float alpha, const float* a, int64_t rsa, int64_t csa, const float* b,
                               int64_t ldb, float beta, float* c, int64_t ldc, int m, int n);

// Packing routines for this kernel's MR and NR (see pack.h).
using PackAFn = void (*)(bool trans, const float* a, int64_t lda, int64_t mc, int64_t kc, float* out);
using PackBFn = void (*)(bool trans, const float* b, int64_t ldb, int64_t kc, int64_t nc, float* out);

struct Microkernel {
  const char* name;  // "sgemm_avx512_12x32": precision, instruction set, tile
  int mr;            // rows of the C tile
  int nr;            // columns of the C tile
  MicrokernelFn fn;
  PackAFn pack_a;  // pack_a<mr>
  PackBFn pack_b;  // pack_b<nr>
};

// One per instruction set; each has the same contract, and each is tested against a float64 product.
extern const Microkernel sgemm_avx512;
extern const Microkernel sgemm_avx2;
extern const Microkernel sgemm_neon;
extern const Microkernel sgemm_scalar;

// The microkernel for `isa`, which must be supported (see cpu/isa.h).
const Microkernel& microkernel_for(Isa isa);

}  // namespace sg::gemm
