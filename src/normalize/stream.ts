// Row-by-row transforms for Node streams: a Transform in object mode that maps each value of each row, for rows
// given as arrays of numbers, typed arrays, or objects with named columns (other fields pass through).
import { Transform, type TransformCallback } from 'node:stream';
import { describe, rangeError, typeError } from '../validate.js';
import type { RowTransformStream } from './stream-types.js';

/**
 * A Transform applying `map(x, j)` to value x of column j of every row. `columns` are the fields of object rows
 * (null if rows are arrays; a scaler made with columns takes objects only). A bad row (wrong length, a value that
 * is not a number) ends the stream with a TypeError or RangeError naming the row; a missing object field or null
 * is NaN. +-Infinity is an error unless `allowInfinite`.
 */
export function rowTransformer(
  fn: string,
  cols: number,
  columns: readonly string[] | null,
  map: (x: number, j: number) => number,
  allowInfinite = false,
): RowTransformStream {
  let index = 0;
  const value = (x: unknown, where: string): number => {
    if (typeof x === 'number') {
      if (x === x && !allowInfinite && !Number.isFinite(x)) {
        throw rangeError(fn, where, 'a finite number or NaN (missing)', describe(x));
      }
      return x;
    }
    if (x === null || x === undefined) return NaN;
    throw typeError(fn, where, 'a number', x);
  };
  const transformRow = (r: unknown): unknown => {
    const i = index++;
    if (columns !== null) {
      if (typeof r !== 'object' || r === null || Array.isArray(r) || ArrayBuffer.isView(r)) {
        throw typeError(fn, `row ${i}`, 'an object (the scaler was made with columns)', r);
      }
      const out: Record<string, unknown> = { ...(r as Record<string, unknown>) };
      for (let j = 0; j < cols; j++) out[columns[j]] = map(value(out[columns[j]], `row ${i}.${columns[j]}`), j);
      return out;
    }
    if (r instanceof Float32Array || r instanceof Float64Array) {
      if (r.length !== cols) throw rangeError(fn, `row ${i}`, `${cols} values`, describe(r));
      const out = new (r.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(cols);
      for (let j = 0; j < cols; j++) out[j] = map(value(r[j], `row ${i}[${j}]`), j);
      return out;
    }
    if (Array.isArray(r)) {
      if (r.length !== cols) throw rangeError(fn, `row ${i}`, `${cols} values`, describe(r));
      const out = new Array<number>(cols);
      for (let j = 0; j < cols; j++) out[j] = map(value(r[j], `row ${i}[${j}]`), j);
      return out;
    }
    throw typeError(fn, `row ${i}`, 'an array of numbers', r);
  };
  return new Transform({
    objectMode: true,
    transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback) {
      let out: unknown;
      try {
        out = transformRow(chunk);
      } catch (error) {
        callback(error as Error);
        return;
      }
      callback(null, out);
    },
  });
}
