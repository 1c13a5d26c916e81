// MATLAB's neural-network processing functions mapminmax and mapstd (Deep Learning Toolbox, formerly Neural Network
// Toolbox), for code ported from MATLAB's BP networks. They compute what MATLAB's mapminmax.create/apply/reverse
// and mapstd.create/apply/reverse compute (R2015 and later):
//
//   - row-wise: x is N x Q, each row a feature and each column a sample (the opposite of the scalers);
//   - mapminmax: xmin and xmax per row, NaN skipped (a row without values gets [-Inf, Inf]); gain = (ymax - ymin) /
//     (xmax - xmin), xoffset = xmin; a row whose range is 0 or not finite, or whose gain exceeds 1e14, gets gain 1
//     and xoffset = ymin, which passes it through unchanged. y = (x - xoffset) * gain + ymin, in that order;
//   - mapstd: mean and standard deviation (N-1 weighting; 0 for one value) of each row's finite values (NaN and
//     +-Infinity skipped; a row without any gets mean 0 and std 1); gain = ystd / xstd, xoffset = xmean, with the
//     same rule for a row whose std is 0 or not finite. y = (x - xoffset) * gain + ymean;
//   - NaN stays NaN (MATLAB's arithmetic), +-Infinity is accepted and stays infinite;
//   - ps, MATLAB's process settings, as plain JSON-able objects with MATLAB's field names. apply and reverse read
//     only name, xrows, gain, xoffset and ymin (ymean), which are always finite, so a ps that went through JSON
//     (where the statistics' infinities become null) still works.
//
// MapMinMaxScaler and MapStdScaler are the same mappings as scalers (protocol.ts): they follow the scalers'
// convention (rows are samples, columns are features), learn in chunks and streams, and can be a model's input or
// target scaler; their `ps` is MATLAB's, one "row" per column.
import { backend } from '../backend/index.js';
import { MAX_DIM, checkFinite, checkInteger, checkOptions, describe, rangeError, typeError } from '../validate.js';
import {
  type CallOptions,
  type Data,
  type NumericArray,
  type Row,
  type ShapedData,
  type Table,
  type Transformed,
  ROW_WISE,
  allocate,
  readTable,
  transpose,
  writeTable,
} from './data.js';
import {
  type ColumnOptions,
  type ExtremaState,
  type MomentsState,
  ColumnScaler,
  StreamingScaler,
  checkEnvelope,
  emptyExtrema,
  emptyMoments,
  learnExtrema,
  learnMoments,
} from './column-scaler.js';
import { columnExtrema } from './stats.js';

/** The data mapminmax and mapstd take: an N x Q matrix (rows are features, columns are samples). */
export type MatrixData = readonly Row[] | NumericArray | ShapedData;

/** `shape` ([N, Q]) for a flat typed array, and for nothing else. */
export type MatrixOptions<D = MatrixData> = D extends NumericArray ? { shape?: readonly number[] } : { shape?: never };

/** MATLAB's mapminmax process settings: per row (feature) of x, as MATLAB's ps struct. */
export interface MapMinMaxSettings {
  name: 'mapminmax';
  xrows: number;
  /** Largest value per row (Inf for a row without values). */
  xmax: number[];
  /** Smallest value per row (-Inf for a row without values). */
  xmin: number[];
  xrange: number[];
  yrows: number;
  ymax: number;
  ymin: number;
  yrange: number;
  gain: number[];
  xoffset: number[];
  /** MATLAB's flag: xrows is 0, or every gain is 1 and every xmin is 0. apply and reverse do not read it. */
  no_change: boolean;
}

/** MATLAB's mapstd process settings: per row (feature) of x, as MATLAB's ps struct. */
export interface MapStdSettings {
  name: 'mapstd';
  xrows: number;
  yrows: number;
  /** Mean of the finite values per row (0 for a row without any). */
  xmean: number[];
  /** Standard deviation (N-1) of the finite values per row (1 for a row without any, 0 for one value). */
  xstd: number[];
  ymean: number;
  ystd: number;
  gain: number[];
  xoffset: number[];
  /** MATLAB's flag: xrows is 0, or every gain is 1 and every xoffset is ymean. apply and reverse do not read it. */
  no_change: boolean;
}

