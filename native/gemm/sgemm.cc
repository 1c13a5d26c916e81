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
// so every element sees exactly the same operations whatever the thread count. sgemm_packed() runs the same loops
// over a B packed beforehand (PackedMatrix), which is how recurrent layers reuse their weights at every step.
#include "gemm/sgemm.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>

namespace sg {

namespace {

// Below this many multiply-adds a job is not worth waking another thread for.
constexpr int64_t kMinParallelMacs = int64_t(1) << 18;

// B micro-panels are read once per MR rows of the block. When that is only a few times, packing B costs more than
// it saves, and full-width micro-panels of a non-transposed B are read in place.
constexpr int64_t kMaxPassesInPlace = 4;

float* aligned_floats(size_t floats) {
  const size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
  void* p = std::aligned_alloc(64, bytes == 0 ? 64 : bytes);
  if (p == nullptr) throw std::bad_alloc();
  return static_cast<float*>(p);
}

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
    buffer.reset(aligned_floats(floats));
    capacity = floats;
  }
  return buffer.get();
}

int64_t round_up(int64_t x, int64_t to) {
  return (x + to - 1) / to * to;
}

// Splits `total` into the fewest blocks of at most `max_block`, of equal size rounded up to a multiple of `unit`,
// so that a size just over the limit does not leave a sliver of a block that costs a full repacking.
int64_t balanced_block(int64_t total, int64_t max_block, int64_t unit) {
  const int64_t blocks = (total + max_block - 1) / max_block;
  return std::min(max_block, round_up((total + blocks - 1) / blocks, unit));
}

// The macro-kernel: C[0:mc, 0:nc] = alpha * (packed A block, mc x kc) * (B panels) + beta * C.
// b_panel(q) gives panel q's first row and *ldb its row stride (NR when packed, B's own stride when in place).
template <class PanelFn>
void macro_kernel(const gemm::Microkernel& uk, int64_t kc, int64_t mc, int64_t nc, float alpha, float beta,
                  const float* packed_a, PanelFn b_panel, float* c, int64_t ldc) {
  for (int64_t ir = 0; ir < mc; ir += uk.mr) {
    const int rows = static_cast<int>(std::min<int64_t>(uk.mr, mc - ir));
    const float* ap = packed_a + ir * kc;
    float* c_row = c + ir * ldc;
    for (int64_t jr = 0; jr < nc; jr += uk.nr) {
      const int cols = static_cast<int>(std::min<int64_t>(uk.nr, nc - jr));
      int64_t ldb = uk.nr;
      const float* bp = b_panel(jr / uk.nr, &ldb);
      uk.fn(kc, alpha, ap, bp, ldb, beta, c_row + jr, ldc, rows, cols);
    }
  }
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
        // Panels [0, in_place) are read from B where it is (only ever when B is not transposed); the rest, or all
        // of them, are packed.
        const int64_t in_place = b_in_place ? nc / uk.nr : 0;
        if (in_place * uk.nr < nc) {
          uk.pack_b(g.trans_b, b + in_place * uk.nr, g.ldb, kc, nc - in_place * uk.nr, pack_b_buf);
        }
        const auto panel = [&](int64_t q, int64_t* ldb) -> const float* {
          if (q < in_place) {
            *ldb = g.ldb;
            return b + q * uk.nr;
          }
          return pack_b_buf + (q - in_place) * kc * uk.nr;
        };
        macro_kernel(uk, kc, mc, nc, g.alpha, beta, pack_a_buf, panel, g.c + ic * g.ldc + jc, g.ldc);
      }
    }
  }
}

