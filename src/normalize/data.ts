// The shapes of data the normalization API accepts, read into one view (a row-major matrix of numbers, read in
// place where possible) and written back in the caller's own shape:
//
//   - arrays of rows: number[][] (or arrays of typed arrays), rows x columns;
//   - a Float32Array or Float64Array with `shape: [rows, cols]`, or `[B, T, F]` for a batch of sequences, which is
//     normalized per feature over B and T (so it is the matrix (B*T) x F); without a shape, one column;
//   - arrays of objects with named columns: `columns` lists the numeric ones to use, and every other field passes
//     through untouched. A missing, null or undefined value is NaN (a missing value).
//
// NaN marks a missing value everywhere; anything else that is not a finite number is an error naming its place.
import { backend } from '../backend/index.js';
import { describe, rangeError, typeError } from '../validate.js';
import type { Matrix, Strided } from './stats.js';

export type { NumericArray } from '../backend/types.js';
import type { NumericArray } from '../backend/types.js';
export type Row = ArrayLike<number>;
export type ObjectRow = Record<string, unknown>;

/** Everything the normalization functions accept as data. */
export type Data = readonly Row[] | readonly ObjectRow[] | NumericArray | { data: NumericArray; shape: number[] };

/** How to read the data: the shape of a flat typed array, and the columns of object rows. */
export interface DataOptions {
  /** [rows, cols] or [B, T, F] for a flat Float32Array/Float64Array. Default: one column. */
  shape?: readonly number[];
  /** The numeric fields of object rows, in order. Required for object rows. */
  columns?: readonly string[];
}

export type { Matrix } from './stats.js';

/** Data read into a Matrix, remembering its own shape so that results can be written back in it. */
export interface Table extends Matrix {
  kind: 'rows' | 'objects' | 'typed';
  source: Data;
  shape: number[] | null; // for typed arrays
  columns: readonly string[] | null; // for object rows
  wrapped: boolean; // typed data came as { data, shape }
}

function isTyped(x: unknown): x is NumericArray {
  return x instanceof Float32Array || x instanceof Float64Array;
}

// NaN, or a finite number; anything else is an error.
function checkValue(fn: string, name: string, where: string, value: unknown, allowMissing: boolean): number {
  if (typeof value === 'number') {
    if (value === value && !Number.isFinite(value)) {
      throw rangeError(fn, `${name}${where}`, 'a finite number or NaN (missing)', describe(value));
    }
    return value;
  }
  if (allowMissing && (value === null || value === undefined)) return NaN;
  throw typeError(fn, `${name}${where}`, 'a number', value);
}

function checkShape(fn: string, name: string, shape: unknown, length: number): number[] {
  const expected = `an array [rows, cols] or [B, T, F] of positive integers with product ${length}`;
  if (!Array.isArray(shape)) throw typeError(fn, `${name} shape`, expected, shape);
  const ok = (shape.length === 2 || shape.length === 3) && shape.every((d) => Number.isInteger(d) && d > 0);
  if (!ok || shape.reduce((a: number, b: number) => a * b, 1) !== length) {
    throw rangeError(fn, `${name} shape`, expected, `[${shape.map(describe).join(', ')}]`);
  }
  return shape;
}

/**
 * Reads `data` into a Table; `name` is the argument's name for messages. `cols`, if given, is the number of
 * columns the data must have (a fitted scaler's).
 */
export function readTable(fn: string, name: string, data: unknown, options: DataOptions = {}, cols?: number): Table {
  let table: Table;
  if (isTyped(data) || (typeof data === 'object' && data !== null && !Array.isArray(data) && 'data' in data)) {
    const wrapped = !isTyped(data);
    const values = wrapped ? (data as { data: unknown }).data : data;
    if (!isTyped(values)) throw typeError(fn, `${name}.data`, 'a Float32Array or Float64Array', values);
    const shapeOption = wrapped ? (data as { shape?: unknown }).shape : options.shape;
    const shape = shapeOption === undefined ? [values.length, 1] : checkShape(fn, name, shapeOption, values.length);
    const infinite = backend.findInfinite(values);
    if (infinite >= 0) {
      throw rangeError(fn, `${name}[${infinite}]`, 'a finite number or NaN (missing)', describe(values[infinite]));
    }
    const featureCount = shape[shape.length - 1];
    table = {
      kind: 'typed',
      source: data as Data,
      values,
      rows: values.length / featureCount,
      cols: featureCount,
      shape,
      columns: null,
      wrapped,
    };
  } else if (Array.isArray(data)) {
    if (data.length === 0) throw rangeError(fn, name, 'non-empty (at least one row)', 'no rows');
    const first = data[0];
    if (typeof first === 'object' && first !== null && !Array.isArray(first) && !ArrayBuffer.isView(first)) {
      table = readObjects(fn, name, data as ObjectRow[], options.columns);
    } else {
      table = readRows(fn, name, data);
    }
  } else {
    throw typeError(
      fn,
      name,
      'an array of rows, an array of objects, or a Float32Array/Float64Array (with a shape)',
      data,
    );
  }
  if (table.rows === 0) throw rangeError(fn, name, 'non-empty (at least one row)', 'no rows');
  if (cols !== undefined && table.cols !== cols) {
    throw rangeError(fn, name, `${cols} columns wide, as when fitted`, `${table.cols} columns`);
  }
  return table;
}

function readRows(fn: string, name: string, rows: readonly unknown[]): Table {
  const first = rows[0];
  if (!Array.isArray(first) && !ArrayBuffer.isView(first)) {
    throw typeError(fn, `${name}[0]`, 'a row (an array of numbers) or an object', first);
  }
  const cols = (first as Row).length;
  if (cols === 0) throw rangeError(fn, `${name}[0]`, 'a row with at least one column', 'an empty row');
  const values = new Float64Array(rows.length * cols);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!Array.isArray(row) && !ArrayBuffer.isView(row)) {
      throw typeError(fn, `${name}[${i}]`, 'a row (an array of numbers)', row);
    }
    const r = row as ArrayLike<unknown>;
    if (r.length !== cols) throw rangeError(fn, `${name}[${i}]`, `a row of ${cols} values, as row 0`, describe(row));
    for (let j = 0; j < cols; j++) values[i * cols + j] = checkValue(fn, name, `[${i}][${j}]`, r[j], true);
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

function readObjects(
  fn: string,
  name: string,
  rows: readonly ObjectRow[],
  columns: readonly string[] | undefined,
): Table {
  if (columns === undefined) {
    throw typeError(fn, 'columns', 'the names of the numeric fields to use (objects as rows need them)', columns);
  }
  const cols = columns.length;
  const values = new Float64Array(rows.length * cols);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw typeError(fn, `${name}[${i}]`, 'an object, as row 0', row);
    }
    for (let j = 0; j < cols; j++) {
      values[i * cols + j] = checkValue(fn, name, `[${i}].${columns[j]}`, row[columns[j]], true);
    }
  }
  return {
    kind: 'objects',
    source: rows as Data,
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
export function writeTable(table: Table, values: NumericArray): Data {
  const { rows, cols } = table;
  if (table.kind === 'typed') return table.wrapped ? { data: values, shape: [...table.shape!] } : values;
  if (table.kind === 'rows') {
    const out: number[][] = new Array(rows);
    for (let i = 0; i < rows; i++) out[i] = Array.from(values.subarray(i * cols, (i + 1) * cols));
    return out;
  }
  const source = table.source as readonly ObjectRow[];
  const columns = table.columns!;
  return source.map((row, i) => {
    const copy: ObjectRow = { ...row };
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
