// What optimizers and clipping work on: a parameter's values and its gradient, as Float32Arrays of one length.
import { describe, rangeError, typeError } from '../validate.js';
import { isPlainObject } from './check.js';

/**
 * A trainable parameter: `value` is updated in place, from `grad` (same length). A model's parameters() returns
 * such objects with `name` (e.g. 'lstm.weight_hh_l0') and `shape` set; both are optional and only used in
 * messages (and shape is checked against value's length).
 */
export interface Parameter {
  name?: string;
  shape?: readonly number[];
  value: Float32Array;
  grad: Float32Array;
}

/** A parameter's label in messages: its name if it has one, else its position. */
export function parameterLabel(p: Parameter, index: number): string {
  return typeof p.name === 'string' && p.name !== '' ? `'${p.name}' (parameter ${index})` : `parameter ${index}`;
}

/** Checks that `p` is a Parameter; `where` names it in messages ("params[2]"). */
export function checkParameter(fn: string, where: string, p: unknown): Parameter {
  if (!isPlainObject(p) && !(typeof p === 'object' && p !== null && 'value' in p)) {
    throw typeError(fn, where, 'a parameter { value: Float32Array, grad: Float32Array }', p);
  }
  const { value, grad, name, shape } = p as Partial<Parameter>;
  if (!(value instanceof Float32Array)) throw typeError(fn, `${where}.value`, 'a Float32Array', value);
  checkGrad(fn, `${where}.grad`, grad, value.length);
  if (name !== undefined && typeof name !== 'string') throw typeError(fn, `${where}.name`, 'a string', name);
  if (shape !== undefined) {
    const expected = `an array of integers >= 0 whose product is value's length ${value.length}`;
    if (!Array.isArray(shape)) throw typeError(fn, `${where}.shape`, expected, shape);
    let size = 1;
    for (const d of shape) {
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
        throw rangeError(fn, `${where}.shape`, expected, `[${shape.map(describe).join(', ')}]`);
      }
      size *= d;
    }
    if (size !== value.length) throw rangeError(fn, `${where}.shape`, expected, `[${shape.join(', ')}]`);
  }
  return p as Parameter;
}

export function checkGrad(fn: string, name: string, grad: unknown, length: number): Float32Array {
  const expected = `a Float32Array of value's length ${length}`;
  if (!(grad instanceof Float32Array)) throw typeError(fn, name, expected, grad);
  if (grad.length !== length) throw rangeError(fn, name, expected, describe(grad));
  return grad;
}

/** The parameters of an iterable (an array, a Set, a generator...), each checked. */
export function checkParameterList(fn: string, where: string, value: unknown): Parameter[] {
  const expected = 'an array of parameters';
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function'
  ) {
    throw typeError(fn, where, expected, value);
  }
  if (ArrayBuffer.isView(value)) throw typeError(fn, where, expected, value);
  return Array.from(value as Iterable<unknown>, (p, i) => checkParameter(fn, `${where}[${i}]`, p));
}