/** What mapminmax() and mapstd() return: y, in x's shape and type, and MATLAB's process settings. */
export interface MapResult<Y, P> {
  y: Y;
  ps: P;
}

export interface MapMinMaxOptions {
  /** The minimum of each row of y. Default -1. */
  yMin?: number;
  /** The maximum of each row of y, > yMin. Default 1. */
  yMax?: number;
}

export interface MapStdOptions {
  /** The mean of each row of y. Default 0. */
  yMean?: number;
  /** The standard deviation of each row of y, > 0. Default 1. */
  yStd?: number;
}

// MATLAB's rule for a row that must not be mapped: gain 1 and xoffset at the output's offset, so y = x.
const GAIN_LIMIT = 1e14;

/** One feature's mapminmax parameters from its smallest and largest value (Infinity > -Infinity for none). */
function minMaxFeature(min: number, max: number, yMin: number, yMax: number) {
  const xmin = min <= max ? min : -Infinity; // MATLAB: min of no values is NaN, then -Inf
  const xmax = min <= max ? max : Infinity;
  const xrange = xmax - xmin;
  let gain = (yMax - yMin) / xrange;
  let xoffset = xmin;
  if (Math.abs(gain) > GAIN_LIMIT || !Number.isFinite(xrange) || xrange === 0) {
    gain = 1;
    xoffset = yMin;
  }
  return { xmin, xmax, xrange, gain, xoffset };
}

/** One feature's mapstd parameters from its finite values' count, mean and squared deviations. */
function stdFeature(n: number, mean: number, m2: number, yMean: number, yStd: number) {
  // n NaN: settings restored from a ps (m2 holds xstd^2, with no count)
  const xmean = n === 0 ? 0 : mean;
  const xstd = n === 0 ? 1 : Number.isNaN(n) ? Math.sqrt(m2) : n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
  let gain = yStd / xstd;
  let xoffset = xmean;
  if (Math.abs(gain) > GAIN_LIMIT || !Number.isFinite(xmean) || !Number.isFinite(xstd) || xstd === 0) {
    gain = 1;
    xoffset = yMean;
  }
  return { xmean, xstd, gain, xoffset };
}

function minMaxSettings(min: ArrayLike<number>, max: ArrayLike<number>, ymin: number, ymax: number) {
  const f = Array.from({ length: min.length }, (_, i) => minMaxFeature(min[i], max[i], ymin, ymax));
  const ps: MapMinMaxSettings = {
    name: 'mapminmax',
    xrows: f.length,
    xmax: f.map((r) => r.xmax),
    xmin: f.map((r) => r.xmin),
    xrange: f.map((r) => r.xrange),
    yrows: f.length,
    ymax,
    ymin,
    yrange: ymax - ymin,
    gain: f.map((r) => r.gain),
    xoffset: f.map((r) => r.xoffset),
    no_change: f.length === 0 || f.every((r) => r.gain === 1 && r.xmin === 0),
  };
  return ps;
}

function stdSettings(state: MomentsState, ymean: number, ystd: number): MapStdSettings {
  const f = Array.from(state.n, (n, i) => stdFeature(n, state.mean[i], state.m2[i], ymean, ystd));
  return {
    name: 'mapstd',
    xrows: f.length,
    yrows: f.length,
    xmean: f.map((r) => r.xmean),
    xstd: f.map((r) => r.xstd),
    ymean,
    ystd,
    gain: f.map((r) => r.gain),
    xoffset: f.map((r) => r.xoffset),
    no_change: f.length === 0 || f.every((r) => r.gain === 1 && r.xoffset === ymean),
  };
}

