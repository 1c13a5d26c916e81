// The layer ops in plain TypeScript: the twin of native/ops/layers.cc, activation-inl.h and layer_norm-inl.h (shapes
// and semantics in native/ops/layers.h). Elementwise math is done in float64 and rounded once on store; row sums in
// float64 in row order, as the native code does.
import { ACTIVATION_CODES, LOSS_CODES, type ActivationKind, type LossKind, type RecurrentOp } from '../layer-codes.js';
import type { RecurrentCall } from '../types.js';
import { gruBackward, gruForward } from './gru.js';
import { lstmBackward, lstmForward } from './lstm.js';
import { rnnBackward, rnnForward } from './rnn.js';
import { sgemm } from './sgemm.js';

// The codes the ops take: each kind's position in its list in layer-codes.ts, looked up by name.
const activationCode = (kind: ActivationKind) => ACTIVATION_CODES.indexOf(kind);
const LINEAR = activationCode('linear');
const SIGMOID = activationCode('sigmoid');
const TANH = activationCode('tanh');
const RELU = activationCode('relu');
const LEAKY_RELU = activationCode('leakyRelu');
const ELU = activationCode('elu');
const GELU = activationCode('gelu');
const GELU_TANH = activationCode('geluTanh');
const SOFTPLUS = activationCode('softplus');
const SOFTMAX = activationCode('softmax');
const SQRT_2_OVER_PI = 0.7978845608028654;

/**
 * The standard normal CDF from erfc, with the same Chebyshev fit as the native kernels (fractional error of erfc
 * below 1.2e-7, Numerical Recipes' erfcc), each tail without cancellation.
 */
export function phi(x: number): number {
  const z0 = -x * Math.SQRT1_2;
  const z = Math.abs(z0);
  const t = 1 / (1 + 0.5 * z);
  const p =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfcAbs = t * Math.exp(p - z * z);
  return 0.5 * (z0 < 0 ? 2 - erfcAbs : erfcAbs);
}

