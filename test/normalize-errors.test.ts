// Bad input to normalize() and the scalers: the exact error class and message.
import { describe, expect, test } from 'vitest';
import { loadAddon } from '../src/backend/loader.js';
import { MinMaxScaler, RobustScaler, StandardScaler, backendInfo, normalize } from '../src/index.js';

function expectThrow(call: () => unknown, errorClass: typeof Error, message: string) {
  let thrown: unknown;
  try {
    call();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(errorClass);
  expect((thrown as Error).message).toBe(message);
}

const X = [
  [1, 2],
  [3, 4],
];
const CASES: [string, () => unknown, typeof Error, string][] = [
  [
    'an empty array',
    () => normalize([]),
    RangeError,
    'normalize: data must be non-empty (at least one row), received no rows',
  ],
  [
    'an unknown method',
    () => normalize(X, 'softmax' as 'zscore'),
    RangeError,
    "normalize: method must be one of 'zscore', 'norm', 'scale', 'range', 'center', 'medianiqr', 'decimal', 'maxabs', received 'softmax'",
  ],
  [
    'an option of another method',
    () => normalize(X, 'zscore', { p: 2 } as never),
    RangeError,
    "normalize: each option must be one of dim, shape, columns, type, received 'p'",
  ],
  [
    'a misspelt option',
    () => normalize(X, 'range', { rnage: [0, 1] } as never),
    RangeError,
    "normalize: each option must be one of dim, shape, columns, range, received 'rnage' (did you mean 'range'?)",
  ],
  [
    'an unknown zscore type',
    () => normalize(X, 'zscore', { type: 'mad' as 'std' }),
    RangeError,
    "normalize: type must be one of 'std', 'robust', received 'mad'",
  ],
  [
    'p of 0',
    () => normalize(X, 'norm', { p: 0 }),
    RangeError,
    'normalize: p must be a number > 0 or Infinity, received 0',
  ],
  [
    'a reversed range',
    () => normalize(X, 'range', { range: [1, 0] }),
    RangeError,
    'normalize: range must be an array [a, b] with a < b, received [1, 0]',
  ],
  [
    'a zero scale',
    () => normalize(X, 'scale', { scale: 0 }),
    RangeError,
    'normalize: scale must be a nonzero number, received 0',
  ],
  [
    'dim 3',
    () => normalize(X, 'zscore', { dim: 3 as 1 }),
    RangeError,
    'normalize: dim must be an integer in [1, 2], received 3',
  ],
  [
    'a string value',
    () => normalize([[1, 'x']] as never),
    TypeError,
    "normalize: data[0][1] must be a number, received 'x'",
  ],
  [
    'Infinity',
    () => normalize([[1, Infinity]]),
    RangeError,
    'normalize: data[0][1] must be a finite number or NaN (missing), received Infinity',
  ],
  [
    'a ragged row',
    () => normalize([[1, 2], [3]]),
    RangeError,
    'normalize: data[1] must be a row of 2 values, as row 0, received Array(1)',
  ],
  [
    'objects without columns',
    () => normalize([{ a: 1 }]),
    TypeError,
    'normalize: columns must be the names of the numeric fields to use (objects as rows need them), received undefined',
  ],
  [
    'an object field that is not a number',
    () => normalize([{ a: '3' }], 'zscore', { columns: ['a'] }),
    TypeError,
    "normalize: data[0].a must be a number, received '3'",
  ],
  [
    'a shape that does not fit the array',
    () => normalize(Float32Array.from([1, 2, 3]), 'zscore', { shape: [2, 2] }),
    RangeError,
    'normalize: data shape must be an array [rows, cols] or [B, T, F] of positive integers with product 3, received [2, 2]',
  ],
  [
    'not data at all',
    () => normalize(42 as never),
    TypeError,
    'normalize: data must be an array of rows, an array of objects, or a Float32Array/Float64Array (with a shape), received 42',
  ],
];

describe('normalize rejects bad input', () => {
  test.each(CASES)('%s', (_, call, errorClass, message) => expectThrow(call, errorClass, message));
});

describe('scalers reject bad input', () => {
  test('a column count that differs from the fit', () => {
    const s = new StandardScaler().fit(X);
    expectThrow(
      () => s.transform([[1, 2, 3]]),
      RangeError,
      'StandardScaler.transform: X must be 2 columns wide, as when fitted, received 3 columns',
    );
    expectThrow(
      () => s.partialFit([[1]]),
      RangeError,
      'StandardScaler.partialFit: X must be 2 columns wide, as before, received 1 columns',
    );
  });

  test('transform before fit', () => {
    expectThrow(
      () => new MinMaxScaler().transform(X),
      Error,
      'MinMaxScaler.transform: the scaler is not fitted yet; call fit() or partialFit() first',
    );
  });

  test('unknown and out-of-range options', () => {
    expectThrow(
      () => new StandardScaler({ withmean: false } as never),
      RangeError,
      "StandardScaler: each option must be one of withMean, withStd, ddof, columns, received 'withmean' (did you mean 'withMean'?)",
    );
    expectThrow(
      () => new MinMaxScaler({ featureRange: [1, 1] }),
      RangeError,
      'MinMaxScaler: featureRange must be an array [a, b] with a < b, received [1, 1]',
    );
    expectThrow(
      () => new RobustScaler({ quantileRange: [25, 125] }),
      RangeError,
      'RobustScaler: quantileRange must be an array [qMin, qMax] with 0 <= qMin < qMax <= 100, received [25, 125]',
    );
    expectThrow(
      () => new StandardScaler({ ddof: -1 }),
      RangeError,
      'StandardScaler: ddof must be an integer in [0, 2147483647], received -1',
    );
  });

  test('fromJSON of another scaler or a damaged state', () => {
    const json = new StandardScaler().fit(X).toJSON();
    expectThrow(
      () => MinMaxScaler.fromJSON(json),
      RangeError,
      "MinMaxScaler.fromJSON: json.type must be 'MinMaxScaler', received 'StandardScaler'",
    );
    expectThrow(
      () => StandardScaler.fromJSON({ ...json, state: { ...json.state, mean: [1] } }),
      TypeError,
      'StandardScaler.fromJSON: json.state.mean must be an array of 2 numbers, received Array(1)',
    );
  });

  test('fitStream of nothing', async () => {
    await expect(new StandardScaler().fitStream([])).rejects.toThrow(
      new RangeError('StandardScaler.fitStream: source must be non-empty (at least one row), received no rows'),
    );
  });
});

describe.runIf(backendInfo().backend === 'native')('the native column kernels re-check their arguments', () => {
  const addon = backendInfo().backend === 'native' ? loadAddon() : undefined;
  const x = new Float32Array(6);
  const cols = () => new Float64Array(3);
  test.each([
    [
      'x an Array',
      () => addon!.columnMoments([1, 2] as never, 1, 2, cols(), cols(), cols()),
      TypeError,
      'columnMoments: x must be a Float32Array or a Float64Array, received Array(2)',
    ],
    [
      'rows * cols not the length',
      () => addon!.columnExtrema(x, 4, 3, cols(), cols(), cols()),
      RangeError,
      'columnExtrema: x must be of length rows * cols = 4 * 3, received Float32Array(6)',
    ],
    [
      'an output of the wrong length',
      () => addon!.columnMoments(x, 2, 3, cols(), new Float64Array(2), cols()),
      RangeError,
      'columnMoments: mean must be a Float64Array of length cols = 3, received Float64Array(2)',
    ],
    [
      'y of another type',
      () => addon!.affine(x, 2, 3, cols(), new Float64Array([1, 1, 1]), false, new Float64Array(6)),
      RangeError,
      "affine: y must be a Float32Array of x's length 6, received Float64Array(6)",
    ],
    [
      'a zero scale',
      () => addon!.affine(x, 2, 3, cols(), cols(), false, new Float32Array(6)),
      RangeError,
      'affine: scale must be finite nonzero numbers only, received 0 or a non-finite value',
    ],
    [
      'inverse not a boolean',
      () => addon!.affine(x, 2, 3, cols(), new Float64Array([1, 1, 1]), 1 as never, new Float32Array(6)),
      TypeError,
      'affine: inverse must be a boolean, received 1',
    ],
  ] as [string, () => unknown, typeof Error, string][])('%s', (_, call, errorClass, message) =>
    expectThrow(call, errorClass, message),
  );
});
