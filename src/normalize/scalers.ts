// scikit-learn's scalers, NaN-aware: each learns a center and a scale per column in fit() and applies
// y = (x - center) / scale in transform(). Standard, MinMax, MaxAbs and Decimal scalers can also learn from chunks
// (partialFit, fitStream) in constant memory; RobustScaler needs all the data at once (medians); Normalizer is
// row-wise and stateless. All of them serialize with toJSON()/fromJSON(), fitted state included.
import type { Transform } from 'node:stream';
import { backend } from '../backend/index.js';
import {
  checkBoolean,
  checkChoice,
  checkFinite,
  checkInteger,
  checkInterval,
  checkOptions,
  describe,
  rangeError,
  typeError,
} from '../validate.js';
import { type Data, type DataOptions, type Table, allocate, column, readTable, row, writeTable } from './data.js';
import { decimalExponent } from './normalize.js';
import { type Moments, columnExtrema, columnMoments, mergeMoments, pNorm, quantile, sortedValues } from './stats.js';
import { rowTransformer } from './stream.js';

/** Per-call data options: the shape of a flat typed array. Object columns are the scaler's `columns` option. */
export type CallOptions = Pick<DataOptions, 'shape'>;

/** What toJSON() returns; fromJSON() takes it back. */
export interface ScalerJSON {
  type: string;
  version: 1;
  options: Record<string, unknown>;
  state: Record<string, unknown> | null;
}

const FORMAT_VERSION = 1;

/**
 * The common part of the column-wise scalers: reading data, the per-column affine transform, serialization.
 * Subclasses say how to learn from a table (learn) and what center and scale that gives (centerAndScale).
 */
abstract class ColumnScaler {
  /** The names of the numeric fields, when rows are objects (other fields pass through). */
  readonly columns: readonly string[] | null;
  protected features: number | null = null;
  #center: Float64Array | null = null;
  #scale: Float64Array | null = null;

  protected constructor(columns: readonly string[] | null | undefined, fn: string) {
    if (columns === undefined || columns === null) {
      this.columns = null;
    } else {
      if (!Array.isArray(columns) || columns.length === 0 || columns.some((c) => typeof c !== 'string')) {
        throw typeError(fn, 'columns', 'a non-empty array of field names', columns);
      }
      this.columns = [...columns];
    }
  }

  protected get name(): string {
    return this.constructor.name;
  }

  /** Learns from a whole data set, forgetting anything learned before. Returns this. */
  fit(X: Data, options?: CallOptions): this {
    const table = this.read('fit', X, options, false);
    this.reset(table.cols);
    this.learn(table);
    this.update();
    return this;
  }

  /** Learns from one more chunk (for the scalers whose statistics merge); the first chunk sets the columns. */
  protected partialFitChunk(X: Data, options?: CallOptions): this {
    const table = this.read('partialFit', X, options, false);
    if (this.features === null) {
      this.reset(table.cols);
    } else if (table.cols !== this.features) {
      throw rangeError(
        `${this.name}.partialFit`,
        'X',
        `${this.features} columns wide, as before`,
        `${table.cols} columns`,
      );
    }
    this.learn(table);
    this.update();
    return this;
  }

  /** One pass over rows from an iterable or async iterable, fed to partialFit in chunks: constant memory. */
  protected async fitRows(
    source: Iterable<unknown> | AsyncIterable<unknown>,
    options?: StreamFitOptions,
  ): Promise<this> {
    const fn = `${this.name}.fitStream`;
    const o = checkOptions<StreamFitOptions>(fn, options, ['chunkRows']);
    const chunkRows = o.chunkRows === undefined ? 4096 : checkInteger(fn, 'chunkRows', o.chunkRows, 1, 2 ** 31 - 1);
    if (
      source === null ||
      typeof source !== 'object' ||
      (!(Symbol.asyncIterator in source) && !(Symbol.iterator in source))
    ) {
      throw typeError(fn, 'source', 'an iterable or async iterable of rows', source);
    }
    this.features = null;
    let chunk: unknown[] = [];
    let rows = 0;
    for await (const r of source as AsyncIterable<unknown>) {
      chunk.push(r);
      if (chunk.length === chunkRows) {
        this.partialFitChunk(chunk as Data);
        rows += chunk.length;
        chunk = [];
      }
    }
    if (chunk.length > 0) {
      this.partialFitChunk(chunk as Data);
      rows += chunk.length;
    }
    if (rows === 0) throw rangeError(fn, 'source', 'non-empty (at least one row)', 'no rows');
    return this;
  }

