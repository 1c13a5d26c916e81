// The scalers' properties, independent of any reference: round trips, chunked fitting, serialization, NaN,
// constant columns, data shapes, and the numerical stability of the chunked variance.
import { describe, expect, test } from 'vitest';
import { DecimalScaler, MaxAbsScaler, MinMaxScaler, Normalizer, RobustScaler, StandardScaler } from '../src/index.js';
import { makeRandom, randomInt } from './helpers/random.js';

type Scaler = StandardScaler | MinMaxScaler | RobustScaler | MaxAbsScaler | DecimalScaler;
// [name, make(columns?), whether it centers (a constant column has zero spread) or only divides by max |x|]
const makers: [string, (columns?: string[]) => Scaler, boolean][] = [
  ['StandardScaler', (columns) => new StandardScaler({ columns }), true],
  ['StandardScaler ddof 1, no mean', (columns) => new StandardScaler({ ddof: 1, withMean: false, columns }), true],
  ['MinMaxScaler [-2, 3]', (columns) => new MinMaxScaler({ featureRange: [-2, 3], columns }), true],
  [
    'RobustScaler unit variance',
    (columns) => new RobustScaler({ unitVariance: true, quantileRange: [10, 90], columns }),
    true,
  ],
  ['MaxAbsScaler', (columns) => new MaxAbsScaler({ columns }), false],
  ['DecimalScaler', (columns) => new DecimalScaler({ columns }), false],
];

// rows x cols of values with spread scales and offsets, some NaN, and a constant column
function data(seed: number, rows: number, cols: number, nanRate = 0.05): number[][] {
  const random = makeRandom(seed);
  return Array.from({ length: rows }, () =>
    Array.from({ length: cols }, (_, j) =>
      j === cols - 1 ? 4 : random() < nanRate ? NaN : (random() - 0.3) * 10 ** (j - 1) + j * 100,
    ),
  );
}

const close = (a: number, b: number, rel: number) =>
  (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!close(actual[i], expected[i], rel)) expect({ i, actual: actual[i] }).toEqual({ i, actual: expected[i] });
  }
}

describe.each(makers)('%s', (_, make, spread) => {
  const X = data(1, 60, 4);

  test('inverseTransform(transform(x)) is x, NaN kept in place', () => {
    const s = make().fit(X);
    const back = s.inverseTransform(s.transform(X));
    expectClose(back.flat(), X.flat(), 1e-12);
  });

  test('partialFit over random chunkings equals fit', () => {
    const whole = make().fit(X);
    if (!('partialFit' in whole)) return; // RobustScaler needs all the data
    const random = makeRandom(7);
    for (let trial = 0; trial < 5; trial++) {
      const s = make() as StandardScaler;
      for (let start = 0; start < X.length;) {
        const end = Math.min(X.length, start + randomInt(random, 1, 17));
        s.partialFit(X.slice(start, end));
        start = end;
      }
      expectClose(s.center, whole.center, 1e-12);
      expectClose(s.scale, whole.scale, 1e-12);
    }
  });

  test('toJSON round-trips exactly, through a string too', () => {
    const s = make().fit(X);
    const json = JSON.stringify(s);
    const Cls = s.constructor as unknown as { fromJSON(j: unknown): Scaler };
    const back = Cls.fromJSON(JSON.parse(json));
    expect(JSON.stringify(back)).toBe(json);
    expect(JSON.stringify(Cls.fromJSON(json))).toBe(json);
    expect(back.transform(X)).toEqual(s.transform(X));
    const unfitted = Cls.fromJSON(JSON.parse(JSON.stringify(make())));
    expect(unfitted.nFeatures).toBe(null);
  });

  test('a column without spread never divides by zero: its spread counts as 1; a NaN column too', () => {
    const flat = spread ? 5 : 0; // no spread: a constant column, or for max |x| scalers a column of zeros
    const s = make().fit([
      [1, flat, NaN],
      [2, flat, NaN],
      [3, flat, NaN],
    ]);
    // the scale is what a spread of exactly 1 gives: 1 for most, 1 / (b - a) for MinMax, 1 / 1.349 for a
    // unit-variance RobustScaler (as in scikit-learn); never 0, NaN or Infinity
    for (const j of [1, 2]) {
      expect(s.scale[j]).toBeGreaterThan(0);
      expect(Number.isFinite(s.scale[j])).toBe(true);
    }
    const out = s.transform([[2, flat, NaN]]);
    expect(Number.isFinite(out[0][1])).toBe(true);
    expect(Number.isNaN(out[0][2])).toBe(true);
  });

  test('Float32 data stays Float32 (statistics in float64); Float64 stays Float64', () => {
    const flat = Float32Array.from(X.flat());
    const s = make().fit({ data: flat, shape: [60, 4] });
    const out = s.transform({ data: flat, shape: [60, 4] });
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(out.shape).toEqual([60, 4]);
    const reference = make().fit(Array.from({ length: 60 }, (_, i) => Array.from(flat.subarray(4 * i, 4 * i + 4))));
    expectClose(s.center, reference.center, 1e-15);
    const f64 = s.transform(Float64Array.from(X.flat()), { shape: [60, 4] });
    expect(f64).toBeInstanceOf(Float64Array);
  });

  test('a batch of sequences (B, T, F) is scaled per feature over B and T', () => {
    const flat = Float64Array.from(X.flat()); // 60 x 4 = (B 5, T 12, F 4)
    const s3 = make().fit(flat, { shape: [5, 12, 4] });
    const s2 = make().fit(X);
    expectClose(s3.center, s2.center, 1e-15);
    expectClose(s3.scale, s2.scale, 1e-15);
    expect(s3.transform(flat, { shape: [5, 12, 4] })).toEqual(Float64Array.from(s2.transform(X).flat()));
  });

  test('objects: the chosen columns are scaled, the others pass through, null is NaN', () => {
    const rows = X.map((r, i) => ({ id: `r${i}`, a: r[0], b: r[1], note: null, c: r[2] }));
    const s = make(['a', 'b', 'c']).fit(rows);
    const reference = make().fit(X.map((r) => r.slice(0, 3)));
    expectClose(s.scale, reference.scale, 1e-15);
    const out = s.transform([{ id: 'new', a: 1, b: null, c: 2, extra: [1] }]) as Record<string, unknown>[];
    expect(out[0].id).toBe('new');
    expect(out[0].extra).toEqual([1]);
    expect(Number.isNaN(out[0].b)).toBe(true);
    expect(out[0].a).toBe((1 - reference.center[0]) / reference.scale[0]);
  });
});

