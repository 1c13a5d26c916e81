// scikit-learn's scalers, NaN-aware: each learns a center and a scale per column in fit() and applies
// y = (x - center) / scale in transform(). Standard, MinMax, MaxAbs and Decimal scalers can also learn from chunks
// (partialFit, fitStream) in constant memory; RobustScaler needs all the data at once (medians); Normalizer is
// row-wise and stateless. All of them serialize with toJSON()/fromJSON() (and scalerFromJSON()), fitted state
// included, and all of them are a Scaler (protocol.ts), so a model can hold any of them. What they share (reading,
// learning into a state, transforming, partialFit and fitStream) is in column-scaler.ts.
import { MAX_DIM, checkBoolean, checkChoice, checkInteger, checkInterval, checkOptions } from '../validate.js';
import {
  type ColumnOptions,
  type ExtremaState,
  type MomentsState,
  ColumnScaler,
  FORMAT_VERSION,
  StreamingScaler,
  checkCallOptions,
  checkColumns,
  checkEnvelope,
  emptyExtrema,
  emptyMoments,
  learnExtrema,
  learnMoments,
} from './column-scaler.js';
import {
  type CallOptions,
  type Data,
  type NumericArray,
  type Table,
  type Transformed,
  allocate,
  column,
  readTable,
  row,
  writeTable,
} from './data.js';
import { decimalExponent } from './normalize.js';
import { normalQuantile } from './normal-quantile.js';
import type { Scaler, ScalerJSON } from './protocol.js';
import { columnExtrema, pNorm, quantile, sortedValues } from './stats.js';

export type { CallOptions } from './data.js';
export type { ColumnOptions, ScalerState, StreamFitOptions } from './column-scaler.js';
export type { ScalerJSON } from './protocol.js';

// scikit-learn's rule for a spread that is zero within rounding (a constant column): it counts as 1.
const spreadOrOne = (s: number) => (s < 10 * Number.EPSILON ? 1 : s);

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
export class StandardScaler extends StreamingScaler<MomentsState> {
  static override readonly typeName = 'StandardScaler';
  readonly withMean: boolean;
  readonly withStd: boolean;
  readonly ddof: number;

  constructor(options?: StandardScalerOptions) {
    const fn = 'StandardScaler';
    const o = checkOptions<StandardScalerOptions>(fn, options, ['withMean', 'withStd', 'ddof', 'columns']);
    super(o.columns, fn);
    this.withMean = o.withMean === undefined ? true : checkBoolean(fn, 'withMean', o.withMean);
    this.withStd = o.withStd === undefined ? true : checkBoolean(fn, 'withStd', o.withStd);
    this.ddof = o.ddof === undefined ? 0 : checkInteger(fn, 'ddof', o.ddof, 0, MAX_DIM);
  }

  /** Mean per column (of the non-NaN values). */
  get mean(): Float64Array {
    this.fittedColumns('mean');
    return this.stats!.mean.slice();
  }
  /** Variance per column, sum of squared deviations / (n - ddof). */
  get variance(): Float64Array {
    this.fittedColumns('variance');
    const { n, m2 } = this.stats!;
    return Float64Array.from(n, (_, j) => this.varianceOf(n[j], m2[j]));
  }
  /** Non-NaN values seen per column. */
  get nSamplesSeen(): Float64Array {
    this.fittedColumns('nSamplesSeen');
    return this.stats!.n.slice();
  }

  static fromJSON(json: unknown): StandardScaler {
    const j = checkEnvelope('StandardScaler.fromJSON', json, StandardScaler.typeName);
    return ColumnScaler.restore(new StandardScaler(j.options as StandardScalerOptions), j);
  }

  private varianceOf(n: number, m2: number): number {
    return n - this.ddof > 0 ? m2 / (n - this.ddof) : 0;
  }