// One thread's block of sgemm_packed: C[0:m, 0:n] from panel q0 of `b` on, with K >= 1.
void sgemm_packed_block(const PackedMatrix& b, bool trans_a, int64_t m, int64_t n, int64_t q0, float alpha,
                        const float* a, int64_t lda, float beta_in, float* c, int64_t ldc, float* pack_a_buf) {
  const gemm::Microkernel& uk = b.microkernel();
  const int64_t mc_max = balanced_block(m, uk.mc, uk.mr);
  const int64_t nc_max = balanced_block(n, uk.nc, uk.nr);
  for (int64_t ic = 0; ic < m; ic += mc_max) {
    const int64_t mc = std::min(mc_max, m - ic);
    for (int64_t pc = 0; pc < b.k(); pc += b.kc()) {
      const int64_t kc = b.kc_block(pc);
      uk.pack_a(trans_a, trans_a ? a + pc * lda + ic : a + ic * lda + pc, lda, mc, kc, pack_a_buf);
      const float beta = pc == 0 ? beta_in : 1.0f;
      for (int64_t jc = 0; jc < n; jc += nc_max) {
        const int64_t nc = std::min(nc_max, n - jc);
        const int64_t first = q0 + jc / uk.nr;
        const auto panel = [&](int64_t q, int64_t*) { return b.panel(pc, first + q); };
        macro_kernel(uk, kc, mc, nc, alpha, beta, pack_a_buf, panel, c + ic * ldc + jc, ldc);
      }
    }
  }
}

// C = beta * C, the whole answer when alpha == 0 or K == 0. With beta == 0, C is overwritten unread.
void scale_c(int64_t m, int64_t n, float beta, float* c, int64_t ldc) {
  for (int64_t i = 0; i < m; ++i) {
    float* row = c + i * ldc;
    if (beta == 0.0f) {
      std::fill(row, row + n, 0.0f);
    } else if (beta != 1.0f) {
      for (int64_t j = 0; j < n; ++j) row[j] *= beta;
    }
  }
}

// How C (m x n) is split between threads: a grid of tm x tn rectangles of whole tiles, block_m x block_n each.
struct Grid {
  int tm = 1, tn = 1;
  int64_t block_m = 0, block_n = 0;
  int tasks() const { return tm * tn; }
};

// Chooses the grid (tm * tn <= threads) that minimises the slowest thread's work: its multiply-adds plus the
// panels it packs (packing is charged as if it cost 16 multiply-adds per element, roughly the ratio of their
// throughputs). Small problems get one thread.
Grid choose_grid(const gemm::Microkernel& uk, int threads, int64_t m, int64_t n, int64_t k) {
  Grid grid;
  const int64_t tiles_m = (m + uk.mr - 1) / uk.mr;
  const int64_t tiles_n = (n + uk.nr - 1) / uk.nr;
  if (threads > 1 && m * n * k >= kMinParallelMacs) {
    double best = -1;
    for (int rows = 1; rows <= threads; ++rows) {
      const int cols = threads / rows;
      if (rows > tiles_m || cols > tiles_n) continue;
      const double bm = double((tiles_m + rows - 1) / rows * uk.mr);
      const double bn = double((tiles_n + cols - 1) / cols * uk.nr);
      const double cost = bm * bn * double(k) + 16.0 * (bm + bn) * double(k);
      if (best < 0 || cost < best) {
        best = cost;
        grid.tm = rows;
        grid.tn = cols;
      }
    }
  }
  grid.block_m = (tiles_m + grid.tm - 1) / grid.tm * uk.mr;
  grid.block_n = (tiles_n + grid.tn - 1) / grid.tn * uk.nr;
  return grid;
}

// The packed-A floats one thread needs for a block of up to m rows.
int64_t pack_a_floats(const gemm::Microkernel& uk, int64_t m, int64_t k) {
  return round_up(round_up(std::min<int64_t>(uk.mc, round_up(m, uk.mr)), uk.mr) * std::min<int64_t>(uk.kc, k), 16);
}

}  // namespace

