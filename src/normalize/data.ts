// The shapes of data the normalization API accepts, read into one view (a row-major matrix of numbers, read in
// place where possible) and written back in the caller's own shape:
//
//   - arrays of rows: number[][] (or arrays of typed arrays), rows x columns;
//   - a Float32Array or Float64Array with `shape: [rows, cols]` (or `{ data, shape }`), or `[B, T, F]` for a batch
//     of sequences, which is normalized per feature over B and T (so it is the matrix (B*T) x F). A flat array
//     without a shape is an error, except where a fitted scaler's column count says how to read it (transform,
//     inverseTransform, and partialFit after the first chunk);
//   - arrays of objects with named columns: `columns` lists the numeric ones to use, and every other field passes
//     through untouched. A missing, null or undefined value is NaN (a missing value).
//
// An option that does not apply to the data given (`shape` with rows or objects, `columns` with rows or typed
// data) is an error naming it, never silently ignored.
//
// NaN marks a missing value everywhere; anything else that is not a finite number is an error naming its place
// (MATLAB's mapminmax and mapstd also take +-Infinity, which they pass through).
import { backend } from '../backend/index.js';
import { describe, rangeError, typeError } from '../validate.js';
import type { Matrix, Strided } from './stats.js';

export type { NumericArray } from '../backend/types.js';
import type { NumericArray } from '../backend/types.js';

/** One row of numbers: an array or a typed array. */
export type Row = ArrayLike<number>;
/** One row as an object with named fields (the numeric ones are named by `columns`). */
export type ObjectRow = object;
/** A flat typed array with its shape. */
export interface ShapedData<A extends NumericArray = NumericArray> {
  data: A;
  shape: readonly number[];
}

/** Everything the normalization functions accept as data. */
export type Data = readonly Row[] | readonly ObjectRow[] | NumericArray | ShapedData;

/**
 * What a transform returns for data of type D: the same kind of data. Rows in, rows out (number[][]); objects in,
 * the same object type out; a Float32Array in, a Float32Array out; `{ data, shape }` in, `{ data, shape }` out.
 */
export type Transformed<D> = D extends Float32Array
  ? Float32Array
  : D extends Float64Array
    ? Float64Array
    : D extends { data: infer A; shape: readonly number[] }
      ? { data: A extends Float32Array ? Float32Array : Float64Array; shape: number[] }
      : D extends readonly (infer R)[]
        ? R extends Row
          ? number[][]
          : R[]
        : never;

/** How to read the data: the shape of a flat typed array, and the columns of object rows. */
export interface DataOptions {
  /** [rows, cols] or [B, T, F] for a flat Float32Array/Float64Array (required for one, and for nothing else). */
  shape?: readonly number[];
  /** The numeric fields of object rows, in order. Required for object rows, and for nothing else. */
  columns?: readonly string[];
}

/**
 * The DataOptions that apply to data of type D: `shape` for a flat typed array, `columns` (required, field names
 * of the rows) for objects, neither for rows or `{ data, shape }`.
 */
export type DataOptionsFor<D> = D extends NumericArray
  ? { shape?: readonly number[]; columns?: never }
  : D extends readonly (infer R)[]
    ? R extends Row
      ? { shape?: never; columns?: never }
      : { columns: readonly FieldName<R>[]; shape?: never }
    : { shape?: never; columns?: never };

/** The field names of object rows of type R (any string when the type does not say). */
export type FieldName<R> = [keyof R] extends [never] ? string : keyof R & string;

/**
 * Per-call options of the scalers' methods: the shape of a flat typed array (and of nothing else). fit() needs it;
 * transform(), inverseTransform() and partialFit() after the first chunk read a flat array without one as rows of
 * the fitted column count.
 */
export type CallOptions<D = Data> = D extends NumericArray ? { shape?: readonly number[] } : { shape?: never };

export type { Matrix } from './stats.js';

/** Data read into a Matrix, remembering its own shape so that results can be written back in it. */
export interface Table extends Matrix {
  kind: 'rows' | 'objects' | 'typed';
  source: Data;
  shape: number[] | null; // for typed arrays
  columns: readonly string[] | null; // for object rows
  wrapped: boolean; // typed data came as { data, shape }
}

