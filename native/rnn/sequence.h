// What the recurrent cells share (dimension names as in recurrent.h): the GEMMs that cover all time steps at once,
// bias handling, and the carrying of finished examples' states.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "gemm/sgemm.h"
#include "rnn/recurrent.h"

namespace sg::rnn {

// A range of batch rows [begin, end): the unit of work a per-step pointwise pass is split into.
struct Rows {
  int64_t begin, end;
};

// Runs fn(rows) over the batch [0, B) split between the pool's threads, when the step has enough elements to be
// worth it (B * units of them), or else in one call. Rows are independent of each other, so the result does not
// depend on the split.
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

// Whether example b is still running at step t.
inline bool active(const int32_t* lengths, int64_t b, int64_t t) {
  return lengths == nullptr || t < lengths[b];
}

// out (rows, cols) = bias_a + bias_b in every row; bias_b may be null.
void fill_rows(float* out, int64_t rows, int64_t cols, const float* bias_a, const float* bias_b);

// out (T*B, n) = x (T*B, I) * w^T + beta * out, with w (n, I): the input projection of every step in one GEMM.
void project_inputs(const Job& job, const Dims& d, int64_t n, const float* x, const float* w, float* out, float beta);

// The gradients that follow from the pre-activation gate gradients of all steps, dg (T*B, n), in two GEMMs:
//   dx (T*B, I)   = dg * w_ih             (overwritten)
//   dw_ih (n, I) += dg^T * x
void input_side_gradients(const Job& job, const Dims& d, int64_t n, const float* dg, const float* x, const float* w_ih,
                          float* dx, float* dw_ih);

// dw (n, H) += dg^T (n x T*B) * hin (T*B, H): a recurrent weight's gradient for all steps at once. dg has row
// stride ldg; hin is the input the weight multiplied at each step (h before the step).
void hidden_side_gradients(const Job& job, const Dims& d, int64_t n, const float* dg, int64_t ldg, const float* hin,
                           float* dw);

// A bias gradient: column sums of the pre-activation gradients, added a step at a time while that step's block is
// still in cache, and summed in float64 so that small contributions over many steps are not lost.
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

// h (B, H) = h0, or zeros when h0 is null.
void initial_state(const float* h0, int64_t B, int64_t H, float* h);

}  // namespace sg::rnn
