// sgemm microkernel for AArch64 Advanced SIMD (NEON): an 8 x 12 tile of C in 24 q-register accumulators.
//
// Per k: two 4-float loads of A, three 4-float loads of B, 24 by-lane FMAs (vfmaq_laneq_f32); 24 accumulators +
// 5 operands fit the 32 q registers. Compiled only on arm64. Edges: the full tile is computed from the zero-padded
// panels and staged through a small buffer when n < 12; only the m x n valid part of C is touched.
#include "gemm/microkernel.h"
#include "gemm/pack.h"

#if defined(__aarch64__)

#include <arm_neon.h>

namespace sg::gemm {
namespace {

constexpr int kMr = 8;
constexpr int kVecs = 3;  // q vectors per tile row
constexpr int kNr = 4 * kVecs;

void kernel(int64_t kc, float alpha, const float* a, const float* b, int64_t ldb, float beta, float* c, int64_t ldc,
            int m, int n) {
  float32x4_t acc[kMr][kVecs];
  for (int i = 0; i < kMr; ++i) {
    for (int v = 0; v < kVecs; ++v) acc[i][v] = vdupq_n_f32(0.0f);
  }

  for (int64_t p = 0; p < kc; ++p) {
    const float32x4_t a0 = vld1q_f32(a);
    const float32x4_t a1 = vld1q_f32(a + 4);
    float32x4_t bv[kVecs];
    for (int v = 0; v < kVecs; ++v) bv[v] = vld1q_f32(b + 4 * v);
    for (int v = 0; v < kVecs; ++v) {
      acc[0][v] = vfmaq_laneq_f32(acc[0][v], bv[v], a0, 0);
      acc[1][v] = vfmaq_laneq_f32(acc[1][v], bv[v], a0, 1);
      acc[2][v] = vfmaq_laneq_f32(acc[2][v], bv[v], a0, 2);
      acc[3][v] = vfmaq_laneq_f32(acc[3][v], bv[v], a0, 3);
      acc[4][v] = vfmaq_laneq_f32(acc[4][v], bv[v], a1, 0);
      acc[5][v] = vfmaq_laneq_f32(acc[5][v], bv[v], a1, 1);
      acc[6][v] = vfmaq_laneq_f32(acc[6][v], bv[v], a1, 2);
      acc[7][v] = vfmaq_laneq_f32(acc[7][v], bv[v], a1, 3);
    }
    a += kMr;
    b += ldb;
  }

  const float32x4_t valpha = vdupq_n_f32(alpha);
  const bool full_width = (n == kNr);
  // Fully unrolled with constant i so that acc stays in registers; rows past m are skipped.
#pragma GCC unroll 8
  for (int i = 0; i < kMr; ++i) {
    if (i >= m) break;
    float* row = c + i * ldc;
    float staged[kNr] = {};
    float* out = full_width ? row : staged;
    if (!full_width && beta != 0.0f) {
      for (int j = 0; j < n; ++j) staged[j] = row[j];
    }
    for (int v = 0; v < kVecs; ++v) {
      float32x4_t r = vmulq_f32(valpha, acc[i][v]);
      if (beta != 0.0f) r = vfmaq_n_f32(r, vld1q_f32(out + 4 * v), beta);
      vst1q_f32(out + 4 * v, r);
    }
    if (!full_width) {
      for (int j = 0; j < n; ++j) row[j] = staged[j];
    }
  }
}

}  // namespace

const Microkernel sgemm_neon = {
    "sgemm_neon_8x12",  // name
    kMr,                // mr
    kNr,                // nr
    256,                // kc
    768,                // nc
    4080,               // mc
    kernel,             // fn
    pack_a<kMr>,        // pack_a
    pack_b<kNr>,        // pack_b
};

}  // namespace sg::gemm

#else

namespace sg::gemm {
const Microkernel sgemm_neon = {"sgemm_neon_unavailable", 1, 1, 1, 1, 1, nullptr, nullptr, nullptr};
}

#endif
