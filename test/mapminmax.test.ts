// MATLAB's neural-network mapminmax and mapstd (issue 11): the contract as written, MATLAB's documented example by
// hand, every generated case of test/fixtures/gen_normalize.py (numpy following MATLAB's create/apply/reverse,
// cross-checked against Octave), NaN and Infinity as MATLAB handles them, ps as plain JSON, and the scaler forms.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  MapMinMaxScaler,
  MapStdScaler,
  mapminmax,
  mapstd,
  scalerFromJSON,
  type MapMinMaxSettings,
  type MapStdSettings,
} from '../src/index.js';
import { expectThrow } from './helpers/throws.js';

type Cell = number | null | 'Infinity' | '-Infinity';
interface NnetCase {
  name: string;
  function: 'mapminmax' | 'mapstd';
  params: { ymin: number; ymax: number } | { ymean: number; ystd: number } | null;
  dataset: string;
  x: Cell[][];
  x2: Cell[][];
  y: Cell[][];
  ps: Record<string, unknown>;
  y2: Cell[][];
  x_back: Cell[][];
}
const fixture = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'normalize', 'normalize.json'), 'utf8'),
) as { nnet: NnetCase[] };
const num = (c: unknown): number =>
  c === null ? NaN : c === 'Infinity' ? Infinity : c === '-Infinity' ? -Infinity : (c as number);
const matrix = (m: Cell[][]) => m.map((r) => r.map(num));
const transposed = (m: number[][]) => m[0].map((_, j) => m.map((r) => r[j]));

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<unknown>, what: string) {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = num(expected[i]);
    const a = actual[i];
    const ok = Number.isFinite(e) ? Math.abs(a - e) <= 1e-12 * Math.max(1, Math.abs(e)) : Object.is(a, e);
    if (!ok) expect({ what, i, actual: a }).toEqual({ what, i, actual: e });
  }
}

function expectSettings(actual: MapMinMaxSettings | MapStdSettings, expected: Record<string, unknown>) {
  expect(Object.keys(actual)).toEqual(Object.keys(expected)); // MATLAB's fields, in MATLAB's order
  for (const [key, value] of Object.entries(expected)) {
    const a = (actual as unknown as Record<string, unknown>)[key];
    if (Array.isArray(value)) expectClose(a as number[], value, `ps.${key}`);
    else if (typeof value === 'number') expectClose([a as number], [value], `ps.${key}`);
    else expect(a, `ps.${key}`).toBe(value);
  }
}

describe('the contract of the issue, as written', () => {
  test('mapminmax, apply, reverse, mapstd', () => {
    const x = [
      [1, 2, 4],
      [1, 1, 1],
      [3, 2, 2],
      [0, 0, 0],
    ];
    const x2 = [
      [5, 2, 3],
      [1, 1, 1],
      [6, 7, 3],
      [0, 0, 0],
    ];

    const { y, ps } = mapminmax(x); // x: N features x Q samples (rows), default yMin -1, yMax 1
    const { y: y01 } = mapminmax(x, { yMin: 0, yMax: 1 });
    const y2 = mapminmax.apply(x2, ps); // the same mapping on new data
    const xBack = mapminmax.reverse(y, ps); // back to real units
    const { y: z, ps: zs } = mapstd(x); // each row to mean 0, std 1 (yMean, yStd options)

    expect(y01[0]).toEqual([0, 1 / 3, 1]);
    expect(y2[2]).toEqual([7, 9, 1]);
    expect(xBack).toEqual(x);
    expect(z[0][0]).toBeCloseTo((1 - 7 / 3) / Math.sqrt(7 / 3), 14);
    expect(zs.name).toBe('mapstd');
  });
});

