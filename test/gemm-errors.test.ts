// Every sgemm argument, wrong in type, range or length: the exact error class and message, from the public API
// and from the native addon called directly (it must re-check, not trust JavaScript). None of them crashes.
import { describe, expect, test } from 'vitest';
import { backendInfo, sgemm } from '../src/index.js';
import { loadAddon } from '../src/backend/loader.js';

type Args = unknown[]; // the 13 positional arguments, then the options object

function valid(): Args {
  // C (2x3) = A (2x4) * B (4x3)
  return [false, false, 2, 3, 4, 1, new Float32Array(8), 4, new Float32Array(12), 3, 0, new Float32Array(6), 3, {}];
}

function withArg(index: number, value: unknown): Args {
  const args = valid();
  args[index] = value;
  return args;
}

function withOptions(options: unknown): Args {
  const args = valid();
  args[13] = options;
  return args;
}

const detached = new Float32Array(8);
structuredClone(detached.buffer, { transfer: [detached.buffer] });
const shared = new Float32Array(20);

const dim = 'an integer in [0, 2147483647]';
const CASES: [string, Args, typeof TypeError, string][] = [
  ['transA a number', withArg(0, 1), TypeError, "transA must be a boolean or 'N' or 'T', received 1"],
  ['transB an unknown letter', withArg(1, 'X'), RangeError, "transB must be a boolean or 'N' or 'T', received 'X'"],
  ['M negative', withArg(2, -1), RangeError, `M must be ${dim}, received -1`],
  ['M NaN', withArg(2, NaN), RangeError, `M must be ${dim}, received NaN`],
  ['M too large', withArg(2, 2 ** 31), RangeError, `M must be ${dim}, received 2147483648`],
  ['N not an integer', withArg(3, 2.5), RangeError, `N must be ${dim}, received 2.5`],
  ['K a string', withArg(4, '4'), TypeError, `K must be ${dim}, received '4'`],
  ['K a bigint', withArg(4, 4n), TypeError, `K must be ${dim}, received 4n`],
  ['alpha Infinity', withArg(5, Infinity), RangeError, 'alpha must be a finite number, received Infinity'],
  ['alpha beyond float32', withArg(5, 1e39), RangeError, 'alpha must be a finite number, received 1e+39'],
  ['alpha null', withArg(5, null), TypeError, 'alpha must be a finite number, received null'],
  [
    'A a Float64Array',
    withArg(6, new Float64Array(8)),
    TypeError,
    'A must be a Float32Array, received Float64Array(8)',
  ],
  ['A an Array', withArg(6, [1, 2]), TypeError, 'A must be a Float32Array, received Array(2)'],
  [
    'lda below K',
    withArg(7, 3),
    RangeError,
    'lda must be an integer in [4, 2147483647] (at least the row length of A as stored), received 3',
  ],
  [
    'lda below M when A is transposed',
    (() => {
      const a = withArg(0, true);
      a[7] = 1;
      return a;
    })(),
    RangeError,
    'lda must be an integer in [2, 2147483647] (at least the row length of A as stored), received 1',
  ],
  ['B undefined', withArg(8, undefined), TypeError, 'B must be a Float32Array, received undefined'],
  [
    'ldb zero',
    withArg(9, 0),
    RangeError,
    'ldb must be an integer in [3, 2147483647] (at least the row length of B as stored), received 0',
  ],
  ['beta NaN', withArg(10, NaN), RangeError, 'beta must be a finite number, received NaN'],
  ['C a plain object', withArg(11, {}), TypeError, 'C must be a Float32Array, received an object'],
  ['ldc below N', withArg(12, 2), RangeError, 'ldc must be an integer in [3, 2147483647] (at least N), received 2'],
  [
    'A one element short',
    withArg(6, new Float32Array(7)),
    RangeError,
    'A must be of length >= 8 (offsetA + (rows - 1) * lda + cols with 2 rows, 4 cols, lda = 4, offsetA = 0), ' +
      'received Float32Array(7)',
  ],
  [
    'A detached',
    withArg(6, detached),
    RangeError,
    'A must be of length >= 8 (offsetA + (rows - 1) * lda + cols with 2 rows, 4 cols, lda = 4, offsetA = 0), ' +
      'received Float32Array(0)',
  ],
  [
    'B short by its offset',
    withOptions({ offsetB: 1 }),
    RangeError,
    'B must be of length >= 13 (offsetB + (rows - 1) * ldb + cols with 4 rows, 3 cols, ldb = 3, offsetB = 1), ' +
      'received Float32Array(12)',
  ],
  [
    'C short for its ldc',
    withArg(12, 5),
    RangeError,
    'C must be of length >= 8 (offsetC + (rows - 1) * ldc + cols with 2 rows, 3 cols, ldc = 5, offsetC = 0), ' +
      'received Float32Array(6)',
  ],
  [
    'A far too short for a huge M',
    [false, false, 2147483647, 1, 1, 1, new Float32Array(8), 1, new Float32Array(1), 1, 0, new Float32Array(8), 1, {}],
    RangeError,
    'A must be of length >= 2147483647 (offsetA + (rows - 1) * lda + cols with 2147483647 rows, 1 cols, lda = 1, ' +
      'offsetA = 0), received Float32Array(8)',
  ],
  [
    'offsetC negative',
    withOptions({ offsetC: -1 }),
    RangeError,
    'offsetC must be an integer in [0, 9007199254740991], received -1',
  ],
  [
    'offsetA fractional',
    withOptions({ offsetA: 1.5 }),
    RangeError,
    'offsetA must be an integer in [0, 9007199254740991], received 1.5',
  ],
  [
    'C overlapping A',
    (() => {
      const a = valid();
      a[6] = shared.subarray(0, 8);
      a[11] = shared.subarray(7, 13);
      return a;
    })(),
    RangeError,
    'C must be memory that does not overlap A, received views that overlap',
  ],
  [
    'C overlapping B',
    (() => {
      const a = valid();
      a[8] = shared.subarray(8, 20);
      a[11] = shared.subarray(6, 12);
      a[6] = new Float32Array(8);
      return a;
    })(),
    RangeError,
    'C must be memory that does not overlap B, received views that overlap',
  ],
  ['no arguments at all', [], TypeError, "transA must be a boolean or 'N' or 'T', received undefined"],
];