/** How readTable reads: the caller's options and what it knows. */
export interface ReadOptions {
  /** The caller's `shape` option, unchecked. */
  shape?: unknown;
  /** The fields of object rows: normalize's `columns` option, or a scaler's. */
  columns?: readonly string[] | null;
  /** Whose the columns are, for messages: an option of this call (default) or the scaler's constructor. */
  columnsOf?: { scaler: string };
  /** The column count of a fitted scaler: the data must have as many, and it gives a flat array its shape. */
  fitted?: number;
  /** How the message about a column count other than `fitted` says where it comes from. Default 'as when fitted'. */
  fittedAs?: string;
  /** fitStream: every row must have this many values, as the stream's first row had. */
  rowWidth?: number;
  /** The index of the first row in a longer stream, for messages. */
  rowOffset?: number;
  /** Accept +-Infinity (MATLAB's mapminmax and mapstd pass such rows through). */
  allowInfinite?: boolean;
  /** 'features': MATLAB's row-wise N x Q matrices (rows are features); no objects, no [B, T, F]. */
  layout?: 'samples' | 'features';
}

/** The row-wise convention, stated in every message about the shape of row-wise data. */
export const ROW_WISE = 'rows are features, columns are samples, as in MATLAB';

// typeError() with the received value already described.
function wrongType(fn: string, name: string, expected: string, received: string): TypeError {
  return new TypeError(`${fn}: ${name} must be ${expected}, received ${received}`);
}

function isTyped(x: unknown): x is NumericArray {
  return x instanceof Float32Array || x instanceof Float64Array;
}

/** A short description of data, for messages. */
function describeData(data: unknown): string {
  if (Array.isArray(data) && data.length > 0) {
    const first = data[0] as unknown;
    if (Array.isArray(first) || ArrayBuffer.isView(first)) return 'an array of rows';
    if (typeof first === 'object' && first !== null) return 'an array of objects';
  }
  return describe(data);
}

// The slow path of reading a value (the loops test for a plain number themselves, so that nothing is built per
// value): null or undefined is NaN (missing); anything else is an error naming `where`.
function missingOrError(fn: string, where: string, value: unknown): number {
  if (value === null || value === undefined) return NaN;
  if (typeof value === 'number') throw rangeError(fn, where, 'a finite number or NaN (missing)', describe(value));
  throw typeError(fn, where, 'a number', value);
}

// A finite number or NaN (or any number, where infinities are allowed), to be taken as it is.
const isNumber = (v: unknown, allowInfinite: boolean): v is number =>
  typeof v === 'number' && (v - v === 0 || v !== v || allowInfinite);

function checkShape(fn: string, name: string, shape: unknown, length: number, rowWise: boolean): number[] {
  const expected = rowWise
    ? `an array [N, Q] of positive integers with product ${length} (${ROW_WISE})`
    : `an array [rows, cols] or [B, T, F] of positive integers with product ${length}`;
  if (!Array.isArray(shape)) throw typeError(fn, `${name} shape`, expected, shape);
  const dims = rowWise ? [2] : [2, 3];
  const ok = dims.includes(shape.length) && shape.every((d) => Number.isInteger(d) && d > 0);
  if (!ok || shape.reduce((a: number, b: number) => a * b, 1) !== length) {
    throw rangeError(fn, `${name} shape`, expected, `[${shape.map(describe).join(', ')}]`);
  }
  return shape as number[];
}

