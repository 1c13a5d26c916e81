// A float64 reference forward pass for RNN, LSTM and GRU, written straight from the formulas (one example, one
// step and one unit at a time, no GEMMs), for finite-difference gradient checks. Layout and semantics as in
// src/kernels/recurrent.ts: time-major, PyTorch's weight layout and gate order, lengths carry finished examples.

export type ReferenceCell = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru' | 'gru_before';

export interface ReferenceInputs {
  cell: ReferenceCell;
  T: number;
  B: number;
  I: number;
  H: number;
  x: ArrayLike<number>;
  wIh: ArrayLike<number>;
  wHh: ArrayLike<number>;
  bIh: ArrayLike<number>;
  bHh: ArrayLike<number>;
  h0: ArrayLike<number> | null;
  c0: ArrayLike<number> | null;
  lengths: ArrayLike<number> | null;
}

export interface ReferenceOutputs {
  y: Float64Array;
  hT: Float64Array;
  cT: Float64Array; // zeros except for LSTM
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

export function referenceForward(p: ReferenceInputs): ReferenceOutputs {
  const { cell, T, B, I, H } = p;
  const y = new Float64Array(T * B * H);
  const hT = new Float64Array(B * H);
  const cT = new Float64Array(B * H);
  // row g*H + j of W_ih times x_t of example b, and of W_hh times h
  const wx = (row: number, t: number, b: number) => {
    let s = 0;
    for (let k = 0; k < I; k++) s += p.wIh[row * I + k] * p.x[(t * B + b) * I + k];
    return s;
  };
  const wh = (row: number, h: Float64Array) => {
    let s = 0;
    for (let k = 0; k < H; k++) s += p.wHh[row * H + k] * h[k];
    return s;
  };
  for (let b = 0; b < B; b++) {
    let h = new Float64Array(H);
    let c = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      h[j] = p.h0 ? p.h0[b * H + j] : 0;
      c[j] = p.c0 ? p.c0[b * H + j] : 0;
    }
    const steps = p.lengths ? p.lengths[b] : T;
    for (let t = 0; t < steps; t++) {
      const hn = new Float64Array(H);
      const cn = new Float64Array(H);
      for (let j = 0; j < H; j++) {
        const a = (g: number) => wx(g * H + j, t, b) + p.bIh[g * H + j] + wh(g * H + j, h) + p.bHh[g * H + j];
        if (cell === 'rnn_tanh') hn[j] = Math.tanh(a(0));
        else if (cell === 'rnn_relu') hn[j] = Math.max(0, a(0));
        else if (cell === 'lstm') {
          cn[j] = sigmoid(a(1)) * c[j] + sigmoid(a(0)) * Math.tanh(a(2));
          hn[j] = sigmoid(a(3)) * Math.tanh(cn[j]);
        } else {
          const r = sigmoid(a(0));
          const z = sigmoid(a(1));
          let n: number;
          if (cell === 'gru') {
            n = Math.tanh(wx(2 * H + j, t, b) + p.bIh[2 * H + j] + r * (wh(2 * H + j, h) + p.bHh[2 * H + j]));
          } else {
            // W_hn (r * h): every r_k, not just r_j, so compute r for all units
            let s = 0;
            for (let k = 0; k < H; k++) {
              const rk = sigmoid(wx(k, t, b) + p.bIh[k] + wh(k, h) + p.bHh[k]);
              s += p.wHh[(2 * H + j) * H + k] * rk * h[k];
            }
            n = Math.tanh(wx(2 * H + j, t, b) + p.bIh[2 * H + j] + s + p.bHh[2 * H + j]);
          }
          hn[j] = (1 - z) * n + z * h[j];
        }
      }
      h = hn;
      if (cell === 'lstm') c = cn;
      for (let j = 0; j < H; j++) y[(t * B + b) * H + j] = h[j];
    }
    hT.set(h, b * H);
    cT.set(c, b * H);
  }
  return { y, hT, cT };
}

/** L = sum(y * dy) + sum(hT * dhT) + sum(cT * dcT), the loss whose gradients the backward passes return. */
export function referenceLoss(
  out: ReferenceOutputs,
  dy: ArrayLike<number>,
  dhT: ArrayLike<number> | null,
  dcT: ArrayLike<number> | null,
): number {
  let L = 0;
  for (let i = 0; i < out.y.length; i++) L += out.y[i] * dy[i];
  if (dhT) for (let i = 0; i < out.hT.length; i++) L += out.hT[i] * dhT[i];
  if (dcT) for (let i = 0; i < out.cT.length; i++) L += out.cT[i] * dcT[i];
  return L;
}
