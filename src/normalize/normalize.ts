// normalize(): MATLAB's `normalize`, every method, column-wise by default, NaN-aware, returning the center and
// scale it used (N = (A - C) ./ S), so that applyNormalization() can apply the same transform to new data.
import { backend } from '../backend/index.js';
import {
  checkChoice,
  checkInterval,
  checkFinite,
  checkInteger,
  checkOptions,
  rangeError,
  typeError,
} from '../validate.js';
import {
  type Data,
  type DataOptions,
  type DataOptionsFor,
  type Matrix,
  type Transformed,
  type NumericArray,
  type Table,
  allocate,
  column,
  readTable,
  transpose,
  writeTable,
} from './data.js';
import {
  columnExtrema,
  columnMoments,
  firstValue,
  medianAbsoluteDeviation,
  pNorm,
  quantile,
  sortedValues,
} from './stats.js';

/** A center: 'mean', 'median', or C itself (one number, or one per column, or per row for dim 2). */
export type CenterOption = 'mean' | 'median' | number | readonly number[];
/** A scale: 'std', 'mad', 'first', 'iqr', or S itself (one nonzero number, or one per column, or per row). */
export type ScaleOption = 'std' | 'mad' | 'first' | 'iqr' | number | readonly number[];

/** The options of each method of normalize(). */
export interface NormalizeMethodOptions {
  /** type: 'std' (default; mean and standard deviation) or 'robust' (median and median absolute deviation). */
  zscore: { type?: 'std' | 'robust' };
  /** p > 0 or Infinity (default 2). */
  norm: { p?: number };
  /** Divide by 'std' (default), 'mad', 'first' (the first value), 'iqr', or given S. */
  scale: { scale?: ScaleOption };
  /** The interval [a, b] to map onto, a < b (default [0, 1]). */
  range: { range?: readonly [number, number] };
  /** Subtract 'mean' (default), 'median', or given C. */
  center: { center?: CenterOption };
  medianiqr: Record<never, never>;
  decimal: Record<never, never>;
  maxabs: Record<never, never>;
}

export type NormalizeMethod = keyof NormalizeMethodOptions;

export interface DimOption {
  /** 1 (default): normalize each column over the rows; 2: each row over the columns. */
  dim?: 1 | 2;
}

/** The options of method M (any method's by default), with dim and the data options. */
export type NormalizeOptions<M extends NormalizeMethod = NormalizeMethod> = NormalizeMethodOptions[M] &
  DimOption &
  DataOptions;

/**
 * MATLAB's combined `normalize(A, 'center', c, 'scale', s)`: both, or either alone, each computed from the data
 * as given or given as C or S.
 */
export type CenterScaleOptions = (
  { center: CenterOption; scale?: ScaleOption } | { center?: CenterOption; scale: ScaleOption }
) &
  DimOption;

export interface NormalizeResult<T = Data> {
  /** The normalized data, in the shape it came in (Float32 data stays Float32; statistics are float64). */
  data: T;
  /** C per column (or per row for dim 2): N = (A - C) / S. */
  center: number[];
  /** S per column (or row); never 0: a zero scale (a constant column) is replaced by 1. */
  scale: number[];
}

const METHODS: readonly NormalizeMethod[] = [
  'zscore',
  'norm',
  'scale',
  'range',
  'center',
  'medianiqr',
  'decimal',
  'maxabs',
];
const COMMON_OPTIONS = ['dim', 'shape', 'columns'];
const METHOD_OPTIONS: Record<NormalizeMethod, string[]> = {
  zscore: ['type'],
  norm: ['p'],
  scale: ['scale'],
  range: ['range'],
  center: ['center'],
  medianiqr: [],
  decimal: [],
  maxabs: [],
};

// Every option any method takes, checked together (the method has already said which it allows).
interface AnyOptions extends DataOptions, DimOption {
  type?: 'std' | 'robust';
  p?: number;
  scale?: ScaleOption;
  range?: readonly [number, number];
  center?: CenterOption;
}

