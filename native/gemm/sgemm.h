// Single-precision GEMM on row-major matrices, with BLAS sgemm semantics:
//
//   C = alpha * op(A) * op(B) + beta * C,   op(X) = X or X^T
//
// Shapes (row-major, leading dimensions in elements):
//   op(A): M x K.  A is stored M x K with lda >= K (transA false) or K x M with lda >= M (transA true).
//   op(B): K x N.  B is stored K x N with ldb >= N (transB false) or N x K with ldb >= K (transB true).
//   C:     M x N with ldc >= N.
// When beta == 0, C is not read (NaN in it does not propagate). When alpha == 0 or K == 0, A and B are not read
// and C = beta * C. C must not overlap A or B.
//
// The result is bit-identical for any thread count: work is split over M and N only, never over K.
// The caller (the N-API layer) has validated every argument.
#pragma once

#include <cstdint>

#include "gemm/microkernel.h"
#include "threads/thread_pool.h"

namespace sg {

struct SgemmArgs {
  bool trans_a = false;
  bool trans_b = false;
  int64_t m = 0, n = 0, k = 0;
  float alpha = 1.0f;
  const float* a = nullptr;
  int64_t lda = 0;
  const float* b = nullptr;
  int64_t ldb = 0;
  float beta = 0.0f;
  float* c = nullptr;
  int64_t ldc = 0;
};

// Runs on `pool` with microkernel `uk`. Throws std::bad_alloc if the packing workspace cannot be allocated.
void sgemm(const gemm::Microkernel& uk, ThreadPool& pool, const SgemmArgs& args);

}  // namespace sg