  /** fit() then transform() on the same data, reading it once. */
  fitTransform(X: Data, options?: CallOptions): Data {
    const table = this.read('fitTransform', X, options, false);
    this.reset(table.cols);
    this.learn(table);
    this.update();
    return this.apply(table);
  }

  /** y = (x - center) / scale per column; NaN stays NaN. The data keeps its shape and type. */
  transform(X: Data, options?: CallOptions): Data {
    return this.apply(this.read('transform', X, options, true));
  }

  private apply(table: Table): Data {
    const out = allocate(table);
    backend.affine(table.values, table.rows, table.cols, this.#center!, this.#scale!, false, out);
    this.postTransform(out, table.cols);
    return writeTable(table, out);
  }

  /** x = y * scale + center per column: transform() undone. */
  inverseTransform(X: Data, options?: CallOptions): Data {
    const table = this.read('inverseTransform', X, options, true);
    const out = allocate(table);
    backend.affine(table.values, table.rows, table.cols, this.#center!, this.#scale!, true, out);
    return writeTable(table, out);
  }

  /**
   * A Node Transform (object mode) that applies transform() row by row: it takes rows as arrays of numbers, typed
   * arrays or objects (with this scaler's `columns`) and emits the same kind of row.
   */
  transformStream(): Transform {
    this.requireFitted('transformStream');
    const center = this.#center!;
    const scale = this.#scale!;
    return rowTransformer(`${this.name}.transformStream`, this.features!, this.columns, (x: number, j: number) => {
      const y = (x - center[j]) / scale[j];
      return this.clipOne(y);
    });
  }

  /** The per-column center and scale in use (after fitting). */
  get center(): Float64Array {
    this.requireFitted('center');
    return this.#center!.slice();
  }
  get scale(): Float64Array {
    this.requireFitted('scale');
    return this.#scale!.slice();
  }
  /** Number of columns seen in fit. */
  get nFeatures(): number | null {
    return this.features;
  }

  toJSON(): ScalerJSON {
    return {
      type: this.name,
      version: FORMAT_VERSION,
      options: this.optionsJSON(),
      state: this.features === null ? null : this.stateJSON(),
    };
  }

  /** Starts learning afresh for data with `cols` columns. */
  protected abstract reset(cols: number): void;
  /** Adds what the table teaches (its columns' statistics) to what was learned so far. */
  protected abstract learn(table: Table): void;
  /** The center and scale of column j from what was learned; a scale of 0 or NaN is replaced by 1. */
  protected abstract centerAndScale(j: number): [number, number];
  protected abstract optionsJSON(): Record<string, unknown>;
  protected abstract stateJSON(): Record<string, unknown>;
  protected abstract restoreState(state: Record<string, unknown>, cols: number): void;

  /** Hook for MinMaxScaler's clipping. */
  protected postTransform(_out: Float32Array | Float64Array, _cols: number): void {}
  protected clipOne(y: number): number {
    return y;
  }

  protected update(): void {
    const cols = this.features!;
    this.#center = new Float64Array(cols);
    this.#scale = new Float64Array(cols);
    for (let j = 0; j < cols; j++) {
      const [c, s] = this.centerAndScale(j);
      this.#center[j] = Number.isFinite(c) ? c : 0;
      this.#scale[j] = s === 0 || !Number.isFinite(s) ? 1 : s;
    }
  }

  protected read(method: string, X: Data, options: CallOptions | undefined, fitted: boolean): Table {
    const fn = `${this.name}.${method}`;
    if (fitted) this.requireFitted(method);
    const o = checkOptions<CallOptions>(fn, options, ['shape']);
    return readTable(
      fn,
      'X',
      X,
      { shape: o.shape, columns: this.columns ?? undefined },
      fitted ? this.features! : undefined,
    );
  }

  protected requireFitted(method: string): void {
    if (this.features === null) {
      throw new Error(`${this.name}.${method}: the scaler is not fitted yet; call fit() or partialFit() first`);
    }
  }

  /** For fromJSON: restores the fitted state of checked JSON (see checkEnvelope) into a new `scaler`. */
  protected static restore<S extends ColumnScaler>(scaler: S, j: ScalerJSON): S {
    if (j.state !== null) {
      const fn = `${scaler.name}.fromJSON`;
      const cols = checkInteger(fn, 'json.state.features', j.state.features, 1, 2 ** 31 - 1);
      scaler.reset(cols);
      scaler.restoreState(j.state, cols);
      scaler.update();
    }
    return scaler;
  }
}

function checkEnvelope(fn: string, json: unknown, type: string): ScalerJSON {
  if (typeof json === 'string') json = JSON.parse(json);
  if (typeof json !== 'object' || json === null) throw typeError(fn, 'json', `a ${type} as toJSON() returns it`, json);
  const j = json as ScalerJSON;
  if (j.type !== type) throw rangeError(fn, 'json.type', `'${type}'`, describe(j.type));
  if (j.version !== FORMAT_VERSION) throw rangeError(fn, 'json.version', String(FORMAT_VERSION), describe(j.version));
  if (typeof j.options !== 'object' || j.options === null) throw typeError(fn, 'json.options', 'an object', j.options);
  if (j.state !== null && (typeof j.state !== 'object' || Array.isArray(j.state))) {
    throw typeError(fn, 'json.state', 'an object or null', j.state);
  }
  return j;
}

// A state array of `cols` finite numbers (or of numbers that may be +-Infinity, for MinMax's empty columns).
function stateArray(
  fn: string,
  state: Record<string, unknown>,
  key: string,
  cols: number,
  infinite = false,
): Float64Array {
  const a = state[key];
  if (!Array.isArray(a) || a.length !== cols)
    throw typeError(fn, `json.state.${key}`, `an array of ${cols} numbers`, a);
  return Float64Array.from(a, (x, i) => {
    if (infinite && (x === 'Infinity' || x === '-Infinity')) return Number(x);
    return checkFinite(fn, `json.state.${key}[${i}]`, x);
  });
}

// scikit-learn's rule for a spread that is zero within rounding (a constant column): it counts as 1.
const spreadOrOne = (s: number) => (s < 10 * Number.EPSILON ? 1 : s);

// JSON has no Infinity: MinMax's "no value yet" bounds are written as strings.
const jsonNumber = (x: number) => (Number.isFinite(x) ? x : String(x));

/** Options of fitStream(). */
export interface StreamFitOptions {
  /** Rows per partialFit call. Default 4096. */
  chunkRows?: number;
}

/** Options common to every column scaler. */
export interface ColumnOptions {
  /** For rows given as objects: the numeric fields to scale, in order. Other fields pass through untouched. */
  columns?: readonly string[];
}

// ---- StandardScaler ----

export interface StandardScalerOptions extends ColumnOptions {
  /** Subtract the mean. Default true. */
  withMean?: boolean;
  /** Divide by the standard deviation. Default true. */
  withStd?: boolean;
  /** Delta degrees of freedom of the variance: divide the squared deviations by n - ddof. Default 0 (scikit-learn). */
  ddof?: number;
}

/**
 * scikit-learn's StandardScaler: (x - mean) / std per column, NaN ignored. A column whose variance is zero (within
 * rounding, as scikit-learn judges it) gets a scale of 1. partialFit() merges chunks with Chan et al.'s parallel
 * update of the mean and the sum of squared deviations, so any chunking gives the statistics of the whole.
 */
export class StandardScaler extends ColumnScaler {
  readonly withMean: boolean;
  readonly withStd: boolean;
  readonly ddof: number;
  #moments: Moments[] = [];

  constructor(options?: StandardScalerOptions) {
    const fn = 'StandardScaler';
    const o = checkOptions<StandardScalerOptions>(fn, options, ['withMean', 'withStd', 'ddof', 'columns']);
    super(o.columns, fn);
    this.withMean = o.withMean === undefined ? true : checkBoolean(fn, 'withMean', o.withMean);
    this.withStd = o.withStd === undefined ? true : checkBoolean(fn, 'withStd', o.withStd);
    this.ddof = o.ddof === undefined ? 0 : checkInteger(fn, 'ddof', o.ddof, 0, 2 ** 31 - 1);
  }

  /** Learns from one more chunk of the data, as if it had been part of one fit(). Returns this. */
  partialFit(X: Data, options?: CallOptions): this {
    return this.partialFitChunk(X, options);
  }

  /** Fits on rows from an iterable or async iterable in one pass, in constant memory. */
  fitStream(source: Iterable<unknown> | AsyncIterable<unknown>, options?: StreamFitOptions): Promise<this> {
    return this.fitRows(source, options);
  }

  /** Mean per column (of the non-NaN values). */
  get mean(): Float64Array {
    this.requireFitted('mean');
    return Float64Array.from(this.#moments, (m) => m.mean);
  }
  /** Variance per column, sum of squared deviations / (n - ddof). */
  get variance(): Float64Array {
    this.requireFitted('variance');
    return Float64Array.from(this.#moments, (m) => this.varianceOf(m));
  }
  /** Non-NaN values seen per column. */
  get nSamplesSeen(): Float64Array {
    this.requireFitted('nSamplesSeen');
    return Float64Array.from(this.#moments, (m) => m.n);
  }

  static fromJSON(json: unknown): StandardScaler {
    const j = checkEnvelope('StandardScaler.fromJSON', json, 'StandardScaler');
    return ColumnScaler.restore(new StandardScaler(j.options as StandardScalerOptions), j);
  }

  private varianceOf(m: Moments): number {
    return m.n - this.ddof > 0 ? m.m2 / (m.n - this.ddof) : 0;
  }

  protected reset(cols: number): void {
    this.features = cols;
    this.#moments = Array.from({ length: cols }, () => ({ n: 0, mean: 0, m2: 0 }));
  }
  protected learn(table: Table): void {
    columnMoments(table).forEach((m, j) => (this.#moments[j] = mergeMoments(this.#moments[j], m)));
  }
  protected centerAndScale(j: number): [number, number] {
    const m = this.#moments[j];
    const variance = this.varianceOf(m);
    // scikit-learn's test for a constant feature: a variance within rounding of zero.
    const eps = Number.EPSILON;
    const constant = variance <= m.n * eps * variance + (m.n * m.mean * eps) ** 2;
    return [this.withMean ? m.mean : 0, this.withStd && !constant ? Math.sqrt(variance) : 1];
  }
  protected optionsJSON() {
    return { withMean: this.withMean, withStd: this.withStd, ddof: this.ddof, columns: this.columns };
  }
  protected stateJSON() {
    return {
      features: this.features,
      n: this.#moments.map((m) => m.n),
      mean: this.#moments.map((m) => m.mean),
      m2: this.#moments.map((m) => m.m2),
    };
  }
  protected restoreState(state: Record<string, unknown>, cols: number): void {
    const fn = 'StandardScaler.fromJSON';
    const n = stateArray(fn, state, 'n', cols);
    const mean = stateArray(fn, state, 'mean', cols);
    const m2 = stateArray(fn, state, 'm2', cols);
    this.#moments = Array.from({ length: cols }, (_, j) => ({ n: n[j], mean: mean[j], m2: m2[j] }));
  }
}

// ---- MinMaxScaler ----

export interface MinMaxScalerOptions extends ColumnOptions {
  /** The interval [a, b], a < b, that the fitted data's [min, max] maps onto. Default [0, 1]. */
  featureRange?: readonly [number, number];
  /** Clip transformed values into featureRange (new data can fall outside). Default false. */
  clip?: boolean;
}

/**
 * scikit-learn's MinMaxScaler: maps each column's [min, max] onto featureRange, NaN ignored. A constant column's
 * zero range counts as 1 (as in scikit-learn): it maps to a, and never divides by zero.
 */
export class MinMaxScaler extends ColumnScaler {
  readonly featureRange: readonly [number, number];
  readonly clip: boolean;
  #min: Float64Array = new Float64Array(0);
  #max: Float64Array = new Float64Array(0);

  constructor(options?: MinMaxScalerOptions) {
    const fn = 'MinMaxScaler';
    const o = checkOptions<MinMaxScalerOptions>(fn, options, ['featureRange', 'clip', 'columns']);
    super(o.columns, fn);
    const range = o.featureRange ?? [0, 1];
    this.featureRange = checkInterval(fn, 'featureRange', range, 'an array [a, b] with a < b', (a, b) => a < b);
    this.clip = o.clip === undefined ? false : checkBoolean(fn, 'clip', o.clip);
  }

  /** Learns from one more chunk of the data, as if it had been part of one fit(). Returns this. */
  partialFit(X: Data, options?: CallOptions): this {
    return this.partialFitChunk(X, options);
  }

  /** Fits on rows from an iterable or async iterable in one pass, in constant memory. */
  fitStream(source: Iterable<unknown> | AsyncIterable<unknown>, options?: StreamFitOptions): Promise<this> {
    return this.fitRows(source, options);
  }

  get dataMin(): Float64Array {
    this.requireFitted('dataMin');
    return this.#min.slice();
  }
  get dataMax(): Float64Array {
    this.requireFitted('dataMax');
    return this.#max.slice();
  }

  static fromJSON(json: unknown): MinMaxScaler {
    const j = checkEnvelope('MinMaxScaler.fromJSON', json, 'MinMaxScaler');
    return ColumnScaler.restore(new MinMaxScaler(j.options as MinMaxScalerOptions), j);
  }

  protected reset(cols: number): void {
    this.features = cols;
    this.#min = new Float64Array(cols).fill(Infinity);
    this.#max = new Float64Array(cols).fill(-Infinity);
  }
  protected learn(table: Table): void {
    const { min, max } = columnExtrema(table);
    for (let j = 0; j < table.cols; j++) {
      this.#min[j] = Math.min(this.#min[j], min[j]);
      this.#max[j] = Math.max(this.#max[j], max[j]);
    }
  }
  protected centerAndScale(j: number): [number, number] {
    const [a, b] = this.featureRange;
    const min = this.#min[j];
    if (!(min <= this.#max[j])) return [0, 1]; // no value seen
    // y = a + (x - min) (b - a) / range, with a constant column's zero range counting as 1 (so it maps to a)
    const scale = spreadOrOne(this.#max[j] - min) / (b - a);
    return [min - a * scale, scale];
  }
  protected override postTransform(out: Float32Array | Float64Array): void {
    if (!this.clip) return;
    for (let k = 0; k < out.length; k++) out[k] = this.clipOne(out[k]);
  }
  protected override clipOne(y: number): number {
    if (!this.clip) return y;
    const [a, b] = this.featureRange;
    return y < a ? a : y > b ? b : y; // NaN stays NaN
  }
  protected optionsJSON() {
    return { featureRange: [...this.featureRange], clip: this.clip, columns: this.columns };
  }
  protected stateJSON() {
    return { features: this.features, min: Array.from(this.#min, jsonNumber), max: Array.from(this.#max, jsonNumber) };
  }
  protected restoreState(state: Record<string, unknown>, cols: number): void {
    this.#min = stateArray('MinMaxScaler.fromJSON', state, 'min', cols, true);
    this.#max = stateArray('MinMaxScaler.fromJSON', state, 'max', cols, true);
  }
}

// ---- MaxAbsScaler and DecimalScaler: both learn max |x| ----

abstract class MaxAbsBased extends ColumnScaler {
  protected maxAbs: Float64Array = new Float64Array(0);

  /** Learns from one more chunk of the data, as if it had been part of one fit(). Returns this. */
  partialFit(X: Data, options?: CallOptions): this {
    return this.partialFitChunk(X, options);
  }

  /** Fits on rows from an iterable or async iterable in one pass, in constant memory. */
  fitStream(source: Iterable<unknown> | AsyncIterable<unknown>, options?: StreamFitOptions): Promise<this> {
    return this.fitRows(source, options);
  }

  protected reset(cols: number): void {
    this.features = cols;
    this.maxAbs = new Float64Array(cols);
  }
  protected learn(table: Table): void {
    const m = columnExtrema(table).maxAbs;
    for (let j = 0; j < table.cols; j++) this.maxAbs[j] = Math.max(this.maxAbs[j], m[j]);
  }
  protected optionsJSON() {
    return { columns: this.columns };
  }
  protected stateJSON() {
    return { features: this.features, maxAbs: Array.from(this.maxAbs) };
  }
  protected restoreState(state: Record<string, unknown>, cols: number): void {
    this.maxAbs = stateArray(`${this.name}.fromJSON`, state, 'maxAbs', cols);
  }
}

/** scikit-learn's MaxAbsScaler: x / max |x| per column, NaN ignored; a column of zeros gets a scale of 1. */
export class MaxAbsScaler extends MaxAbsBased {
  constructor(options?: ColumnOptions) {
    const o = checkOptions<ColumnOptions>('MaxAbsScaler', options, ['columns']);
    super(o.columns, 'MaxAbsScaler');
  }
  get maxAbsValue(): Float64Array {
    this.requireFitted('maxAbsValue');
    return this.maxAbs.slice();
  }
  static fromJSON(json: unknown): MaxAbsScaler {
    const j = checkEnvelope('MaxAbsScaler.fromJSON', json, 'MaxAbsScaler');
    return ColumnScaler.restore(new MaxAbsScaler(j.options as ColumnOptions), j);
  }
  protected centerAndScale(j: number): [number, number] {
    return [0, spreadOrOne(this.maxAbs[j])];
  }
}

/**
 * Decimal scaling: x / 10^j per column, with j the smallest integer such that max |x| / 10^j < 1 (so every scaled
 * value lies in (-1, 1)); NaN ignored; a column of zeros gets j = 0.
 */
export class DecimalScaler extends MaxAbsBased {
  constructor(options?: ColumnOptions) {
    const o = checkOptions<ColumnOptions>('DecimalScaler', options, ['columns']);
    super(o.columns, 'DecimalScaler');
  }
  /** j per column. */
  get exponents(): Int32Array {
    this.requireFitted('exponents');
    return Int32Array.from(this.maxAbs, decimalExponent);
  }
  static fromJSON(json: unknown): DecimalScaler {
    const j = checkEnvelope('DecimalScaler.fromJSON', json, 'DecimalScaler');
    return ColumnScaler.restore(new DecimalScaler(j.options as ColumnOptions), j);
  }
  protected centerAndScale(j: number): [number, number] {
    return [0, 10 ** decimalExponent(this.maxAbs[j])];
  }
}

// ---- RobustScaler ----

export interface RobustScalerOptions extends ColumnOptions {
  /** Subtract the median. Default true. */
  withCentering?: boolean;
  /** Divide by the interquartile range (quantileRange). Default true. */
  withScaling?: boolean;
  /** [qMin, qMax] in percent, 0 <= qMin < qMax <= 100. Default [25, 75]. */
  quantileRange?: readonly [number, number];
  /** Also divide by the standard normal's range over quantileRange, so normal data gets unit variance. Default false. */
  unitVariance?: boolean;
}

/**
 * scikit-learn's RobustScaler: (x - median) / (quantile(qMax) - quantile(qMin)) per column, NaN ignored, with
 * NumPy's linear quantiles. Medians need all the data, so it has no partialFit.
 */
export class RobustScaler extends ColumnScaler {
  readonly withCentering: boolean;
  readonly withScaling: boolean;
  readonly quantileRange: readonly [number, number];
  readonly unitVariance: boolean;
  #median: Float64Array = new Float64Array(0);
  #range: Float64Array = new Float64Array(0);

  constructor(options?: RobustScalerOptions) {
    const fn = 'RobustScaler';
    const o = checkOptions<RobustScalerOptions>(fn, options, [
      'withCentering',
      'withScaling',
      'quantileRange',
      'unitVariance',
      'columns',
    ]);
    super(o.columns, fn);
    this.withCentering = o.withCentering === undefined ? true : checkBoolean(fn, 'withCentering', o.withCentering);
    this.withScaling = o.withScaling === undefined ? true : checkBoolean(fn, 'withScaling', o.withScaling);
    this.unitVariance = o.unitVariance === undefined ? false : checkBoolean(fn, 'unitVariance', o.unitVariance);
    const expected = 'an array [qMin, qMax] with 0 <= qMin < qMax <= 100';
    this.quantileRange = checkInterval(fn, 'quantileRange', o.quantileRange ?? [25, 75], expected, (lo, hi) => {
      return lo >= 0 && lo < hi && hi <= 100;
    });
  }

  static fromJSON(json: unknown): RobustScaler {
    const j = checkEnvelope('RobustScaler.fromJSON', json, 'RobustScaler');
    return ColumnScaler.restore(new RobustScaler(j.options as RobustScalerOptions), j);
  }

  protected reset(cols: number): void {
    this.features = cols;
    this.#median = new Float64Array(cols);
    this.#range = new Float64Array(cols);
  }
  protected learn(table: Table): void {
    const [lo, hi] = this.quantileRange;
    for (let j = 0; j < table.cols; j++) {
      const sorted = sortedValues(column(table, j));
      this.#median[j] = sorted.length ? quantile(sorted, 0.5, 'linear') : 0;
      this.#range[j] = sorted.length ? quantile(sorted, hi / 100, 'linear') - quantile(sorted, lo / 100, 'linear') : 0;
    }
  }
  protected centerAndScale(j: number): [number, number] {
    // as scikit-learn: a zero range counts as 1 before the unit-variance factor applies
    let scale = this.withScaling ? spreadOrOne(this.#range[j]) : 1;
    if (this.withScaling && this.unitVariance) {
      const [lo, hi] = this.quantileRange;
      scale /= normalQuantile(hi / 100) - normalQuantile(lo / 100);
    }
    return [this.withCentering ? this.#median[j] : 0, scale];
  }
  protected optionsJSON() {
    return {
      withCentering: this.withCentering,
      withScaling: this.withScaling,
      quantileRange: [...this.quantileRange],
      unitVariance: this.unitVariance,
      columns: this.columns,
    };
  }
  protected stateJSON() {
    return { features: this.features, median: Array.from(this.#median), range: Array.from(this.#range) };
  }
  protected restoreState(state: Record<string, unknown>, cols: number): void {
    this.#median = stateArray('RobustScaler.fromJSON', state, 'median', cols);
    this.#range = stateArray('RobustScaler.fromJSON', state, 'range', cols);
  }
}

/**
 * The standard normal quantile function (probit), by Wichura's algorithm AS 241 (PPND16), accurate to about 1e-16.
 * Infinity at 1 and -Infinity at 0.
 */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
          45921.953931549871457) *
          r +
          13731.693765509461125) *
          r +
          1971.5909503065514427) *
          r +
          133.14166789178437745) *
          r +
          3.387132872796366608)) /
      (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
        21213.794301586595867) *
        r +
        5394.1960214247511077) *
        r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
        1)
    );
  }
  let r = q < 0 ? p : 1 - p;
  r = Math.sqrt(-Math.log(r));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x =
      (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
        1.27045825245236838258) *
        r +
        3.64784832476320460504) *
        r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
        1.42343711074968357734) /
      (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
        0.14810397642748007459) *
        r +
        0.68976733498510000455) *
        r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
        1);
  } else {
    r -= 5;
    x =
      (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
        0.026532189526576123093) *
        r +
        0.29656057182850489123) *
        r +
        1.7848265399172913358) *
        r +
        5.4637849111641143699) *
        r +
        6.6579046435011037772) /
      (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
        7.868691311456132591e-4) *
        r +
        0.0148753612908506148525) *
        r +
        0.13692988092273580531) *
        r +
        0.59983220655588793769) *
        r +
        1);
  }
  return q < 0 ? -x : x;
}

