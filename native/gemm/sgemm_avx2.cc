// sgemm microkernel for AVX2 + FMA: a 6 x 16 tile of C in 12 ymm accumulators.
//
// Per k: two 8-float loads of the B micro-panel, six broadcasts of A, 12 FMAs; 12 accumulators + 2 B values +
// 1 broadcast fit the 16 ymm registers.
//
// Edges: the tile is a template over its row count (1..6) and its width in vectors (1..2), so an edge tile only
// does the multiply-adds it needs; a partial last vector is stored with a lane mask.
#include "gemm/microkernel.h"
#include "gemm/pack.h"

#if defined(__x86_64__)

#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx2,fma")

namespace sg::gemm {
namespace {

constexpr int kMr = 6;
constexpr int kVecs = 2;  // ymm vectors per full tile row
constexpr int kNr = 8 * kVecs;

// An R x (8 * V) tile; n is its exact width (8 * (V - 1) < n <= 8 * V). alpha and beta come through memory
// (as in BLIS), so that they do not hold registers across the k loop.
template <int R, int V>
void tile(int64_t kc, const float* alpha_beta, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc,
          int n) {
  __m256 acc[R][V];
#pragma GCC unroll 6
  for (int i = 0; i < R; ++i) {
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) acc[i][v] = _mm256_setzero_ps();
  }

  for (int64_t p = 0; p < kc; ++p) {
    __m256 bv[V];
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) bv[v] = _mm256_loadu_ps(b + 8 * v);
    _mm_prefetch(reinterpret_cast<const char*>(b + 8 * ldb), _MM_HINT_T0);
#pragma GCC unroll 6
    for (int i = 0; i < R; ++i) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
#pragma GCC unroll 2
      for (int v = 0; v < V; ++v) acc[i][v] = _mm256_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    a += kMr;
    b += ldb;
  }

  const float beta = alpha_beta[1];
  const __m256 valpha = _mm256_set1_ps(alpha_beta[0]);
  const __m256 vbeta = _mm256_set1_ps(beta);
  const __m256i all = _mm256_set1_epi32(-1);
  const __m256i last_mask =
      _mm256_cmpgt_epi32(_mm256_set1_epi32(n - 8 * (V - 1)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
#pragma GCC unroll 6
  for (int i = 0; i < R; ++i) {
    float* row = c + i * ldc;
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) {
      const __m256i mask = v == V - 1 ? last_mask : all;
      __m256 r = _mm256_mul_ps(valpha, acc[i][v]);
      if (beta != 0.0f) r = _mm256_fmadd_ps(vbeta, _mm256_maskload_ps(row + 8 * v, mask), r);
      _mm256_maskstore_ps(row + 8 * v, mask, r);
    }
  }
}

using TileFn = void (*)(int64_t, const float*, const float*, const float*, int64_t, float*, int64_t, int);

template <int R>
constexpr TileFn kTilesOfRow[kVecs] = {tile<R, 1>, tile<R, 2>};

constexpr const TileFn* kTiles[kMr] = {kTilesOfRow<1>, kTilesOfRow<2>, kTilesOfRow<3>,
                                       kTilesOfRow<4>, kTilesOfRow<5>, kTilesOfRow<6>};

void kernel(int64_t kc, float alpha, const float* a, const float* b, int64_t ldb, float beta, float* c, int64_t ldc,
            int m, int n) {
  const float alpha_beta[2] = {alpha, beta};
  kTiles[m - 1][(n + 7) / 8 - 1](kc, alpha_beta, a, b, ldb, c, ldc, n);
}

}  // namespace

const Microkernel sgemm_avx2 = {
    "sgemm_avx2_6x16",  // name
    kMr,                // mr
    kNr,                // nr
    256,                // kc
    1024,               // nc
    4080,               // mc
    kernel,             // fn
    pack_a<kMr>,        // pack_a
    pack_b<kNr>,        // pack_b
};

}  // namespace sg::gemm

#pragma GCC pop_options

#else

namespace sg::gemm {
const Microkernel sgemm_avx2 = {"sgemm_avx2_unavailable", 1, 1, 1, 1, 1, nullptr, nullptr, nullptr};
}

#endif