/** The smallest integer j with max |x| / 10^j < 1 (decimal scaling); 0 when max |x| is 0. */
export function decimalExponent(max: number): number {
  if (!(max > 0)) return 0;
  let j = Math.floor(Math.log10(max)) + 1;
  while (max / 10 ** j >= 1) j++; // log10 may round either way near a power of ten
  while (max / 10 ** (j - 1) < 1) j--;
  return j;
}

// C and S for every column of m, by method; a scale may come out 0 or NaN (the caller replaces it by 1). Statistics
// that one pass can give come from the column functions (one sweep over the rows); medians sort each column. A
// given C or S (a number or an array, already checked) is taken as it is.
function centersAndScales(m: Matrix, method: NormalizeMethod, o: AnyOptions): [number[], number[]] {
  const cols = Array.from({ length: m.cols }, (_, j) => j);
  const zeros = () => cols.map(() => 0);
  const ones = () => cols.map(() => 1);
  let moments: ReturnType<typeof columnMoments> | null = null; // one pass for both mean and std
  const momentsOnce = () => (moments ??= columnMoments(m));
  const std = () => momentsOnce().map((c) => (c.n > 1 ? Math.sqrt(c.m2 / (c.n - 1)) : 0)); // MATLAB: N - 1
  const mean = () => momentsOnce().map((c) => c.mean);
  let sortedColumns: Float64Array[] | null = null;
  const sorted = () => (sortedColumns ??= cols.map((j) => sortedValues(column(m, j))));
  const median = (s: Float64Array[]) => s.map((v) => quantile(v, 0.5, 'linear'));
  const iqr = (s: Float64Array[]) => s.map((v) => quantile(v, 0.75, 'hazen') - quantile(v, 0.25, 'hazen')); // MATLAB's
  const mad = (s: Float64Array[], centers: number[]) => s.map((v, j) => medianAbsoluteDeviation(v, centers[j]));
  const given = (x: number | readonly number[]) => (typeof x === 'number' ? cols.map(() => x) : [...x]);
  // the 'center' and 'scale' methods, each from the data as given (as Octave's normalize computes them)
  const centerBy = (by: CenterOption) =>
    typeof by !== 'string' ? given(by) : by === 'mean' ? mean() : median(sorted());
  const scaleBy = (by: ScaleOption) => {
    if (typeof by !== 'string') return given(by);
    if (by === 'std') return std();
    if (by === 'first') return cols.map((j) => firstValue(column(m, j)));
    const s = sorted();
    return by === 'iqr' ? iqr(s) : mad(s, median(s));
  };
  switch (method) {
    case 'zscore': {
      if ((o.type ?? 'std') === 'std') return [mean(), std()];
      const s = sorted();
      const c = median(s);
      return [c, mad(s, c)];
    }
    case 'norm':
      return [zeros(), cols.map((j) => pNorm(column(m, j), o.p ?? 2))];
    case 'scale':
      return [o.center === undefined ? zeros() : centerBy(o.center), scaleBy(o.scale ?? 'std')];
    case 'range': {
      const [a, b] = o.range ?? [0, 1];
      const { min, max } = columnExtrema(m);
      // N = (A - C) / S = a + (A - min) / S, S = (max - min) / (b - a); a constant column's zero spread counts as 1
      // (as in scikit-learn and Octave), so it maps to a
      const scale = cols.map((j) => (max[j] - min[j] === 0 ? 1 : max[j] - min[j]) / (b - a));
      return [cols.map((j) => (min[j] <= max[j] ? min[j] - a * scale[j] : 0)), scale];
    }
    case 'center':
      return [centerBy(o.center ?? 'mean'), o.scale === undefined ? ones() : scaleBy(o.scale)];
    case 'medianiqr': {
      const s = sorted();
      return [median(s), iqr(s)];
    }
    case 'decimal':
      return [zeros(), Array.from(columnExtrema(m).maxAbs, (x) => 10 ** decimalExponent(x))];
    case 'maxabs':
      return [zeros(), Array.from(columnExtrema(m).maxAbs)];
  }
}

