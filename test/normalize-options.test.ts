// Issue 9, points 1 and 5: no silently wrong reading of the data. A flat typed array needs its shape (unless a
// fitted scaler's column count gives it), options that do not apply to the data given are errors naming them, an
// unknown method gets a "did you mean", and `columns` given to fit() points to the constructor.
import { describe, expect, test } from 'vitest';
import {
  MapMinMaxScaler,
  MaxAbsScaler,
  MinMaxScaler,
  Normalizer,
  RobustScaler,
  StandardScaler,
  applyNormalization,
  mapminmax,
  normalize,
} from '../src/index.js';
import { expectThrow } from './helpers/throws.js';

// 4 x 2: the data of the report, read as one column it gives one center, 13.75
const flat = Float32Array.from([1, 10, 2, 20, 3, 30, 4, 40]);
const rows = [
  [1, 10],
  [2, 20],
  [3, 30],
  [4, 40],
];
const records = rows.map(([a, b], i) => ({ id: i, a, b }));

describe('a flat typed array without a shape', () => {
  test('is an error naming shape, for normalize, applyNormalization and every scaler fit', () => {
    expectThrow(
      () => normalize(flat),
      TypeError,
      'normalize: shape must be given with a flat Float32Array: [rows, cols] or [B, T, F], received undefined',
    );
    expectThrow(
      () => applyNormalization(Float64Array.from(flat), { center: [0], scale: [1] }),
      TypeError,
      'applyNormalization: shape must be given with a flat Float64Array: [rows, cols] or [B, T, F], received undefined',
    );
    for (const scaler of [new StandardScaler(), new MinMaxScaler(), new RobustScaler(), new Normalizer()]) {
      const name = scaler.constructor.name;
      expectThrow(
        () => scaler.fit(flat),
        TypeError,
        `${name}.fit: shape must be given with a flat Float32Array: [rows, cols] or [B, T, F], received undefined`,
      );
      expect(scaler.nFeatures).toBe(null);
    }
    expectThrow(
      () => new MaxAbsScaler().fitTransform(flat),
      TypeError,
      'MaxAbsScaler.fitTransform: shape must be given with a flat Float32Array: [rows, cols] or [B, T, F], received undefined',
    );
    expectThrow(
      () => new StandardScaler().partialFit(flat),
      TypeError,
      'StandardScaler.partialFit: shape must be given with a flat Float32Array: [rows, cols] or [B, T, F], received undefined',
    );
  });

  test("after fitting, the scaler's column count gives the shape (and a length it does not divide is an error)", () => {
    const s = new StandardScaler().fit(flat, { shape: [4, 2] });
    expect(Array.from(s.mean)).toEqual([2.5, 25]); // per column: the report's single 13.75 is gone
    const expected = new StandardScaler().fit(rows).transform(rows).flat();
    expect(Array.from(s.transform(flat))).toEqual(expected.map(Math.fround));
    Array.from(s.inverseTransform(s.transform(flat))).forEach((x, i) => expect(x).toBeCloseTo(flat[i], 5));
    s.partialFit(Float32Array.from([5, 50])); // one more row of 2
    expect(Array.from(s.nSamplesSeen)).toEqual([5, 5]);
    expectThrow(
      () => s.transform(Float32Array.from([1, 2, 3])),
      RangeError,
      'StandardScaler.transform: X must be of a length that is a multiple of the 2 columns it was fitted on (or given a shape), received Float32Array(3)',
    );
    const n = new Normalizer().fit(rows);
    expect(Array.from(n.transform(Float64Array.from([3, 4])))).toEqual([0.6, 0.8]);
  });
});

