// Packing: copying a block of A or B into the k-major micro-panels a microkernel reads (see microkernel.h).
//
// This file is not a normal header. Each sgemm_<isa>.cc includes it inside its own anonymous namespace and target
// region, after defining `constexpr int kPackLanes` (8 where the ISA has 256-bit vectors, else 4), so that the
// moves below become that ISA's vector instructions. It relies on <cstdint> and <cstring> being included first.
//
// Both operands reduce to two moves over a source with row stride `lds`, writing one W-wide micro-panel of kc rows:
//   copy_panel:      out[p*W + j] = src[p*lds + j]   (the panel's rows are rows of the source)
//   transpose_panel: out[p*W + j] = src[j*lds + p]   (the panel's rows are columns of the source)
// for j < width, and out[p*W + j] = 0 for width <= j < W. A not transposed needs transpose_panel (its micro-panel
// holds MR rows of A column by column); A transposed needs copy_panel; B is the other way round.
//
// W is a template parameter so the inner moves have a fixed length the compiler turns into vector moves.
// transpose_panel works on square blocks of source rows x values of k: 8 x 8 (kPackLanes == 8), then 4 x 4, then
// a pair of rows, then single elements, each in registers with GCC's vector shuffles.

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"  // vector arguments of internal functions: no ABI to keep

typedef float PackV4 __attribute__((vector_size(16)));
typedef int PackV4i __attribute__((vector_size(16)));
typedef float PackV8 __attribute__((vector_size(32)));
typedef int PackV8i __attribute__((vector_size(32)));

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

