// sgemm microkernel for AArch64 Advanced SIMD (NEON): an 8 x 12 tile of C in 24 q-register accumulators.
//
// Per k: eight values of A (two 4-float loads when the micro-panel is k-major, as packed; eight scalar loads when
// A is read in place row by row), three 4-float loads of B, 24 by-lane FMAs; 24 accumulators + 5 operands fit the
// 32 q registers. Compiled only on arm64.
//
// Edges: NEON has no masked loads, so an edge tile (m < 8 or n < 12) first copies its valid rows of A and columns
// of B into zero-padded micro-panels on the stack, runs the full tile on them, and writes back only the m x n
// valid part of C. Operands read in place are never read outside the tile. The copy costs kc * 20 floats per
// edge tile, which only tiny products notice.
#include <cstdint>
#include <cstring>

#include "gemm/microkernel.h"

#if defined(__aarch64__)

#include <arm_neon.h>

#include <algorithm>

namespace sg::gemm {
namespace {

constexpr int kPackLanes = 4;
#include "gemm/pack-inl.h"

constexpr int kMr = 8;
constexpr int kVecs = 3;  // q vectors per tile row
constexpr int kNr = 4 * kVecs;
constexpr int64_t kMaxKc = 512;  // the largest kc the frame uses (gemm::blocking_for)

struct Tile {
  float32x4_t acc[kMr][kVecs];
};

// acc += the full tile's products over p < kc; A element (i, p) at a[i*rsa + p*csa], B row p at b + p*ldb.
template <bool KMajor>
void accumulate(int64_t kc, const float* a, int64_t rsa, int64_t csa, const float* b, int64_t ldb, Tile& t) {
  for (int64_t p = 0; p < kc; ++p) {
    float32x4_t bv[kVecs];
    for (int v = 0; v < kVecs; ++v) bv[v] = vld1q_f32(b + 4 * v);
    if (KMajor) {  // rsa == 1: the eight values of this k are adjacent
      const float32x4_t a0 = vld1q_f32(a + p * csa);
      const float32x4_t a1 = vld1q_f32(a + p * csa + 4);
      for (int v = 0; v < kVecs; ++v) {
        t.acc[0][v] = vfmaq_laneq_f32(t.acc[0][v], bv[v], a0, 0);
        t.acc[1][v] = vfmaq_laneq_f32(t.acc[1][v], bv[v], a0, 1);
        t.acc[2][v] = vfmaq_laneq_f32(t.acc[2][v], bv[v], a0, 2);
        t.acc[3][v] = vfmaq_laneq_f32(t.acc[3][v], bv[v], a0, 3);
        t.acc[4][v] = vfmaq_laneq_f32(t.acc[4][v], bv[v], a1, 0);
        t.acc[5][v] = vfmaq_laneq_f32(t.acc[5][v], bv[v], a1, 1);
        t.acc[6][v] = vfmaq_laneq_f32(t.acc[6][v], bv[v], a1, 2);
        t.acc[7][v] = vfmaq_laneq_f32(t.acc[7][v], bv[v], a1, 3);
      }
    } else {
#pragma GCC unroll 8
      for (int i = 0; i < kMr; ++i) {
        const float ai = a[i * rsa + p * csa];
        for (int v = 0; v < kVecs; ++v) t.acc[i][v] = vfmaq_n_f32(t.acc[i][v], bv[v], ai);
      }
    }
    b += ldb;
  }
}

void kernel(int64_t kc, float alpha, const float* a, int64_t rsa, int64_t csa, const float* b, int64_t ldb, float beta,
            float* c, int64_t ldc, int m, int n) {
  Tile t;
  for (int i = 0; i < kMr; ++i) {
    for (int v = 0; v < kVecs; ++v) t.acc[i][v] = vdupq_n_f32(0.0f);
  }
  const bool full = m == kMr && n == kNr;
  if (full) {
    if (rsa == 1) {
      accumulate<true>(kc, a, rsa, csa, b, ldb, t);
    } else {
      accumulate<false>(kc, a, rsa, csa, b, ldb, t);
    }
  } else {
    // Zero-padded copies of the valid part, in chunks of at most kMaxKc values of k (the frame never passes more,
    // but the contract allows any kc).
    alignas(64) float pa[kMaxKc * kMr];
    alignas(64) float pb[kMaxKc * kNr];
    for (int64_t p0 = 0; p0 < kc; p0 += kMaxKc) {
      const int64_t len = std::min(kMaxKc, kc - p0);
      for (int64_t p = 0; p < len; ++p) {
        for (int i = 0; i < kMr; ++i) pa[p * kMr + i] = i < m ? a[i * rsa + (p0 + p) * csa] : 0.0f;
        for (int j = 0; j < kNr; ++j) pb[p * kNr + j] = j < n ? b[(p0 + p) * ldb + j] : 0.0f;
      }
      accumulate<true>(len, pa, 1, kMr, pb, kNr, t);
    }
  }

  const float32x4_t valpha = vdupq_n_f32(alpha);
  // Fully unrolled with constant i so that acc stays in registers; rows past m are skipped.
#pragma GCC unroll 8
  for (int i = 0; i < kMr; ++i) {
    if (i >= m) break;
    float* row = c + i * ldc;
    float staged[kNr] = {};
    float* out = full ? row : staged;
    if (!full && beta != 0.0f) {
      for (int j = 0; j < n; ++j) staged[j] = row[j];
    }
    for (int v = 0; v < kVecs; ++v) {
      float32x4_t r = vmulq_f32(valpha, t.acc[i][v]);
      if (beta != 0.0f) r = vfmaq_n_f32(r, vld1q_f32(out + 4 * v), beta);
      vst1q_f32(out + 4 * v, r);
    }
    if (!full) {
      for (int j = 0; j < n; ++j) row[j] = staged[j];
    }
  }
}

}  // namespace

const Microkernel sgemm_neon = {
    "sgemm_neon_8x12",  // name
    kMr,                // mr
    kNr,                // nr
    kernel,             // fn
    pack_a<kMr>,        // pack_a
    pack_b<kNr>,        // pack_b
};

}  // namespace sg::gemm

#else

namespace sg::gemm {
const Microkernel sgemm_neon = {"sgemm_neon_unavailable", 1, 1, nullptr, nullptr, nullptr};
}

#endif