// A given C or S: one number, or an array (its length is checked against the data later).
function checkGiven(fn: string, name: 'center' | 'scale', value: number | readonly number[]): void {
  const nonzero = (x: number, at: string) => {
    if (name === 'scale' && x === 0) throw rangeError(fn, at, 'a nonzero number', '0');
  };
  if (typeof value === 'number') return nonzero(checkFinite(fn, name, value), name);
  value.forEach((x, i) => nonzero(checkFinite(fn, `${name}[${i}]`, x), `${name}[${i}]`));
}

function checkMethodOptions(fn: string, o: AnyOptions): void {
  if (o.dim !== undefined) checkInteger(fn, 'dim', o.dim, 1, 2);
  if (o.type !== undefined) checkChoice(fn, 'type', o.type, ['std', 'robust']);
  if (o.p !== undefined) {
    if (typeof o.p !== 'number') throw typeError(fn, 'p', 'a number > 0 or Infinity', o.p);
    if (!(o.p > 0) || Number.isNaN(o.p)) throw rangeError(fn, 'p', 'a number > 0 or Infinity', String(o.p));
  }
  if (o.scale !== undefined) {
    if (typeof o.scale === 'number' || Array.isArray(o.scale)) checkGiven(fn, 'scale', o.scale);
    else checkChoice(fn, 'scale', o.scale, ['std', 'mad', 'first', 'iqr'], { suggest: true });
  }
  if (o.center !== undefined) {
    if (typeof o.center === 'number' || Array.isArray(o.center)) checkGiven(fn, 'center', o.center);
    else checkChoice(fn, 'center', o.center, ['mean', 'median'], { suggest: true });
  }
  if (o.range !== undefined) checkInterval(fn, 'range', o.range, 'an array [a, b] with a < b', (a, b) => a < b);
}

// A given C or S as an array must have one value per column (dim 1) or row (dim 2).
function checkGivenLength(fn: string, o: AnyOptions, n: number, dim: number): void {
  for (const name of ['center', 'scale'] as const) {
    const value = o[name];
    if (Array.isArray(value) && value.length !== n) {
      const per = dim === 1 ? 'column' : 'row (dim 2)';
      throw rangeError(fn, name, `one number or an array of ${n} numbers (one per ${per})`, `Array(${value.length})`);
    }
  }
}

// out = (values - C) / S along dim, on the backend (a row-wise transform is a column-wise one on the transpose).
function apply(table: Table, dim: number, center: number[], scale: number[]): NumericArray {
  const out = allocate(table);
  if (dim === 1) {
    backend.affine(
      table.values,
      table.rows,
      table.cols,
      Float64Array.from(center),
      Float64Array.from(scale),
      false,
      out,
    );
    return out;
  }
  for (let i = 0, k = 0; i < table.rows; i++) {
    for (let j = 0; j < table.cols; j++, k++) out[k] = (table.values[k] - center[i]) / scale[i];
  }
  return out;
}

/**
 * MATLAB's normalize: N = (A - C) ./ S with C and S per column (dim 1, the default) or per row (dim 2):
 *
 * | method      | C                  | S                                              |
 * | ----------- | ------------------ | ---------------------------------------------- |
 * | 'zscore'    | mean / median      | standard deviation (N-1) / median abs. dev.    |  (type 'std' / 'robust')
 * | 'norm'      | 0                  | p-norm, p > 0 or Infinity (default 2)          |
 * | 'scale'     | 0                  | 'std', 'mad', 'first', 'iqr' or given S        |
 * | 'range'     | min - a S          | (max - min) / (b - a), onto [a, b] (default [0, 1]); zero spread counts as 1 |
 * | 'center'    | 'mean', 'median' or given C | 1                                     |
 * | 'medianiqr' | median             | interquartile range                            |
 * | 'decimal'   | 0                  | 10^j, the smallest j with max |x| / 10^j < 1    |
 * | 'maxabs'    | 0                  | max |x|                                        |
 *
 * MATLAB's `normalize(A, 'center', c, 'scale', s)` is `normalize(data, { center: c, scale: s })`: both computed
 * from the data as given (or given: C and S as a number, or one per column, as an earlier call returned them).
 *
 * NaN is a missing value: statistics skip it and it stays NaN. A computed scale of 0 (a constant column) becomes 1.
 * Quantiles (median, iqr) follow MATLAB's median and iqr (prctile's midpoint rule). Default method: 'zscore'.
 */
