// Vanilla RNN over a sequence in plain TypeScript: h' = act(W_ih x + b_ih + W_hh h + b_hh), act = tanh or relu.
// The twin of native/rnn/rnn-inl.h; layout and semantics in src/backend/recurrent-calls.ts.
import type { RnnActivation, RnnBackwardCall, RnnForwardCall } from '../recurrent-calls.js';
import {
  addColumnSums,
  addTo,
  hiddenSideGradients,
  initialState,
  inputSideGradients,
  isActive,
  projectInputs,
  recordStateGradientNorm,
} from './recurrent.js';
import { packMatrix, sgemmPacked } from './sgemm.js';

const activate = (act: RnnActivation, a: number) => (act === 'tanh' ? Math.tanh(a) : a < 0 ? 0 : a);
// d act(a) / da from the output h = act(a)
const slope = (act: RnnActivation, h: number) => (act === 'tanh' ? 1 - h * h : h > 0 ? 1 : 0);

export function rnnForward(c: RnnForwardCall): void {
  const { T, B, H, lengths } = c;
  const BH = B * H;
  const pre = new Float32Array(T * BH); // pre-activations of every step
  projectInputs(c, H, c.x, c.wIh, pre, 0);
  initialState(c.h0, c.h, BH);
  const wHhT = packMatrix(true, c.wHh, 0, H, H, H); // W_hh^T, packed once for every step
  for (let t = 0; t < T; t++) {
    const at = t * BH;
    sgemmPacked(false, B, 1, c.h, H, at, wHhT, 1, pre, H, at);
    for (let b = 0; b < B; b++) {
      const o = b * H;
      const prev = at + o; // h[t] row b
      const next = at + BH + o; // h[t + 1] row b
      if (!isActive(lengths, b, t)) {
        c.h.copyWithin(next, prev, prev + H);
        c.y.fill(0, at + o, at + o + H);
        continue;
      }
      for (let j = 0; j < H; j++) {
        const h = activate(c.activation, pre[at + o + j] + c.bIh[j] + c.bHh[j]);
        c.h[next + j] = h;
        c.y[at + o + j] = h;
      }
    }
  }
  c.hT.set(c.h.subarray(T * BH, T * BH + BH));
}

export function rnnBackward(c: RnnBackwardCall): void {
  const { T, B, H, lengths } = c;
  const BH = B * H;
  const da = new Float32Array(T * BH);
  let dh = new Float32Array(BH);
  let dhPrev = new Float32Array(BH);
  initialState(c.dhT, dh, BH);
  const db = new Float64Array(H);
  const wHh = packMatrix(false, c.wHh, 0, H, H, H);
  for (let t = T - 1; t >= 0; t--) {
    recordStateGradientNorm(c, t, dh);
    const at = t * BH;
    for (let b = 0; b < B; b++) {
      const o = b * H;
      if (!isActive(lengths, b, t)) {
        da.fill(0, at + o, at + o + H);
        dhPrev.set(dh.subarray(o, o + H), o);
        continue;
      }
      for (let j = 0; j < H; j++) {
        const g = dh[o + j] + (c.dy ? c.dy[at + o + j] : 0);
        da[at + o + j] = g * slope(c.activation, c.h[at + BH + o + j]);
        dhPrev[o + j] = 0;
      }
    }
    addColumnSums(da, at, B, H, H, db);
    sgemmPacked(false, B, 1, da, H, at, wHh, 1, dhPrev, H, 0);
    [dh, dhPrev] = [dhPrev, dh];
  }
  c.dh0.set(dh);
  addTo(db, c.dBIh);
  addTo(db, c.dBHh);
  inputSideGradients(c, H, da, c.x, c.wIh, c.dx, c.dWIh);
  hiddenSideGradients(c, H, da, 0, H, c.h, c.dWHh, 0);
}