/** Reads `data` into a Table; `name` is the argument's name for messages ('X', 'data', 'source'...). */
export function readTable(fn: string, name: string, data: unknown, options: ReadOptions = {}): Table {
  const rowWise = options.layout === 'features';
  const convention = rowWise ? ` (${ROW_WISE})` : '';
  const offset = options.rowOffset ?? 0;
  let table: Table;
  if (isTyped(data) || (typeof data === 'object' && data !== null && !Array.isArray(data) && 'data' in data)) {
    rejectColumns(fn, name, data, options);
    table = readTyped(fn, name, data, options, rowWise);
  } else if (Array.isArray(data)) {
    if (data.length === 0) {
      throw rangeError(fn, name, `non-empty (at least one row${rowWise ? `: ${ROW_WISE}` : ''})`, 'no rows');
    }
    if (options.shape !== undefined) {
      throw rangeError(
        fn,
        'shape',
        `left out for ${describeData(data)} (it applies to a flat Float32Array or Float64Array only)`,
        describe(options.shape),
      );
    }
    const first: unknown = data[0];
    if (typeof first === 'object' && first !== null && !Array.isArray(first) && !ArrayBuffer.isView(first)) {
      if (rowWise) {
        throw wrongType(
          fn,
          name,
          `an N x Q matrix${convention}: an array of rows, or a Float32Array/Float64Array with shape [N, Q]`,
          'an array of objects',
        );
      }
      table = readObjects(fn, name, data as ObjectRow[], options);
    } else {
      rejectColumns(fn, name, data, options);
      table = readRows(fn, name, data, options, convention, offset);
    }
  } else {
    const expected = rowWise
      ? `an N x Q matrix${convention}: an array of rows, or a Float32Array/Float64Array with shape [N, Q]`
      : 'an array of rows, an array of objects, or a Float32Array/Float64Array (with a shape)';
    throw typeError(fn, name, expected, data);
  }
  if (table.rows === 0) throw rangeError(fn, name, 'non-empty (at least one row)', 'no rows');
  if (options.fitted !== undefined && table.cols !== options.fitted) {
    const as = options.fittedAs ?? 'as when fitted';
    throw rangeError(fn, name, `${options.fitted} columns wide, ${as}`, `${table.cols} columns`);
  }
  return table;
}

// columns apply to object rows only.
function rejectColumns(fn: string, name: string, data: unknown, options: ReadOptions): void {
  if (options.columns === undefined || options.columns === null) return;
  if (options.columnsOf) {
    throw rangeError(
      fn,
      name,
      `an array of objects, since the ${options.columnsOf.scaler} was made with columns`,
      describeData(data),
    );
  }
  throw rangeError(
    fn,
    'columns',
    `left out for ${describeData(data)} (columns name the fields of object rows)`,
    describe(options.columns),
  );
}

function readTyped(fn: string, name: string, data: object, options: ReadOptions, rowWise: boolean): Table {
  const wrapped = !isTyped(data);
  const values = wrapped ? (data as { data: unknown }).data : data;
  if (!isTyped(values)) throw typeError(fn, `${name}.data`, 'a Float32Array or Float64Array', values);
  let shape: number[];
  if (wrapped) {
    if (options.shape !== undefined) {
      throw rangeError(
        fn,
        'shape',
        `left out: ${name} carries its own shape ({ data, shape })`,
        describe(options.shape),
      );
    }
    shape = checkShape(fn, name, (data as { shape?: unknown }).shape, values.length, rowWise);
  } else if (options.shape !== undefined) {
    shape = checkShape(fn, name, options.shape, values.length, rowWise);
  } else if (options.fitted !== undefined) {
    // a fitted column count says how to read a flat array: rows of that many values
    if (values.length % options.fitted !== 0) {
      throw rangeError(
        fn,
        name,
        `of a length that is a multiple of the ${options.fitted} columns it was fitted on (or given a shape)`,
        describe(values),
      );
    }
    shape = [values.length / options.fitted, options.fitted];
  } else {
    const expected = rowWise
      ? `given with a flat ${values.constructor.name}: [N, Q] (${ROW_WISE})`
      : `given with a flat ${values.constructor.name}: [rows, cols] or [B, T, F]`;
    throw typeError(fn, 'shape', expected, undefined);
  }
  if (!options.allowInfinite) {
    const infinite = backend.findInfinite(values);
    if (infinite >= 0) {
      throw rangeError(fn, `${name}[${infinite}]`, 'a finite number or NaN (missing)', describe(values[infinite]));
    }
  }
  const featureCount = shape[shape.length - 1];
  return {
    kind: 'typed',
    source: data as Data,
    values,
    rows: values.length / featureCount,
    cols: featureCount,
    shape,
    columns: null,
    wrapped,
  };
}

