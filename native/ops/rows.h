// Loops over the rows of a batch that every kernel family shares: splitting a batch between the pool's threads,
// column sums in float64, and filling rows from a bias. Nothing here is specific to one instruction set.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "runtime.h"

namespace sg {

// A range of batch rows [begin, end): the unit of work a pointwise pass is split into.
struct Rows {
  int64_t begin, end;
};

// Runs fn(rows) over the batch [0, B) split between the pool's threads, when there are enough elements to be worth
// it (B * units of them), or else in one call. Rows are independent of each other, so the result does not depend on
// the split.
template <class Fn>
void for_rows(const Job& job, int64_t B, int64_t units, Fn fn) {
  constexpr int64_t kMinParallelElements = 8192;
  const int tasks = static_cast<int>(std::min<int64_t>(job.pool->threads(), B));
  if (tasks <= 1 || B * units < kMinParallelElements) {
    fn(Rows{0, B});
    return;
  }
  job.pool->run(tasks, [&](int i) { fn(Rows{B * i / tasks, B * (i + 1) / tasks}); });
}

// out (rows, cols) = bias_a + bias_b in every row; bias_b may be null.
void fill_rows(float* out, int64_t rows, int64_t cols, const float* bias_a, const float* bias_b);

// out (n) = src (n), or zeros when src is null.
void copy_or_zero(const float* src, int64_t n, float* out);

// Column sums of row blocks, added a block at a time while it is still in cache, and summed in float64 so that
// small contributions over many blocks are not lost. A bias gradient is one.
class ColumnSums {
 public:
  explicit ColumnSums(int64_t n) : sums_(static_cast<size_t>(n), 0.0) {}
  // += the column sums of m (rows x n, row stride ld).
  void add(const float* m, int64_t rows, int64_t ld);
  // out (n) += the sums so far.
  void add_to(float* out) const;

 private:
  std::vector<double> sums_;
};

}  // namespace sg
