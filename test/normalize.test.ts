// normalize() and applyNormalization(): the methods on hand-checkable data, dim 2, the data shapes, and that the
// returned center and scale reproduce the result on new data. (Parity with Octave and scikit-learn: see
// normalize-fixtures.test.ts.)
import { describe, expect, test } from 'vitest';
import { applyNormalization, normalize, type NormalizeMethod, type NormalizeMethodOptions } from '../src/index.js';

const col = (values: number[]) => values.map((v) => [v]);
const flat = (d: unknown) => (d as number[][]).flat();

describe('normalize', () => {
  test('zscore uses the N-1 standard deviation, as MATLAB does', () => {
    const r = normalize(col([1, 2, 3, 4]));
    expect(r.center).toEqual([2.5]);
    expect(r.scale[0]).toBeCloseTo(Math.sqrt(5 / 3), 15);
  });

  test('every method on one column', () => {
    const x = col([2, -4, 6, 8, NaN]);
    const cases: [NormalizeMethod, NormalizeMethodOptions[NormalizeMethod], number, number][] = [
      ['zscore', { type: 'robust' }, 4, 3], // median 4; |x - 4| = 2, 8, 2, 4, whose median is 3
      ['norm', { p: 1 }, 0, 20],
      ['norm', { p: Infinity }, 0, 8],
      ['scale', { scale: 'first' }, 0, 2],
      ['scale', { scale: 2.5 }, 0, 2.5],
      ['center', { center: 'median' }, 4, 1],
      ['center', { center: -1 }, -1, 1],
      ['range', { range: [-1, 1] }, 2, 6],
      ['decimal', {}, 0, 10],
      ['maxabs', {}, 0, 8],
    ];
    for (const [method, options, c, s] of cases) {
      const r = normalize(x, method, options);
      expect({ method, options, c: r.center[0], s: r.scale[0] }).toEqual({ method, options, c, s });
      expect(Number.isNaN(flat(r.data)[4])).toBe(true);
    }
  });

  test('norm p = 2 by default, and the 3-norm', () => {
    expect(normalize(col([3, 4]), 'norm').scale).toEqual([5]);
    expect(normalize(col([1, 2]), 'norm', { p: 3 }).scale[0]).toBeCloseTo(9 ** (1 / 3), 15);
  });

  test('dim 2 normalizes each row', () => {
    const r = normalize(
      [
        [1, 2, 3],
        [10, 10, 10],
      ],
      'range',
      { dim: 2 },
    );
    expect(flat(r.data)).toEqual([0, 0.5, 1, 0, 0, 0]);
    expect(r.scale).toEqual([2, 1]); // the constant row gets scale 1
  });

  test('center and scale reproduce the result on the same data and apply to new data', () => {
    const A = [
      [1, 100],
      [2, 300],
      [4, NaN],
    ];
    const r = normalize(A, 'medianiqr');
    expect(applyNormalization(A, r)).toEqual(r.data);
    expect(applyNormalization([[3, 200]], r)).toEqual([
      [(3 - r.center[0]) / r.scale[0], (200 - r.center[1]) / r.scale[1]],
    ]);
  });

  test('typed arrays keep their type and shape; a batch of sequences is normalized per feature', () => {
    const data = Float32Array.from([1, 10, 2, 20, 3, 30, 4, 40]); // (B 2, T 2, F 2)
    const r = normalize({ data, shape: [2, 2, 2] }, 'center');
    expect(r.center).toEqual([2.5, 25]);
    expect((r.data as { data: Float32Array }).data).toBeInstanceOf(Float32Array);
    expect(Array.from((r.data as { data: Float32Array }).data)).toEqual([-1.5, -15, -0.5, -5, 0.5, 5, 1.5, 15]);
    expect(normalize(Float64Array.from([1, 3]), 'center', { shape: [2, 1] }).data).toEqual(Float64Array.from([-1, 1]));
  });

  test('objects: the chosen columns, others pass through', () => {
    const rows = [
      { name: 'a', v: 1, w: 4 },
      { name: 'b', v: 3, w: null },
    ];
    const r = normalize(rows, 'center', { columns: ['v'] });
    expect(r.data).toEqual([
      { name: 'a', v: -1, w: 4 },
      { name: 'b', v: 1, w: null },
    ]);
  });
});
