// What a backend's recurrent kernels take: one object per call, with the dimensions, the inputs, and the output
// buffers already allocated by the public API (src/kernels/recurrent.ts). The native addon reads exactly these
// fields (native/binding/recurrent_binding.cc) and checks each again.
//
// Dimensions: T steps, B batch, I input features, H hidden units, G gates (RNN 1, LSTM 4, GRU 3). Layout is
// time-major and row-major: x (T, B, I), y (T, B, H); weights in PyTorch's layout, wIh (G*H, I), wHh (G*H, H),
// bIh and bHh (G*H). Semantics: native/rnn/recurrent.h.

export interface Dims {
  T: number;
  B: number;
  I: number;
  H: number;
}

interface ForwardInputs extends Dims {
  x: Float32Array; // (T, B, I)
  wIh: Float32Array; // (G*H, I)
  wHh: Float32Array; // (G*H, H)
  bIh: Float32Array; // (G*H)
  bHh: Float32Array; // (G*H)
  h0: Float32Array | null; // (B, H), or null for zeros
  lengths: Int32Array | null; // (B), each in [0, T], or null for all T
  y: Float32Array; // out (T, B, H)
  hT: Float32Array; // out (B, H)
  h: Float32Array; // saved (T+1, B, H): the state before step t at [t]
}

interface BackwardInputs extends Dims {
  x: Float32Array;
  wIh: Float32Array;
  wHh: Float32Array;
  lengths: Int32Array | null;
  h: Float32Array; // saved by the forward pass
  dy: Float32Array | null; // (T, B, H), or null for zero
  dhT: Float32Array | null; // (B, H), or null for zero
  dx: Float32Array; // out (T, B, I)
  dh0: Float32Array; // out (B, H)
  dWIh: Float32Array; // accumulated (+=)
  dWHh: Float32Array; // accumulated
  dBIh: Float32Array; // accumulated
  dBHh: Float32Array; // accumulated
  // out (T), or null/absent (not computed): dhNorms[t] = the L2 norm of dL/dh_t over the examples running at step t,
  // h_t the state after step t, so dL/dh_t is the gradient through later steps plus dy[t] (native/rnn/recurrent.h).
  dhNorms?: Float32Array | null;
}

export type RnnActivation = 'tanh' | 'relu';

export interface RnnForwardCall extends ForwardInputs {
  activation: RnnActivation;
}
export interface RnnBackwardCall extends BackwardInputs {
  activation: RnnActivation;
}

export interface LstmForwardCall extends ForwardInputs {
  c0: Float32Array | null; // (B, H), or null for zeros
  cT: Float32Array; // out (B, H)
  gates: Float32Array; // saved (T, B, 4H): activations i, f, g, o of each step
  c: Float32Array; // saved (T+1, B, H)
}
export interface LstmBackwardCall extends BackwardInputs {
  gates: Float32Array;
  c: Float32Array;
  dcT: Float32Array | null; // (B, H), or null for zero
  dc0: Float32Array; // out (B, H)
}

export interface GruForwardCall extends ForwardInputs {
  resetAfter: boolean;
  gates: Float32Array; // saved (T, B, 3H): activations r, z, n of each step
  hn: Float32Array; // saved (T, B, H): W_hn h + b_hn (resetAfter), or r * h (reset before)
}
export interface GruBackwardCall extends BackwardInputs {
  resetAfter: boolean;
  gates: Float32Array;
  hn: Float32Array;
}

export type PointwiseOp = 'sigmoid' | 'tanh' | 'relu';