void sgemm(const gemm::Microkernel& uk, ThreadPool& pool, const SgemmArgs& g) {
  if (g.m == 0 || g.n == 0) return;
  if (g.k == 0 || g.alpha == 0.0f) {
    scale_c(g.m, g.n, g.beta, g.c, g.ldc);
    return;
  }
  const Grid grid = choose_grid(uk, pool.threads(), g.m, g.n, g.k);
  // Every thread gets its own slice of one workspace, allocated here on the caller so that an allocation failure
  // becomes a JavaScript error instead of a crash in a worker.
  const int64_t a_floats = pack_a_floats(uk, grid.block_m, g.k);
  const int64_t b_floats =
      round_up(std::min<int64_t>(uk.nc, round_up(grid.block_n, uk.nr)) * std::min<int64_t>(uk.kc, g.k), 16);
  float* ws = workspace(static_cast<size_t>(grid.tasks() * (a_floats + b_floats)));

  pool.run(grid.tasks(), [&](int task) {
    const int64_t i0 = (task / grid.tn) * grid.block_m;
    const int64_t j0 = (task % grid.tn) * grid.block_n;
    if (i0 >= g.m || j0 >= g.n) return;
    SgemmArgs block = g;
    block.a = g.trans_a ? g.a + i0 : g.a + i0 * g.lda;
    block.b = g.trans_b ? g.b + j0 * g.ldb : g.b + j0;
    block.c = g.c + i0 * g.ldc + j0;
    float* pa = ws + task * (a_floats + b_floats);
    sgemm_block(uk, block, std::min(grid.block_m, g.m - i0), std::min(grid.block_n, g.n - j0), pa, pa + a_floats);
  });
}

void PackedMatrix::Free::operator()(float* p) const {
  std::free(p);
}

PackedMatrix::PackedMatrix(const gemm::Microkernel& uk, bool trans, const float* b, int64_t ldb, int64_t k, int64_t n)
    : uk_(uk), k_(k), n_(n), kc_(k > 0 ? balanced_block(k, uk.kc, 1) : 1), panels_((n + uk.nr - 1) / uk.nr) {
  data_.reset(aligned_floats(static_cast<size_t>(std::max<int64_t>(1, k * panels_ * uk.nr))));
  for (int64_t pc = 0; pc < k; pc += kc_) {
    const float* block = trans ? b + pc : b + pc * ldb;
    uk.pack_b(trans, block, ldb, kc_block(pc), n, data_.get() + pc * panels_ * uk.nr);
  }
}

void sgemm_packed(ThreadPool& pool, bool trans_a, int64_t m, float alpha, const float* a, int64_t lda,
                  const PackedMatrix& b, float beta, float* c, int64_t ldc) {
  const gemm::Microkernel& uk = b.microkernel();
  const int64_t n = b.n();
  if (m == 0 || n == 0) return;
  if (b.k() == 0 || alpha == 0.0f) {
    scale_c(m, n, beta, c, ldc);
    return;
  }
  const Grid grid = choose_grid(uk, pool.threads(), m, n, b.k());
  const int64_t a_floats = pack_a_floats(uk, grid.block_m, b.k());
  float* ws = workspace(static_cast<size_t>(grid.tasks() * a_floats));
  pool.run(grid.tasks(), [&](int task) {
    const int64_t i0 = (task / grid.tn) * grid.block_m;
    const int64_t j0 = (task % grid.tn) * grid.block_n;
    if (i0 >= m || j0 >= n) return;
    sgemm_packed_block(b, trans_a, std::min(grid.block_m, m - i0), std::min(grid.block_n, n - j0), j0 / uk.nr, alpha,
                       trans_a ? a + i0 : a + i0 * lda, lda, beta, c + i0 * ldc + j0, ldc, ws + task * a_floats);
  });
}

namespace gemm {

const Microkernel& microkernel_for(Isa isa) {
  switch (isa) {
    case Isa::avx512:
      return sgemm_avx512;
    case Isa::avx2:
      return sgemm_avx2;
    case Isa::neon:
      return sgemm_neon;
    case Isa::scalar:
      return sgemm_scalar;
  }
  return sgemm_scalar;
}

}  // namespace gemm
}  // namespace sg