describe("MATLAB's documented example (help mapminmax, help mapstd), by hand", () => {
  const x1 = [
    [1, 2, 4],
    [1, 1, 1],
    [3, 2, 2],
    [0, 0, 0],
  ];
  const x2 = [
    [5, 2, 3],
    [1, 1, 1],
    [6, 7, 3],
    [0, 0, 0],
  ];

  test('mapminmax: rows onto [-1, 1], constant rows passed through unchanged', () => {
    const { y, ps } = mapminmax(x1);
    expect(y).toEqual([
      [-1, (2 - 1) * (2 / 3) - 1, 1],
      [1, 1, 1],
      [1, -1, -1],
      [0, 0, 0],
    ]);
    expect(ps).toEqual({
      name: 'mapminmax',
      xrows: 4,
      xmax: [4, 1, 3, 0],
      xmin: [1, 1, 2, 0],
      xrange: [3, 0, 1, 0],
      yrows: 4,
      ymax: 1,
      ymin: -1,
      yrange: 2,
      gain: [2 / 3, 1, 2, 1],
      xoffset: [1, -1, 2, -1],
      no_change: false,
    });
    expect(mapminmax.apply(x2, ps)).toEqual([
      [(5 - 1) * (2 / 3) - 1, (2 - 1) * (2 / 3) - 1, (3 - 1) * (2 / 3) - 1],
      [1, 1, 1],
      [7, 9, 1],
      [0, 0, 0],
    ]);
    expect(mapminmax.reverse(y, ps)).toEqual(x1);
  });

  test('mapstd: rows to mean 0 and std 1 (N-1), constant rows passed through', () => {
    const { y, ps } = mapstd(x1);
    const s0 = Math.sqrt(7 / 3); // std of 1, 2, 4
    const s2 = Math.sqrt(1 / 3); // std of 3, 2, 2
    expect(ps.xmean).toEqual([7 / 3, 1, 7 / 3, 0]);
    expect(ps.xstd[0]).toBeCloseTo(s0, 15);
    expect(ps.xstd[2]).toBeCloseTo(s2, 15);
    expect([ps.xstd[1], ps.xstd[3]]).toEqual([0, 0]);
    expect(ps.gain[1]).toBe(1);
    expect(ps.xoffset[1]).toBe(0); // ymean: the row passes through
    expect(y[1]).toEqual([1, 1, 1]);
    expect(y[3]).toEqual([0, 0, 0]);
    expect(y[0][2]).toBeCloseTo((4 - 7 / 3) / s0, 14);
    expect(mapstd.apply(x2, ps)[2][1]).toBeCloseTo((7 - 7 / 3) / s2, 13);
    mapstd.reverse(y, ps).forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(x1[i][j], 14)));
  });
});

describe('generated cases (numpy following MATLAB, cross-checked against Octave)', () => {
  test('the fixture covers both functions, custom outputs, NaN, Infinity, constant and empty rows', () => {
    const names = fixture.nnet.map((c) => c.name);
    expect(names).toContain('mapminmax-edge-ymin=-2.0,ymax=5.0');
    expect(names).toContain('mapstd-edge-ymean=2.0,ystd=0.5');
    const edge = fixture.nnet.find((c) => c.name === 'mapminmax-edge-default')!;
    expect(edge.x.flat()).toContain('Infinity');
    expect(edge.x.flat()).toContain(null);
  });

  test.each(fixture.nnet.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const x = matrix(c.x);
    const fn = c.function === 'mapminmax' ? mapminmax : mapstd;
    const p = c.params as Record<string, number> | null;
    const options =
      p === null ? undefined : 'ymin' in p ? { yMin: p.ymin, yMax: p.ymax } : { yMean: p.ymean, yStd: p.ystd };
    const { y, ps } = (fn as typeof mapminmax)(x, options as never);
    expectClose(y.flat(), c.y.flat(), 'y');
    expectSettings(ps, c.ps);
    const apply = (fn as typeof mapminmax).apply;
    const reverse = (fn as typeof mapminmax).reverse;
    expectClose(apply(matrix(c.x2), ps).flat(), c.y2.flat(), 'apply(x2)');
    expectClose(reverse(y, ps).flat(), c.x_back.flat(), 'reverse(y)');
    // MATLAB's positional form, and a Float64Array with its shape, give the same
    if (p !== null) {
      const [a, b] = 'ymin' in p ? [p.ymin, p.ymax] : [p.ymean, p.ystd];
      expect((fn as typeof mapminmax)(x, a, b).y).toEqual(y);
    }
    const flat = Float64Array.from(x.flat());
    const typed = (fn as typeof mapminmax)({ data: flat, shape: [x.length, x[0].length] }, options as never);
    expect(Array.from(typed.y.data)).toEqual(y.flat());
    // ps is plain JSON: through a string and back, apply and reverse give the same
    const restored = JSON.parse(JSON.stringify(ps)) as MapMinMaxSettings;
    expect(apply(matrix(c.x2), restored)).toEqual(apply(matrix(c.x2), ps));
    expect(reverse(y, restored)).toEqual(reverse(y, ps));
    // the scaler form on the transpose (rows are samples there) gives the same numbers and the same ps
    const scaler = c.function === 'mapminmax' ? new MapMinMaxScaler(options) : new MapStdScaler(options);
    expect(transposed(scaler.fitTransform(transposed(x)))).toEqual(y);
    expect(scaler.ps).toEqual(ps);
    expect(transposed(scaler.transform(transposed(matrix(c.x2))))).toEqual(apply(matrix(c.x2), ps));
  });
});

