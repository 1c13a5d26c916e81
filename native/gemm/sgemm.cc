// The portable half of the GEMM: cache blocking, packing and the split between threads (BLIS's five loops).
//
// Row-major C = A * B is computed as tiles of MR x NR by the ISA's microkernel (microkernel.h). Loop nest, outer
// to inner, for one thread's block of C:
//
//   for ic in M by MC:                 A block, MC x KC, packed into MR-row micro-panels
//     for pc in K by KC:
//       for jc in N by NC:             B block, KC x NC, packed into NR-column micro-panels; stays in L2
//         for ir in MC by MR:          A micro-panel, KC x MR; stays in L1 across the jr loop
//           for jr in NC by NR:        B micro-panel streamed from L2
//             microkernel
//
// The K blocks after the first accumulate into C with beta = 1. Threads each take a rectangle of C (whole tiles),
// so every element sees exactly the same operations whatever the thread count.
#include "gemm/sgemm.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>

namespace sg {

namespace {

// Below this many multiply-adds a job is not worth waking another thread for.
constexpr int64_t kMinParallelMacs = int64_t(1) << 18;

struct FreeDeleter {
  void operator()(float* p) const { std::free(p); }
};

// A 64-byte-aligned scratch buffer per calling thread, grown on demand and kept for the next call.
float* workspace(size_t floats) {
  thread_local std::unique_ptr<float, FreeDeleter> buffer;
  thread_local size_t capacity = 0;
  if (floats > capacity) {
    buffer.reset();
    capacity = 0;
    const size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
    void* p = std::aligned_alloc(64, bytes);
    if (p == nullptr) throw std::bad_alloc();
    buffer.reset(static_cast<float*>(p));
    capacity = floats;
  }
  return buffer.get();
}

int64_t round_up(int64_t x, int64_t to) { return (x + to - 1) / to * to; }

// The packed-panel sizes (in floats) one thread needs for a block of C of up to m x n.
int64_t pack_a_floats(const gemm::Microkernel& uk, int64_t m, int64_t k) {
  return round_up(std::min<int64_t>(uk.mc, round_up(m, uk.mr)), uk.mr) * std::min<int64_t>(uk.kc, k);
}
int64_t pack_b_floats(const gemm::Microkernel& uk, int64_t n, int64_t k) {
  return round_up(std::min<int64_t>(uk.nc, round_up(n, uk.nr)) * std::min<int64_t>(uk.kc, k), 16);
}

// B micro-panels are read once per MR rows of the block. When that is only a few times, packing B costs more than
// it saves, and full-width micro-panels of a non-transposed B are read in place.
constexpr int64_t kMaxPassesInPlace = 4;

// Splits `total` into the fewest blocks of at most `max_block`, of equal size rounded up to a multiple of `unit`,
// so that a size just over the limit does not leave a sliver of a block that costs a full repacking.
int64_t balanced_block(int64_t total, int64_t max_block, int64_t unit) {
  const int64_t blocks = (total + max_block - 1) / max_block;
  return std::min(max_block, round_up((total + blocks - 1) / blocks, unit));
}

// One thread's block: C[0:m, 0:n] of the problem in `g` (pointers already offset to the block), with K >= 1.
void sgemm_block(const gemm::Microkernel& uk, const SgemmArgs& g, int64_t m, int64_t n, float* pack_a_buf,
                 float* pack_b_buf) {
  const int64_t mc_max = balanced_block(m, uk.mc, uk.mr);
  const int64_t kc_max = balanced_block(g.k, uk.kc, 1);
  const int64_t nc_max = balanced_block(n, uk.nc, uk.nr);
  for (int64_t ic = 0; ic < m; ic += mc_max) {
    const int64_t mc = std::min(mc_max, m - ic);
    const bool b_in_place = !g.trans_b && (mc + uk.mr - 1) / uk.mr <= kMaxPassesInPlace;
    for (int64_t pc = 0; pc < g.k; pc += kc_max) {
      const int64_t kc = std::min(kc_max, g.k - pc);
      const float* a = g.trans_a ? g.a + pc * g.lda + ic : g.a + ic * g.lda + pc;
      uk.pack_a(g.trans_a, a, g.lda, mc, kc, pack_a_buf);
      const float beta = pc == 0 ? g.beta : 1.0f;
      for (int64_t jc = 0; jc < n; jc += nc_max) {
        const int64_t nc = std::min(nc_max, n - jc);
        const float* b = g.trans_b ? g.b + jc * g.ldb + pc : g.b + pc * g.ldb + jc;
        // Columns [0, full_nc) are read in place (only ever when B is not transposed); the rest is packed.
        const int64_t full_nc = b_in_place ? nc / uk.nr * uk.nr : 0;
        if (full_nc < nc) uk.pack_b(g.trans_b, b + full_nc, g.ldb, kc, nc - full_nc, pack_b_buf);
        for (int64_t ir = 0; ir < mc; ir += uk.mr) {
          const int rows = static_cast<int>(std::min<int64_t>(uk.mr, mc - ir));
          const float* ap = pack_a_buf + ir * kc;
          float* c_row = g.c + (ic + ir) * g.ldc + jc;
          for (int64_t jr = 0; jr < nc; jr += uk.nr) {
            const int cols = static_cast<int>(std::min<int64_t>(uk.nr, nc - jr));
            if (jr < full_nc) {
              uk.fn(kc, g.alpha, ap, b + jr, g.ldb, beta, c_row + jr, g.ldc, rows, cols);
            } else {
              uk.fn(kc, g.alpha, ap, pack_b_buf + (jr - full_nc) * kc, uk.nr, beta, c_row + jr, g.ldc, rows, cols);
            }
          }
        }
      }
    }
  }
}

// C = beta * C, the whole answer when alpha == 0 or K == 0. With beta == 0, C is overwritten unread.
void scale_c(const SgemmArgs& g) {
  for (int64_t i = 0; i < g.m; ++i) {
    float* row = g.c + i * g.ldc;
    if (g.beta == 0.0f) {
      std::fill(row, row + g.n, 0.0f);
    } else if (g.beta != 1.0f) {
      for (int64_t j = 0; j < g.n; ++j) row[j] *= g.beta;
    }
  }
}

// Splits C into a grid of tm x tn rectangles (tm * tn <= threads), in whole tiles, minimising the slowest
// thread's work: its multiply-adds plus the panels it packs (packing is charged as if it cost 16 multiply-adds
// per element, roughly the ratio of their throughputs).
void choose_grid(const gemm::Microkernel& uk, const SgemmArgs& g, int threads, int* tm, int* tn) {
  const int64_t tiles_m = (g.m + uk.mr - 1) / uk.mr;
  const int64_t tiles_n = (g.n + uk.nr - 1) / uk.nr;
  double best = -1;
  for (int rows = 1; rows <= threads; ++rows) {
    const int cols = threads / rows;
    if (rows > tiles_m || cols > tiles_n) continue;
    const double m = double((tiles_m + rows - 1) / rows * uk.mr);
    const double n = double((tiles_n + cols - 1) / cols * uk.nr);
    const double cost = m * n * double(g.k) + 16.0 * (m + n) * double(g.k);
    if (best < 0 || cost < best) {
      best = cost;
      *tm = rows;
      *tn = cols;
    }
  }
  if (best < 0) *tm = *tn = 1;
}

}  // namespace

void sgemm(const gemm::Microkernel& uk, ThreadPool& pool, const SgemmArgs& g) {
  if (g.m == 0 || g.n == 0) return;
  if (g.k == 0 || g.alpha == 0.0f) {
    scale_c(g);
    return;
  }

  int tm = 1, tn = 1;
  if (pool.threads() > 1 && g.m * g.n * g.k >= kMinParallelMacs) choose_grid(uk, g, pool.threads(), &tm, &tn);
  const int tasks = tm * tn;

  // Rectangle boundaries in whole tiles; every thread gets its own slice of one workspace, allocated here on the
  // caller so that an allocation failure becomes a JavaScript error instead of a crash in a worker.
  const int64_t tiles_m = (g.m + uk.mr - 1) / uk.mr;
  const int64_t tiles_n = (g.n + uk.nr - 1) / uk.nr;
  const int64_t block_m = (tiles_m + tm - 1) / tm * uk.mr;
  const int64_t block_n = (tiles_n + tn - 1) / tn * uk.nr;
  const int64_t a_floats = round_up(pack_a_floats(uk, block_m, g.k), 16);
  const int64_t b_floats = pack_b_floats(uk, block_n, g.k);
  float* ws = workspace(static_cast<size_t>(tasks * (a_floats + b_floats)));

  pool.run(tasks, [&](int task) {
    const int64_t i0 = (task / tn) * block_m;
    const int64_t j0 = (task % tn) * block_n;
    if (i0 >= g.m || j0 >= g.n) return;
    const int64_t m = std::min(block_m, g.m - i0);
    const int64_t n = std::min(block_n, g.n - j0);
    SgemmArgs block = g;
    block.a = g.trans_a ? g.a + i0 : g.a + i0 * g.lda;
    block.b = g.trans_b ? g.b + j0 * g.ldb : g.b + j0;
    block.c = g.c + i0 * g.ldc + j0;
    float* pa = ws + task * (a_floats + b_floats);
    sgemm_block(uk, block, m, n, pa, pa + a_floats);
  });
}

namespace gemm {

const Microkernel& microkernel_for(Isa isa) {
  switch (isa) {
    case Isa::avx512: return sgemm_avx512;
    case Isa::avx2: return sgemm_avx2;
    case Isa::neon: return sgemm_neon;
    case Isa::scalar: return sgemm_scalar;
  }
  return sgemm_scalar;
}

}  // namespace gemm
}  // namespace sg
