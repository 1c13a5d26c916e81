// The portable half of the GEMM: cache blocking, packing and the split between threads (BLIS's five loops).
//
// Row-major C = A * B is computed as tiles of MR x NR by the ISA's microkernel (microkernel.h). Loop nest, outer
// to inner, for one thread's block of C:
//
//   for ic in M by MC:                 A block, MC x KC, packed into MR-row micro-panels (or read in place)
//     for pc in K by KC:
//       for jc in N by NC:             B block, KC x NC, packed into NR-column micro-panels (or read in place);
//                                      stays in L2
//         for ir in MC by MR:          A micro-panel, KC x MR; stays in L1 across the jr loop
//           for jr in NC by NR:        B micro-panel streamed from L2
//             microkernel
//
// The K blocks after the first accumulate into C with beta = 1. Threads each take a rectangle of C (whole tiles),
// so every element sees exactly the same operations whatever the thread count. sgemm_packed() runs the same loops
// over a B packed beforehand (PackedMatrix), which is how recurrent layers reuse their weights at every step.
//
// Packing is skipped where it does not pay (gemm::choose_plan): the microkernel reads A through a row and a column
// stride, so both op(A) = A and op(A) = A^T can be read in place, and it reads a non-transposed B in place with
// masked loads at the right edge. Small and skinny products (a 32^3 product, a classifier head with N = 10) then
// run with no copy at all.
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
// it saves.
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

int64_t round_down(int64_t x, int64_t to) {
  return x / to * to;
}

// Splits `total` into the fewest blocks of at most `max_block`, of equal size rounded up to a multiple of `unit`,
// so that a size just over the limit does not leave a sliver of a block that costs a full repacking.
int64_t balanced_block(int64_t total, int64_t max_block, int64_t unit) {
  const int64_t blocks = (total + max_block - 1) / max_block;
  return std::min(max_block, round_up((total + blocks - 1) / blocks, unit));
}

// Where the microkernel finds the A micro-panels of one (ic, pc) block: packed, or in op(A) itself.
struct APanels {
  const float* base;
  int64_t rs, cs;    // element (i, p) of the block at base[i*rs + p*cs]
  int64_t row_step;  // from row i of the block to the micro-panel starting there (rs in place, kc packed)
  bool in_place;     // micro-panels may then start at any row; packed ones start every MR rows
};

// Where it finds the B micro-panels of one (pc, jc) block: packed (here or beforehand), or in B itself.
struct BPanels {
  const float* base;
  int64_t ld;          // row stride of a micro-panel
  int64_t panel_step;  // from one micro-panel (NR columns) to the next
};

// The macro-kernel: C[0:mc, 0:nc] = alpha * A block (mc x kc) * B block (kc x nc) + beta * C.
// Read in place, A is cut into micro-panels of nearly equal height (32 rows with MR = 6: 6, 6, 5, 5, 5, 5, not
// five of 6 and one of 2): a panel of very few rows has too few accumulator chains to hide the FMA latency.
void macro_kernel(const gemm::Microkernel& uk, int64_t kc, int64_t mc, int64_t nc, float alpha, float beta,
                  const APanels& a, const BPanels& b, float* c, int64_t ldc) {
  const int64_t panels = (mc + uk.mr - 1) / uk.mr;
  for (int64_t q = 0, ir = 0; q < panels; ++q) {
    const int64_t rows = a.in_place ? mc / panels + (q < mc % panels ? 1 : 0) : std::min<int64_t>(uk.mr, mc - ir);
    const float* ap = a.base + ir * a.row_step;
    float* c_row = c + ir * ldc;
    for (int64_t jr = 0; jr < nc; jr += uk.nr) {
      const int cols = static_cast<int>(std::min<int64_t>(uk.nr, nc - jr));
      uk.fn(kc, alpha, ap, a.rs, a.cs, b.base + (jr / uk.nr) * b.panel_step, b.ld, beta, c_row + jr, ldc,
            static_cast<int>(rows), cols);
    }
    ir += rows;
  }
}

// One thread's share of a product: C[0:m, 0:n] = alpha * op(A)[0:m, :] * op(B)[:, 0:n] + beta * C, with K >= 1.
// op(A) element (i, p) is at a[i*a_rs + p*a_cs]. B is either `packed` (a PackedMatrix, from its panel q0 on) or
// op(B) given by b/ldb/trans_b, packed into pack_b_buf or read in place as the plan says.
struct BlockJob {
  const gemm::Microkernel& uk;
  gemm::Blocking blocking;
  gemm::Plan plan;
  int64_t m, n, k;
  float alpha, beta;
  const float* a;
  int64_t a_rs, a_cs;
  bool trans_a;  // for packing: op(A) = A^T
  int64_t lda;
  const float* b;
  int64_t ldb;
  bool trans_b;
  const PackedMatrix* packed;
  int64_t q0;
  float* c;
  int64_t ldc;
};

