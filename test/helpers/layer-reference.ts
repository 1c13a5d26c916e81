// Float64 references for the layer ops, written straight from the formulas (PyTorch's definitions), one element at
// a time: activations with an accurate erf, dense, layer normalization and every loss. Used for value checks and,
// through finite differences, for the gradients of the backends' backward passes and of whole models.
import { ACTIVATION_CODES, type ActivationKind, LOSS_CODES, type LossKind } from '../../src/backend/layer-codes.js';

/** erfc(z) to ~1e-14: a power series for |z| < 3, a continued fraction beyond. */
export function erfc(z: number): number {
  if (z < 0) return 2 - erfc(-z);
  if (z < 3) {
    let term = z;
    let sum = z;
    for (let n = 1; n < 200; n++) {
      term *= (-z * z) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  let f = 0;
  for (let k = 80; k >= 1; k--) f = k / 2 / (z + f);
  return Math.exp(-z * z) / Math.sqrt(Math.PI) / (z + f);
}

export const phiExact = (x: number) => 0.5 * erfc(-x / Math.SQRT2);

export interface ActivationSpec {
  kind: ActivationKind;
  param1: number;
  param2: number;
}

/** The default parameters PyTorch gives each activation. */
export function activationSpec(kind: ActivationKind, param1?: number, param2?: number): ActivationSpec {
  const defaults: Partial<Record<ActivationKind, [number, number]>> = {
    leakyRelu: [0.01, 0],
    elu: [1, 0],
    softplus: [1, 20],
  };
  const [a, b] = defaults[kind] ?? [0, 0];
  return { kind, param1: param1 ?? a, param2: param2 ?? b };
}

export const actCode = (kind: ActivationKind) => ACTIVATION_CODES.indexOf(kind);
export const lossCode = (kind: LossKind) => LOSS_CODES.indexOf(kind);

/** act(x) of one row of C values (the whole row matters only for softmax). */
export function activationRef(spec: ActivationSpec, x: ArrayLike<number>, C: number): Float64Array {
  const y = new Float64Array(x.length);
  const { kind, param1: a, param2: b } = spec;
  for (let r = 0; r < x.length / C; r++) {
    if (kind === 'softmax') {
      let m = -Infinity;
      for (let j = 0; j < C; j++) m = Math.max(m, x[r * C + j]);
      let s = 0;
      for (let j = 0; j < C; j++) s += Math.exp(x[r * C + j] - m);
      for (let j = 0; j < C; j++) y[r * C + j] = Math.exp(x[r * C + j] - m) / s;
      continue;
    }
    for (let j = 0; j < C; j++) {
      const v = x[r * C + j];
      let out: number;
      switch (kind) {
        case 'linear':
          out = v;
          break;
        case 'sigmoid':
          out = 1 / (1 + Math.exp(-v));
          break;
        case 'tanh':
          out = Math.tanh(v);
          break;
        case 'relu':
          out = Math.max(v, 0);
          break;
        case 'leakyRelu':
          out = v > 0 ? v : a * v;
          break;
        case 'elu':
          out = v > 0 ? v : a * Math.expm1(v);
          break;
        case 'gelu':
          out = v * phiExact(v);
          break;
        case 'geluTanh':
          out = v / (1 + Math.exp(-2 * Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))); // = 0.5 v (1 + tanh(u))
          break;
        case 'softplus':
          out = a * v > b ? v : Math.log1p(Math.exp(a * v)) / a;
          break;
      }
      y[r * C + j] = out;
    }
  }
  return y;
}

/** y (N, U) = act(x w^T + b) in float64. */
export function denseRef(
  spec: ActivationSpec,
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  b: ArrayLike<number> | null,
  N: number,
  I: number,
  U: number,
): Float64Array {
  const z = new Float64Array(N * U);
  for (let r = 0; r < N; r++) {
    for (let u = 0; u < U; u++) {
      let s = b ? b[u] : 0;
      for (let i = 0; i < I; i++) s += x[r * I + i] * w[u * I + i];
      z[r * U + u] = s;
    }
  }
  return activationRef(spec, z, U);
}

/** PyTorch's LayerNorm in float64. */
export function layerNormRef(
  x: ArrayLike<number>,
  gamma: ArrayLike<number> | null,
  beta: ArrayLike<number> | null,
  N: number,
  C: number,
  eps: number,
): Float64Array {
  const y = new Float64Array(N * C);
  for (let r = 0; r < N; r++) {
    let m = 0;
    for (let j = 0; j < C; j++) m += x[r * C + j];
    m /= C;
    let v = 0;
    for (let j = 0; j < C; j++) v += (x[r * C + j] - m) ** 2;
    const s = 1 / Math.sqrt(v / C + eps);
    for (let j = 0; j < C; j++) y[r * C + j] = (x[r * C + j] - m) * s * (gamma ? gamma[j] : 1) + (beta ? beta[j] : 0);
  }
  return y;
}

/** The sum of a loss over the unmasked rows, in float64 (the formulas of native/ops/layers.h). */
export function lossRef(
  kind: LossKind,
  p: ArrayLike<number>,
  t: ArrayLike<number>,
  N: number,
  C: number,
  mask: ArrayLike<number> | null,
  param: number,
): number {
  const log = (q: number) => Math.max(Math.log(q), -100);
  let total = 0;
  for (let r = 0; r < N; r++) {
    if (mask && !mask[r]) continue;
    const row = (j: number) => p[r * C + j];
    const tr = (j: number) => t[r * C + j];
    const lse = () => {
      let m = -Infinity;
      for (let j = 0; j < C; j++) m = Math.max(m, row(j));
      let s = 0;
      for (let j = 0; j < C; j++) s += Math.exp(row(j) - m);
      return m + Math.log(s);
    };
    const argmax = (f: (j: number) => number) => {
      let best = 0;
      for (let j = 1; j < C; j++) if (f(j) > f(best)) best = j;
      return best;
    };
    switch (kind) {
      case 'mse':
        for (let j = 0; j < C; j++) total += (row(j) - tr(j)) ** 2;
        break;
      case 'mae':
        for (let j = 0; j < C; j++) total += Math.abs(row(j) - tr(j));
        break;
      case 'huber':
        for (let j = 0; j < C; j++) {
          const d = Math.abs(row(j) - tr(j));
          total += d < param ? 0.5 * d * d : param * (d - 0.5 * param);
        }
        break;
      case 'bce':
        for (let j = 0; j < C; j++) total -= tr(j) * log(row(j)) + (1 - tr(j)) * log(1 - row(j));
        break;
      case 'bceLogits':
        for (let j = 0; j < C; j++) {
          const s = 1 / (1 + Math.exp(-row(j)));
          total -= tr(j) * Math.log(s) + (1 - tr(j)) * Math.log(1 - s);
        }
        break;
      case 'ce':
        for (let j = 0; j < C; j++) total -= tr(j) * log(row(j));
        break;
      case 'ceLogits': {
        const l = lse();
        for (let j = 0; j < C; j++) total += tr(j) * (l - row(j));
        break;
      }
      case 'sparseCe':
        total -= log(row(t[r]));
        break;
      case 'sparseCeLogits':
        total += lse() - row(t[r]);
        break;
      case 'binaryAccuracy':
        for (let j = 0; j < C; j++) total += row(j) > param === tr(j) > 0.5 ? 1 : 0;
        break;
      case 'categoricalAccuracy':
        total += argmax(row) === argmax(tr) ? 1 : 0;
        break;
      case 'sparseAccuracy':
        total += argmax(row) === t[r] ? 1 : 0;
        break;
    }
  }
  return total;
}

/**
 * Central finite differences of f at x (float64), element by element: d f / d x[i] for every i.
 */
export function numericGradient(f: (x: Float64Array) => number, x: ArrayLike<number>, eps = 1e-6): Float64Array {
  const point = Float64Array.from(x);
  const g = new Float64Array(point.length);
  for (let i = 0; i < point.length; i++) {
    const v = point[i];
    point[i] = v + eps;
    const up = f(point);
    point[i] = v - eps;
    const down = f(point);
    point[i] = v;
    g[i] = (up - down) / (2 * eps);
  }
  return g;
}

/** The largest |a - b| / max(1, max |b|) over the elements. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / scale;
}
