// sgemm portable microkernel in plain C++: a 4 x 8 tile of C.
//
// It runs on any CPU, the fallback when no SIMD kernel fits. Like every kernel it is tested against a float64
// reference product (test/helpers/gemm-reference.ts, test/native/sgemm_check.cc). It is compiled for the baseline
// target only (no target attributes), so the compiler may use SSE2 on x86-64 but nothing newer.
#include "gemm/microkernel.h"
#include "gemm/pack.h"

namespace sg::gemm {
namespace {

constexpr int kMr = 4;
constexpr int kNr = 8;

void kernel(int64_t kc, float alpha, const float* a, const float* b, int64_t ldb, float beta, float* c, int64_t ldc,
            int m, int n) {
  float acc[kMr][kNr] = {};
  for (int64_t p = 0; p < kc; ++p) {
    for (int i = 0; i < kMr; ++i) {
      for (int j = 0; j < kNr; ++j) acc[i][j] += a[i] * b[j];
    }
    a += kMr;
    b += ldb;
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
    256,                 // kc
    1024,                // nc
    4080,                // mc
    kernel,              // fn
    pack_a<kMr>,         // pack_a
    pack_b<kNr>,         // pack_b
};

}  // namespace sg::gemm
