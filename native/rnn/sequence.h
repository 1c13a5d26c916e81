// What the recurrent cells share (dimension names as in recurrent.h): the GEMMs that cover all time steps at once,
// bias handling, and the carrying of finished examples' states.
#pragma once

#include <cstdint>

#include "gemm/sgemm.h"
#include "rnn/recurrent.h"

namespace sg::rnn {

// Whether example b is still running at step t.
inline bool active(const int32_t* lengths, int64_t b, int64_t t) { return lengths == nullptr || t < lengths[b]; }

// out (rows, cols) = bias_a + bias_b in every row; bias_b may be null.
void fill_rows(float* out, int64_t rows, int64_t cols, const float* bias_a, const float* bias_b);

// out (T*B, n) += x (T*B, I) * w^T, with w (n, I): the input projection of every step in one GEMM.
void project_inputs(const Job& job, const Dims& d, int64_t n, const float* x, const float* w, float* out);

// The gradients that follow from the pre-activation gate gradients of all steps, dg (T*B, n), in three GEMMs:
//   dx (T*B, I)   = dg * w_ih             (overwritten)
//   dw_ih (n, I) += dg^T * x
//   db_ih (n)    += column sums of dg
void input_side_gradients(const Job& job, const Dims& d, int64_t n, const float* dg, const float* x,
                          const float* w_ih, float* dx, float* dw_ih, float* db_ih);

// dw (n, H) += dg^T (n x T*B) * hin (T*B, H), and db (n) += column sums of dg: a recurrent weight's gradient for
// all steps at once. dg has row stride ldg; hin is the input the weight multiplied at each step (h before the step).
void hidden_side_gradients(const Job& job, const Dims& d, int64_t n, const float* dg, int64_t ldg, const float* hin,
                           float* dw, float* db);

// out (n) += sum over rows of m (rows, n, row stride ld).
void add_column_sums(const float* m, int64_t rows, int64_t n, int64_t ld, float* out);

// h (B, H) = h0, or zeros when h0 is null.
void initial_state(const float* h0, int64_t B, int64_t H, float* h);

}  // namespace sg::rnn
