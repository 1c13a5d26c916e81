// Packing: copying a block of A or B into the k-major micro-panels a microkernel reads (see microkernel.h).
//
// Both operands reduce to two moves over a source with row stride `lds`, writing one W-wide micro-panel of kc rows:
//   copy_panel:      out[p*W + j] = src[p*lds + j]   (the panel's rows are rows of the source)
//   transpose_panel: out[p*W + j] = src[j*lds + p]   (the panel's rows are columns of the source)
// for j < width, and out[p*W + j] = 0 for width <= j < W. A not transposed needs transpose_panel (its micro-panel
// holds MR rows of A column by column); A transposed needs copy_panel; B is the other way round.
//
// W is a template parameter so the inner moves have a fixed length the compiler turns into vector moves. This
// file is generic C++ (GCC vector extensions, which map to SSE2 or NEON), compiled for the baseline target.
#pragma once

#include <cstdint>
#include <cstring>

namespace sg::gemm {

template <int W>
void copy_panel(const float* src, int64_t lds, int width, int64_t kc, float* out) {
  if (width == W) {
    for (int64_t p = 0; p < kc; ++p) std::memcpy(out + p * W, src + p * lds, sizeof(float) * W);
    return;
  }
  for (int64_t p = 0; p < kc; ++p) {
    float* dst = out + p * W;
    for (int j = 0; j < width; ++j) dst[j] = src[p * lds + j];
    for (int j = width; j < W; ++j) dst[j] = 0.0f;
  }
}

template <int W>
void transpose_panel(const float* src, int64_t lds, int width, int64_t kc, float* out) {
  typedef float v4 __attribute__((vector_size(16)));
  typedef int v4i __attribute__((vector_size(16)));
  const int groups = width / 4;  // whole groups of four source rows
  int64_t p = 0;
  // 4 x 4 blocks: four source rows, four values of k each, turned into four panel rows.
  for (; p + 4 <= kc; p += 4) {
    for (int g = 0; g < groups; ++g) {
      const float* s = src + (4 * g) * lds + p;
      v4 r0, r1, r2, r3;
      std::memcpy(&r0, s, 16);
      std::memcpy(&r1, s + lds, 16);
      std::memcpy(&r2, s + 2 * lds, 16);
      std::memcpy(&r3, s + 3 * lds, 16);
      const v4 t0 = __builtin_shuffle(r0, r1, v4i{0, 4, 1, 5});  // r0[0] r1[0] r0[1] r1[1]
      const v4 t1 = __builtin_shuffle(r2, r3, v4i{0, 4, 1, 5});
      const v4 t2 = __builtin_shuffle(r0, r1, v4i{2, 6, 3, 7});
      const v4 t3 = __builtin_shuffle(r2, r3, v4i{2, 6, 3, 7});
      const v4 c0 = __builtin_shuffle(t0, t1, v4i{0, 1, 4, 5});  // column p of the four rows
      const v4 c1 = __builtin_shuffle(t0, t1, v4i{2, 3, 6, 7});
      const v4 c2 = __builtin_shuffle(t2, t3, v4i{0, 1, 4, 5});
      const v4 c3 = __builtin_shuffle(t2, t3, v4i{2, 3, 6, 7});
      float* d = out + p * W + 4 * g;
      std::memcpy(d, &c0, 16);
      std::memcpy(d + W, &c1, 16);
      std::memcpy(d + 2 * W, &c2, 16);
      std::memcpy(d + 3 * W, &c3, 16);
    }
    for (int q = 0; q < 4; ++q) {
      float* d = out + (p + q) * W;
      for (int j = 4 * groups; j < width; ++j) d[j] = src[j * lds + p + q];
      for (int j = width; j < W; ++j) d[j] = 0.0f;
    }
  }
  for (; p < kc; ++p) {
    float* d = out + p * W;
    for (int j = 0; j < width; ++j) d[j] = src[j * lds + p];
    for (int j = width; j < W; ++j) d[j] = 0.0f;
  }
}

// Packs op(A)[0:mc, 0:kc] into MR-row micro-panels, one after another. `a` points at op(A)[0][0];
// op(A)[i][p] is a[i*lda + p] (not transposed) or a[p*lda + i] (transposed).
template <int MR>
void pack_a(bool trans, const float* a, int64_t lda, int64_t mc, int64_t kc, float* out) {
  for (int64_t r = 0; r < mc; r += MR, out += MR * kc) {
    const int rows = mc - r < MR ? static_cast<int>(mc - r) : MR;
    if (trans) {
      copy_panel<MR>(a + r, lda, rows, kc, out);
    } else {
      transpose_panel<MR>(a + r * lda, lda, rows, kc, out);
    }
  }
}

// Packs op(B)[0:kc, 0:nc] into NR-column micro-panels, one after another. `b` points at op(B)[0][0];
// op(B)[p][j] is b[p*ldb + j] (not transposed) or b[j*ldb + p] (transposed).
template <int NR>
void pack_b(bool trans, const float* b, int64_t ldb, int64_t kc, int64_t nc, float* out) {
  for (int64_t j = 0; j < nc; j += NR, out += NR * kc) {
    const int cols = nc - j < NR ? static_cast<int>(nc - j) : NR;
    if (trans) {
      transpose_panel<NR>(b + j * ldb, ldb, cols, kc, out);
    } else {
      copy_panel<NR>(b + j, ldb, cols, kc, out);
    }
  }
}

}  // namespace sg::gemm
