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
// The result is bit-identical for any thread count and any packing plan: work is split over M and N only, never
// over K, and K is cut into the same blocks (gemm::Blocking::kc) whatever else is chosen.
// The caller (the N-API layer) has validated every argument.
#pragma once

#include <cstdint>
#include <memory>

#include "cpu/cache.h"
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

namespace gemm {

// Cache blocking in elements, derived from the cache sizes (see blocking_for in sgemm.cc):
//   kc  the K block: an MR x kc micro-panel of A stays in L1 while kc x NR micro-panels of B stream past it
//   nc  the N block: a packed kc x nc block of B stays in L2 while every micro-panel of A passes over it
//   mc  the M block: bounds the packed A block (mc x kc), and so the workspace; B is repacked once per mc rows
struct Blocking {
  int64_t kc, nc, mc;
};
Blocking blocking_for(const Microkernel& uk, const CacheSizes& caches);

// K cut into the fewest blocks of at most blocking.kc, of equal size (the last may be smaller): the K block length
// for a product with this K. sgemm and PackedMatrix both use it, which keeps their results bit-identical.
int64_t k_block(const Microkernel& uk, int64_t k);

// Which operands a product copies into packed micro-panels first. Packing costs one pass over the operand and pays
// off when its micro-panels are reused many times from cache; a small or skinny product reads A and B where they
// are (a transposed B is always packed). sgemm() chooses; tests and benchmarks can force a plan.
struct Plan {
  bool pack_a;
  bool pack_b;  // ignored (always packed) when B is transposed
};
Plan choose_plan(const Microkernel& uk, const SgemmArgs& args, int64_t m_block, int64_t n_block);

}  // namespace gemm

// Runs on `pool` with microkernel `uk`, with the plan chosen for the problem, or `forced`. Throws std::bad_alloc if
// the packing workspace cannot be allocated.
void sgemm(const gemm::Microkernel& uk, ThreadPool& pool, const SgemmArgs& args, const gemm::Plan* forced = nullptr);

// op(B), K x N, packed once into the microkernel's NR-column panels and reused by many products: a recurrent
// layer multiplies by the same weight matrix at every time step. Layout: K is cut into blocks of kc rows (the
// same blocks sgemm uses for this K), and block pc holds ceil(N / NR) panels of kc x NR, zero-padded.
class PackedMatrix {
 public:
  PackedMatrix(const gemm::Microkernel& uk, bool trans, const float* b, int64_t ldb, int64_t k, int64_t n);
  PackedMatrix(const PackedMatrix&) = delete;
  PackedMatrix& operator=(const PackedMatrix&) = delete;

  const gemm::Microkernel& microkernel() const { return uk_; }
  int64_t k() const { return k_; }
  int64_t n() const { return n_; }
  int64_t kc() const { return kc_; }
  // Panel `q` (columns [q*NR, q*NR + NR)) of the K block starting at row pc (a multiple of kc()).
  const float* panel(int64_t pc, int64_t q) const {
    return data_.get() + pc * panels_ * uk_.nr + q * kc_block(pc) * uk_.nr;
  }
  int64_t kc_block(int64_t pc) const { return k_ - pc < kc_ ? k_ - pc : kc_; }

 private:
  struct Free {
    void operator()(float* p) const;
  };
  const gemm::Microkernel& uk_;
  int64_t k_, n_, kc_, panels_;
  std::unique_ptr<float, Free> data_;
};

// C = alpha * op(A) * B + beta * C with B packed beforehand; A is M x K (op(A), as in SgemmArgs), C is M x N.
// The same numbers as sgemm() with the unpacked B, bit for bit.
void sgemm_packed(ThreadPool& pool, bool trans_a, int64_t m, float alpha, const float* a, int64_t lda,
                  const PackedMatrix& b, float beta, float* c, int64_t ldc);

}  // namespace sg
