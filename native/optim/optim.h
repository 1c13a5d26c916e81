// Optimizer updates and gradient clipping: the hyperparameters of one step, as the fused kernels in
// optim/update-inl.h and optim/norms-inl.h take them. Every update is one pass over one parameter (n floats), with
// PyTorch's order of operations (torch.optim.*, single-tensor path, 1.13 and 2.x); the TypeScript layer
// (src/optim/) keeps the per-parameter state and calls one kernel per parameter and step.
//
// Every update first turns the raw gradient into the one the algorithm sees, in this order:
//   g = clamp(grad * scale, -clip, clip)   Keras's clipnorm / global_clipnorm (scale) and clipvalue (clip)
//   g = -g                                 if maximize
//   g = g + weight_decay * param           L2 penalty (SGD, Adam, RMSprop, Adagrad; AdamW decays param instead)
// scale = 1 and clip = +Infinity leave the gradient unchanged, bit for bit; a zero weight_decay adds nothing.
#pragma once

#include <cstdint>

namespace sg::optim {

struct GradPrep {
  double scale;         // 1: no norm clipping
  double clip;          // +Infinity: no value clipping
  bool maximize;        // ascend instead of descend
  double weight_decay;  // L2 penalty coefficient, 0 for none
};

// torch.optim.SGD. When momentum != 0 the buffer (n floats) is required; first_step means it holds nothing yet
// and is set to g (PyTorch's clone on the first step, without dampening).
struct SgdStep {
  GradPrep prep;
  double lr, momentum, dampening;
  bool nesterov, first_step;
};

// torch.optim.Adam and AdamW. step is this parameter's step count, including the step being taken (1 on the first).
// decoupled_decay (AdamW's weight_decay): param *= 1 - lr * decoupled_decay before the update (prep.weight_decay is
// then 0). max_exp_avg_sq, when given, makes it AMSGrad.
struct AdamStep {
  GradPrep prep;
  double lr, beta1, beta2, eps, decoupled_decay;
  double step;
};

// torch.optim.RMSprop. grad_avg (centered) and the momentum buffer (momentum > 0) are optional.
struct RmspropStep {
  GradPrep prep;
  double lr, alpha, eps, momentum;
};

// torch.optim.Adagrad. step counts as in AdamStep; the step's learning rate is lr / (1 + (step - 1) * lr_decay).
struct AdagradStep {
  GradPrep prep;
  double lr, lr_decay, eps;
  double step;
};

// The norm reductions behind clip_grad_norm_: sum of |x| (L1), sum of x^2 (L2) or max |x| (Inf), accumulated in
// double so that partial results of several arrays combine into one norm. NaN anywhere gives NaN (also for Inf).
enum class NormOrd { l1, l2, inf };

}  // namespace sg::optim
