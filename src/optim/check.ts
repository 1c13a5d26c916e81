// Checks of optimizer and schedule options, in the style of src/validate.ts: TypeError for a wrong type,
// RangeError for a bad value, "<function>: <argument> must be <expectation>, received <value>".
import { describe, rangeError, typeError } from '../validate.js';

/** A finite number in [lo, hi] (or (lo, hi) ends, open when asked), described as `expected`. */
export function checkNumber(
  fn: string,
  name: string,
  value: unknown,
  expected: string,
  valid: (x: number) => boolean,
): number {
  if (typeof value !== 'number') throw typeError(fn, name, expected, value);
  if (!Number.isFinite(value) || !valid(value)) throw rangeError(fn, name, expected, describe(value));
  return value;
}

export const atLeastZero = (fn: string, name: string, value: unknown): number =>
  checkNumber(fn, name, value, 'a finite number >= 0', (x) => x >= 0);

export const positive = (fn: string, name: string, value: unknown): number =>
  checkNumber(fn, name, value, 'a finite number > 0', (x) => x > 0);

/** In [0, 1): a decay rate such as a beta. */
export const unitOpen = (fn: string, name: string, value: unknown): number =>
  checkNumber(fn, name, value, 'a number in [0, 1)', (x) => x >= 0 && x < 1);

/** In [0, 1]. */
export const unitClosed = (fn: string, name: string, value: unknown): number =>
  checkNumber(fn, name, value, 'a number in [0, 1]', (x) => x >= 0 && x <= 1);

/** An integer in [lo, Number.MAX_SAFE_INTEGER]. */
export function integerAtLeast(fn: string, name: string, value: unknown, lo: number): number {
  const expected = `an integer >= ${lo}`;
  if (typeof value !== 'number') throw typeError(fn, name, expected, value);
  if (!Number.isSafeInteger(value) || value < lo) throw rangeError(fn, name, expected, describe(value));
  return value;
}

export function boolean(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw typeError(fn, name, 'a boolean', value);
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/** Python's a % b for b > 0 (never negative), which PyTorch's schedules rely on. */
export function pyMod(a: number, b: number): number {
  const r = a % b;
  return r < 0 ? r + b : r;
}