describe('StandardScaler', () => {
  test('mean 1e8, std 1: any chunking matches a two-pass float64 fit (a naive sum of squares does not)', () => {
    const random = makeRandom(3);
    const n = 200_000;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = 1e8 + (random() - 0.5) * Math.sqrt(12); // variance 1
    let sum = 0;
    for (let i = 0; i < n; i++) sum += x[i];
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (x[i] - mean) ** 2;
    const variance = ss / n;
    // the textbook one-pass formula loses everything to cancellation at this offset
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      s1 += x[i];
      s2 += x[i] * x[i];
    }
    expect(Math.abs(s2 / n - (s1 / n) ** 2 - variance) / variance).toBeGreaterThan(1e-3);

    for (const chunking of ['one chunk', 'rows of 1..5000', 'single rows at the start']) {
      const scaler = new StandardScaler();
      let start = 0;
      while (start < n) {
        const size =
          chunking === 'one chunk'
            ? n
            : chunking === 'rows of 1..5000'
              ? randomInt(random, 1, 5000)
              : start < 100
                ? 1
                : n;
        const end = Math.min(n, start + size);
        // the first chunk needs a shape; after it, the fitted column count reads a flat array
        scaler.partialFit(x.subarray(start, end), start === 0 ? { shape: [end, 1] } : undefined);
        start = end;
      }
      expect(Math.abs(scaler.mean[0] - mean) / mean).toBeLessThanOrEqual(1e-10);
      expect(Math.abs(scaler.variance[0] - variance) / variance).toBeLessThanOrEqual(1e-6);
    }
  });

  test('ddof divides by n - ddof; withMean/withStd switch the parts off', () => {
    const X = [[1], [2], [3], [4]];
    expect(new StandardScaler({ ddof: 1 }).fit(X).variance[0]).toBeCloseTo(5 / 3, 14);
    expect(new StandardScaler().fit(X).variance[0]).toBeCloseTo(1.25, 14);
    expect(new StandardScaler({ withMean: false }).fit(X).center[0]).toBe(0);
    expect(new StandardScaler({ withStd: false }).fit(X).scale[0]).toBe(1);
  });

  test('counts the non-NaN values per column', () => {
    const s = new StandardScaler().fit([
      [1, NaN],
      [2, 3],
      [NaN, 5],
    ]);
    expect(Array.from(s.nSamplesSeen)).toEqual([2, 2]);
    expect(Array.from(s.mean)).toEqual([1.5, 4]);
  });
});

describe('MinMaxScaler, DecimalScaler, Normalizer', () => {
  test('MinMaxScaler maps [min, max] onto the range, and clips new data when asked', () => {
    const s = new MinMaxScaler({ featureRange: [-1, 1], clip: true }).fit([[0], [10]]);
    expect(s.transform([[0], [5], [10], [20], [-5], [NaN]]).flat()).toEqual([-1, 0, 1, 1, -1, NaN]);
    const unclipped = new MinMaxScaler().fit([[0], [10]]);
    expect(unclipped.transform([[20]])).toEqual([[2]]);
  });

  test('DecimalScaler picks the smallest j with max |x| / 10^j < 1', () => {
    const cases: [number, number][] = [
      [999, 3],
      [1000, 4],
      [1, 1],
      [0.5, 0],
      [0.05, -1],
      [0, 0],
      [123456.7, 6],
    ];
    for (const [max, j] of cases) {
      expect(new DecimalScaler().fit([[max], [-max / 2]]).exponents[0]).toBe(j);
    }
  });

  test('Normalizer scales rows to unit norm, keeps zero rows, ignores NaN, cannot be inverted', () => {
    expect(new Normalizer().transform([[3, 4]])).toEqual([[0.6, 0.8]]);
    expect(
      new Normalizer({ norm: 'l1' }).transform([
        [1, 3],
        [0, 0],
      ]),
    ).toEqual([
      [0.25, 0.75],
      [0, 0],
    ]);
    expect(new Normalizer({ norm: 'max' }).transform([[-4, 2, NaN]])).toEqual([[-1, 0.5, NaN]]);
    expect(() => new Normalizer().inverseTransform()).toThrow('cannot be undone');
    const n = Normalizer.fromJSON(JSON.parse(JSON.stringify(new Normalizer({ norm: 'l1' }).fit([[1, 2]]))));
    expect(n.norm).toBe('l1');
    expect(n.nFeatures).toBe(2);
  });
});
