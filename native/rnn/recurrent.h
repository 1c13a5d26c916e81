// Recurrent layers over a whole sequence: vanilla RNN, LSTM and GRU, forward and backward through time, with
// PyTorch's semantics.
//
// Dimensions, named once:
//   T  time steps        B  batch        I  input features        H  hidden units
//   G  gates per cell: 1 for RNN, 4 for LSTM (i, f, g, o), 3 for GRU (r, z, n)
//
// Layout: everything is row-major and time-major. x is (T, B, I): step t is the contiguous B x I block at
// x + t*B*I. y is (T, B, H). States h0, c0, hT, cT are (B, H). Weights are PyTorch's: w_ih (G*H, I), w_hh (G*H, H),
// b_ih (G*H), b_hh (G*H); row g*H + j of a weight belongs to gate g, hidden unit j.
//
// lengths (B), optional: example b is valid for steps t < lengths[b] (0 <= lengths[b] <= T). At later steps its
// state is carried through unchanged and its output is 0, so hT/cT hold the state after its last valid step
// (PyTorch's packed-sequence semantics). Without lengths every example has T steps.
//
// The forward pass saves what the backward pass needs (the "saved" buffers below; the caller owns them). The
// backward pass takes the gradients of the loss with respect to y, hT and cT (each may be null, meaning zero), and
// returns those with respect to x, h0 and c0; the weight gradients are *accumulated* (+=) into dw_ih, dw_hh, db_ih,
// db_hh, so the caller zeroes them once and can sum over batches.
//
// Every pointer is checked by the N-API layer before it gets here: non-null where required, long enough for its
// shape, inputs finite. Nothing in these kernels allocates per time step: each call allocates its scratch once.
#pragma once

#include <cstdint>

#include "runtime.h"

namespace sg::rnn {

struct Dims {
  int64_t T, B, I, H;
};

enum class Activation { tanh, relu };

// What every cell's forward pass takes and gives; G is the cell's number of gates.
struct ForwardCommon {
  Dims d;
  const float* x;                          // (T, B, I)
  const float *w_ih, *w_hh, *b_ih, *b_hh;  // (G*H, I), (G*H, H), (G*H), (G*H)
  const float* h0;                         // (B, H), or null for zeros
  const int32_t* lengths;                  // (B), or null
  float* y;                                // out (T, B, H)
  float* h_n;                              // out (B, H): hT
  float* h;                                // saved (T+1, B, H): the state before step t at [t]; [0] = h0
};

// What every cell's backward pass takes and gives.
struct BackwardCommon {
  Dims d;
  const float *x, *w_ih, *w_hh;          // as in the forward pass
  const int32_t* lengths;                // as in the forward pass
  const float* h;                        // saved by the forward pass
  const float *dy, *dh_n;                // (T, B, H), (B, H); either may be null (zero)
  float *dx, *dh0;                       // out (T, B, I), (B, H)
  float *dw_ih, *dw_hh, *db_ih, *db_hh;  // accumulated (+=)
  // out (T), or null (not computed): dh_norms[t] = the L2 norm of dL/dh_t over the examples running at step t, h_t
  // being the state after step t (y_t), so dL/dh_t is the gradient through later steps plus dy_t. Gradient monitors
  // read it as the vanishing (or exploding) curve through time.
  float* dh_norms;
};

// ---- vanilla RNN: h' = act(W_ih x + b_ih + W_hh h + b_hh), act = tanh or relu; G = 1 ----
struct RnnForward : ForwardCommon {
  Activation act;
};
struct RnnBackward : BackwardCommon {
  Activation act;
};

// ---- LSTM: gates i, f, g, o; c' = f*c + i*g, h' = o*tanh(c'); G = 4 ----
struct LstmForward : ForwardCommon {
  const float* c0;  // (B, H), or null for zeros
  float* c_n;       // out (B, H): cT
  float* gates;     // saved (T, B, 4H): gate activations i, f, g, o per step
  float* c;         // saved (T+1, B, H): the cell state before step t at [t]
};
struct LstmBackward : BackwardCommon {
  const float *gates, *c;  // saved by the forward pass
  const float* dc_n;       // (B, H), or null (zero)
  float* dc0;              // out (B, H)
};

// ---- GRU: gates r, z, n; h' = (1-z)*n + z*h; G = 3 ----
// reset_after (PyTorch, Keras' default): n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
// reset before (Keras reset_after=False):  n = tanh(W_in x + b_in + W_hn (r * h) + b_hn)
struct GruForward : ForwardCommon {
  bool reset_after;
  float* gates;  // saved (T, B, 3H): gate activations r, z, n per step
  float* hn;     // saved (T, B, H): W_hn h + b_hn (reset_after), or r * h (before)
};
struct GruBackward : BackwardCommon {
  bool reset_after;
  const float *gates, *hn;  // saved by the forward pass
};

}  // namespace sg::rnn
