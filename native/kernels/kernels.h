// The table of SIMD kernels: every kernel written once with simd/vec-inl.h (the recurrent cells, the elementwise
// ops), compiled once per instruction set by kernels_<isa>.cc, and chosen at run time with the Job's Isa. The GEMM
// microkernels have a table of their own (gemm/microkernel.h), as in BLIS.
//
// To add a kernel: write it in its folder's *-inl.h, add a field here and its name in kernels-inl.h's table.
#pragma once

#include <cstdint>

#include "cpu/isa.h"
#include "ops/layers.h"
#include "ops/ops.h"
#include "optim/optim.h"
#include "rnn/recurrent.h"
#include "runtime.h"

namespace sg {

struct Kernels {
  // rnn/: whole sequences, forward and backward through time (rnn/recurrent.h)
  void (*rnn_forward)(const Job&, const rnn::RnnForward&);
  void (*rnn_backward)(const Job&, const rnn::RnnBackward&);
  void (*lstm_forward)(const Job&, const rnn::LstmForward&);
  void (*lstm_backward)(const Job&, const rnn::LstmBackward&);
  void (*gru_forward)(const Job&, const rnn::GruForward&);
  void (*gru_backward)(const Job&, const rnn::GruBackward&);
  // ops/: elementwise (ops/ops.h)
  void (*pointwise)(ops::Pointwise op, const float* x, float* y, int64_t n);
  // ops/: the per-row passes of layers, over N rows of C values (ops/layers.h; callers split the rows over threads)
  void (*activation_forward)(const ops::ActParams& p, const float* x, float* y, int64_t N, int64_t C);
  void (*activation_backward)(const ops::ActParams& p, const float* x, const float* y, const float* dy, float* dx,
                              int64_t N, int64_t C);
  void (*layer_norm_forward)(const float* x, const float* gamma, const float* beta, float* y, float* mean, float* rstd,
                             int64_t N, int64_t C, float eps);
  void (*layer_norm_backward)(const float* x, const float* gamma, const float* mean, const float* rstd, const float* dy,
                              float* dx, int64_t N, int64_t C);
  // optim/: one fused optimizer update of one parameter of n floats, and the passes of gradient clipping
  // (optim/optim.h; bodies in optim/update-inl.h and optim/norms-inl.h)
  void (*sgd_update)(const optim::SgdStep&, float* param, const float* grad, float* buf, int64_t n);
  void (*adam_update)(const optim::AdamStep&, float* param, const float* grad, float* exp_avg, float* exp_avg_sq,
                      float* max_exp_avg_sq, int64_t n);
  void (*rmsprop_update)(const optim::RmspropStep&, float* param, const float* grad, float* square_avg, float* grad_avg,
                         float* buf, int64_t n);
  void (*adagrad_update)(const optim::AdagradStep&, float* param, const float* grad, float* sum, int64_t n);
  double (*norm_partial)(optim::NormOrd ord, const float* x, int64_t n);
  bool (*all_finite)(const float* x, int64_t n);
  void (*scale_in_place)(float* x, int64_t n, float s);
  void (*clamp_in_place)(float* x, int64_t n, float c);
  // optim/norms-inl.h: sum (a - b)^2, the size of an update for gradient monitors (src/diagnostics/)
  double (*squared_distance)(const float* a, const float* b, int64_t n);
};

// The table for `isa`; the scalar one if this build has none for it (the Runtime only picks supported ISAs).
const Kernels& kernels_for(Isa isa);

}  // namespace sg
