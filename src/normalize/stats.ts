// NaN-aware statistics of the columns of a row-major matrix (or of one strided line of it), accumulated in float64.
// NaN means a missing value: it is skipped everywhere here. The column functions read the matrix row by row, all
// columns at once, so a pass over a large table streams through memory once instead of once per column.

import { backend } from '../backend/index.js';
import type { NumericArray } from '../backend/types.js';

/** A row-major rows x cols matrix: element (i, j) at values[i * cols + j]. */
export interface Matrix {
  values: NumericArray;
  rows: number;
  cols: number;
}

/** Elements values[offset + i * stride] for i < count. */
export interface Strided {
  values: ArrayLike<number>;
  offset: number;
  stride: number;
  count: number;
}

/** Count, mean and sum of squared deviations (M2) of the non-NaN values. */
export interface Moments {
  n: number;
  mean: number;
  m2: number;
}

/** Moments of every column, in one sweep of two passes over the rows (on the backend). */
export function columnMoments(m: Matrix): Moments[] {
  const n = new Float64Array(m.cols);
  const mean = new Float64Array(m.cols);
  const m2 = new Float64Array(m.cols);
  backend.columnMoments(m.values, m.rows, m.cols, n, mean, m2);
  return Array.from({ length: m.cols }, (_, j) => ({ n: n[j], mean: mean[j], m2: m2[j] }));
}

/** Smallest, largest and largest absolute non-NaN value of every column (Infinity, -Infinity, 0 without any). */
export function columnExtrema(m: Matrix): { min: Float64Array; max: Float64Array; maxAbs: Float64Array } {
  const min = new Float64Array(m.cols);
  const max = new Float64Array(m.cols);
  const maxAbs = new Float64Array(m.cols);
  backend.columnExtrema(m.values, m.rows, m.cols, min, max, maxAbs);
  return { min, max, maxAbs };
}

/** Chan et al.'s parallel update: the moments of two disjoint sets of values, merged. */
export function mergeMoments(a: Moments, b: Moments): Moments {
  if (a.n === 0) return { ...b };
  if (b.n === 0) return { ...a };
  const n = a.n + b.n;
  const delta = b.mean - a.mean;
  return { n, mean: a.mean + (delta * b.n) / n, m2: a.m2 + b.m2 + (delta * delta * a.n * b.n) / n };
}

/** The non-NaN values, sorted ascending, as float64. */
export function sortedValues(v: Strided): Float64Array {
  const out = new Float64Array(v.count);
  let n = 0;
  for (let i = 0, k = v.offset; i < v.count; i++, k += v.stride) {
    const x = v.values[k];
    if (x === x) out[n++] = x;
  }
  return out.subarray(0, n).sort();
}

/**
 * The q-quantile (0 <= q <= 1) of sorted values, with NumPy's `linear` method (scikit-learn's, p = q (n - 1)) or
 * `hazen` (MATLAB's prctile and iqr: the sorted values sit at probabilities (i + 0.5) / n, clamped at the ends).
 * NaN for no values.
 */
export function quantile(sorted: Float64Array, q: number, method: 'linear' | 'hazen'): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const position = method === 'linear' ? q * (n - 1) : Math.min(n - 1, Math.max(0, q * n - 0.5));
  const lo = Math.floor(position);
  const hi = Math.min(n - 1, lo + 1);
  const t = position - lo;
  return t === 0 ? sorted[lo] : sorted[lo] + t * (sorted[hi] - sorted[lo]);
}

/** Median absolute deviation from `center`: median(|x - center|) over the sorted values. */
export function medianAbsoluteDeviation(sorted: Float64Array, center: number): number {
  const deviations = new Float64Array(sorted.length);
  for (let i = 0; i < sorted.length; i++) deviations[i] = Math.abs(sorted[i] - center);
  return quantile(deviations.sort(), 0.5, 'linear');
}

/** (sum |x|^p)^(1/p) over the non-NaN values; the largest |x| for p = Infinity. */
export function pNorm(v: Strided, p: number): number {
  let acc = 0;
  for (let i = 0, k = v.offset; i < v.count; i++, k += v.stride) {
    const x = v.values[k];
    if (x !== x) continue;
    const a = Math.abs(x);
    if (p === Infinity) acc = Math.max(acc, a);
    else if (p === 1) acc += a;
    else if (p === 2) acc += a * a;
    else acc += a ** p;
  }
  return p === Infinity || p === 1 ? acc : p === 2 ? Math.sqrt(acc) : acc ** (1 / p);
}

/** The first non-NaN value, or NaN. */
export function firstValue(v: Strided): number {
  for (let i = 0, k = v.offset; i < v.count; i++, k += v.stride) {
    const x = v.values[k];
    if (x === x) return x;
  }
  return NaN;
}