describe("MATLAB's NaN and Infinity handling", () => {
  test('mapminmax: NaN is skipped by min and max and stays NaN; a row with an infinite extreme passes through', () => {
    const { y, ps } = mapminmax([
      [NaN, 0, 10, 5],
      [1, Infinity, 3, NaN],
      [NaN, NaN, NaN, NaN],
    ]);
    expect(y[0]).toEqual([NaN, -1, 1, 0]);
    expect(y[1]).toEqual([1, Infinity, 3, NaN]); // unchanged
    expect(y[2]).toEqual([NaN, NaN, NaN, NaN]);
    expect(ps.xmin).toEqual([0, 1, -Infinity]); // no values: [-Inf, Inf], as MATLAB sets them
    expect(ps.xmax).toEqual([10, Infinity, Infinity]);
    expect(ps.gain).toEqual([0.2, 1, 1]);
    expect(ps.xoffset).toEqual([0, -1, -1]);
  });

  test('mapstd: statistics of the finite values only; NaN and infinities stay', () => {
    const { y, ps } = mapstd([[NaN, 1, 3, Infinity, -Infinity]]);
    expect(ps.xmean).toEqual([2]);
    expect(ps.xstd[0]).toBeCloseTo(Math.SQRT2, 15);
    expect(y[0][0]).toBeNaN();
    expect(y[0].slice(3)).toEqual([Infinity, -Infinity]);
    expect(mapstd([[NaN, NaN]]).ps).toMatchObject({ xmean: [0], xstd: [1], gain: [1], xoffset: [0] });
  });

  test("mapminmax's |gain| > 1e14 rule: a range too small passes through", () => {
    const tiny = 2 ** -46; // range 1.4e-14: gain 1.4e14
    const { y, ps } = mapminmax([[1, 1 + tiny]]);
    expect(ps.gain).toEqual([1]);
    expect(y).toEqual([[1, 1 + tiny]]);
    expect(mapminmax([[1, 1 + 2 * tiny]]).ps.gain[0]).toBeCloseTo(2 / (2 * tiny), 0); // 7e13: mapped
  });
});

describe('arguments', () => {
  const x = [
    [1, 2],
    [3, 5],
  ];
  test('yMin < yMax, yStd > 0, options by name, ps of the right kind and size', () => {
    expectThrow(
      () => mapminmax(x, { yMin: 1, yMax: 1 }),
      RangeError,
      'mapminmax: yMax must be a finite number greater than yMin (1), received 1',
    );
    expectThrow(() => mapstd(x, 0, -1), RangeError, 'mapstd: yStd must be a finite number > 0, received -1');
    expectThrow(
      () => mapminmax(x, { ymin: 0 } as never),
      RangeError,
      "mapminmax: each option must be one of yMin, yMax, shape, received 'ymin' (did you mean 'yMin'?)",
    );
    const { ps } = mapminmax(x);
    expectThrow(
      () => mapstd.apply(x, ps as never),
      RangeError,
      "mapstd.apply: ps.name must be 'mapstd' (the ps of a mapstd() call), received 'mapminmax'",
    );
    expectThrow(
      () => mapminmax.apply([[1, 2]], ps),
      RangeError,
      'mapminmax.apply: x must be 2 rows (one per feature: rows are features, columns are samples, as in MATLAB), as ps.xrows, received 1 rows',
    );
    expectThrow(
      () => mapminmax.reverse(x, { ...ps, gain: [1, 0] }),
      RangeError,
      'mapminmax.reverse: ps.gain[1] must be a nonzero number, received 0',
    );
  });
});