void run_block(const BlockJob& j, float* pack_a_buf, float* pack_b_buf) {
  const gemm::Microkernel& uk = j.uk;
  const int64_t kc_max = j.blocking.kc;
  const int64_t mc_max = balanced_block(j.m, j.blocking.mc, uk.mr);
  const int64_t nc_max = balanced_block(j.n, j.blocking.nc, uk.nr);
  for (int64_t ic = 0; ic < j.m; ic += mc_max) {
    const int64_t mc = std::min(mc_max, j.m - ic);
    for (int64_t pc = 0; pc < j.k; pc += kc_max) {
      const int64_t kc = std::min(kc_max, j.k - pc);
      const float* a_block = j.a + ic * j.a_rs + pc * j.a_cs;
      APanels a{a_block, j.a_rs, j.a_cs, j.a_rs, true};
      if (j.plan.pack_a) {
        uk.pack_a(j.trans_a, a_block, j.lda, mc, kc, pack_a_buf);
        a = APanels{pack_a_buf, 1, uk.mr, kc, false};
      }
      const float beta = pc == 0 ? j.beta : 1.0f;
      for (int64_t jc = 0; jc < j.n; jc += nc_max) {
        const int64_t nc = std::min(nc_max, j.n - jc);
        BPanels b;
        if (j.packed != nullptr) {
          b = BPanels{j.packed->panel(pc, j.q0 + jc / uk.nr), uk.nr, kc * uk.nr};
        } else if (j.trans_b || j.plan.pack_b) {
          const float* block = j.trans_b ? j.b + jc * j.ldb + pc : j.b + pc * j.ldb + jc;
          uk.pack_b(j.trans_b, block, j.ldb, kc, nc, pack_b_buf);
          b = BPanels{pack_b_buf, uk.nr, kc * uk.nr};
        } else {
          b = BPanels{j.b + pc * j.ldb + jc, j.ldb, uk.nr};
        }
        macro_kernel(uk, kc, mc, nc, j.alpha, beta, a, b, j.c + ic * j.ldc + jc, j.ldc);
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
int64_t pack_a_floats(const gemm::Blocking& blocking, const gemm::Microkernel& uk, int64_t m) {
  return round_up(std::min(blocking.mc, round_up(m, uk.mr)) * blocking.kc, 16);
}

// The packed-B floats one thread needs for a block of up to n columns.
int64_t pack_b_floats(const gemm::Blocking& blocking, const gemm::Microkernel& uk, int64_t n) {
  return round_up(std::min(blocking.nc, round_up(n, uk.nr)) * blocking.kc, 16);
}

// Runs `job` split by `grid` on `pool`, each task with its own part of one workspace; job.m/n/a/b/c describe the
// whole product and are narrowed to each task's rectangle here.
void run_grid(ThreadPool& pool, const Grid& grid, const BlockJob& job) {
  const int64_t a_floats = job.plan.pack_a ? pack_a_floats(job.blocking, job.uk, grid.block_m) : 0;
  const bool pack_b = job.packed == nullptr && (job.trans_b || job.plan.pack_b);
  const int64_t b_floats = pack_b ? pack_b_floats(job.blocking, job.uk, grid.block_n) : 0;
  // Allocated here on the caller, so that an allocation failure becomes a JavaScript error, not a crash in a worker.
  float* ws = a_floats + b_floats > 0 ? workspace(static_cast<size_t>(grid.tasks() * (a_floats + b_floats))) : nullptr;
  pool.run(grid.tasks(), [&](int task) {
    const int64_t i0 = (task / grid.tn) * grid.block_m;
    const int64_t j0 = (task % grid.tn) * grid.block_n;
    if (i0 >= job.m || j0 >= job.n) return;
    BlockJob block = job;
    block.m = std::min(grid.block_m, job.m - i0);
    block.n = std::min(grid.block_n, job.n - j0);
    block.a = job.a + i0 * job.a_rs;
    block.b = job.trans_b ? job.b + j0 * job.ldb : job.b + j0;
    block.q0 = job.q0 + j0 / job.uk.nr;
    block.c = job.c + i0 * job.ldc + j0;
    float* pa = ws == nullptr ? nullptr : ws + task * (a_floats + b_floats);
    run_block(block, pa, pa == nullptr ? nullptr : pa + a_floats);
  });
}

}  // namespace

namespace gemm {

// kc: the A micro-panel (MR x kc) and a B micro-panel (kc x NR) together take at most 3/4 of L1, so the A panel
// survives in L1 while B panels stream through; a multiple of 64 between 256 and 512 (below 256, loading and storing
// the C tile once per K block costs more than 1% of the multiply-adds). 256 on a 32 KiB L1 with AVX2's 6 x 16.
// nc: the packed B block (kc x nc) takes at most half of L2; a multiple of NR.
// mc: the packed A block (mc x kc) takes at most a quarter of L3 (and 4 MiB); a multiple of MR.
Blocking blocking_for(const Microkernel& uk, const CacheSizes& caches) {
  constexpr int64_t kFloat = sizeof(float);
  const int64_t kc = std::clamp<int64_t>(round_down(caches.l1d * 3 / 4 / ((uk.mr + uk.nr) * kFloat), 64), 256, 512);
  const int64_t nc = std::clamp<int64_t>(round_down(caches.l2 / 2 / (kc * kFloat), uk.nr), uk.nr, 4096);
  const int64_t a_bytes = std::min<int64_t>(caches.l3 / 4, 4 << 20);
  const int64_t mc = std::clamp<int64_t>(round_down(a_bytes / (kc * kFloat), uk.mr), 16 * uk.mr, 4096);
  return Blocking{kc, nc, mc};
}

int64_t k_block(const Microkernel& uk, int64_t k) {
  return k > 0 ? balanced_block(k, blocking_for(uk, cache_sizes()).kc, 1) : 1;
}

Plan choose_plan(const Microkernel& uk, const SgemmArgs& g, int64_t m_block, int64_t n_block) {
  const CacheSizes& caches = cache_sizes();
  const int64_t kc = k_block(uk, g.k);
  constexpr int64_t kFloat = sizeof(float);
  constexpr int64_t kPage = 4096;
  // Rows of A a multiple of 4 KiB apart land in the same sets of every cache level (and on a new page each), so
  // a micro-panel read in place evicts itself; packed, it is contiguous.
  const bool a_aliases = (g.lda * kFloat) % kPage == 0;
  const bool a_small = m_block * kc * kFloat <= caches.l1d / 2;
  bool a_in_place;
  if (!g.trans_a) {
    // Not transposed, the MR rows of a micro-panel are MR sequential streams, as cheap to read as a packed panel;
    // packing would cost a transposition. Packed only when the rows alias and a wide N reuses the panel often.
    a_in_place = !a_aliases || a_small || n_block <= 4 * uk.nr;
  } else {
    // Transposed, a micro-panel takes MR values from each of kc rows of A: one cache line (and, for a large lda,
    // one page) per k. That is worth it only when N is so narrow that each micro-panel is used once or twice, or A
    // is tiny; otherwise A is packed (a plain copy, read along the rows of A).
    a_in_place = a_small || (n_block <= 2 * uk.nr && !a_aliases);
  }
  // B not transposed is read in place when few A micro-panels pass over it, or when the block is small enough to
  // stay in L1; otherwise it is packed, so that its micro-panels are contiguous in L2. A transposed B is packed.
  const int64_t passes = (m_block + uk.mr - 1) / uk.mr;
  const bool b_in_place = !g.trans_b && (passes <= kMaxPassesInPlace || kc * g.ldb * kFloat <= caches.l1d / 2);
  return Plan{!a_in_place, !b_in_place};
}

}  // namespace gemm

void sgemm(const gemm::Microkernel& uk, ThreadPool& pool, const SgemmArgs& g, const gemm::Plan* forced) {
  if (g.m == 0 || g.n == 0) return;
  if (g.k == 0 || g.alpha == 0.0f) {
    scale_c(g.m, g.n, g.beta, g.c, g.ldc);
    return;
  }
  const Grid grid = choose_grid(uk, pool.threads(), g.m, g.n, g.k);
  gemm::Blocking blocking = gemm::blocking_for(uk, cache_sizes());
  blocking.kc = gemm::k_block(uk, g.k);
  const gemm::Plan plan = forced != nullptr ? *forced : gemm::choose_plan(uk, g, grid.block_m, grid.block_n);
  const BlockJob job{uk,
                     blocking,
                     plan,
                     g.m,
                     g.n,
                     g.k,
                     g.alpha,
                     g.beta,
                     g.a,
                     g.trans_a ? 1 : g.lda,
                     g.trans_a ? g.lda : 1,
                     g.trans_a,
                     g.lda,
                     g.b,
                     g.ldb,
                     g.trans_b,
                     nullptr,
                     0,
                     g.c,
                     g.ldc};
  run_grid(pool, grid, job);
}

void PackedMatrix::Free::operator()(float* p) const {
  std::free(p);
}

PackedMatrix::PackedMatrix(const gemm::Microkernel& uk, bool trans, const float* b, int64_t ldb, int64_t k, int64_t n)
    : uk_(uk), k_(k), n_(n), kc_(gemm::k_block(uk, k)), panels_((n + uk.nr - 1) / uk.nr) {
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
  gemm::Blocking blocking = gemm::blocking_for(uk, cache_sizes());
  blocking.kc = b.kc();
  SgemmArgs g;
  g.trans_a = trans_a, g.m = m, g.n = n, g.k = b.k(), g.lda = lda;
  const gemm::Plan plan = gemm::choose_plan(uk, g, grid.block_m, grid.block_n);
  const BlockJob job{uk,      blocking, plan,    m, n,     b.k(), alpha, beta, a,  trans_a ? 1 : lda, trans_a ? lda : 1,
                     trans_a, lda,      nullptr, 0, false, &b,    0,     c,    ldc};
  run_grid(pool, grid, job);
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