export function normalize<D extends Data>(
  data: D,
  options: CenterScaleOptions & DataOptionsFor<D>,
): NormalizeResult<Transformed<D>>;
export function normalize<D extends Data, M extends NormalizeMethod = 'zscore'>(
  data: D,
  method?: M,
  options?: NormalizeMethodOptions[M] & DimOption & DataOptionsFor<D>,
): NormalizeResult<Transformed<D>>;
export function normalize(data: unknown, second?: unknown, third?: unknown): NormalizeResult<unknown> {
  const fn = 'normalize';
  let method: NormalizeMethod;
  let o: AnyOptions;
  if (typeof second === 'object' && second !== null && !Array.isArray(second)) {
    // MATLAB's combined 'center' and 'scale'
    if (third !== undefined) {
      throw typeError(fn, 'the third argument', 'left out when the options come second', third);
    }
    o = checkOptions<AnyOptions>(fn, second, ['center', 'scale', ...COMMON_OPTIONS]);
    if (o.center === undefined && o.scale === undefined) {
      throw rangeError(fn, 'options', 'an object with center, scale or both (or a method before it)', 'neither');
    }
    method = o.center !== undefined ? 'center' : 'scale';
  } else {
    method = second === undefined ? 'zscore' : checkChoice(fn, 'method', second, METHODS, { suggest: true });
    o = checkOptions<AnyOptions>(fn, third, [...COMMON_OPTIONS, ...METHOD_OPTIONS[method]]);
  }
  checkMethodOptions(fn, o);
  const table = readTable(fn, 'data', data, { shape: o.shape, columns: o.columns });
  const dim = o.dim ?? 1;
  checkGivenLength(fn, o, dim === 1 ? table.cols : table.rows, dim);
  // dim 2 normalizes rows: the same computation on the transpose
  const [c, s] = centersAndScales(dim === 1 ? table : transpose(table), method, o);
  const center = c.map((x) => (Number.isFinite(x) ? x : 0));
  const scale = s.map((x) => (x === 0 || !Number.isFinite(x) ? 1 : x));
  return { data: writeTable(table, apply(table, dim, center, scale)), center, scale };
}

/** (data - center) / scale, with the center and scale a normalize() call returned (per column, or per row for dim 2). */
export function applyNormalization<D extends Data>(
  data: D,
  transform: { center: readonly number[]; scale: readonly number[] },
  options?: DimOption & DataOptionsFor<D>,
): Transformed<D> {
  const fn = 'applyNormalization';
  const o = checkOptions<DataOptions & DimOption>(fn, options, COMMON_OPTIONS);
  if (typeof transform !== 'object' || transform === null) {
    throw typeError(fn, 'transform', 'an object { center, scale } from normalize()', transform);
  }
  const dim = o.dim === undefined ? 1 : checkInteger(fn, 'dim', o.dim, 1, 2);
  const table = readTable(fn, 'data', data, { shape: o.shape, columns: o.columns });
  const n = dim === 1 ? table.cols : table.rows;
  const read = (name: 'center' | 'scale') => {
    const a = transform[name] as unknown;
    if (!Array.isArray(a)) throw typeError(fn, `transform.${name}`, `an array of ${n} numbers`, a);
    if (a.length !== n) throw rangeError(fn, `transform.${name}`, `an array of ${n} numbers`, `Array(${a.length})`);
    return a.map((x, i) => checkFinite(fn, `transform.${name}[${i}]`, x));
  };
  const center = read('center');
  const scale = read('scale');
  scale.forEach((s, i) => {
    if (s === 0) throw rangeError(fn, `transform.scale[${i}]`, 'a nonzero number', '0');
  });
  return writeTable<D>(table, apply(table, dim, center, scale));
}
