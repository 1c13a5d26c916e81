// The common part of every column-wise scaler (scikit-learn's and MATLAB's mapminmax/mapstd in scaler form):
// ColumnScaler reads data, keeps what was learned (its "state": per-column statistics, one Float64Array per
// statistic) and applies the per-column transform; StreamingScaler adds partialFit() and fitStream(). A scaler says
// only what its state is, how a table adds to it, and what center and scale it gives. Learning always goes into a
// fresh or copied state that replaces the old one only when it is complete, so a call that fails leaves the scaler
// exactly as it was. Also here: the states several scalers share (moments, extrema) and the JSON envelope.
import { backend } from '../backend/index.js';
import { MAX_DIM, checkFinite, checkInteger, checkOptions, describe, rangeError, typeError } from '../validate.js';
import {
  type CallOptions,
  type Data,
  type Matrix,
  type NumericArray,
  type Table,
  type Transformed,
  allocate,
  readTable,
  writeTable,
} from './data.js';
import type { Scaler, ScalerJSON } from './protocol.js';
import { columnExtrema, columnMoments, mergeMoments } from './stats.js';
import { rowTransformer } from './stream.js';
import type { RowTransformStream } from './stream-types.js';

/** What a column scaler learns: named per-column statistics, each one value per column. */
export type ScalerState = Record<string, Float64Array>;

export const FORMAT_VERSION = 1;

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

export function checkColumns(fn: string, columns: unknown): readonly string[] | null {
  if (columns === undefined || columns === null) return null;
  if (!Array.isArray(columns) || columns.length === 0 || columns.some((c) => typeof c !== 'string')) {
    throw typeError(fn, 'columns', 'a non-empty array of field names', columns);
  }
  return [...(columns as string[])];
}

// The per-call options of a scaler method: `shape`, and a helpful word for `columns`, which belongs to the
// constructor.
export function checkCallOptions(fn: string, scaler: string, options: unknown): { shape?: unknown } {
  if (typeof options === 'object' && options !== null && 'columns' in options) {
    throw rangeError(
      fn,
      'columns',
      `given to the constructor, new ${scaler}({ columns }), not to ${fn.slice(fn.indexOf('.') + 1)}()`,
      describe(options.columns),
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
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the abort reason as given, as fetch() does
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

// JSON has no Infinity or NaN: such statistics are written as strings.
const jsonNumber = (x: number): number | string => (Number.isFinite(x) ? x : String(x));

// ---- states several scalers share ----

/** Count, mean and sum of squared deviations per column. */
export type MomentsState = { n: Float64Array; mean: Float64Array; m2: Float64Array };

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

/** Smallest and largest value per column (Infinity and -Infinity before any). */
export type ExtremaState = { min: Float64Array; max: Float64Array };

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
