// sgemm microkernel for AVX2 + FMA: a 6 x 16 tile of C in 12 ymm accumulators (BLIS's and OpenBLAS's Haswell
// shape: 16 columns are two vectors, and 6 rows is as many as leaves registers for them).
//
// Per k: two 8-float loads of the B micro-panel, six broadcasts of A, 12 FMAs; 12 accumulators + 2 B values +
// 1 broadcast fit the 16 ymm registers, and 12 independent chains cover the FMA latency on two ports.
//
// Edges: the tile is a template over its row count (1..6), its width in vectors (1..2) and whether its last vector
// is partial, so an edge tile does only the multiply-adds it needs. A partial vector of B is read with a masked
// load (B may be read in place, where the columns past n belong to someone else), and a partial vector of C is
// stored in 4-, 2- and 1-float pieces: AMD's Zen cores microcode vmaskmovps stores at several cycles each, which on
// a small kc costs as much as the multiply-adds.
#include <cstdint>
#include <cstring>

#include "gemm/microkernel.h"

#if defined(__x86_64__)

#include <immintrin.h>

#pragma GCC push_options
#pragma GCC target("avx2,fma")

namespace sg::gemm {
namespace {

constexpr int kPackLanes = 8;
#include "gemm/pack-inl.h"

constexpr int kMr = 6;
constexpr int kVecs = 2;  // ymm vectors per full tile row
constexpr int kNr = 8 * kVecs;

// Lanes [0, count) all ones, the rest zero; count in 1..8.
__m256i lane_mask(int count) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// Stores lanes [0, count) of v at p, count in 1..7, without a masked store.
void store_partial(float* p, __m256 v, int count) {
  __m128 part = _mm256_castps256_ps128(v);
  if (count >= 4) {
    _mm_storeu_ps(p, part);
    part = _mm256_extractf128_ps(v, 1);
    p += 4;
    count -= 4;
  }
  if (count >= 2) {
    _mm_storel_pi(reinterpret_cast<__m64*>(p), part);
    part = _mm_movehl_ps(part, part);
    p += 2;
    count -= 2;
  }
  if (count == 1) _mm_store_ss(p, part);
}

// An R x (8 * V) tile; n is its exact width (8 * (V - 1) < n <= 8 * V), and Partial says n < 8 * V. alpha and
// beta come through memory (as in BLIS), so that they do not hold registers across the k loop.
template <int R, int V, bool Partial>
void tile(int64_t kc, const float* alpha_beta, const float* a, int64_t rsa, int64_t csa, const float* b, int64_t ldb,
          float* c, int64_t ldc, int n) {
  const int last = n - 8 * (V - 1);  // valid lanes of the last vector
  const __m256i mask = lane_mask(last);
  const float* ar[R];
#pragma GCC unroll 6
  for (int i = 0; i < R; ++i) ar[i] = a + i * rsa;

    // C is touched only at the end; start bringing its rows in now.
#pragma GCC unroll 6
  for (int i = 0; i < R; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + n - 1), _MM_HINT_T0);
  }

  __m256 acc[R][V];
#pragma GCC unroll 6
  for (int i = 0; i < R; ++i) {
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) acc[i][v] = _mm256_setzero_ps();
  }

  for (int64_t p = 0, ap = 0; p < kc; ++p, ap += csa) {
    __m256 bv[V];
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) {
      bv[v] = Partial && v == V - 1 ? _mm256_maskload_ps(b + 8 * v, mask) : _mm256_loadu_ps(b + 8 * v);
    }
    _mm_prefetch(reinterpret_cast<const char*>(b + 8 * ldb), _MM_HINT_T0);
#pragma GCC unroll 6
    for (int i = 0; i < R; ++i) {
      const __m256 ai = _mm256_broadcast_ss(ar[i] + ap);
#pragma GCC unroll 2
      for (int v = 0; v < V; ++v) acc[i][v] = _mm256_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    b += ldb;
  }

  const float beta = alpha_beta[1];
  const __m256 valpha = _mm256_set1_ps(alpha_beta[0]);
  const __m256 vbeta = _mm256_set1_ps(beta);
#pragma GCC unroll 6
  for (int i = 0; i < R; ++i) {
    float* row = c + i * ldc;
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) {
      const bool partial = Partial && v == V - 1;
      __m256 r = _mm256_mul_ps(valpha, acc[i][v]);
      if (beta != 0.0f) {
        const __m256 old = partial ? _mm256_maskload_ps(row + 8 * v, mask) : _mm256_loadu_ps(row + 8 * v);
        r = _mm256_fmadd_ps(vbeta, old, r);
      }
      if (partial) {
        store_partial(row + 8 * v, r, last);
      } else {
        _mm256_storeu_ps(row + 8 * v, r);
      }
    }
  }
}

using TileFn = void (*)(int64_t, const float*, const float*, int64_t, int64_t, const float*, int64_t, float*, int64_t,
                        int);

// kTiles[m - 1][vectors - 1][partial]
template <int R>
constexpr TileFn kTilesOfRow[kVecs][2] = {{tile<R, 1, false>, tile<R, 1, true>}, {tile<R, 2, false>, tile<R, 2, true>}};

constexpr const TileFn (*kTiles[kMr])[2] = {kTilesOfRow<1>, kTilesOfRow<2>, kTilesOfRow<3>,
                                            kTilesOfRow<4>, kTilesOfRow<5>, kTilesOfRow<6>};

void kernel(int64_t kc, float alpha, const float* a, int64_t rsa, int64_t csa, const float* b, int64_t ldb, float beta,
            float* c, int64_t ldc, int m, int n) {
  const float alpha_beta[2] = {alpha, beta};
  kTiles[m - 1][(n + 7) / 8 - 1][n % 8 != 0](kc, alpha_beta, a, rsa, csa, b, ldb, c, ldc, n);
}

}  // namespace

const Microkernel sgemm_avx2 = {
    "sgemm_avx2_6x16",  // name
    kMr,                // mr
    kNr,                // nr
    kernel,             // fn
    pack_a<kMr>,        // pack_a
    pack_b<kNr>,        // pack_b
};

}  // namespace sg::gemm

#pragma GCC pop_options

#else

namespace sg::gemm {
const Microkernel sgemm_avx2 = {"sgemm_avx2_unavailable", 1, 1, nullptr, nullptr, nullptr};
}

#endif
