// sgemm microkernel for AVX-512 (F, DQ, BW, VL): a 12 x 32 tile of C in 24 zmm accumulators.
//
// Per k: two 16-float loads of the B micro-panel, twelve broadcasts of A, 24 FMAs. That leaves 8 of the 32 zmm
// registers for the B values and the broadcast, and keeps both FMA ports busy: 24 independent accumulators cover
// the 4-cycle FMA latency on two ports three times over.
//
// Edges: the tile is a template over its row count (1..12) and its width in vectors (1..2), so an edge tile only
// does the multiply-adds it needs; the last vector of B and C is loaded and stored with a lane mask (all ones on a
// full tile), so a B read in place is never read past column n - 1. Masked loads and stores cost no more than
// plain ones with AVX-512.
#include <cstdint>
#include <cstring>

#include "gemm/microkernel.h"

#if defined(__x86_64__)

// STEADYGRAD_AVX512_EMULATION names a header of portable AVX-512 intrinsics (test/native/avx512-emulation.h), so
// that scripts/check-native.sh can run this kernel's logic on a CPU without AVX-512. Builds never define it.
#if defined(STEADYGRAD_AVX512_EMULATION)
#include STEADYGRAD_AVX512_EMULATION
#else
#include <immintrin.h>
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512bw,avx512vl,fma")
#endif

namespace sg::gemm {
namespace {

constexpr int kPackLanes = 8;
#include "gemm/pack-inl.h"

constexpr int kMr = 12;
constexpr int kVecs = 2;  // zmm vectors per full tile row
constexpr int kNr = 16 * kVecs;

// An R x (16 * V) tile; n is its exact width (16 * (V - 1) < n <= 16 * V). alpha and beta come through memory
// (as in BLIS): passed in registers, they stay live across the k loop and GCC spills a B vector instead.
template <int R, int V>
void tile(int64_t kc, const float* alpha_beta, const float* a, int64_t rsa, int64_t csa, const float* b, int64_t ldb,
          float* c, int64_t ldc, int n) {
  const int last = n - 16 * (V - 1);  // valid lanes of the last vector
  const __mmask16 last_mask = last >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << last) - 1);
  // Row i of A is read at group[i / 4][(i % 4) * rsa]: three pointers and two strides (rsa, 3 * rsa) address all
  // twelve rows, so they fit the general-purpose registers with the loop's own.
  const float* group[3] = {a, a + 4 * rsa, a + 8 * rsa};
  const int64_t offset[4] = {0, rsa, 2 * rsa, 3 * rsa};

  __m512 acc[R][V];
#pragma GCC unroll 12
  for (int i = 0; i < R; ++i) {
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) acc[i][v] = _mm512_setzero_ps();
  }

  // C is touched only at the end; start bringing its rows in now.
#pragma GCC unroll 12
  for (int i = 0; i < R; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + n - 1), _MM_HINT_T0);
  }

  for (int64_t p = 0; p < kc; ++p) {
    __m512 bv[V];
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) {
      bv[v] = v == V - 1 ? _mm512_maskz_loadu_ps(last_mask, b + 16 * v) : _mm512_loadu_ps(b + 16 * v);
      _mm_prefetch(reinterpret_cast<const char*>(b + 8 * ldb + 16 * v), _MM_HINT_T0);
    }
#pragma GCC unroll 12
    for (int i = 0; i < R; ++i) {
      const __m512 ai = _mm512_set1_ps(group[i / 4][offset[i % 4]]);
#pragma GCC unroll 2
      for (int v = 0; v < V; ++v) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
    }
#pragma GCC unroll 3
    for (int g = 0; g < 3; ++g) group[g] += csa;
    b += ldb;
  }

  const float beta = alpha_beta[1];
  const __m512 valpha = _mm512_set1_ps(alpha_beta[0]);
  const __m512 vbeta = _mm512_set1_ps(beta);
#pragma GCC unroll 12
  for (int i = 0; i < R; ++i) {
    float* row = c + i * ldc;
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) {
      const __mmask16 mask = v == V - 1 ? last_mask : __mmask16(0xFFFF);
      __m512 r = _mm512_mul_ps(valpha, acc[i][v]);
      if (beta != 0.0f) r = _mm512_fmadd_ps(vbeta, _mm512_maskz_loadu_ps(mask, row + 16 * v), r);
      _mm512_mask_storeu_ps(row + 16 * v, mask, r);
    }
  }
}

using TileFn = void (*)(int64_t, const float*, const float*, int64_t, int64_t, const float*, int64_t, float*, int64_t,
                        int);

template <int R>
constexpr TileFn kTilesOfRow[kVecs] = {tile<R, 1>, tile<R, 2>};

constexpr const TileFn* kTiles[kMr] = {kTilesOfRow<1>, kTilesOfRow<2>,  kTilesOfRow<3>,  kTilesOfRow<4>,
                                       kTilesOfRow<5>, kTilesOfRow<6>,  kTilesOfRow<7>,  kTilesOfRow<8>,
                                       kTilesOfRow<9>, kTilesOfRow<10>, kTilesOfRow<11>, kTilesOfRow<12>};

void kernel(int64_t kc, float alpha, const float* a, int64_t rsa, int64_t csa, const float* b, int64_t ldb, float beta,
            float* c, int64_t ldc, int m, int n) {
  const float alpha_beta[2] = {alpha, beta};
  kTiles[m - 1][(n + 15) / 16 - 1](kc, alpha_beta, a, rsa, csa, b, ldb, c, ldc, n);
}

}  // namespace

const Microkernel sgemm_avx512 = {
    "sgemm_avx512_12x32",  // name
    kMr,                   // mr
    kNr,                   // nr
    kernel,                // fn
    pack_a<kMr>,           // pack_a
    pack_b<kNr>,           // pack_b
};

}  // namespace sg::gemm

#if !defined(STEADYGRAD_AVX512_EMULATION)
#pragma GCC pop_options
#endif

#else

namespace sg::gemm {
const Microkernel sgemm_avx512 = {"sgemm_avx512_unavailable", 1, 1, nullptr, nullptr, nullptr};
}

#endif
