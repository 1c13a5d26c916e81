// GRU over a sequence in plain TypeScript, PyTorch's gate order r, z, n, h' = (1 - z) * n + z * h, with
//   resetAfter:   n = tanh(W_in x + b_in + r * (W_hn h + b_hn))   (PyTorch; Keras' default)
//   reset before: n = tanh(W_in x + b_in + W_hn (r * h) + b_hn)   (Keras reset_after=False)
// The twin of native/rnn/gru-inl.h; layout and semantics in src/backend/recurrent-calls.ts.
import type { GruBackwardCall, GruForwardCall } from '../recurrent-calls.js';
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

export function gruForward(c: GruForwardCall): void {
  const { T, B, H, lengths, gates, resetAfter } = c;
  const G = 3 * H;
  const BH = B * H;
  projectInputs(c, G, c.x, c.wIh, gates, 0);
  const hg = new Float32Array(B * G); // W_hh h_prev (B, 3H); reset before: W_hr,z h_prev (B, 2H), then W_hn (r*h)
  initialState(c.h0, c.h, BH);
  // W_hh^T packed once for every step: whole (H x 3H) for resetAfter, else its r,z part and its n part.
  const wHhT = packMatrix(true, c.wHh, 0, H, H, resetAfter ? G : 2 * H);
  const wHnT = packMatrix(true, c.wHh, 2 * H * H, H, H, H);
  for (let t = 0; t < T; t++) {
    const at = t * BH; // row 0 of h[t], y[t], hn[t]
    if (resetAfter) {
      sgemmPacked(false, B, 1, c.h, H, at, wHhT, 0, hg, G, 0);
    } else {
      // r and z first, then W_hn (r * h_prev), kept in hn as the saved r * h.
      sgemmPacked(false, B, 1, c.h, H, at, wHhT, 0, hg, 2 * H, 0);
      for (let b = 0; b < B; b++) {
        const g = t * B * G + b * G;
        const o = at + b * H;
        if (!isActive(lengths, b, t)) {
          c.hn.fill(0, o, o + H);
          continue;
        }
        for (let j = 0; j < H; j++) {
          const r = sigmoid(gates[g + j] + c.bIh[j] + c.bHh[j] + hg[b * 2 * H + j]);
          gates[g + j] = r;
          gates[g + H + j] = sigmoid(gates[g + H + j] + c.bIh[H + j] + c.bHh[H + j] + hg[b * 2 * H + H + j]);
          c.hn[o + j] = r * c.h[o + j];
        }
      }
      sgemmPacked(false, B, 1, c.hn, H, at, wHnT, 0, hg, H, 0);
    }
    for (let b = 0; b < B; b++) {
      const g = t * B * G + b * G;
      const prev = at + b * H; // row b of h[t]
      const next = prev + BH; // row b of h[t + 1]
      if (!isActive(lengths, b, t)) {
        c.h.copyWithin(next, prev, prev + H);
        c.y.fill(0, prev, prev + H);
        gates.fill(0, g, g + G);
        c.hn.fill(0, prev, prev + H);
        continue;
      }
      for (let j = 0; j < H; j++) {
        let z: number, n: number;
        if (resetAfter) {
          const r = sigmoid(gates[g + j] + c.bIh[j] + c.bHh[j] + hg[b * G + j]);
          z = sigmoid(gates[g + H + j] + c.bIh[H + j] + c.bHh[H + j] + hg[b * G + H + j]);
          const hn = hg[b * G + 2 * H + j] + c.bHh[2 * H + j];
          n = Math.tanh(gates[g + 2 * H + j] + c.bIh[2 * H + j] + r * hn);
          gates[g + j] = r;
          gates[g + H + j] = z;
          c.hn[prev + j] = hn;
        } else {
          z = gates[g + H + j];
          n = Math.tanh(gates[g + 2 * H + j] + c.bIh[2 * H + j] + c.bHh[2 * H + j] + hg[b * H + j]);
        }
        const hj = n + z * (c.h[prev + j] - n);
        gates[g + 2 * H + j] = n;
        c.h[next + j] = hj;
        c.y[prev + j] = hj;
      }
    }
  }
  c.hT.set(c.h.subarray(T * BH, T * BH + BH));
}

