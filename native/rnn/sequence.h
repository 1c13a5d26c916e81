// What the recurrent cells share (dimension names as in recurrent.h): the GEMMs that cover all time steps at once,
// and the carrying of finished examples' states. Row loops and column sums are in ops/rows.h.
#pragma once

#include <cstdint>

#include "gemm/sgemm.h"
#include "ops/rows.h"
#include "rnn/recurrent.h"

namespace sg::rnn {

// Whether example b is still running at step t.
inline bool active(const int32_t* lengths, int64_t b, int64_t t) {
  return lengths == nullptr || t < lengths[b];
}

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

// The L2 norm, in double, of dh (B, H) + dy (B, H; null for zero) over the rows of the examples running at step t.
float state_gradient_norm(const Dims& d, int64_t t, const int32_t* lengths, const float* dh, const float* dy);

// dh_norms[t] (see BackwardCommon) when the caller asked for it, from dh (B, H), the gradient of the state after step t
// through later steps: one pass over two B x H blocks that the step reads anyway, on the calling thread; when not
// asked, a null check per step.
inline void record_state_gradient_norm(const BackwardCommon& a, int64_t t, const float* dh) {
  if (a.dh_norms == nullptr) return;
  a.dh_norms[t] = state_gradient_norm(a.d, t, a.lengths, dh, a.dy ? a.dy + t * a.d.B * a.d.H : nullptr);
}

}  // namespace sg::rnn