test("apply and reverse read a flat typed array by ps.xrows (the ps's row count gives the shape)", () => {
  const { y, ps } = mapminmax([
    [1, 2, 3],
    [10, 20, 40],
  ]);
  const flat = Float32Array.from([1, 2, 3, 10, 20, 40]);
  expect(Array.from(mapminmax.apply(flat, ps))).toEqual(y.flat().map(Math.fround));
  expect(mapminmax.reverse(Float64Array.from(y.flat()), ps)).toBeInstanceOf(Float64Array);
  expectThrow(
    () => mapminmax.apply(Float32Array.from([1, 2, 3]), ps),
    TypeError,
    'mapminmax.apply: shape must be given with a flat Float32Array: [N, Q] (rows are features, columns are samples, as in MATLAB), received undefined',
  );
});

describe('the scaler forms', () => {
  // samples as rows (the scalers' convention): 200 samples of 3 features, NaN and a constant feature
  const X = Array.from({ length: 200 }, (_, i) => [Math.sin(i) * 40 + 7, i % 17 === 0 ? NaN : i / 3, 5]);

  test.each([
    ['MapMinMaxScaler', () => new MapMinMaxScaler({ yMin: 0, yMax: 2 })],
    ['MapStdScaler', () => new MapStdScaler({ yMean: 1, yStd: 3 })],
  ] as const)(
    '%s: chunks and streams equal fit; inverseTransform undoes transform; JSON round trip',
    async (_, make) => {
      const whole = make().fit(X);
      const chunked = make();
      for (let i = 0; i < X.length; i += 37) chunked.partialFit(X.slice(i, i + 37));
      expectClose(chunked.transform(X).flat(), whole.transform(X).flat(), 'partialFit');
      const streamed = await make().fitStream(X.values(), { chunkRows: 50 });
      expectClose(streamed.transform(X).flat(), whole.transform(X).flat(), 'fitStream');
      const back = whole.inverseTransform(whole.transform(X));
      expectClose(back.flat(), X.flat(), 'inverse');
      const restored = scalerFromJSON(JSON.stringify(whole));
      expect(restored).toBeInstanceOf(whole.constructor);
      expect(restored.toJSON()).toEqual(whole.toJSON());
      expect(restored.transform(X)).toEqual(whole.transform(X));
      expect((restored as typeof whole).ps).toEqual(whole.ps);
    },
  );

  test('fromPs wraps a ps of the row-wise function: its transform is apply on the transpose', () => {
    const x = transposed(X);
    const a = mapminmax(x, { yMin: -3, yMax: 3 });
    const s = MapMinMaxScaler.fromPs(a.ps);
    expect(transposed(s.transform(X))).toEqual(a.y);
    expect(s.yMin).toBe(-3);
    expect(MapMinMaxScaler.fromPs(JSON.parse(JSON.stringify(a.ps)) as typeof a.ps).transform(X)).toEqual(
      s.transform(X),
    );
    const b = mapstd(x);
    const t = MapStdScaler.fromPs(b.ps);
    expect(transposed(t.transform(X))).toEqual(b.y);
    expect(scalerFromJSON(JSON.stringify(t)).transform(X)).toEqual(t.transform(X));
    expectThrow(
      () => t.partialFit(X),
      Error,
      'MapStdScaler.partialFit: a scaler made from a ps (fromPs) has no sample counts to merge with; use fit()',
    );
    expectThrow(
      () => MapMinMaxScaler.fromPs({ ...a.ps, gain: [1, 2, 3] }),
      RangeError,
      `MapMinMaxScaler.fromPs: ps.gain[0] must be ${a.ps.gain[0]}, what the ps's statistics give, received 1`,
    );
  });

  test('a column with an infinity passes through, and the stream form agrees', async () => {
    const s = new MapMinMaxScaler().fit([
      [0, Infinity],
      [4, 2],
    ]);
    expect(s.transform([[2, 7]])).toEqual([[0, 7]]);
    const { Readable } = await import('node:stream');
    const out: unknown[] = [];
    for await (const r of Readable.from([
      [2, 7],
      [4, -Infinity],
    ]).pipe(s.transformStream()))
      out.push(r);
    expect(out).toEqual([
      [0, 7],
      [1, -Infinity],
    ]);
  });
});