describe('an option that does not apply to the data given', () => {
  test('shape with rows or objects', () => {
    expectThrow(
      () => normalize(rows, 'zscore', { shape: [4, 2] } as never),
      RangeError,
      'normalize: shape must be left out for an array of rows (it applies to a flat Float32Array or Float64Array only), received Array(2)',
    );
    expectThrow(
      () => new StandardScaler({ columns: ['a'] }).fit(records, { shape: [4, 1] } as never),
      RangeError,
      'StandardScaler.fit: shape must be left out for an array of objects (it applies to a flat Float32Array or Float64Array only), received Array(2)',
    );
  });

  test('shape given twice: with { data, shape } and as an option', () => {
    expectThrow(
      () => new MinMaxScaler().fit({ data: flat, shape: [4, 2] }, { shape: [2, 4] } as never),
      RangeError,
      'MinMaxScaler.fit: shape must be left out: X carries its own shape ({ data, shape }), received Array(2)',
    );
  });

  test('columns with rows or a typed array', () => {
    expectThrow(
      () => normalize(rows, 'range', { columns: ['a'] } as never),
      RangeError,
      'normalize: columns must be left out for an array of rows (columns name the fields of object rows), received Array(1)',
    );
    expectThrow(
      () => normalize(flat, 'range', { shape: [4, 2], columns: ['a'] } as never),
      RangeError,
      'normalize: columns must be left out for Float32Array(8) (columns name the fields of object rows), received Array(1)',
    );
  });

  test('a scaler made with columns takes objects only, and one without them says where they belong', () => {
    expectThrow(
      () => new StandardScaler({ columns: ['a', 'b'] }).fit(rows),
      RangeError,
      'StandardScaler.fit: X must be an array of objects, since the StandardScaler was made with columns, received an array of rows',
    );
    expectThrow(
      () => new MapMinMaxScaler({ columns: ['a'] }).fit(flat, { shape: [8, 1] }),
      RangeError,
      'MapMinMaxScaler.fit: X must be an array of objects, since the MapMinMaxScaler was made with columns, received Float32Array(8)',
    );
    expectThrow(
      () => new StandardScaler().fit(records),
      TypeError,
      'StandardScaler.fit: columns must be given to the constructor for object rows (new StandardScaler({ columns: [...] })), received undefined',
    );
  });

  test('columns given to fit() belong to the constructor', () => {
    expectThrow(
      () => new StandardScaler().fit(records, { columns: ['a'] } as never),
      RangeError,
      'StandardScaler.fit: columns must be given to the constructor, new StandardScaler({ columns }), not to fit(), received Array(1)',
    );
    expectThrow(
      () => new RobustScaler().fitTransform(records, { columns: ['a'] } as never),
      RangeError,
      'RobustScaler.fitTransform: columns must be given to the constructor, new RobustScaler({ columns }), not to fitTransform(), received Array(1)',
    );
  });

  test("MATLAB's row-wise functions say so in every shape message", () => {
    expectThrow(
      () => mapminmax(flat),
      TypeError,
      'mapminmax: shape must be given with a flat Float32Array: [N, Q] (rows are features, columns are samples, as in MATLAB), received undefined',
    );
    expectThrow(
      () => mapminmax(flat, { shape: [2, 2, 2] }),
      RangeError,
      'mapminmax: x shape must be an array [N, Q] of positive integers with product 8 (rows are features, columns are samples, as in MATLAB), received [2, 2, 2]',
    );
    expectThrow(
      () => mapminmax(records as never),
      TypeError,
      'mapminmax: x must be an N x Q matrix (rows are features, columns are samples, as in MATLAB): an array of rows, or a Float32Array/Float64Array with shape [N, Q], received an array of objects',
    );
    expectThrow(
      () => mapminmax([[1, 2], [3]]),
      RangeError,
      'mapminmax: x[1] must be a row of 2 values (rows are features, columns are samples, as in MATLAB), as row 0, received Array(1)',
    );
    expectThrow(
      () => mapminmax([]),
      RangeError,
      'mapminmax: x must be non-empty (at least one row: rows are features, columns are samples, as in MATLAB), received no rows',
    );
  });
});

describe('misspelt names get a "did you mean"', () => {
  test('an unknown method', () => {
    expectThrow(
      () => normalize(rows, 'zscroe' as 'zscore'),
      RangeError,
      "normalize: method must be one of 'zscore', 'norm', 'scale', 'range', 'center', 'medianiqr', 'decimal', 'maxabs', received 'zscroe' (did you mean 'zscore'?)",
    );
    expectThrow(
      () => normalize(rows, 'medianIQR' as 'zscore'),
      RangeError,
      "normalize: method must be one of 'zscore', 'norm', 'scale', 'range', 'center', 'medianiqr', 'decimal', 'maxabs', received 'medianIQR' (did you mean 'medianiqr'?)",
    );
  });

  test('an unknown center or scale', () => {
    expectThrow(
      () => normalize(rows, { center: 'mediam' as 'median' }),
      RangeError,
      "normalize: center must be one of 'mean', 'median', received 'mediam' (did you mean 'median'?)",
    );
  });
});

test('a MATLAB row vector is one row of rows: mapminmax([[1, 2, 3]]), and the message says so', () => {
  expect(mapminmax([[1, 2, 3]]).y).toEqual([[-1, 0, 1]]);
  expectThrow(
    () => mapminmax([1, 2, 3] as never),
    TypeError,
    'mapminmax: x[0] must be a row of numbers (rows are features, columns are samples, as in MATLAB), received 1',
  );
});
