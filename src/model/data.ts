// Data entering a model: `{ data, shape, lengths? }` (the form the normalization API takes) or nested arrays, read
// once into a Float32Array, checked (shape, finiteness, lengths) where it enters, and never again per batch.
//
// Sequences are batch-major at the boundary, (N, T, F); per-example lengths go with them: `{ data, shape, lengths }`.
import { backend } from '../backend/index.js';
import { describe, rangeError, typeError } from '../validate.js';

/** A batch of data: a flat array in row-major order and its shape. */
export interface Tensor {
  data: Float32Array;
  shape: number[];
}

/** Inputs: a tensor (with per-example lengths for sequences), or nested arrays. */
export type Input =
  | { data: Float32Array | Float64Array; shape: readonly number[]; lengths?: Int32Array | readonly number[] }
  | readonly unknown[];

/** Data read and checked: N examples of `shape.slice(1)`. */
export interface Dataset {
  data: Float32Array;
  shape: number[];
  lengths: Int32Array | null;
}

function isTyped(x: unknown): x is Float32Array | Float64Array {
  return x instanceof Float32Array || x instanceof Float64Array;
}

/** Reads `value` (argument `name` of `fn`) into a Dataset, checking that every number is finite. */
export function readInput(fn: string, name: string, value: unknown): Dataset {
  if (Array.isArray(value)) return readNested(fn, name, value);
  if (typeof value !== 'object' || value === null || !('data' in value)) {
    throw typeError(fn, name, '{ data, shape } or nested arrays of numbers', value);
  }
  const v = value as { data: unknown; shape?: unknown; lengths?: unknown };
  if (!isTyped(v.data)) throw typeError(fn, `${name}.data`, 'a Float32Array or Float64Array', v.data);
  const shape = checkShape(fn, `${name}.shape`, v.shape, v.data.length);
  const data = v.data instanceof Float32Array ? v.data : Float32Array.from(v.data);
  if (v.data instanceof Float64Array) {
    for (let i = 0; i < v.data.length; i++) {
      if (Number.isFinite(v.data[i]) && !Number.isFinite(data[i])) {
        throw rangeError(fn, `${name}.data[${i}]`, 'a finite float32 number', describe(v.data[i]));
      }
    }
  }
  const bad = backend.firstNonFinite(data);
  if (bad >= 0) throw rangeError(fn, `${name}.data[${bad}]`, 'a finite number', describe(data[bad]));
  const lengths =
    v.lengths === undefined || v.lengths === null ? null : readLengths(fn, `${name}.lengths`, v.lengths, shape);
  return { data, shape, lengths };
}

function checkShape(fn: string, name: string, shape: unknown, length: number): number[] {
  const expected = `an array of positive integers whose product is the data's length ${length}`;
  if (!Array.isArray(shape)) throw typeError(fn, name, expected, shape);
  const ok = shape.length >= 1 && shape.every((d) => Number.isInteger(d) && d > 0);
  if (!ok || shape.reduce((a: number, b: number) => a * b, 1) !== length) {
    throw rangeError(fn, name, expected, `[${shape.map(describe).join(', ')}]`);
  }
  return [...(shape as number[])];
}

function readLengths(fn: string, name: string, value: unknown, shape: number[]): Int32Array {
  if (shape.length !== 3)
    throw rangeError(fn, name, 'given only for sequences (N, T, F)', `data of shape [${shape.join(', ')}]`);
  const [N, T] = shape;
  const expected = `an Int32Array or array of ${N} integers in [0, ${T}]`;
  if (!(value instanceof Int32Array) && !Array.isArray(value)) throw typeError(fn, name, expected, value);
  const arr = value as ArrayLike<unknown>;
  if (arr.length !== N) throw rangeError(fn, name, expected, describe(value));
  const out = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const l = arr[i];
    if (typeof l !== 'number' || !Number.isInteger(l) || l < 0 || l > T) {
      throw rangeError(fn, `${name}[${i}]`, `an integer in [0, ${T}]`, describe(l));
    }
    out[i] = l;
  }
  return out;
}

// Nested arrays of numbers: the shape is read from the first element at each depth; every other must match.
function readNested(fn: string, name: string, value: readonly unknown[]): Dataset {
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe) || ArrayBuffer.isView(probe)) {
    const arr = probe as ArrayLike<unknown>;
    if (arr.length === 0) throw rangeError(fn, name, 'non-empty arrays at every depth', 'an empty array');
    shape.push(arr.length);
    probe = arr[0];
  }
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let at = 0;
  const walk = (node: unknown, depth: number, path: string) => {
    if (depth === shape.length) {
      if (typeof node !== 'number') throw typeError(fn, `${name}${path}`, 'a number', node);
      if (!Number.isFinite(node) || !Number.isFinite(Math.fround(node))) {
        throw rangeError(fn, `${name}${path}`, 'a finite number', describe(node));
      }
      data[at++] = node;
      return;
    }
    if (!Array.isArray(node) && !ArrayBuffer.isView(node)) {
      throw typeError(fn, `${name}${path}`, `an array of ${shape[depth]}`, node);
    }
    const arr = node as ArrayLike<unknown>;
    if (arr.length !== shape[depth]) {
      throw rangeError(fn, `${name}${path}`, `an array of ${shape[depth]}, as the first at this depth`, describe(node));
    }
    for (let i = 0; i < arr.length; i++) walk(arr[i], depth + 1, `${path}[${i}]`);
  };
  walk(value, 0, '');
  return { data, shape, lengths: null };
}

/** Rows [start, end) of a dataset, as a view (for the validation split). */
export function sliceRows(d: Dataset, start: number, end: number): Dataset {
  const row = d.data.length / d.shape[0];
  return {
    data: d.data.subarray(start * row, end * row),
    shape: [end - start, ...d.shape.slice(1)],
    lengths: d.lengths ? d.lengths.subarray(start, end) : null,
  };
}