// ---- Normalizer ----

export interface NormalizerOptions {
  /** Each row is divided by its 'l2' (default), 'l1' or 'max' norm. */
  norm?: 'l2' | 'l1' | 'max';
}

/**
 * scikit-learn's Normalizer: scales each row to unit norm, NaN ignored (and kept); a row of zeros stays zero. It is
 * stateless: fit() only records the number of columns. A row's norm is not kept, so it cannot be inverted:
 * inverseTransform() throws.
 */
export class Normalizer {
  readonly norm: 'l2' | 'l1' | 'max';
  #features: number | null = null;

  constructor(options?: NormalizerOptions) {
    const o = checkOptions<NormalizerOptions>('Normalizer', options, ['norm']);
    this.norm = o.norm === undefined ? 'l2' : checkChoice('Normalizer', 'norm', o.norm, ['l2', 'l1', 'max']);
  }

  fit(X: Data, options?: CallOptions): this {
    this.#features = readTable('Normalizer.fit', 'X', X, checkOptions('Normalizer.fit', options, ['shape'])).cols;
    return this;
  }

  transform(X: Data, options?: CallOptions): Data {
    const fn = 'Normalizer.transform';
    const table = readTable(fn, 'X', X, checkOptions(fn, options, ['shape']), this.#features ?? undefined);
    const out = allocate(table);
    const p = this.norm === 'l2' ? 2 : this.norm === 'l1' ? 1 : Infinity;
    for (let i = 0; i < table.rows; i++) {
      const s = spreadOrOne(pNorm(row(table, i), p));
      for (let j = 0, k = i * table.cols; j < table.cols; j++, k++) out[k] = table.values[k] / s;
    }
    return writeTable(table, out);
  }

  fitTransform(X: Data, options?: CallOptions): Data {
    return this.fit(X, options).transform(X, options);
  }

  inverseTransform(): never {
    throw new Error(
      'Normalizer.inverseTransform: a row-wise normalization cannot be undone, rows do not keep their norm',
    );
  }

  get nFeatures(): number | null {
    return this.#features;
  }

  toJSON(): ScalerJSON {
    return {
      type: 'Normalizer',
      version: FORMAT_VERSION,
      options: { norm: this.norm },
      state: this.#features === null ? null : { features: this.#features },
    };
  }

  static fromJSON(json: unknown): Normalizer {
    const fn = 'Normalizer.fromJSON';
    const j = checkEnvelope(fn, json, 'Normalizer');
    const n = new Normalizer(j.options as NormalizerOptions);
    if (j.state !== null) n.#features = checkInteger(fn, 'json.state.features', j.state.features, 1, 2 ** 31 - 1);
    return n;
  }
}
