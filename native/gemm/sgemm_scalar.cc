// sgemm portable microkernel in plain C++: a 4 x 8 tile of C.
//
// It runs on any CPU, the fallback when no SIMD kernel fits. Like every kernel it is tested against a float64
// reference product (test/helpers/gemm-reference.ts, test/native/sgemm_check.cc). It is compiled for the baseline
// target only (no target attributes), so the compiler may use SSE2 on x86-64 but nothing newer. A full tile has
// loops of fixed length the compiler can vectorize; an edge tile loops over its valid rows and columns only, so an
// operand read in place is never read outside the tile.
#include <cstdint>
#include <cstring>

#include "gemm/microkernel.h"

namespace sg::gemm {
namespace {

constexpr int kPackLanes = 4;
#include "gemm/pack-inl.h"

constexpr int kMr = 4;
constexpr int kNr = 8;

// acc (M x N, row stride kNr) = the tile's products, summed over p in order; M, N are the valid rows and columns.
template <int M, int N>
void accumulate(int64_t kc, const float* a, int64_t rsa, int64_t csa, const float* b, int64_t ldb, int m, int n,
                float (&acc)[kMr][kNr]) {
  const int rows = M > 0 ? M : m, cols = N > 0 ? N : n;
  for (int64_t p = 0; p < kc; ++p) {
    for (int i = 0; i < rows; ++i) {
      const float ai = a[i * rsa + p * csa];
      for (int j = 0; j < cols; ++j) acc[i][j] += ai * b[j];
    }
    b += ldb;
  }
}

void kernel(int64_t kc, float alpha, const float* a, int64_t rsa, int64_t csa, const float* b, int64_t ldb, float beta,
            float* c, int64_t ldc, int m, int n) {
  float acc[kMr][kNr] = {};
  if (m == kMr && n == kNr) {
    accumulate<kMr, kNr>(kc, a, rsa, csa, b, ldb, m, n, acc);
  } else {
    accumulate<0, 0>(kc, a, rsa, csa, b, ldb, m, n, acc);
  }
  for (int i = 0; i < m; ++i) {
    float* row = c + i * ldc;
    for (int j = 0; j < n; ++j) {
      row[j] = beta == 0.0f ? alpha * acc[i][j] : alpha * acc[i][j] + beta * row[j];
    }
  }
}

}  // namespace

const Microkernel sgemm_scalar = {
    "sgemm_scalar_4x8",  // name
    kMr,                 // mr
    kNr,                 // nr
    kernel,              // fn
    pack_a<kMr>,         // pack_a
    pack_b<kNr>,         // pack_b
};

}  // namespace sg::gemm