function readRows(
  fn: string,
  name: string,
  rows: readonly unknown[],
  options: ReadOptions,
  convention: string,
  offset: number,
): Table {
  const first = rows[0];
  if (!Array.isArray(first) && !ArrayBuffer.isView(first)) {
    const expected = convention ? `a row of numbers${convention}` : 'a row (an array of numbers) or an object';
    throw typeError(fn, `${name}[${offset}]`, expected, first);
  }
  const cols = options.rowWidth ?? (first as Row).length;
  const why = options.rowWidth === undefined || offset === 0 ? 'as row 0' : `as row 0 of ${name}`;
  const allowInfinite = options.allowInfinite ?? false;
  if (cols === 0)
    throw rangeError(fn, `${name}[${offset}]`, `a row with at least one value${convention}`, 'an empty row');
  const values = new Float64Array(rows.length * cols);
  for (let i = 0, k = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!Array.isArray(row) && !ArrayBuffer.isView(row)) {
      throw typeError(fn, `${name}[${i + offset}]`, 'a row (an array of numbers)', row);
    }
    const r = row as ArrayLike<unknown>;
    if (r.length !== cols) {
      throw rangeError(fn, `${name}[${i + offset}]`, `a row of ${cols} values${convention}, ${why}`, describe(row));
    }
    for (let j = 0; j < cols; j++, k++) {
      const v = r[j];
      values[k] = isNumber(v, allowInfinite) ? v : missingOrError(fn, `${name}[${i + offset}][${j}]`, v);
    }
  }
  return {
    kind: 'rows',
    source: rows as Data,
    values,
    rows: rows.length,
    cols,
    shape: null,
    columns: null,
    wrapped: false,
  };
}

function readObjects(fn: string, name: string, rows: readonly ObjectRow[], options: ReadOptions): Table {
  const columns = options.columns ?? undefined;
  if (columns === undefined) {
    if (options.columnsOf) {
      const scaler = options.columnsOf.scaler;
      throw typeError(
        fn,
        'columns',
        `given to the constructor for object rows (new ${scaler}({ columns: [...] }))`,
        columns,
      );
    }
    throw typeError(fn, 'columns', 'the names of the numeric fields to use (objects as rows need them)', columns);
  }
  const offset = options.rowOffset ?? 0;
  const allowInfinite = options.allowInfinite ?? false;
  const cols = columns.length;
  const values = new Float64Array(rows.length * cols);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Record<string, unknown>;
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw typeError(fn, `${name}[${i + offset}]`, 'an object, as row 0', row);
    }
    for (let j = 0; j < cols; j++) {
      const v = row[columns[j]];
      values[i * cols + j] = isNumber(v, allowInfinite)
        ? v
        : missingOrError(fn, `${name}[${i + offset}].${columns[j]}`, v);
    }
  }
  return {
    kind: 'objects',
    source: rows,
    values,
    rows: rows.length,
    cols,
    shape: null,
    columns,
    wrapped: false,
  };
}

/** A row-major rows x cols array for results: Float32Array for float32 data (computed in float64, rounded once). */
export function allocate(table: Table): NumericArray {
  const n = table.rows * table.cols;
  return table.kind === 'typed' && table.values instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
}

/** `values` (from allocate) as data in the table's own shape: the same kind of array, rows or objects. */
export function writeTable<D = Data>(table: Table, values: NumericArray): Transformed<D> {
  return writeData(table, values) as Transformed<D>;
}

function writeData(table: Table, values: NumericArray): Data {
  const { rows, cols } = table;
  if (table.kind === 'typed') return table.wrapped ? { data: values, shape: [...table.shape!] } : values;
  if (table.kind === 'rows') {
    const out = new Array<number[]>(rows);
    for (let i = 0; i < rows; i++) out[i] = Array.from(values.subarray(i * cols, (i + 1) * cols));
    return out;
  }
  const source = table.source as readonly ObjectRow[];
  const columns = table.columns!;
  return source.map((row, i) => {
    const copy: Record<string, unknown> = { ...row };
    for (let j = 0; j < cols; j++) copy[columns[j]] = values[i * cols + j];
    return copy;
  });
}

/** The transpose of a row-major matrix, as a new row-major matrix. */
export function transpose(m: Matrix): Matrix {
  const out = new Float64Array(m.rows * m.cols);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) out[j * m.rows + i] = m.values[i * m.cols + j];
  }
  return { values: out, rows: m.cols, cols: m.rows };
}

/** Column j of a row-major matrix, as a strided view. */
export function column(m: Matrix, j: number): Strided {
  return { values: m.values, offset: j, stride: m.cols, count: m.rows };
}

/** Row i of a row-major matrix, as a strided view. */
export function row(m: Matrix, i: number): Strided {
  return { values: m.values, offset: i * m.cols, stride: 1, count: m.cols };
}