/**
 * y = (x - xoffset) * gain + yOffset per feature (inverse: x = (y - yOffset) / gain + xoffset), MATLAB's order of
 * operations. Features are the rows of the table (row-wise, MATLAB's layout) or its columns (the scalers').
 */
function applyMap(
  table: Table,
  rowWise: boolean,
  xoffset: ArrayLike<number>,
  gain: ArrayLike<number>,
  yOffset: number,
  inverse: boolean,
  out: NumericArray,
): void {
  const { values, rows, cols } = table;
  for (let i = 0, k = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++, k++) {
      const f = rowWise ? i : j;
      out[k] = inverse ? (values[k] - yOffset) / gain[f] + xoffset[f] : (values[k] - xoffset[f]) * gain[f] + yOffset;
    }
  }
}

// ---- the row-wise functions ----

/** Per feature (row) of a row-wise table: moments of its finite values. */
function finiteRowMoments(table: Table): MomentsState {
  const state = emptyMoments(table.rows);
  learnMoments(state, finiteOnly(transpose(table)));
  return state;
}

/** The table with +-Infinity replaced by NaN (a copy, only if there is any): mapstd skips them. */
function finiteOnly<T extends { values: NumericArray; rows: number; cols: number }>(m: T): T {
  if (backend.findInfinite(m.values) < 0) return m;
  const values = Float64Array.from(m.values, (x) => (x === Infinity || x === -Infinity ? NaN : x));
  return { ...m, values };
}

// x as a row-wise table; `rows`, when known (ps.xrows), reads a flat typed array without a shape as rows of it.
function readMatrix(fn: string, name: string, x: unknown, shape: unknown, rows?: number): Table {
  if (shape === undefined && rows !== undefined && (x instanceof Float32Array || x instanceof Float64Array)) {
    if (x.length % rows === 0) shape = [rows, x.length / rows];
  }
  return readTable(fn, name, x, { shape, layout: 'features', allowInfinite: true });
}

function checkOutputRange(fn: string, o: MapMinMaxOptions): [number, number] {
  const yMin = o.yMin === undefined ? -1 : checkFinite(fn, 'yMin', o.yMin);
  const yMax = o.yMax === undefined ? 1 : checkFinite(fn, 'yMax', o.yMax);
  if (!(yMax > yMin)) throw rangeError(fn, 'yMax', `a finite number greater than yMin (${yMin})`, describe(yMax));
  return [yMin, yMax];
}

function checkOutputMoments(fn: string, o: MapStdOptions): [number, number] {
  const yMean = o.yMean === undefined ? 0 : checkFinite(fn, 'yMean', o.yMean);
  const yStd = o.yStd === undefined ? 1 : checkFinite(fn, 'yStd', o.yStd);
  if (!(yStd > 0)) throw rangeError(fn, 'yStd', 'a finite number > 0', describe(yStd));
  return [yMean, yStd];
}

// (x, options?) or MATLAB's positional (x, a, b, options?): the options object either way.
function positional(fn: string, names: [string, string], a: unknown, b: unknown, rest: unknown): object {
  if (typeof a !== 'number') return { ...checkOptions(fn, a, [...names, 'shape']) };
  if (typeof b !== 'number') throw typeError(fn, names[1], 'a finite number after ' + names[0], b);
  const more = checkOptions<{ shape: unknown }>(fn, rest, ['shape']);
  return { [names[0]]: a, [names[1]]: b, ...more };
}

