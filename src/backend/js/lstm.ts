// LSTM over a sequence in plain TypeScript, PyTorch's gate order i, f, g, o:
//   c' = f * c + i * g,  h' = o * tanh(c')
// The twin of native/rnn/lstm-inl.h; layout and semantics in src/backend/recurrent-calls.ts.
import type { LstmBackwardCall, LstmForwardCall } from '../recurrent-calls.js';
import {
  addColumnSums,
  addTo,
  hiddenSideGradients,
  initialState,
  inputSideGradients,
  isActive,
  projectInputs,
  recordStateGradientNorm,
  sigmoid,
} from './recurrent.js';
import { packMatrix, sgemmPacked } from './sgemm.js';

export function lstmForward(c: LstmForwardCall): void {
  const { T, B, H, lengths, gates } = c;
  const G = 4 * H;
  const BH = B * H;
  projectInputs(c, G, c.x, c.wIh, gates, 0);
  const bias = new Float64Array(G);
  for (let j = 0; j < G; j++) bias[j] = c.bIh[j] + c.bHh[j];
  const hg = new Float32Array(B * G); // the recurrent product of one step
  initialState(c.h0, c.h, BH);
  initialState(c.c0, c.c, BH);
  const wHhT = packMatrix(true, c.wHh, 0, H, H, G); // W_hh^T, H x 4H, packed once for every step
  for (let t = 0; t < T; t++) {
    sgemmPacked(false, B, 1, c.h, H, t * BH, wHhT, 0, hg, G, 0);
    for (let b = 0; b < B; b++) {
      const g = t * B * G + b * G; // this row's gates
      const r = b * G; // its recurrent product
      const prev = t * BH + b * H; // row b of h[t], c[t]
      const next = prev + BH; // row b of h[t + 1], c[t + 1]
      if (!isActive(lengths, b, t)) {
        c.c.copyWithin(next, prev, prev + H);
        c.h.copyWithin(next, prev, prev + H);
        c.y.fill(0, prev, prev + H);
        gates.fill(0, g, g + G);
        continue;
      }
      for (let j = 0; j < H; j++) {
        const i = sigmoid(gates[g + j] + hg[r + j] + bias[j]);
        const f = sigmoid(gates[g + H + j] + hg[r + H + j] + bias[H + j]);
        const gg = Math.tanh(gates[g + 2 * H + j] + hg[r + 2 * H + j] + bias[2 * H + j]);
        const o = sigmoid(gates[g + 3 * H + j] + hg[r + 3 * H + j] + bias[3 * H + j]);
        const cn = f * c.c[prev + j] + i * gg;
        const hn = o * Math.tanh(cn);
        gates[g + j] = i;
        gates[g + H + j] = f;
        gates[g + 2 * H + j] = gg;
        gates[g + 3 * H + j] = o;
        c.c[next + j] = cn;
        c.h[next + j] = hn;
        c.y[prev + j] = hn;
      }
    }
  }
  c.hT.set(c.h.subarray(T * BH, T * BH + BH));
  c.cT.set(c.c.subarray(T * BH, T * BH + BH));
}

export function lstmBackward(c: LstmBackwardCall): void {
  const { T, B, H, lengths, gates } = c;
  const G = 4 * H;
  const BH = B * H;
  const dg = new Float32Array(T * B * G); // pre-activation gradients of every step
  let dh = new Float32Array(BH);
  let dhPrev = new Float32Array(BH);
  const dc = new Float32Array(BH);
  initialState(c.dhT, dh, BH);
  initialState(c.dcT, dc, BH);
  const db = new Float64Array(G); // both biases simply add, so they share one gradient
  const wHh = packMatrix(false, c.wHh, 0, H, G, H); // W_hh, 4H x H
  for (let t = T - 1; t >= 0; t--) {
    recordStateGradientNorm(c, t, dh);
    for (let b = 0; b < B; b++) {
      const g = t * B * G + b * G;
      const o = b * H;
      const prev = t * BH + o; // row b of c[t]
      const next = prev + BH; // row b of c[t + 1]
      if (!isActive(lengths, b, t)) {
        dg.fill(0, g, g + G);
        dhPrev.set(dh.subarray(o, o + H), o);
        continue;
      }
      for (let j = 0; j < H; j++) {
        const i = gates[g + j];
        const f = gates[g + H + j];
        const gg = gates[g + 2 * H + j];
        const og = gates[g + 3 * H + j];
        const tc = Math.tanh(c.c[next + j]);
        const dht = dh[o + j] + (c.dy ? c.dy[prev + j] : 0);
        const dct = dc[o + j] + dht * og * (1 - tc * tc);
        dg[g + j] = dct * gg * i * (1 - i);
        dg[g + H + j] = dct * c.c[prev + j] * f * (1 - f);
        dg[g + 2 * H + j] = dct * i * (1 - gg * gg);
        dg[g + 3 * H + j] = dht * tc * og * (1 - og);
        dc[o + j] = dct * f;
        dhPrev[o + j] = 0;
      }
    }
    addColumnSums(dg, t * B * G, B, G, G, db);
    sgemmPacked(false, B, 1, dg, G, t * B * G, wHh, 1, dhPrev, H, 0);
    [dh, dhPrev] = [dhPrev, dh];
  }
  c.dh0.set(dh);
  c.dc0.set(dc);
  addTo(db, c.dBIh);
  addTo(db, c.dBHh);
  inputSideGradients(c, G, dg, c.x, c.wIh, c.dx, c.dWIh);
  hiddenSideGradients(c, G, dg, 0, G, c.h, c.dWHh, 0);
}
