// The numerics of layers, losses and the data movement of a model (src/layers/, src/model/): fused dense passes,
// activations, layer normalization, losses fused with their gradient, and the moves between batch-major and
// time-major sequences. The SIMD bodies (activations, layer norm) are in ops/activation-inl.h and
// ops/layer_norm-inl.h, compiled once per ISA into the kernel table; the rest is in ops/layers.cc. The js backend's
// twin is src/backend/js/layers.ts.
//
// Dimensions, named once:
//   N  rows (examples, or T*B steps of a sequence laid out as rows)     I  input features     U  units (outputs)
//   T  time steps     B  batch     F  features of one step     C  classes (columns of a loss)
// Every matrix is row-major. Every pointer has been checked by the N-API layer (binding/layers_binding.cc).
#pragma once

#include <cstdint>

#include "runtime.h"

namespace sg::ops {

// Activations, by the codes src/backend/layer-codes.ts gives them (the same order). a and b are the parameters:
//   linear, sigmoid, tanh, relu                     no parameter
//   leaky_relu                                      a = negative slope (PyTorch's default 0.01)
//   elu                                             a = alpha (1)
//   gelu                                            PyTorch's exact form x * Phi(x); gelu_tanh its 'tanh' form
//   softplus                                        a = beta (1), b = threshold (20): x where beta * x > threshold
//   softmax                                         over each row of `cols` values
enum class Act : int32_t { linear, sigmoid, tanh, relu, leaky_relu, elu, gelu, gelu_tanh, softplus, softmax };
constexpr int32_t kActCount = 10;

struct ActParams {
  Act act;
  float a, b;
};

// Losses and metrics, by the codes of src/backend/layer-codes.ts. Each sums over the rows whose mask is nonzero
// (all rows when the mask is null) and, when asked, writes grad = scale * dloss/dpred. Per element (mse, mae, huber,
// bce*) or per row (the cross entropies and accuracies, over C columns):
//   mse            (p - t)^2                      mae (l1)   |p - t|
//   huber          0.5 d^2 if |d| < delta else delta * (|d| - 0.5 delta), d = p - t, delta = param
//   bce            -(t max(log p, -100) + (1 - t) max(log(1 - p), -100))    (PyTorch's BCELoss)
//   bce_logits     max(z, 0) - z t + log(1 + e^-|z|)                        (BCEWithLogitsLoss)
//   ce             -sum_c t_c max(log p_c, -100)          (probabilities; targets one-hot or soft)
//   ce_logits      -sum_c t_c log_softmax(z)_c            (CrossEntropyLoss with class probabilities)
//   sparse_ce      -max(log p_k, -100), k = t (a class index stored as a float)
//   sparse_ce_logits  -log_softmax(z)_k
//   binary_accuracy    1 when (p > param) == (t > 0.5), per element
//   categorical_accuracy  1 when argmax p == argmax t, per row; sparse_accuracy  1 when argmax p == t
// Accuracies have no gradient.
enum class Loss : int32_t {
  mse,
  mae,
  huber,
  bce,
  bce_logits,
  ce,
  ce_logits,
  sparse_ce,
  sparse_ce_logits,
  binary_accuracy,
  categorical_accuracy,
  sparse_accuracy,
};
constexpr int32_t kLossCount = 12;

// Whether a loss takes one target column per row (a class index) rather than C.
inline bool sparse_target(Loss loss) {
  return loss == Loss::sparse_ce || loss == Loss::sparse_ce_logits || loss == Loss::sparse_accuracy;
}
// Whether a loss has a gradient.
inline bool has_gradient(Loss loss) {
  return loss != Loss::binary_accuracy && loss != Loss::categorical_accuracy && loss != Loss::sparse_accuracy;
}

// How a bidirectional layer merges its two directions, rows of H each: concat (rows, 2H), sum, mul, ave (rows, H).
enum class Merge : int32_t { concat, sum, mul, ave };

// ---- dense: z (N, U) = x (N, I) w^T + b, y = act(z) ----
// w (U, I) as torch.nn.Linear; b (U) or null. z may be y when act is linear (then nothing more is stored).
void dense_forward(const Job& job, const ActParams& p, const float* x, const float* w, const float* b, float* z,
                   float* y, int64_t N, int64_t I, int64_t U);
// dz (N, U) = dy * act'(z, y) (dz may be dy: then act must be linear, and dy is used as it is);
// dw (U, I) += dz^T x;  db (U) += column sums of dz (if db);  dx (N, I) = dz w (if dx).
void dense_backward(const Job& job, const ActParams& p, const float* x, const float* w, const float* z, const float* y,
                    const float* dy, float* dz, float* dx, float* dw, float* db, int64_t N, int64_t I, int64_t U);

// ---- activation: y (N, C) = act(x), and dx = dy * act'(x, y) (dx may be dy) ----
void activation_forward(const Job& job, const ActParams& p, const float* x, float* y, int64_t N, int64_t C);
void activation_backward(const Job& job, const ActParams& p, const float* x, const float* y, const float* dy, float* dx,
                         int64_t N, int64_t C);

// ---- layer normalization over the C features of each row, PyTorch's LayerNorm (biased variance) ----
// y = (x - mean) * rstd * gamma + beta; saves mean (N) and rstd (N) = 1 / sqrt(var + eps). gamma/beta may be null.
void layer_norm_forward(const Job& job, const float* x, const float* gamma, const float* beta, float* y, float* mean,
                        float* rstd, int64_t N, int64_t C, float eps);
// dx (N, C) = the input gradient (overwritten); dgamma, dbeta (C) += (either may be null).
void layer_norm_backward(const Job& job, const float* x, const float* gamma, const float* mean, const float* rstd,
                         const float* dy, float* dx, float* dgamma, float* dbeta, int64_t N, int64_t C);

// ---- losses: returns the sum over unmasked rows (in double); grad (N, C) = scale * dloss/dpred, or null ----
// target: (N, C), or (N) class indices for the sparse losses (already checked to be in [0, C)). mask (N) or null.
double loss(Loss kind, const float* pred, const float* target, float* grad, int64_t N, int64_t C, const uint8_t* mask,
            float scale, float param);

// ---- data movement ----
// y (B, A, F) = x (A, B, F): batch-major (B, T, F) <-> time-major (T, B, F).
void swap_axes(const float* x, float* y, int64_t A, int64_t B, int64_t F);
// Reverses each example of a time-major x (T, B, F) within its own length: y[t, b] = x[len_b - 1 - t, b] for
// t < len_b, and x[t, b] after (lengths null: all T). With accumulate, y += that. y must not be x.
void reverse_sequences(const float* x, float* y, int64_t T, int64_t B, int64_t F, const int32_t* lengths,
                       bool accumulate);
// y = merge(a, b): a, b (N, H); y (N, 2H) for concat, else (N, H).
void merge_forward(Merge mode, const float* a, const float* b, float* y, int64_t N, int64_t H);
// da, db (N, H) = the gradients of a and b (overwritten) from dy.
void merge_backward(Merge mode, const float* a, const float* b, const float* dy, float* da, float* db, int64_t N,
                    int64_t H);
// y (n) = a * b elementwise (a dropout mask applied); y may be a or b.
void multiply(const float* a, const float* b, float* y, int64_t n);
// Rows indices[start], ..., indices[start + count - 1] of src (rows of T x F) into dst: batch-major (count, T, F),
// or time-major (T, count, F). Indices already checked to be rows of src.
void gather(const float* src, const int32_t* indices, int64_t start, int64_t count, int64_t T, int64_t F, float* dst,
            bool time_major);
// The index of the first element that is NaN or +-Infinity, or -1.
int64_t first_non_finite(const float* x, int64_t n);

}  // namespace sg::ops