  protected emptyState(cols: number): MomentsState {
    return emptyMoments(cols);
  }
  protected learn(state: MomentsState, table: Table): void {
    learnMoments(state, table);
  }
  protected centerAndScale(state: MomentsState, j: number): [number, number] {
    const n = state.n[j];
    const mean = state.mean[j];
    const variance = this.varianceOf(n, state.m2[j]);
    // scikit-learn's test for a constant feature: a variance within rounding of zero.
    const eps = Number.EPSILON;
    const constant = variance <= n * eps * variance + (n * mean * eps) ** 2;
    return [this.withMean ? mean : 0, this.withStd && !constant ? Math.sqrt(variance) : 1];
  }
  protected optionsJSON() {
    return { withMean: this.withMean, withStd: this.withStd, ddof: this.ddof, columns: this.columns };
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
export class MinMaxScaler extends StreamingScaler<ExtremaState> {
  static override readonly typeName = 'MinMaxScaler';
  readonly featureRange: readonly [number, number];
  readonly clip: boolean;

  constructor(options?: MinMaxScalerOptions) {
    const fn = 'MinMaxScaler';
    const o = checkOptions<MinMaxScalerOptions>(fn, options, ['featureRange', 'clip', 'columns']);
    super(o.columns, fn);
    const range = o.featureRange ?? [0, 1];
    this.featureRange = checkInterval(fn, 'featureRange', range, 'an array [a, b] with a < b', (a, b) => a < b);
    this.clip = o.clip === undefined ? false : checkBoolean(fn, 'clip', o.clip);
  }

  get dataMin(): Float64Array {
    this.fittedColumns('dataMin');
    return this.stats!.min.slice();
  }
  get dataMax(): Float64Array {
    this.fittedColumns('dataMax');
    return this.stats!.max.slice();
  }

  static fromJSON(json: unknown): MinMaxScaler {
    const j = checkEnvelope('MinMaxScaler.fromJSON', json, MinMaxScaler.typeName);
    return ColumnScaler.restore(new MinMaxScaler(j.options as MinMaxScalerOptions), j);
  }

  protected emptyState(cols: number): ExtremaState {
    return emptyExtrema(cols);
  }
  protected learn(state: ExtremaState, table: Table): void {
    learnExtrema(state, table);
  }
  protected centerAndScale(state: ExtremaState, j: number): [number, number] {
    const [a, b] = this.featureRange;
    const min = state.min[j];
    if (!(min <= state.max[j])) return [0, 1]; // no value seen
    // y = a + (x - min) (b - a) / range, with a constant column's zero range counting as 1 (so it maps to a)
    const scale = spreadOrOne(state.max[j] - min) / (b - a);
    return [min - a * scale, scale];
  }
  protected override applyValues(table: Table, inverse: boolean, out: NumericArray): void {
    super.applyValues(table, inverse, out);
    if (!this.clip || inverse) return;
    const [a, b] = this.featureRange;
    for (let k = 0; k < out.length; k++) out[k] = clipTo(out[k], a, b);
  }
  protected override rowMap(): (x: number, j: number) => number {
    const map = super.rowMap();
    if (!this.clip) return map;
    const [a, b] = this.featureRange;
    return (x, j) => clipTo(map(x, j), a, b);
  }
  protected optionsJSON() {
    return { featureRange: [...this.featureRange], clip: this.clip, columns: this.columns };
  }
}

const clipTo = (y: number, a: number, b: number) => (y < a ? a : y > b ? b : y); // NaN stays NaN

// ---- MaxAbsScaler and DecimalScaler: both learn max |x| ----

type MaxAbsState = { maxAbs: Float64Array };

abstract class MaxAbsBased extends StreamingScaler<MaxAbsState> {
  protected emptyState(cols: number): MaxAbsState {
    return { maxAbs: new Float64Array(cols) };
  }
  protected learn(state: MaxAbsState, table: Table): void {
    const m = columnExtrema(table).maxAbs;
    for (let j = 0; j < table.cols; j++) state.maxAbs[j] = Math.max(state.maxAbs[j], m[j]);
  }
  protected optionsJSON() {
    return { columns: this.columns };
  }
}

/** scikit-learn's MaxAbsScaler: x / max |x| per column, NaN ignored; a column of zeros gets a scale of 1. */
export class MaxAbsScaler extends MaxAbsBased {
  static override readonly typeName = 'MaxAbsScaler';
  constructor(options?: ColumnOptions) {
    const o = checkOptions<ColumnOptions>('MaxAbsScaler', options, ['columns']);
    super(o.columns, 'MaxAbsScaler');
  }
  get maxAbsValue(): Float64Array {
    this.fittedColumns('maxAbsValue');
    return this.stats!.maxAbs.slice();
  }
  static fromJSON(json: unknown): MaxAbsScaler {
    const j = checkEnvelope('MaxAbsScaler.fromJSON', json, MaxAbsScaler.typeName);
    return ColumnScaler.restore(new MaxAbsScaler(j.options as ColumnOptions), j);
  }
  protected centerAndScale(state: MaxAbsState, j: number): [number, number] {
    return [0, spreadOrOne(state.maxAbs[j])];
  }
}

/**
 * Decimal scaling: x / 10^j per column, with j the smallest integer such that max |x| / 10^j < 1 (so every scaled
 * value lies in (-1, 1)); NaN ignored; a column of zeros gets j = 0.
 */
export class DecimalScaler extends MaxAbsBased {
  static override readonly typeName = 'DecimalScaler';
  constructor(options?: ColumnOptions) {
    const o = checkOptions<ColumnOptions>('DecimalScaler', options, ['columns']);
    super(o.columns, 'DecimalScaler');
  }
  /** j per column. */
  get exponents(): Int32Array {
    this.fittedColumns('exponents');
    return Int32Array.from(this.stats!.maxAbs, decimalExponent);
  }
  static fromJSON(json: unknown): DecimalScaler {
    const j = checkEnvelope('DecimalScaler.fromJSON', json, DecimalScaler.typeName);
    return ColumnScaler.restore(new DecimalScaler(j.options as ColumnOptions), j);
  }
  protected centerAndScale(state: MaxAbsState, j: number): [number, number] {
    return [0, 10 ** decimalExponent(state.maxAbs[j])];
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

type RobustState = { median: Float64Array; range: Float64Array };

/**
 * scikit-learn's RobustScaler: (x - median) / (quantile(qMax) - quantile(qMin)) per column, NaN ignored, with
 * NumPy's linear quantiles. Medians need all the data, so it has no partialFit.
 */
export class RobustScaler extends ColumnScaler<RobustState> {
  static override readonly typeName = 'RobustScaler';
  readonly withCentering: boolean;
  readonly withScaling: boolean;
  readonly quantileRange: readonly [number, number];
  readonly unitVariance: boolean;

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
    const j = checkEnvelope('RobustScaler.fromJSON', json, RobustScaler.typeName);
    return ColumnScaler.restore(new RobustScaler(j.options as RobustScalerOptions), j);
  }

  protected emptyState(cols: number): RobustState {
    return { median: new Float64Array(cols), range: new Float64Array(cols) };
  }
  // fit() only (a fresh state): medians do not merge
  protected learn(state: RobustState, table: Table): void {
    const [lo, hi] = this.quantileRange;
    for (let j = 0; j < table.cols; j++) {
      const sorted = sortedValues(column(table, j));
      state.median[j] = sorted.length ? quantile(sorted, 0.5, 'linear') : 0;
      state.range[j] = sorted.length ? quantile(sorted, hi / 100, 'linear') - quantile(sorted, lo / 100, 'linear') : 0;
    }
  }
  protected centerAndScale(state: RobustState, j: number): [number, number] {
    // as scikit-learn: a zero range counts as 1 before the unit-variance factor applies
    let scale = this.withScaling ? spreadOrOne(state.range[j]) : 1;
    if (this.withScaling && this.unitVariance) {
      const [lo, hi] = this.quantileRange;
      scale /= normalQuantile(hi / 100) - normalQuantile(lo / 100);
    }
    return [this.withCentering ? state.median[j] : 0, scale];
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
}

// ---- Normalizer ----

export interface NormalizerOptions extends ColumnOptions {
  /** Each row is divided by its 'l2' (default), 'l1' or 'max' norm. */
  norm?: 'l2' | 'l1' | 'max';
}

/**
 * scikit-learn's Normalizer: scales each row to unit norm, NaN ignored (and kept); a row of zeros stays zero. It is
 * stateless: fit() only records the number of columns. A row's norm is not kept, so it cannot be inverted:
 * inverseTransform() throws.
 */
export class Normalizer implements Scaler {
  static readonly typeName = 'Normalizer';
  readonly norm: 'l2' | 'l1' | 'max';
  /** For rows given as objects: the numeric fields, in order. Other fields pass through untouched. */
  readonly columns: readonly string[] | null;
  #features: number | null = null;

  constructor(options?: NormalizerOptions) {
    const o = checkOptions<NormalizerOptions>('Normalizer', options, ['norm', 'columns']);
    this.norm = o.norm === undefined ? 'l2' : checkChoice('Normalizer', 'norm', o.norm, ['l2', 'l1', 'max']);
    this.columns = checkColumns('Normalizer', o.columns);
  }

  fit<D extends Data>(X: D, options?: CallOptions<D>): this {
    this.#features = this.read('fit', X, options, undefined).cols;
    return this;
  }

  transform<D extends Data>(X: D, options?: CallOptions<D>): Transformed<D> {
    const table = this.read('transform', X, options, this.#features ?? undefined);
    const out = allocate(table);
    const p = this.norm === 'l2' ? 2 : this.norm === 'l1' ? 1 : Infinity;
    for (let i = 0; i < table.rows; i++) {
      const s = spreadOrOne(pNorm(row(table, i), p));
      for (let j = 0, k = i * table.cols; j < table.cols; j++, k++) out[k] = table.values[k] / s;
    }
    return writeTable<D>(table, out);
  }

  fitTransform<D extends Data>(X: D, options?: CallOptions<D>): Transformed<D> {
    return this.fit(X, options).transform(X, options);
  }

  inverseTransform(_X?: unknown, _options?: unknown): never {
    throw new Error(
      'Normalizer.inverseTransform: a row-wise normalization cannot be undone, rows do not keep their norm',
    );
  }

  get nFeatures(): number | null {
    return this.#features;
  }

  toJSON(): ScalerJSON {
    return {
      type: Normalizer.typeName,
      version: FORMAT_VERSION,
      options: { norm: this.norm, columns: this.columns },
      state: this.#features === null ? null : { features: this.#features },
    };
  }

  static fromJSON(json: unknown): Normalizer {
    const fn = 'Normalizer.fromJSON';
    const j = checkEnvelope(fn, json, Normalizer.typeName);
    const n = new Normalizer(j.options);
    if (j.state !== null) n.#features = checkInteger(fn, 'json.state.features', j.state.features, 1, MAX_DIM);
    return n;
  }

  private read(method: string, X: unknown, options: unknown, fitted: number | undefined): Table {
    const fn = `Normalizer.${method}`;
    const o = checkCallOptions(fn, 'Normalizer', options);
    return readTable(fn, 'X', X, {
      shape: o.shape,
      columns: this.columns,
      columnsOf: { scaler: 'Normalizer' },
      fitted,
    });
  }
}