/** The parts of a ps that apply and reverse use, checked. */
function checkSettings(fn: string, ps: unknown, name: 'mapminmax' | 'mapstd') {
  const yKey = name === 'mapminmax' ? 'ymin' : 'ymean';
  if (typeof ps !== 'object' || ps === null) throw typeError(fn, 'ps', `the ps a ${name}() call returned`, ps);
  const p = ps as Record<string, unknown>;
  if (p.name !== name) throw rangeError(fn, 'ps.name', `'${name}' (the ps of a ${name}() call)`, describe(p.name));
  const xrows = checkInteger(fn, 'ps.xrows', p.xrows, 1, MAX_DIM);
  const vector = (key: string, nonzero: boolean) => {
    const a = p[key];
    if (!Array.isArray(a) || a.length !== xrows) throw typeError(fn, `ps.${key}`, `an array of ${xrows} numbers`, a);
    return a.map((x: unknown, i) => {
      const v = checkFinite(fn, `ps.${key}[${i}]`, x);
      if (nonzero && v === 0) throw rangeError(fn, `ps.${key}[${i}]`, 'a nonzero number', '0');
      return v;
    });
  };
  return {
    xrows,
    gain: vector('gain', true),
    xoffset: vector('xoffset', false),
    y0: checkFinite(fn, `ps.${yKey}`, p[yKey]),
  };
}

function applySettings<D>(
  fn: string,
  name: string,
  data: unknown,
  ps: unknown,
  options: unknown,
  kind: 'mapminmax' | 'mapstd',
  inverse: boolean,
): Transformed<D> {
  const s = checkSettings(fn, ps, kind);
  const table = readMatrix(fn, name, data, checkOptions<{ shape: unknown }>(fn, options, ['shape']).shape, s.xrows);
  if (table.rows !== s.xrows) {
    throw rangeError(fn, name, `${s.xrows} rows (one per feature: ${ROW_WISE}), as ps.xrows`, `${table.rows} rows`);
  }
  const out = allocate(table);
  applyMap(table, true, s.xoffset, s.gain, s.y0, inverse, out);
  return writeTable<D>(table, out);
}

export interface MapMinMax {
  /**
   * MATLAB's `[y, ps] = mapminmax(x)`: maps each row of x (N features x Q samples) onto [yMin, yMax] (default
   * [-1, 1]). Also `mapminmax(x, yMin, yMax)`, as MATLAB's. y has x's shape and type.
   */
  <D extends MatrixData>(
    x: D,
    options?: MapMinMaxOptions & MatrixOptions<D>,
  ): MapResult<Transformed<D>, MapMinMaxSettings>;
  <D extends MatrixData>(
    x: D,
    yMin: number,
    yMax: number,
    options?: MatrixOptions<D>,
  ): MapResult<Transformed<D>, MapMinMaxSettings>;
  /** MATLAB's `mapminmax('apply', x, ps)`: the mapping of ps on new data (N x Q, N = ps.xrows). */
  apply<D extends MatrixData>(this: void, x: D, ps: MapMinMaxSettings, options?: MatrixOptions<D>): Transformed<D>;
  /** MATLAB's `mapminmax('reverse', y, ps)`: back to x's units. */
  reverse<D extends MatrixData>(this: void, y: D, ps: MapMinMaxSettings, options?: MatrixOptions<D>): Transformed<D>;
}

export interface MapStd {
  /**
   * MATLAB's `[y, ps] = mapstd(x)`: maps each row of x (N features x Q samples) to mean yMean and standard
   * deviation yStd (default 0 and 1). Also `mapstd(x, yMean, yStd)`, as MATLAB's. y has x's shape and type.
   */
  <D extends MatrixData>(x: D, options?: MapStdOptions & MatrixOptions<D>): MapResult<Transformed<D>, MapStdSettings>;
  <D extends MatrixData>(
    x: D,
    yMean: number,
    yStd: number,
    options?: MatrixOptions<D>,
  ): MapResult<Transformed<D>, MapStdSettings>;
  /** MATLAB's `mapstd('apply', x, ps)`: the mapping of ps on new data (N x Q, N = ps.xrows). */
  apply<D extends MatrixData>(this: void, x: D, ps: MapStdSettings, options?: MatrixOptions<D>): Transformed<D>;
  /** MATLAB's `mapstd('reverse', y, ps)`: back to x's units. */
  reverse<D extends MatrixData>(this: void, y: D, ps: MapStdSettings, options?: MatrixOptions<D>): Transformed<D>;
}

