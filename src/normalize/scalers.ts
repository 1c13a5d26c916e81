// scikit-learn's scalers, NaN-aware: each learns a center and a scale per column in fit() and applies
// y = (x - center) / scale in transform(). Standard, MinMax, MaxAbs and Decimal scalers can also learn from chunks
// (partialFit, fitStream) in constant memory; RobustScaler needs all the data at once (medians); Normalizer is
// row-wise and stateless. All of them serialize with toJSON()/fromJSON() (and scalerFromJSON()), fitted state
// included, and all of them are a Scaler (protocol.ts), so a model can hold any of them.
//
// How the code is shared: ColumnScaler reads data, keeps what was learned (its "state": per-column statistics,
// one Float64Array per statistic) and applies the per-column transform; StreamingScaler adds partialFit() and
// fitStream(). A scaler only says what its state is, how a table adds to it, and what center and scale it gives.
// Learning always goes into a fresh or copied state that replaces the old one only when it is complete, so a call
// that fails leaves the scaler exactly as it was.
import { backend } from '../backend/index.js';
import {
  MAX_DIM,
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
import {
  type CallOptions,
  type Data,
  type Matrix,
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
import { columnExtrema, columnMoments, mergeMoments, pNorm, quantile, sortedValues } from './stats.js';
import { rowTransformer } from './stream.js';
import type { RowTransformStream } from './stream-types.js';

export type { CallOptions } from './data.js';
export type { ScalerJSON } from './protocol.js';

/** What a column scaler learns: named per-column statistics, each one value per column. */
export type ScalerState = Record<string, Float64Array>;

const FORMAT_VERSION = 1;

/** Options of fitStream(). */
export interface StreamFitOptions {
  /** Rows per internal chunk (the memory fitStream holds). Default 4096. */
  chunkRows?: number;
  /** An AbortSignal (or anything with `aborted` and `reason`): checked before each row; an abort rejects. */
  signal?: { readonly aborted: boolean; readonly reason?: unknown };
}

/** Options common to every column scaler. */
export interface ColumnOptions {
  /** For rows given as objects: the numeric fields to scale, in order. Other fields pass through untouched. */
  columns?: readonly string[];
}

function checkColumns(fn: string, columns: unknown): readonly string[] | null {
  if (columns === undefined || columns === null) return null;
  if (!Array.isArray(columns) || columns.length === 0 || columns.some((c) => typeof c !== 'string')) {
    throw typeError(fn, 'columns', 'a non-empty array of field names', columns);
  }
  return [...(columns as string[])];
}

// The per-call options of a scaler method: `shape`, and a helpful word for `columns`, which belongs to the
// constructor.
function checkCallOptions(fn: string, scaler: string, options: unknown): { shape?: unknown } {
  if (typeof options === 'object' && options !== null && 'columns' in options) {
    throw rangeError(
      fn,
      'columns',
      `given to the constructor, new ${scaler}({ columns }), not to ${fn.slice(fn.indexOf('.') + 1)}()`,
      describe((options as { columns: unknown }).columns),
    );
  }
  return checkOptions<{ shape: unknown }>(fn, options, ['shape']);
}

/**
 * The common part of the column-wise scalers: reading data, learning into a state, the per-column transform,
 * serialization. Subclasses say what their state is (emptyState), how a table adds to it (learn), and what center
 * and scale it gives (centerAndScale); MATLAB's mapminmax and mapstd also bring their own transform formula.
 */
export abstract class ColumnScaler<S extends ScalerState = ScalerState> implements Scaler {
  /** The name toJSON() writes and scalerFromJSON() reads: fixed, unlike constructor.name, which minifiers change. */
  static readonly typeName: string;
  /** The names of the numeric fields, when rows are objects (other fields pass through). */
  readonly columns: readonly string[] | null;
  /** What was learned (null before fitting). Replaced as a whole, never changed in place. */
  protected stats: S | null = null;
  /** Whether the data may hold +-Infinity (MATLAB's mapminmax and mapstd). */
  protected readonly allowInfinite: boolean = false;
  #center = new Float64Array(0);
  #scale = new Float64Array(0);

  protected constructor(columns: unknown, fn: string) {
    this.columns = checkColumns(fn, columns);
  }

  /** This class's typeName. */
  protected get name(): string {
    return (this.constructor as typeof ColumnScaler).typeName;
  }

  /** Learns from a whole data set, forgetting anything learned before. Returns this. */
  fit<D extends Data>(X: D, options?: CallOptions<D>): this {
    this.commit(this.learnFrom(null, this.read('fit', X, options, undefined)));
    return this;
  }

  /** fit() then transform() on the same data, reading it once. */
  fitTransform<D extends Data>(X: D, options?: CallOptions<D>): Transformed<D> {
    const table = this.read('fitTransform', X, options, undefined);
    this.commit(this.learnFrom(null, table));
    return this.apply(table, false);
  }

  /** y = (x - center) / scale per column; NaN stays NaN. The data keeps its shape and type. */
  transform<D extends Data>(X: D, options?: CallOptions<D>): Transformed<D> {
    return this.apply(this.read('transform', X, options, this.fittedColumns('transform')), false);
  }

  /** x = y * scale + center per column: transform() undone. */
  inverseTransform<D extends Data>(X: D, options?: CallOptions<D>): Transformed<D> {
    return this.apply(this.read('inverseTransform', X, options, this.fittedColumns('inverseTransform')), true);
  }

  /**
   * A Node Transform (object mode) that applies transform() row by row: it takes rows as arrays of numbers or
   * typed arrays (or objects, for a scaler made with `columns`) and emits the same kind of row.
   */
  transformStream(): RowTransformStream {
    const cols = this.fittedColumns('transformStream');
    return rowTransformer(`${this.name}.transformStream`, cols, this.columns, this.rowMap(), this.allowInfinite);
  }

  /** The per-column center and scale in use (after fitting): y = (x - center) / scale. */
  get center(): Float64Array {
    this.fittedColumns('center');
    return this.#center.slice();
  }
  get scale(): Float64Array {
    this.fittedColumns('scale');
    return this.#scale.slice();
  }
  /** Number of columns seen in fit (null before). */
  get nFeatures(): number | null {
    return this.stats === null ? null : this.#center.length;
  }

  toJSON(): ScalerJSON {
    const stats = this.stats;
    let state: Record<string, unknown> | null = null;
    if (stats !== null) {
      state = { features: this.#center.length };
      for (const key of Object.keys(stats)) state[key] = Array.from(stats[key], jsonNumber);
    }
    return { type: this.name, version: FORMAT_VERSION, options: this.optionsJSON(), state };
  }

  /** A state of zeros (or the identity of `learn`) for data with `cols` columns. */
  protected abstract emptyState(cols: number): S;
  /** Adds what the table teaches (its columns' statistics) to `state`, in place. */
  protected abstract learn(state: S, table: Table): void;
  /** The center and scale of column j; a scale of 0 or NaN is replaced by 1, a center that is not finite by 0. */
  protected abstract centerAndScale(state: S, j: number): [number, number];
  /** The constructor's options, as JSON. */
  protected abstract optionsJSON(): Record<string, unknown>;

  /** The transform of a table's values (inverse: its undoing) into out; MATLAB's scalers bring their own. */
  protected applyValues(table: Table, inverse: boolean, out: NumericArray): void {
    backend.affine(table.values, table.rows, table.cols, this.#center, this.#scale, inverse, out);
  }
  /** transform() of one value of column j, for streams, with the parameters in use now. */
  protected rowMap(): (x: number, j: number) => number {
    const center = this.#center;
    const scale = this.#scale;
    return (x, j) => (x - center[j]) / scale[j];
  }

  /** A new state: a copy of `state` (or an empty one) that has also learned from `table`. */
  protected learnFrom(state: S | null, table: Table): S {
    const next = state === null ? this.emptyState(table.cols) : copyState(state);
    this.learn(next, table);
    return next;
  }

  /** Makes `state` the scaler's (a complete one: nothing is checked after this point). */
  protected commit(state: S): void {
    const cols = Object.values(state)[0].length;
    const center = new Float64Array(cols);
    const scale = new Float64Array(cols);
    for (let j = 0; j < cols; j++) {
      const [c, s] = this.centerAndScale(state, j);
      center[j] = Number.isFinite(c) ? c : 0;
      scale[j] = s === 0 || !Number.isFinite(s) ? 1 : s;
    }
    this.stats = state;
    this.#center = center;
    this.#scale = scale;
  }

  /** Reads X for `method`; `fitted` is the column count the data must have (and that shapes a flat array). */
  protected read(method: string, X: unknown, options: unknown, fitted: number | undefined, fittedAs?: string): Table {
    const fn = `${this.name}.${method}`;
    const o = checkCallOptions(fn, this.name, options);
    return readTable(fn, 'X', X, {
      shape: o.shape,
      columns: this.columns,
      columnsOf: { scaler: this.name },
      fitted,
      fittedAs,
      allowInfinite: this.allowInfinite,
    });
  }

  /** The fitted column count; an Error naming `method` before fitting. */
  protected fittedColumns(method: string): number {
    if (this.stats === null) {
      throw new Error(`${this.name}.${method}: the scaler is not fitted yet; call fit() or partialFit() first`);
    }
    return this.#center.length;
  }

  private apply<D>(table: Table, inverse: boolean): Transformed<D> {
    const out = allocate(table);
    this.applyValues(table, inverse, out);
    return writeTable<D>(table, out);
  }

  /** For fromJSON: `scaler` (made from the JSON's options) with the JSON's state, checked. */
  protected static restore<T extends ColumnScaler>(scaler: T, json: ScalerJSON): T {
    if (json.state === null) return scaler;
    const fn = `${scaler.name}.fromJSON`;
    const cols = checkInteger(fn, 'json.state.features', json.state.features, 1, MAX_DIM);
    const state = scaler.emptyState(cols);
    for (const key of Object.keys(state)) {
      const a = json.state[key];
      if (!Array.isArray(a) || a.length !== cols) {
        throw typeError(fn, `json.state.${key}`, `an array of ${cols} numbers`, a);
      }
      state[key] = Float64Array.from(a, (x: unknown, i) => {
        if (x === 'Infinity' || x === '-Infinity' || x === 'NaN') return Number(x); // JSON has none of these
        return checkFinite(fn, `json.state.${key}[${i}]`, x);
      });
    }
    scaler.commit(state);
    return scaler;
  }
}

/**
 * A column scaler whose statistics merge: it can also learn from chunks (partialFit) and from a stream of rows
 * (fitStream) in constant memory, with the same result as one fit() over all the rows.
 */
export abstract class StreamingScaler<S extends ScalerState = ScalerState> extends ColumnScaler<S> {
  /**
   * Learns from one more chunk of the data, as if it had been part of one fit(); the first chunk sets the column
   * count (and a flat typed chunk then needs no shape). Returns this. A chunk with a bad value changes nothing.
   */
  partialFit<D extends Data>(X: D, options?: CallOptions<D>): this {
    const cols = this.stats === null ? undefined : this.nFeatures!;
    this.commit(this.learnFrom(this.stats, this.read('partialFit', X, options, cols, 'as before')));
    return this;
  }

  /**
   * Fits on the rows of an iterable or async iterable (a generator, a Node object-mode Readable...) in one pass,
   * in constant memory, forgetting anything learned before. If anything fails (a bad row, the source throwing or
   * erroring, an abort through `signal`), the promise rejects and the scaler is exactly as it was before the call;
   * a bad row's error gives its index in the whole stream. The source's own errors reject unchanged.
   */
  async fitStream(source: Iterable<unknown> | AsyncIterable<unknown>, options?: StreamFitOptions): Promise<this> {
    const fn = `${this.name}.fitStream`;
    const o = checkOptions<StreamFitOptions>(fn, options, ['chunkRows', 'signal']);
    const chunkRows = o.chunkRows === undefined ? 4096 : checkInteger(fn, 'chunkRows', o.chunkRows, 1, MAX_DIM);
    const signal = o.signal;
    if (signal !== undefined && (typeof signal !== 'object' || signal === null || !('aborted' in signal))) {
      throw typeError(fn, 'signal', 'an AbortSignal', signal);
    }
    if (
      source === null ||
      typeof source !== 'object' ||
      (!(Symbol.asyncIterator in source) && !(Symbol.iterator in source))
    ) {
      throw typeError(fn, 'source', 'an iterable or async iterable of rows', source);
    }
    const checkAbort = () => {
      if (signal?.aborted) throw signal.reason ?? new Error(`${fn}: aborted`);
    };
    checkAbort();
    let state: S | null = null; // learned here, the scaler's own only when the whole stream is read
    let rows = 0;
    let chunk: unknown[] = [];
    const learnChunk = (learned: S | null): S => {
      const table = readTable(fn, 'source', chunk, {
        columns: this.columns,
        columnsOf: { scaler: this.name },
        rowOffset: rows,
        rowWidth: learned === null ? undefined : Object.values(learned)[0].length,
        allowInfinite: this.allowInfinite,
      });
      const next = learned ?? this.emptyState(table.cols);
      this.learn(next, table);
      rows += chunk.length;
      chunk = [];
      return next;
    };
    for await (const r of source as AsyncIterable<unknown>) {
      checkAbort();
      chunk.push(r);
      if (chunk.length === chunkRows) state = learnChunk(state);
    }
    checkAbort();
    if (chunk.length > 0) state = learnChunk(state);
    if (state === null) throw rangeError(fn, 'source', 'non-empty (at least one row)', 'no rows');
    this.commit(state);
    return this;
  }
}

function copyState<S extends ScalerState>(state: S): S {
  const copy: ScalerState = {};
  for (const key of Object.keys(state)) copy[key] = state[key].slice();
  return copy as S;
}

/** Checks toJSON() output (or its string) for `type`, as fromJSON() receives it. */
export function checkEnvelope(fn: string, json: unknown, type: string): ScalerJSON {
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

// scikit-learn's rule for a spread that is zero within rounding (a constant column): it counts as 1.
const spreadOrOne = (s: number) => (s < 10 * Number.EPSILON ? 1 : s);

// JSON has no Infinity or NaN: such statistics are written as strings.
const jsonNumber = (x: number): number | string => (Number.isFinite(x) ? x : String(x));

// ---- StandardScaler ----

export interface StandardScalerOptions extends ColumnOptions {
  /** Subtract the mean. Default true. */
  withMean?: boolean;
  /** Divide by the standard deviation. Default true. */
  withStd?: boolean;
  /** Delta degrees of freedom of the variance: divide the squared deviations by n - ddof. Default 0 (scikit-learn). */
  ddof?: number;
}

/** Count, mean and sum of squared deviations per column. */
type MomentsState = { n: Float64Array; mean: Float64Array; m2: Float64Array };

/** Adds the moments of the table's columns (NaN skipped) into `state`, by Chan et al.'s parallel update. */
export function learnMoments(state: MomentsState, table: Matrix): void {
  columnMoments(table).forEach((m, j) => {
    const merged = mergeMoments({ n: state.n[j], mean: state.mean[j], m2: state.m2[j] }, m);
    state.n[j] = merged.n;
    state.mean[j] = merged.mean;
    state.m2[j] = merged.m2;
  });
}

export function emptyMoments(cols: number): MomentsState {
  return { n: new Float64Array(cols), mean: new Float64Array(cols), m2: new Float64Array(cols) };
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

/** Smallest and largest value per column (Infinity and -Infinity before any). */
type ExtremaState = { min: Float64Array; max: Float64Array };

export function emptyExtrema(cols: number): ExtremaState {
  return { min: new Float64Array(cols).fill(Infinity), max: new Float64Array(cols).fill(-Infinity) };
}

/** Adds the table's column extrema (NaN skipped) into `state`. */
export function learnExtrema(state: ExtremaState, table: Matrix): void {
  const { min, max } = columnExtrema(table);
  for (let j = 0; j < table.cols; j++) {
    state.min[j] = Math.min(state.min[j], min[j]);
    state.max[j] = Math.max(state.max[j], max[j]);
  }
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
    const n = new Normalizer(j.options as NormalizerOptions);
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