export function gruBackward(c: GruBackwardCall): void {
  const { T, B, H, lengths, gates, resetAfter } = c;
  const G = 3 * H;
  const BH = B * H;
  const dgi = new Float32Array(T * B * G); // input-side pre-activation gradients of every step
  const dgh = resetAfter ? new Float32Array(T * B * G) : dgi; // hidden-side ones (the same when reset before)
  let dh = new Float32Array(BH);
  let dhPrev = new Float32Array(BH);
  const dRh = new Float32Array(BH); // reset before: dL/d(r * h_prev)
  initialState(c.dhT, dh, BH);
  const dbIh = new Float64Array(G);
  const dbHh = new Float64Array(G);
  // W_hh packed once: whole (3H x H) for resetAfter, else its r,z rows and its n rows.
  const wHh = packMatrix(false, c.wHh, 0, H, resetAfter ? G : 2 * H, H);
  const wHn = packMatrix(false, c.wHh, 2 * H * H, H, H, H);
  for (let t = T - 1; t >= 0; t--) {
    recordStateGradientNorm(c, t, dh);
    const at = t * BH;
    const gt = t * B * G;
    for (let b = 0; b < B; b++) {
      const g = gt + b * G;
      const o = b * H;
      if (!isActive(lengths, b, t)) {
        dgi.fill(0, g, g + G);
        dgh.fill(0, g, g + G);
        dhPrev.set(dh.subarray(o, o + H), o);
        continue;
      }
      for (let j = 0; j < H; j++) {
        const r = gates[g + j];
        const z = gates[g + H + j];
        const n = gates[g + 2 * H + j];
        const dht = dh[o + j] + (c.dy ? c.dy[at + o + j] : 0);
        const daN = dht * (1 - z) * (1 - n * n);
        dgi[g + H + j] = dht * (c.h[at + o + j] - n) * z * (1 - z);
        dgi[g + 2 * H + j] = daN;
        dhPrev[o + j] = dht * z;
        if (resetAfter) {
          const daR = daN * c.hn[at + o + j] * r * (1 - r);
          dgi[g + j] = daR;
          dgh[g + j] = daR;
          dgh[g + H + j] = dgi[g + H + j];
          dgh[g + 2 * H + j] = daN * r;
        }
      }
    }
    if (resetAfter) {
      sgemmPacked(false, B, 1, dgh, G, gt, wHh, 1, dhPrev, H, 0);
    } else {
      // d(r * h_prev) = da_n W_hn, then r's gradient, then the product through W_hr,z.
      sgemmPacked(false, B, 1, dgi, G, gt + 2 * H, wHn, 0, dRh, H, 0);
      for (let b = 0; b < B; b++) {
        if (!isActive(lengths, b, t)) continue;
        const g = gt + b * G;
        const o = b * H;
        for (let j = 0; j < H; j++) {
          const r = gates[g + j];
          dgi[g + j] = dRh[o + j] * c.h[at + o + j] * r * (1 - r);
          dhPrev[o + j] += dRh[o + j] * r;
        }
      }
      sgemmPacked(false, B, 1, dgi, G, gt, wHh, 1, dhPrev, H, 0);
    }
    addColumnSums(dgi, gt, B, G, G, dbIh);
    addColumnSums(dgh, gt, B, G, G, dbHh);
    [dh, dhPrev] = [dhPrev, dh];
  }
  c.dh0.set(dh);
  addTo(dbIh, c.dBIh);
  addTo(dbHh, c.dBHh);
  if (resetAfter) {
    hiddenSideGradients(c, G, dgh, 0, G, c.h, c.dWHh, 0);
  } else {
    // W_hr,z multiplied h; W_hn multiplied r * h (saved in hn).
    hiddenSideGradients(c, 2 * H, dgi, 0, G, c.h, c.dWHh, 0);
    hiddenSideGradients(c, H, dgi, 2 * H, G, c.hn, c.dWHh, 2 * H * H);
  }
  inputSideGradients(c, G, dgi, c.x, c.wIh, c.dx, c.dWIh);
}