/** MATLAB's mapminmax: row-wise (rows are features, columns are samples), default [-1, 1]. See the file's top. */
export const mapminmax: MapMinMax = Object.assign(
  function mapminmax(x: unknown, a?: unknown, b?: unknown, rest?: unknown) {
    const fn = 'mapminmax';
    const o = positional(fn, ['yMin', 'yMax'], a, b, rest) as MapMinMaxOptions & { shape?: unknown };
    const [yMin, yMax] = checkOutputRange(fn, o);
    const table = readMatrix(fn, 'x', x, o.shape);
    const { min, max } = columnExtrema(transpose(table));
    const ps = minMaxSettings(min, max, yMin, yMax);
    const out = allocate(table);
    applyMap(table, true, ps.xoffset, ps.gain, ps.ymin, false, out);
    return { y: writeTable(table, out), ps };
  },
  {
    apply: (x: unknown, ps: MapMinMaxSettings, options?: unknown) =>
      applySettings('mapminmax.apply', 'x', x, ps, options, 'mapminmax', false),
    reverse: (y: unknown, ps: MapMinMaxSettings, options?: unknown) =>
      applySettings('mapminmax.reverse', 'y', y, ps, options, 'mapminmax', true),
  },
) as MapMinMax;

/** MATLAB's mapstd: row-wise (rows are features, columns are samples), default mean 0 and std 1. */
export const mapstd: MapStd = Object.assign(
  function mapstd(x: unknown, a?: unknown, b?: unknown, rest?: unknown) {
    const fn = 'mapstd';
    const o = positional(fn, ['yMean', 'yStd'], a, b, rest) as MapStdOptions & { shape?: unknown };
    const [yMean, yStd] = checkOutputMoments(fn, o);
    const table = readMatrix(fn, 'x', x, o.shape);
    const ps = stdSettings(finiteRowMoments(table), yMean, yStd);
    const out = allocate(table);
    applyMap(table, true, ps.xoffset, ps.gain, ps.ymean, false, out);
    return { y: writeTable(table, out), ps };
  },
  {
    apply: (x: unknown, ps: MapStdSettings, options?: unknown) =>
      applySettings('mapstd.apply', 'x', x, ps, options, 'mapstd', false),
    reverse: (y: unknown, ps: MapStdSettings, options?: unknown) =>
      applySettings('mapstd.reverse', 'y', y, ps, options, 'mapstd', true),
  },
) as MapStd;

// ---- the scaler forms ----

export interface MapMinMaxScalerOptions extends ColumnOptions, MapMinMaxOptions {}
export interface MapStdScalerOptions extends ColumnOptions, MapStdOptions {}

/**
 * mapminmax as a scaler (rows are samples, columns are features, as for every scaler): fit() learns each column's
 * xmin and xmax, transform() is mapminmax.apply and inverseTransform() mapminmax.reverse, and `ps` is MATLAB's
 * settings with one "row" per column. Learns in chunks and from streams; ±Infinity is accepted (such a column
 * passes through).
 */
export class MapMinMaxScaler extends StreamingScaler<ExtremaState> {
  static override readonly typeName = 'MapMinMaxScaler';
  readonly yMin: number;
  readonly yMax: number;
  protected override readonly allowInfinite = true;
  #ps: MapMinMaxSettings | null = null;

  constructor(options?: MapMinMaxScalerOptions) {
    const fn = 'MapMinMaxScaler';
    const o = checkOptions<MapMinMaxScalerOptions>(fn, options, ['yMin', 'yMax', 'columns']);
    super(o.columns, fn);
    [this.yMin, this.yMax] = checkOutputRange(fn, o);
  }

