// The sgemm microkernel: the only part of the GEMM written once per instruction set (the BLIS design).
//
// Everything else (blocking, packing, threading) is portable and lives in sgemm.cc. A microkernel updates one
// MR x NR tile of a row-major C from an A micro-panel and a B micro-panel:
//
//   C[i*ldc + j] = alpha * sum_{p < kc} a[p*MR + i] * b[p*ldb + j]  +  beta * C[i*ldc + j]
//   for 0 <= i < m, 0 <= j < n.
//
// Contract:
//   a     packed A micro-panel, kc x MR, k-major (the MR values of one k are adjacent). Rows i >= m are zero.
//   b     B micro-panel, kc x NR, row p at b + p*ldb. Either packed (ldb == NR, aligned to min(64, 4*NR) bytes,
//         columns j >= n zero), or, for a full-width tile (n == NR), B itself read in place (ldb = B's row
//         stride, any alignment). A kernel never reads past column NR - 1 of a row.
//   c     the tile's top-left element in C; any alignment; row stride ldc >= n (in elements).
//   kc    >= 1. Each C element is a chain of multiply-adds over p = 0, 1, ..., kc-1 in that order, then the alpha
//         and beta terms, with the same operations whatever m, n and ldb are. So an edge tile is bit-identical to
//         a full one, and so is any split of C between threads.
//   m, n  the valid part of the tile: 1 <= m <= MR, 1 <= n <= NR. Only that part of C is read or written.
//   beta  when beta == 0, C is written without being read (BLAS semantics: NaN or Inf in C does not propagate).
#pragma once

#include <cstdint>

#include "cpu/isa.h"

namespace sg::gemm {

using MicrokernelFn = void (*)(int64_t kc, float alpha, const float* a, const float* b, int64_t ldb, float beta,
                               float* c, int64_t ldc, int m, int n);

// Packing routines for this kernel's MR and NR (see pack.h).
using PackAFn = void (*)(bool trans, const float* a, int64_t lda, int64_t mc, int64_t kc, float* out);
using PackBFn = void (*)(bool trans, const float* b, int64_t ldb, int64_t kc, int64_t nc, float* out);

struct Microkernel {
  const char* name;  // "sgemm_avx512_12x32": precision, instruction set, tile
  int mr;            // rows of the C tile
  int nr;            // columns of the C tile
  // Cache blocking for the frame (sgemm.cc), in elements. The mr x kc micro-panel of A stays in L1 while the
  // kc x nr micro-panels of B stream from the packed kc x nc block of B, which stays in L2. mc only bounds the
  // packed A block (one micro-panel of it is hot at a time), so it is large: B is repacked once per mc rows.
  int kc;
  int nc;
  int mc;
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
