// Argument checking for the public API (the backends' callers check; the js backend trusts them).
//
// Every check throws TypeError for a value of the wrong type and RangeError for a value of the right type that is
// out of range, with the message "<function>: <argument> must be <expectation>, received <value>". The native
// layer (native/binding/args.cc) re-checks with the same messages; describe() here matches describe() there.

export const MAX_DIM = 2147483647; // 2^31 - 1: largest M, N, K or leading dimension
export const MAX_SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

/** A short description of a value for an error message: 2.5, NaN, 'text', Float64Array(3), Array(2), null... */
export function describe(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'boolean':
      return String(value);
    case 'number':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'string':
      return `'${value.length > 40 ? `${value.slice(0, 37)}...` : value}'`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
  }
  if (value === null) return 'null';
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length})`;
  }
  if (Array.isArray(value)) return `Array(${value.length})`;
  return 'an object';
}

export function typeError(fn: string, name: string, expected: string, value: unknown): TypeError {
  return new TypeError(`${fn}: ${name} must be ${expected}, received ${describe(value)}`);
}

export function rangeError(fn: string, name: string, expected: string, received: string): RangeError {
  return new RangeError(`${fn}: ${name} must be ${expected}, received ${received}`);
}

/** true/false, or BLAS-style 'T' (transposed) / 'N' (not transposed). */
export function checkTranspose(fn: string, name: string, value: unknown): boolean {
  const expected = "a boolean or 'N' or 'T'";
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') throw typeError(fn, name, expected, value);
  if (value === 'N') return false;
  if (value === 'T') return true;
  throw rangeError(fn, name, expected, describe(value));
}

/** An integer in [lo, hi]; `why` explains a lower bound that depends on other arguments. */
export function checkInteger(fn: string, name: string, value: unknown, lo: number, hi: number, why = ''): number {
  if (typeof value === 'number' && value >= lo && value <= hi && Number.isInteger(value)) return value;
  // The message is built only on failure: this runs for every argument of every call.
  const expected = `an integer in [${lo}, ${hi}]${why ? ` (${why})` : ''}`;
  if (typeof value !== 'number') throw typeError(fn, name, expected, value);
  throw rangeError(fn, name, expected, describe(value));
}

/** A number that stays finite when rounded to float32. */
export function checkFiniteFloat(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number') throw typeError(fn, name, 'a finite number', value);
  if (!Number.isFinite(Math.fround(value))) {
    throw rangeError(fn, name, 'a finite number', describe(value));
  }
  return value;
}

export function checkFloat32Array(fn: string, name: string, value: unknown): Float32Array {
  if (!(value instanceof Float32Array)) throw typeError(fn, name, 'a Float32Array', value);
  return value;
}

/** Elements a rows x cols matrix with row stride ld spans from its first element (0 when it is empty). */
export function matrixSpan(rows: number, cols: number, ld: number): number {
  return rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols;
}

/** `array` must hold a rows x cols matrix with row stride ld, starting `offset` elements in. */
export function checkMatrixLength(
  fn: string,
  name: string,
  array: Float32Array,
  rows: number,
  cols: number,
  ld: number,
  offset: number,
  ldName: string,
  offsetName: string,
): void {
  const span = matrixSpan(rows, cols, ld);
  if (span === 0) return;
  const needed = offset + span;
  if (array.length >= needed) return;
  throw rangeError(
    fn,
    name,
    `of length >= ${needed} (${offsetName} + (rows - 1) * ${ldName} + cols with ${rows} rows, ${cols} cols, ` +
      `${ldName} = ${ld}, ${offsetName} = ${offset})`,
    describe(array),
  );
}

/** The elements [offsetA, offsetA + lengthA) of `a` and those of `b` must not share memory. */
export function checkNoOverlap(
  fn: string,
  aName: string,
  a: Float32Array,
  offsetA: number,
  lengthA: number,
  bName: string,
  b: Float32Array,
  offsetB: number,
  lengthB: number,
): void {
  if (lengthA === 0 || lengthB === 0 || a.buffer !== b.buffer) return;
  const a0 = a.byteOffset + 4 * offsetA;
  const b0 = b.byteOffset + 4 * offsetB;
  if (a0 < b0 + 4 * lengthB && b0 < a0 + 4 * lengthA) {
    throw rangeError(fn, aName, `memory that does not overlap ${bName}`, 'views that overlap');
  }
}

const NO_OPTIONS = Object.freeze({});

/**
 * An options object (or undefined) whose keys are all in `allowed`. A misspelt key gets a "did you mean".
 */
export function checkOptions<T extends object>(fn: string, value: unknown, allowed: readonly string[]): Partial<T> {
  if (value === undefined) return NO_OPTIONS;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw typeError(fn, 'options', 'an object', value);
  }
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const guess = closest(key, allowed);
    throw rangeError(
      fn,
      'each option',
      `one of ${allowed.join(', ')}`,
      `'${key}'${guess ? ` (did you mean '${guess}'?)` : ''}`,
    );
  }
  return value;
}

/** `'given'` as a message's "received" part, with a "did you mean" when one of `names` is close. */
export function suggest(given: string, names: readonly string[]): string {
  const guess = closest(given, names);
  return `'${given}'${guess ? ` (did you mean '${guess}'?)` : ''}`;
}

// The allowed name within edit distance 2 of `key`, if any.
function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of allowed) {
    const d = editDistance(key.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * A Float32Array of exactly `length` elements (`shape` spells the length out, as in "T*B*I"). An optional one may be
 * undefined or null (then null is returned). With `finite`, every element must be a finite number.
 */
export function checkFloat32(
  fn: string,
  name: string,
  value: unknown,
  length: number,
  shape: string,
  { optional = false, finite = true }: { optional?: boolean; finite?: boolean } = {},
): Float32Array | null {
  if (optional && (value === undefined || value === null)) return null;
  const expected = `a Float32Array of length ${shape} = ${length}`;
  if (!(value instanceof Float32Array)) throw typeError(fn, name, expected, value);
  if (value.length !== length) throw rangeError(fn, name, expected, describe(value));
  if (finite) {
    for (let i = 0; i < value.length; i++) {
      if (!Number.isFinite(value[i])) throw rangeError(fn, name, 'finite numbers only', `${value[i]} at index ${i}`);
    }
  }
  return value;
}

/** One of `choices`; with `suggest`, a misspelt one gets a "did you mean". */
export function checkChoice<T extends string>(
  fn: string,
  name: string,
  value: unknown,
  choices: readonly T[],
  { suggest = false }: { suggest?: boolean } = {},
): T {
  const expected = `one of ${choices.map((c) => `'${c}'`).join(', ')}`;
  if (typeof value !== 'string') throw typeError(fn, name, expected, value);
  if (!(choices as readonly string[]).includes(value)) {
    const guess = suggest ? closest(value, choices) : undefined;
    throw rangeError(fn, name, expected, `${describe(value)}${guess ? ` (did you mean '${guess}'?)` : ''}`);
  }
  return value as T;
}

export function checkBoolean(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw typeError(fn, name, 'a boolean', value);
  return value;
}

/** A finite number (float64). */
export function checkFinite(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number') throw typeError(fn, name, 'a finite number', value);
  if (!Number.isFinite(value)) throw rangeError(fn, name, 'a finite number', describe(value));
  return value;
}

/** A pair [lo, hi] of finite numbers that satisfies `valid`; `expected` describes it ("an array [a, b] with a < b"). */
export function checkInterval(
  fn: string,
  name: string,
  value: unknown,
  expected: string,
  valid: (lo: number, hi: number) => boolean,
): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) throw typeError(fn, name, expected, value);
  const [lo, hi] = value.map((x, i) => checkFinite(fn, `${name}[${i}]`, x));
  if (!valid(lo, hi)) throw rangeError(fn, name, expected, `[${lo}, ${hi}]`);
  return [lo, hi];
}