  /** MATLAB's process settings for what was learned: one "row" (feature) per column. */
  get ps(): MapMinMaxSettings {
    this.fittedColumns('ps');
    return structuredClone(this.#ps!);
  }

  /**
   * A fitted scaler from a ps of mapminmax() (rows of x become this scaler's columns): its transform is
   * mapminmax.apply with that ps. The ps's xmin and xmax must be there (null, as JSON writes an infinity, counts
   * as the row having no range).
   */
  static fromPs(ps: MapMinMaxSettings, options?: ColumnOptions): MapMinMaxScaler {
    const fn = 'MapMinMaxScaler.fromPs';
    const s = checkSettings(fn, ps, 'mapminmax');
    const p = ps as unknown as Record<string, unknown>;
    const bound = (key: 'xmin' | 'xmax', missing: number) => {
      const a = p[key];
      if (!Array.isArray(a) || a.length !== s.xrows)
        throw typeError(fn, `ps.${key}`, `an array of ${s.xrows} numbers`, a);
      return Float64Array.from(a, (x: unknown, i) => {
        if (x === null) return missing;
        if (typeof x !== 'number' || Number.isNaN(x)) throw typeError(fn, `ps.${key}[${i}]`, 'a number or null', x);
        return x;
      });
    };
    const scaler = new MapMinMaxScaler({
      ...checkOptions<ColumnOptions>(fn, options, ['columns']),
      yMin: ps.ymin,
      yMax: ps.ymax,
    });
    scaler.commit({ min: bound('xmin', -Infinity), max: bound('xmax', Infinity) });
    checkSameMapping(fn, scaler.#ps!, s);
    return scaler;
  }

  static fromJSON(json: unknown): MapMinMaxScaler {
    const j = checkEnvelope('MapMinMaxScaler.fromJSON', json, MapMinMaxScaler.typeName);
    return ColumnScaler.restore(new MapMinMaxScaler(j.options as MapMinMaxScalerOptions), j);
  }

  protected emptyState(cols: number): ExtremaState {
    return emptyExtrema(cols);
  }
  protected learn(state: ExtremaState, table: Table): void {
    learnExtrema(state, table);
  }
  protected override commit(state: ExtremaState): void {
    super.commit(state);
    this.#ps = minMaxSettings(state.min, state.max, this.yMin, this.yMax);
  }
  // y = (x - xoffset) * gain + ymin = (x - center) / scale with these:
  protected centerAndScale(state: ExtremaState, j: number): [number, number] {
    const f = minMaxFeature(state.min[j], state.max[j], this.yMin, this.yMax);
    return [f.xoffset - this.yMin / f.gain, 1 / f.gain];
  }
  protected override applyValues(table: Table, inverse: boolean, out: NumericArray): void {
    const ps = this.#ps!;
    applyMap(table, false, ps.xoffset, ps.gain, ps.ymin, inverse, out);
  }
  protected override rowMap(): (x: number, j: number) => number {
    const { xoffset, gain, ymin } = this.#ps!;
    return (x, j) => (x - xoffset[j]) * gain[j] + ymin;
  }
  protected optionsJSON() {
    return { yMin: this.yMin, yMax: this.yMax, columns: this.columns };
  }
}

/**
 * mapstd as a scaler (rows are samples, columns are features, as for every scaler): fit() learns each column's
 * mean and standard deviation (N-1) over its finite values, transform() is mapstd.apply and inverseTransform()
 * mapstd.reverse, and `ps` is MATLAB's settings with one "row" per column. Learns in chunks and from streams.
 */
export class MapStdScaler extends StreamingScaler<MomentsState> {
  static override readonly typeName = 'MapStdScaler';
  readonly yMean: number;
  readonly yStd: number;
  protected override readonly allowInfinite = true;
  #ps: MapStdSettings | null = null;

  constructor(options?: MapStdScalerOptions) {
    const fn = 'MapStdScaler';
    const o = checkOptions<MapStdScalerOptions>(fn, options, ['yMean', 'yStd', 'columns']);
    super(o.columns, fn);
    [this.yMean, this.yStd] = checkOutputMoments(fn, o);
  }

  /** MATLAB's process settings for what was learned: one "row" (feature) per column. */
  get ps(): MapStdSettings {
    this.fittedColumns('ps');
    return structuredClone(this.#ps!);
  }

  /**
   * A fitted scaler from a ps of mapstd() (rows of x become this scaler's columns): its transform is mapstd.apply
   * with that ps. A ps holds no sample counts, so this scaler cannot learn more (partialFit); fit() starts afresh.
   */
  static fromPs(ps: MapStdSettings, options?: ColumnOptions): MapStdScaler {
    const fn = 'MapStdScaler.fromPs';
    const s = checkSettings(fn, ps, 'mapstd');
    const p = ps as unknown as Record<string, unknown>;
    const stat = (key: 'xmean' | 'xstd') => {
      const a = p[key];
      if (!Array.isArray(a) || a.length !== s.xrows)
        throw typeError(fn, `ps.${key}`, `an array of ${s.xrows} numbers`, a);
      return Float64Array.from(a, (x: unknown, i) => (x === null ? NaN : checkFinite(fn, `ps.${key}[${i}]`, x)));
    };
    const scaler = new MapStdScaler({
      ...checkOptions<ColumnOptions>(fn, options, ['columns']),
      yMean: ps.ymean,
      yStd: ps.ystd,
    });
    const xstd = stat('xstd');
    scaler.commit({ n: new Float64Array(s.xrows).fill(NaN), mean: stat('xmean'), m2: xstd.map((x) => x * x) });
    checkSameMapping(fn, scaler.#ps!, s);
    return scaler;
  }

  override partialFit<D extends Data>(X: D, options?: CallOptions<D>): this {
    if (this.stats !== null && Number.isNaN(this.stats.n[0])) {
      throw new Error(
        'MapStdScaler.partialFit: a scaler made from a ps (fromPs) has no sample counts to merge with; use fit()',
      );
    }
    return super.partialFit(X, options);
  }

  static fromJSON(json: unknown): MapStdScaler {
    const j = checkEnvelope('MapStdScaler.fromJSON', json, MapStdScaler.typeName);
    return ColumnScaler.restore(new MapStdScaler(j.options as MapStdScalerOptions), j);
  }

  protected emptyState(cols: number): MomentsState {
    return emptyMoments(cols);
  }
  protected learn(state: MomentsState, table: Table): void {
    learnMoments(state, finiteOnly(table));
  }
  protected override commit(state: MomentsState): void {
    super.commit(state);
    this.#ps = stdSettings(state, this.yMean, this.yStd);
  }
  protected centerAndScale(state: MomentsState, j: number): [number, number] {
    const f = stdFeature(state.n[j], state.mean[j], state.m2[j], this.yMean, this.yStd);
    return [f.xoffset - this.yMean / f.gain, 1 / f.gain];
  }
  protected override applyValues(table: Table, inverse: boolean, out: NumericArray): void {
    const ps = this.#ps!;
    applyMap(table, false, ps.xoffset, ps.gain, ps.ymean, inverse, out);
  }
  protected override rowMap(): (x: number, j: number) => number {
    const { xoffset, gain, ymean } = this.#ps!;
    return (x, j) => (x - xoffset[j]) * gain[j] + ymean;
  }
  protected optionsJSON() {
    return { yMean: this.yMean, yStd: this.yStd, columns: this.columns };
  }
}

// fromPs: the ps's gain and xoffset must be what its statistics give (a ps edited by hand would otherwise map
// differently here and in apply).
function checkSameMapping(
  fn: string,
  ours: { gain: number[]; xoffset: number[] },
  given: { gain: number[]; xoffset: number[] },
): void {
  for (const key of ['gain', 'xoffset'] as const) {
    ours[key].forEach((v, i) => {
      const g = given[key][i];
      if (Math.abs(v - g) > 1e-12 * Math.max(1, Math.abs(g))) {
        throw rangeError(fn, `ps.${key}[${i}]`, `${v}, what the ps's statistics give`, describe(g));
      }
    });
  }
}