// Errors in the options object itself exist only in the TypeScript API (the addon takes plain offsets).
const OPTION_CASES: [string, Args, typeof TypeError, string][] = [
  ['options not an object', withOptions(5), TypeError, 'options must be an object, received 5'],
  [
    'a misspelt option',
    withOptions({ ofsetA: 1 }),
    RangeError,
    "each option must be one of offsetA, offsetB, offsetC, received 'ofsetA' (did you mean 'offsetA'?)",
  ],
];

describe('sgemm (public API) rejects bad arguments', () => {
  test.each([...CASES, ...OPTION_CASES])('%s', (_, args, errorClass, message) => {
    const call = () => (sgemm as (...a: unknown[]) => void)(...args);
    expect(call).toThrow(errorClass);
    expect(call).toThrow(`sgemm: ${message}`);
    try {
      call();
    } catch (error) {
      expect((error as Error).message).toBe(`sgemm: ${message}`); // exactly, not just a prefix
      expect((error as Error).constructor).toBe(errorClass);
    }
  });
});

describe.runIf(backendInfo().backend === 'native')('the native addon re-checks every argument itself', () => {
  const addon = backendInfo().backend === 'native' ? loadAddon() : undefined;
  test.each(CASES)('%s', (_, args, errorClass, message) => {
    // The addon takes the offsets positionally; fill in the defaults the TypeScript layer would.
    const options = (args[13] ?? {}) as Record<string, unknown>;
    const positional =
      args.length === 0 ? [] : [...args.slice(0, 13), options.offsetA ?? 0, options.offsetB ?? 0, options.offsetC ?? 0];
    let thrown: unknown;
    try {
      (addon!.sgemm as (...a: unknown[]) => void)(...positional);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(errorClass);
    expect((thrown as Error).message).toBe(`sgemm: ${message}`);
  });

  test('missing trailing offsets are an error, not a default', () => {
    const args = valid().slice(0, 13);
    expect(() => (addon!.sgemm as (...a: unknown[]) => void)(...args)).toThrow(
      new TypeError('sgemm: offsetA must be an integer in [0, 9007199254740991], received undefined'),
    );
  });
});