function actForward(act: number, a: number, b: number, x: number): number {
  switch (act) {
    case SIGMOID:
      return 1 / (1 + Math.exp(-x));
    case TANH:
      return Math.tanh(x);
    case RELU:
      return x < 0 ? 0 : x; // NaN stays NaN
    case LEAKY_RELU:
      return x > 0 ? x : x * a;
    case ELU:
      return x > 0 ? x : a * Math.expm1(x);
    case GELU:
      return x * phi(x);
    case GELU_TANH:
      // 0.5 x (1 + tanh(u)) = x sigmoid(2u): no cancellation for x << 0
      return x / (1 + Math.exp(-2 * SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
    case SOFTPLUS: {
      const bx = a * x;
      return bx > b ? x : (Math.max(bx, 0) + Math.log1p(Math.exp(-Math.abs(bx)))) / a;
    }
    default:
      return x;
  }
}

function actBackward(act: number, a: number, b: number, x: number, y: number, dy: number): number {
  switch (act) {
    case SIGMOID:
      return dy * y * (1 - y);
    case TANH:
      return dy * (1 - y * y);
    case RELU:
      return x > 0 ? dy : 0;
    case LEAKY_RELU:
      return x > 0 ? dy : dy * a;
    case ELU:
      return x > 0 ? dy : dy * (y + a);
    case GELU:
      return dy * (phi(x) + x * 0.3989422804014327 * Math.exp(-0.5 * x * x));
    case GELU_TANH: {
      const s = 1 / (1 + Math.exp(-2 * SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
      const du2 = 2 * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
      return dy * (s + x * s * (1 - s) * du2);
    }
    case SOFTPLUS: {
      const bx = a * x;
      return bx > b ? dy : dy / (1 + Math.exp(-bx));
    }
    default:
      return dy;
  }
}

export function activationForward(
  act: number,
  param1: number,
  param2: number,
  x: Float32Array,
  y: Float32Array,
  N: number,
  C: number,
): void {
  if (act === SOFTMAX) {
    for (let r = 0; r < N; r++) {
      const o = r * C;
      let m = x[o];
      for (let j = 1; j < C; j++) if (x[o + j] > m) m = x[o + j];
      let sum = 0;
      for (let j = 0; j < C; j++) sum += Math.exp(x[o + j] - m);
      for (let j = 0; j < C; j++) y[o + j] = Math.exp(x[o + j] - m) / sum;
    }
    return;
  }
  const n = N * C;
  if (act === LINEAR) {
    if (x !== y) y.set(x.subarray(0, n));
    return;
  }
  for (let i = 0; i < n; i++) y[i] = actForward(act, param1, param2, x[i]);
}

export function activationBackward(
  act: number,
  param1: number,
  param2: number,
  x: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  N: number,
  C: number,
): void {
  if (act === SOFTMAX) {
    for (let r = 0; r < N; r++) {
      const o = r * C;
      let dot = 0;
      for (let j = 0; j < C; j++) dot += dy[o + j] * y[o + j];
      for (let j = 0; j < C; j++) dx[o + j] = y[o + j] * (dy[o + j] - dot);
    }
    return;
  }
  const n = N * C;
  if (act === LINEAR) {
    if (dx !== dy) dx.set(dy.subarray(0, n));
    return;
  }
  for (let i = 0; i < n; i++) dx[i] = actBackward(act, param1, param2, x[i], y[i], dy[i]);
}

// Below this many multiply-adds a dense pass runs as plain loops: packing for the blocked GEMM costs more than it
// saves on the tiny layers where per-call overhead is everything.
const DIRECT_MACS = 1 << 15;
let rowScratch = new Float64Array(64); // one row of float64 sums, grown on demand

function scratch(n: number): Float64Array {
  if (rowScratch.length < n) rowScratch = new Float64Array(n);
  return rowScratch;
}

export function denseForward(
  act: number,
  param1: number,
  param2: number,
  x: Float32Array,
  w: Float32Array,
  b: Float32Array | null,
  z: Float32Array,
  y: Float32Array,
  N: number,
  I: number,
  U: number,
): void {
  if (N * I * U <= DIRECT_MACS) {
    for (let r = 0; r < N; r++) {
      for (let u = 0; u < U; u++) {
        let s = 0;
        for (let i = 0; i < I; i++) s += x[r * I + i] * w[u * I + i];
        z[r * U + u] = b ? s + b[u] : s;
      }
    }
  } else {
    if (b) for (let r = 0; r < N; r++) z.set(b, r * U);
    sgemm(false, true, N, U, I, 1, x, I, w, I, b ? 1 : 0, z, U, 0, 0, 0);
  }
  if (act !== LINEAR || z !== y) activationForward(act, param1, param2, z, y, N, U);
}

export function denseBackward(
  act: number,
  param1: number,
  param2: number,
  x: Float32Array,
  w: Float32Array,
  z: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  dz: Float32Array,
  dx: Float32Array | null,
  dw: Float32Array,
  db: Float32Array | null,
  N: number,
  I: number,
  U: number,
): void {
  let g = dy;
  if (act !== LINEAR) {
    activationBackward(act, param1, param2, z, y, dy, dz, N, U);
    g = dz;
  }
  if (db) {
    for (let j = 0; j < U; j++) {
      let s = 0;
      for (let r = 0; r < N; r++) s += g[r * U + j];
      db[j] += s;
    }
  }
  if (N * I * U > DIRECT_MACS) {
    sgemm(true, false, U, I, N, 1, g, U, x, I, 1, dw, I, 0, 0, 0);
    if (dx) sgemm(false, false, N, I, U, 1, g, U, w, I, 0, dx, I, 0, 0, 0);
    return;
  }
  const acc = scratch(I);
  for (let u = 0; u < U; u++) {
    acc.fill(0, 0, I);
    for (let r = 0; r < N; r++) {
      const gu = g[r * U + u];
      for (let i = 0; i < I; i++) acc[i] += gu * x[r * I + i];
    }
    for (let i = 0; i < I; i++) dw[u * I + i] += acc[i];
  }
  if (!dx) return;
  for (let r = 0; r < N; r++) {
    acc.fill(0, 0, I);
    for (let u = 0; u < U; u++) {
      const gu = g[r * U + u];
      for (let i = 0; i < I; i++) acc[i] += gu * w[u * I + i];
    }
    for (let i = 0; i < I; i++) dx[r * I + i] = acc[i];
  }
}

export function layerNormForward(
  x: Float32Array,
  gamma: Float32Array | null,
  beta: Float32Array | null,
  y: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  N: number,
  C: number,
  eps: number,
): void {
  const e = Math.fround(eps);
  for (let r = 0; r < N; r++) {
    const o = r * C;
    let sum = 0;
    for (let j = 0; j < C; j++) sum += x[o + j];
    const mu = sum / C;
    let ss = 0;
    for (let j = 0; j < C; j++) ss += (x[o + j] - mu) * (x[o + j] - mu);
    const m = Math.fround(mu);
    const s = Math.fround(1 / Math.sqrt(ss / C + e));
    mean[r] = m;
    rstd[r] = s;
    for (let j = 0; j < C; j++) {
      let v = (x[o + j] - m) * s;
      if (gamma) v *= gamma[j];
      if (beta) v += beta[j];
      y[o + j] = v;
    }
  }
}

export function layerNormBackward(
  x: Float32Array,
  gamma: Float32Array | null,
  mean: Float32Array,
  rstd: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  dgamma: Float32Array | null,
  dbeta: Float32Array | null,
  N: number,
  C: number,
): void {
  for (let r = 0; r < N; r++) {
    const o = r * C;
    const m = mean[r];
    const s = rstd[r];
    let sumG = 0;
    let sumGx = 0;
    for (let j = 0; j < C; j++) {
      const g = dy[o + j] * (gamma ? gamma[j] : 1);
      sumG += g;
      sumGx += g * (x[o + j] - m) * s;
    }
    const meanG = sumG / C;
    const meanGx = sumGx / C;
    for (let j = 0; j < C; j++) {
      const g = dy[o + j] * (gamma ? gamma[j] : 1);
      dx[o + j] = s * (g - meanG - (x[o + j] - m) * s * meanGx);
    }
  }
  if (!dgamma && !dbeta) return;
  for (let j = 0; j < C; j++) {
    let sg = 0;
    let sb = 0;
    for (let r = 0; r < N; r++) {
      const d = dy[r * C + j];
      sg += d * ((x[r * C + j] - mean[r]) * rstd[r]);
      sb += d;
    }
    if (dgamma) dgamma[j] += sg;
    if (dbeta) dbeta[j] += sb;
  }
}

// ---- losses (codes: positions in LOSS_CODES, looked up by name) ----
const lossCode = (kind: LossKind) => LOSS_CODES.indexOf(kind);
const MSE = lossCode('mse');
const MAE = lossCode('mae');
const HUBER = lossCode('huber');
const BCE = lossCode('bce');
const BCE_LOGITS = lossCode('bceLogits');
const CE = lossCode('ce');
const CE_LOGITS = lossCode('ceLogits');
const SPARSE_CE = lossCode('sparseCe');
const SPARSE_CE_LOGITS = lossCode('sparseCeLogits');
const BINARY_ACCURACY = lossCode('binaryAccuracy');
const CATEGORICAL_ACCURACY = lossCode('categoricalAccuracy');
const SPARSE_ACCURACY = lossCode('sparseAccuracy');

const LOG_FLOOR = -100; // PyTorch's BCELoss clamps log(p) at -100
const clampedLog = (p: number) => Math.max(Math.log(p), LOG_FLOOR);
const clampedLogGrad = (p: number) => (Math.log(p) > LOG_FLOOR ? 1 / p : 0);

function argmax(a: Float32Array, o: number, C: number): number {
  let best = 0;
  for (let j = 1; j < C; j++) if (a[o + j] > a[o + best]) best = j;
  return best;
}

function logSumExp(z: Float32Array, o: number, C: number): number {
  let m = z[o];
  for (let j = 1; j < C; j++) m = Math.max(m, z[o + j]);
  let s = 0;
  for (let j = 0; j < C; j++) s += Math.exp(z[o + j] - m);
  return m + Math.log(s);
}

let rowGradBuffer = new Float64Array(16); // one row's gradient, grown on demand

// One row's loss; writes its unscaled gradient into g (when g is not null).
function rowLoss(
  kind: number,
  p: Float32Array,
  o: number,
  t: Float32Array,
  to: number,
  g: Float64Array | null,
  C: number,
  param: number,
): number {
  let sum = 0;
  switch (kind) {
    case MSE:
      for (let j = 0; j < C; j++) {
        const d = p[o + j] - t[to + j];
        sum += d * d;
        if (g) g[j] = 2 * d;
      }
      return sum;
    case MAE:
      for (let j = 0; j < C; j++) {
        const d = p[o + j] - t[to + j];
        sum += Math.abs(d);
        if (g) g[j] = d > 0 ? 1 : d < 0 ? -1 : 0;
      }
      return sum;
    case HUBER:
      for (let j = 0; j < C; j++) {
        const d = p[o + j] - t[to + j];
        const a = Math.abs(d);
        sum += a < param ? 0.5 * d * d : param * (a - 0.5 * param);
        if (g) g[j] = d <= -param ? -param : d >= param ? param : d;
      }
      return sum;
    case BCE:
      for (let j = 0; j < C; j++) {
        const q = p[o + j];
        const y = t[to + j];
        sum -= y * clampedLog(q) + (1 - y) * clampedLog(1 - q);
        if (g) g[j] = (q - y) / Math.max((1 - q) * q, 1e-12);
      }
      return sum;
    case BCE_LOGITS:
      for (let j = 0; j < C; j++) {
        const z = p[o + j];
        const y = t[to + j];
        sum += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
        if (g) g[j] = 1 / (1 + Math.exp(-z)) - y;
      }
      return sum;
    case CE:
      for (let j = 0; j < C; j++) {
        sum -= t[to + j] * clampedLog(p[o + j]);
        if (g) g[j] = -t[to + j] * clampedLogGrad(p[o + j]);
      }
      return sum;
    case CE_LOGITS: {
      const lse = logSumExp(p, o, C);
      let total = 0;
      for (let j = 0; j < C; j++) {
        sum += t[to + j] * (lse - p[o + j]);
        total += t[to + j];
      }
      if (g) for (let j = 0; j < C; j++) g[j] = Math.exp(p[o + j] - lse) * total - t[to + j];
      return sum;
    }
    case SPARSE_CE: {
      const k = t[to];
      if (g) {
        g.fill(0, 0, C);
        g[k] = -clampedLogGrad(p[o + k]);
      }
      return -clampedLog(p[o + k]);
    }
    case SPARSE_CE_LOGITS: {
      const k = t[to];
      const lse = logSumExp(p, o, C);
      if (g) for (let j = 0; j < C; j++) g[j] = Math.exp(p[o + j] - lse) - (j === k ? 1 : 0);
      return lse - p[o + k];
    }
    case BINARY_ACCURACY:
      for (let j = 0; j < C; j++) sum += p[o + j] > param === t[to + j] > 0.5 ? 1 : 0;
      return sum;
    case CATEGORICAL_ACCURACY:
      return argmax(p, o, C) === argmax(t, to, C) ? 1 : 0;
    default: // sparse accuracy
      return argmax(p, o, C) === t[to] ? 1 : 0;
  }
}

export function loss(
  kind: number,
  pred: Float32Array,
  target: Float32Array,
  grad: Float32Array | null,
  N: number,
  C: number,
  mask: Uint8Array | null,
  scale: number,
  param: number,
): number {
  const tc = kind === SPARSE_CE || kind === SPARSE_CE_LOGITS || kind === SPARSE_ACCURACY ? 1 : C;
  if (grad && rowGradBuffer.length < C) rowGradBuffer = new Float64Array(C);
  const g = grad ? rowGradBuffer : null;
  const s = Math.fround(scale);
  const p = Math.fround(param);
  let total = 0;
  for (let r = 0; r < N; r++) {
    if (mask && mask[r] === 0) {
      if (grad) grad.fill(0, r * C, r * C + C);
      continue;
    }
    total += rowLoss(kind, pred, r * C, target, r * tc, g, C, p);
    if (grad && g) for (let j = 0; j < C; j++) grad[r * C + j] = g[j] * s;
  }
  return total;
}

// ---- data movement ----

export function swapAxes(x: Float32Array, y: Float32Array, A: number, B: number, F: number): void {
  for (let a = 0; a < A; a++) {
    for (let b = 0; b < B; b++) {
      const from = (a * B + b) * F;
      const to = (b * A + a) * F;
      for (let j = 0; j < F; j++) y[to + j] = x[from + j];
    }
  }
}

export function reverseSequences(
  x: Float32Array,
  y: Float32Array,
  T: number,
  B: number,
  F: number,
  lengths: Int32Array | null,
  accumulate: boolean,
): void {
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const len = lengths ? lengths[b] : T;
      const from = ((t < len ? len - 1 - t : t) * B + b) * F;
      const to = (t * B + b) * F;
      if (accumulate) for (let j = 0; j < F; j++) y[to + j] += x[from + j];
      else for (let j = 0; j < F; j++) y[to + j] = x[from + j];
    }
  }
}

export function mergeForward(
  mode: number,
  a: Float32Array,
  b: Float32Array,
  y: Float32Array,
  N: number,
  H: number,
): void {
  if (mode === 0) {
    for (let r = 0; r < N; r++) {
      y.set(a.subarray(r * H, r * H + H), 2 * r * H);
      y.set(b.subarray(r * H, r * H + H), 2 * r * H + H);
    }
    return;
  }
  const n = N * H;
  if (mode === 1) for (let i = 0; i < n; i++) y[i] = a[i] + b[i];
  else if (mode === 2) for (let i = 0; i < n; i++) y[i] = a[i] * b[i];
  else for (let i = 0; i < n; i++) y[i] = 0.5 * (a[i] + b[i]);
}

export function mergeBackward(
  mode: number,
  a: Float32Array,
  b: Float32Array,
  dy: Float32Array,
  da: Float32Array,
  db: Float32Array,
  N: number,
  H: number,
): void {
  if (mode === 0) {
    for (let r = 0; r < N; r++) {
      da.set(dy.subarray(2 * r * H, 2 * r * H + H), r * H);
      db.set(dy.subarray(2 * r * H + H, 2 * r * H + 2 * H), r * H);
    }
    return;
  }
  const n = N * H;
  for (let i = 0; i < n; i++) {
    const d = dy[i];
    da[i] = mode === 1 ? d : mode === 2 ? d * b[i] : 0.5 * d;
    db[i] = mode === 1 ? d : mode === 2 ? d * a[i] : 0.5 * d;
  }
}

export function multiply(a: Float32Array, b: Float32Array, y: Float32Array): void {
  for (let i = 0; i < a.length; i++) y[i] = a[i] * b[i];
}

export function gather(
  src: Float32Array,
  indices: Int32Array,
  start: number,
  count: number,
  T: number,
  F: number,
  dst: Float32Array,
  timeMajor: boolean,
): void {
  const row = T * F;
  for (let i = 0; i < count; i++) {
    const from = indices[start + i] * row;
    if (!timeMajor) {
      for (let j = 0; j < row; j++) dst[i * row + j] = src[from + j];
      continue;
    }
    for (let t = 0; t < T; t++) {
      const to = (t * count + i) * F;
      for (let j = 0; j < F; j++) dst[to + j] = src[from + t * F + j];
    }
  }
}

export function firstNonFinite(x: Float32Array): number {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return i;
  return -1;
}

const RECURRENT: Record<RecurrentOp, (call: never) => void> = {
  rnnForward,
  rnnBackward,
  lstmForward,
  lstmBackward,
  gruForward,
  gruBackward,
};

/**
 * The js backend has no other thread: it runs the op now and returns a settled promise. An unknown op throws at once,
 * as the native binding's argument checks do.
 */
export function recurrentAsync(call: RecurrentCall, op: RecurrentOp): Promise<void> {
  const run = Object.hasOwn(RECURRENT, op) ? RECURRENT[op] : undefined;
  if (!run) {
    throw new RangeError(
      `recurrentAsync: op must be one of ${Object.keys(RECURRENT)
        .map((k) => `'${k}'`)
        .join(', ')}, received '${String(op)}'`,
    );
  }
  try {
    run(call as never);
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
