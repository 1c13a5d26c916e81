// The lab's data: small generated problems, each from a seed, and the bundled Mauna Loa CO2 record (data/, see
// data/README.md for its source and license). Everything is made or read here, offline.
import { readFileSync } from 'node:fs';
import { Random } from '../model/random.js';

/** A dataset as the model API takes it: flat float32 data and its shape. */
export interface Tensor {
  data: Float32Array;
  shape: number[];
}

/** rows x cols numbers from `f(row)`. */
function rows(n: number, cols: number, f: (i: number) => number[]): Tensor {
  const data = new Float32Array(n * cols);
  for (let i = 0; i < n; i++) data.set(f(i), i * cols);
  return { data, shape: [n, cols] };
}

/**
 * The classic badly scaled problem: feature x1 uniform in [1000, 5000] ("in the thousands"), x2 uniform in
 * [0, 0.002] ("around 1e-3"), and a target both shape equally: y = 1.6 (u1 - 0.5) + 0.8 sin(2 pi u2), where u1 and u2
 * are the features mapped onto [0, 1].
 */
export function badlyScaled(n: number, seed: number): { x: number[][]; y: Tensor } {
  const random = Random.derive(seed, 'badly-scaled');
  const x: number[][] = [];
  const y = rows(n, 1, () => {
    const u1 = random.uniform();
    const u2 = random.uniform();
    x.push([1000 + 4000 * u1, 0.002 * u2]);
    return [1.6 * (u1 - 0.5) + 0.8 * Math.sin(2 * Math.PI * u2)];
  });
  return { x, y };
}

/**
 * A smooth regression in `features` dimensions for deep nets: inputs uniform in [-1, 1], y = sin(2 x0) + x1 x2 +
 * 0.5 cos(3 x3) (all features after the fourth are distractors).
 */
export function smoothRegression(n: number, features: number, seed: number): { x: Tensor; y: Tensor } {
  const random = Random.derive(seed, 'smooth-regression');
  const inputs: number[][] = [];
  const x = rows(n, features, () => {
    const r = Array.from({ length: features }, () => 2 * random.uniform() - 1);
    inputs.push(r);
    return r;
  });
  const y = rows(n, 1, (i) => {
    const r = inputs[i];
    return [Math.sin(2 * r[0]) + r[1] * r[2] + 0.5 * Math.cos(3 * r[3])];
  });
  return { x, y };
}

/**
 * Hochreiter and Schmidhuber's adding problem: sequences of T steps with two features, a value uniform in [0, 1] and
 * a marker that is 1 at two steps (one in each half) and 0 elsewhere; the target is the sum of the two marked
 * values. Predicting the mean, 1.0, gives an MSE of 1/6 (the variance of a sum of two uniforms).
 */
export function addingProblem(n: number, T: number, seed: number): { x: Tensor; y: Tensor } {
  const random = Random.derive(seed, `adding-${T}`);
  const data = new Float32Array(n * T * 2);
  const target = new Float32Array(n);
  const half = Math.floor(T / 2);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) data[(i * T + t) * 2] = random.uniform();
    const a = random.int(half);
    const b = half + random.int(T - half);
    data[(i * T + a) * 2 + 1] = 1;
    data[(i * T + b) * 2 + 1] = 1;
    target[i] = data[(i * T + a) * 2] + data[(i * T + b) * 2];
  }
  return { x: { data, shape: [n, T, 2] }, y: { data: target, shape: [n, 1] } };
}

/** One month of the Mauna Loa record. */
export interface Co2Month {
  year: number;
  month: number;
  /** Monthly mean CO2 in ppm (µmol/mol). */
  co2: number;
}

/** The path of the bundled CSV, from this file in src/lab/ or dist/lab/. */
export const CO2_CSV = new URL('../../data/co2-concentration.csv', import.meta.url);

/**
 * The bundled monthly Mauna Loa CO2 record (Scripps CO2 Program, as shipped in vega-datasets; see data/README.md),
 * from May 1964, after which no month is missing, to its end (April 2020).
 */
export function loadCo2(): Co2Month[] {
  const lines = readFileSync(CO2_CSV, 'utf8').trim().split(/\r?\n/);
  const months = lines.slice(1).map((line) => {
    const [date, co2] = line.split(',');
    const [year, month] = date.split('-').map(Number);
    return { year, month, co2: Number(co2) };
  });
  const start = months.findIndex((m) => m.year === 1964 && m.month === 5);
  const out = months.slice(start);
  out.forEach((m, i) => {
    const previous = out[i - 1];
    if (previous && m.year * 12 + m.month !== previous.year * 12 + previous.month + 1) {
      throw new Error(`loadCo2: ${CO2_CSV.pathname} misses the month before ${m.year}-${m.month}`);
    }
    if (!Number.isFinite(m.co2)) throw new Error(`loadCo2: no value for ${m.year}-${m.month}`);
  });
  return out;
}

/** The variance of y's values: the MSE of always predicting their mean. */
export function variance(y: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i];
  mean /= y.length;
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += (y[i] - mean) ** 2;
  return sum / y.length;
}