inline PackV8 load8(const float* p) {
  PackV8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// out[q*W + i] = s[i*lds + q] for i, q < 8: eight source rows, eight values of k each.
inline void transpose_8x8(const float* s, int64_t lds, float* out, int W) {
  const PackV8i lo = {0, 8, 1, 9, 4, 12, 5, 13}, hi = {2, 10, 3, 11, 6, 14, 7, 15};
  const PackV8i even = {0, 1, 8, 9, 4, 5, 12, 13}, odd = {2, 3, 10, 11, 6, 7, 14, 15};
  const PackV8i low_halves = {0, 1, 2, 3, 8, 9, 10, 11}, high_halves = {4, 5, 6, 7, 12, 13, 14, 15};
  PackV8 t[8], u[8];
#pragma GCC unroll 4
  for (int i = 0; i < 8; i += 2) {
    const PackV8 r0 = load8(s + i * lds), r1 = load8(s + (i + 1) * lds);
    t[i] = __builtin_shuffle(r0, r1, lo);      // rows i, i+1 interleaved: k 0, 1 and 4, 5
    t[i + 1] = __builtin_shuffle(r0, r1, hi);  // k 2, 3 and 6, 7
  }
#pragma GCC unroll 2
  for (int h = 0; h < 8; h += 4) {                           // four rows h..h+3
    u[h] = __builtin_shuffle(t[h], t[h + 2], even);          // k 0 and 4
    u[h + 1] = __builtin_shuffle(t[h], t[h + 2], odd);       // k 1 and 5
    u[h + 2] = __builtin_shuffle(t[h + 1], t[h + 3], even);  // k 2 and 6
    u[h + 3] = __builtin_shuffle(t[h + 1], t[h + 3], odd);   // k 3 and 7
  }
#pragma GCC unroll 4
  for (int q = 0; q < 4; ++q) {
    const PackV8 c0 = __builtin_shuffle(u[q], u[q + 4], low_halves);   // k = q, all eight rows
    const PackV8 c1 = __builtin_shuffle(u[q], u[q + 4], high_halves);  // k = q + 4
    std::memcpy(out + q * W, &c0, 32);
    std::memcpy(out + (q + 4) * W, &c1, 32);
  }
}

// out[q*W + i] = s[i*lds + q] for i, q < 4.
inline void transpose_4x4(const float* s, int64_t lds, float* out, int W) {
  PackV4 r0, r1, r2, r3;
  std::memcpy(&r0, s, 16);
  std::memcpy(&r1, s + lds, 16);
  std::memcpy(&r2, s + 2 * lds, 16);
  std::memcpy(&r3, s + 3 * lds, 16);
  const PackV4 t0 = __builtin_shuffle(r0, r1, PackV4i{0, 4, 1, 5});  // r0[0] r1[0] r0[1] r1[1]
  const PackV4 t1 = __builtin_shuffle(r2, r3, PackV4i{0, 4, 1, 5});
  const PackV4 t2 = __builtin_shuffle(r0, r1, PackV4i{2, 6, 3, 7});
  const PackV4 t3 = __builtin_shuffle(r2, r3, PackV4i{2, 6, 3, 7});
  const PackV4 c0 = __builtin_shuffle(t0, t1, PackV4i{0, 1, 4, 5});  // k = 0 of the four rows
  const PackV4 c1 = __builtin_shuffle(t0, t1, PackV4i{2, 3, 6, 7});
  const PackV4 c2 = __builtin_shuffle(t2, t3, PackV4i{0, 1, 4, 5});
  const PackV4 c3 = __builtin_shuffle(t2, t3, PackV4i{2, 3, 6, 7});
  std::memcpy(out, &c0, 16);
  std::memcpy(out + W, &c1, 16);
  std::memcpy(out + 2 * W, &c2, 16);
  std::memcpy(out + 3 * W, &c3, 16);
}

// out[q*W + i] = s[i*lds + q] for i < 2, q < 4.
inline void transpose_2x4(const float* s, int64_t lds, float* out, int W) {
  PackV4 r0, r1;
  std::memcpy(&r0, s, 16);
  std::memcpy(&r1, s + lds, 16);
  const PackV4 lo = __builtin_shuffle(r0, r1, PackV4i{0, 4, 1, 5});  // k = 0, 1 of both rows
  const PackV4 hi = __builtin_shuffle(r0, r1, PackV4i{2, 6, 3, 7});  // k = 2, 3
  std::memcpy(out, &lo, 8);
  std::memcpy(out + W, reinterpret_cast<const float*>(&lo) + 2, 8);
  std::memcpy(out + 2 * W, &hi, 8);
  std::memcpy(out + 3 * W, reinterpret_cast<const float*>(&hi) + 2, 8);
}

template <int W>
void transpose_panel(const float* src, int64_t lds, int width, int64_t kc, float* out) {
  int j = 0;  // the first source row not yet moved
  if (kPackLanes == 8) {
    for (; j + 8 <= width; j += 8) {
      int64_t p = 0;
      for (; p + 8 <= kc; p += 8) transpose_8x8(src + j * lds + p, lds, out + p * W + j, W);
      for (; p < kc; ++p) {
        for (int i = j; i < j + 8; ++i) out[p * W + i] = src[i * lds + p];
      }
    }
  }
  for (; j + 4 <= width; j += 4) {
    int64_t p = 0;
    for (; p + 4 <= kc; p += 4) transpose_4x4(src + j * lds + p, lds, out + p * W + j, W);
    for (; p < kc; ++p) {
      for (int i = j; i < j + 4; ++i) out[p * W + i] = src[i * lds + p];
    }
  }
  if (j + 2 <= width) {
    int64_t p = 0;
    for (; p + 4 <= kc; p += 4) transpose_2x4(src + j * lds + p, lds, out + p * W + j, W);
    for (; p < kc; ++p) {
      out[p * W + j] = src[j * lds + p];
      out[p * W + j + 1] = src[(j + 1) * lds + p];
    }
    j += 2;
  }
  for (int64_t p = 0; p < kc; ++p) {
    for (int i = j; i < width; ++i) out[p * W + i] = src[i * lds + p];
    for (int i = width; i < W; ++i) out[p * W + i] = 0.0f;
  }
}

// Packs op(A)[0:mc, 0:kc] into MR-row micro-panels, one after another. `a` points at op(A)[0][0];
// op(A)[i][p] is a[i*lda + p] (not transposed) or a[p*lda + i] (transposed). A transposed is read a few rows of A
// at a time, each along its length, so the reads are sequential: panel by panel, they would take MR values from
// each of kc rows lda apart, a new page for every row once lda is large, where no hardware prefetcher follows.
template <int MR>
void pack_a(bool trans, const float* a, int64_t lda, int64_t mc, int64_t kc, float* out) {
  if (!trans) {
    for (int64_t r = 0; r < mc; r += MR, out += MR * kc) {
      transpose_panel<MR>(a + r * lda, lda, mc - r < MR ? static_cast<int>(mc - r) : MR, kc, out);
    }
    return;
  }
  constexpr int64_t kRows = 8;  // rows of A per pass
  for (int64_t p0 = 0; p0 < kc; p0 += kRows) {
    const int64_t rows = kc - p0 < kRows ? kc - p0 : kRows;
    float* panel = out + p0 * MR;
    for (int64_t r = 0; r < mc; r += MR, panel += MR * kc) {
      copy_panel<MR>(a + p0 * lda + r, lda, mc - r < MR ? static_cast<int>(mc - r) : MR, rows, panel);
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

#pragma GCC diagnostic pop
