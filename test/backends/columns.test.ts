// The normalization passes (column moments, extrema, the affine transform) of the active backend against the js
// backend: the same operations in the same order, so bit-identical on x86-64; and against a plain float64
// two-pass computation.
import { describe, expect, test } from 'vitest';
import { backend } from '../../src/backend/index.js';
import { createJsBackend } from '../../src/backend/js/index.js';
import { makeRandom } from '../helpers/random.js';

const js = createJsBackend('test', 1, null);
const sameBits = process.arch === 'x64';

function matrix(rows: number, cols: number, type: typeof Float32Array | typeof Float64Array, seed: number) {
  const random = makeRandom(seed);
  const x = new type(rows * cols);
  for (let k = 0; k < x.length; k++) x[k] = random() < 0.05 ? NaN : (random() - 0.5) * 10 ** ((k % cols) % 6) + 1e6;
  return x;
}

function expectSame(a: Float64Array, b: Float64Array) {
  if (sameBits) expect(Array.from(a)).toEqual(Array.from(b));
  else a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b[i]))));
}

describe('column kernels', () => {
  const shapes: [number, number][] = [
    [1, 1],
    [1000, 10],
    [333, 7],
    [5, 100],
    [64, 1],
  ];
  test.each(
    shapes.flatMap(([r, c]) => [Float32Array, Float64Array].map((t) => [`${r}x${c} ${t.name}`, r, c, t] as const)),
  )('%s', (_, rows, cols, type) => {
    const x = matrix(rows, cols, type, rows * 31 + cols);
    const out = () => Array.from({ length: 6 }, () => new Float64Array(cols));
    const [a, b] = [out(), out()];
    backend.columnMoments(x, rows, cols, a[0], a[1], a[2]);
    js.columnMoments(x, rows, cols, b[0], b[1], b[2]);
    backend.columnExtrema(x, rows, cols, a[3], a[4], a[5]);
    js.columnExtrema(x, rows, cols, b[3], b[4], b[5]);
    a.forEach((arr, i) => expectSame(arr, b[i]));

    // against the textbook two-pass float64 computation
    for (let j = 0; j < cols; j++) {
      const v: number[] = [];
      for (let i = 0; i < rows; i++) if (!Number.isNaN(x[i * cols + j])) v.push(x[i * cols + j]);
      const mean = v.reduce((p, q) => p + q, 0) / v.length;
      const m2 = v.reduce((p, q) => p + (q - mean) ** 2, 0);
      expect(a[0][j]).toBe(v.length);
      if (v.length) {
        expect(Math.abs(a[1][j] - mean)).toBeLessThanOrEqual(1e-12 * Math.abs(mean));
        expect(Math.abs(a[2][j] - m2)).toBeLessThanOrEqual(1e-9 * Math.max(m2, 1e-300) + 1e-6);
        expect(a[3][j]).toBe(Math.min(...v));
        expect(a[4][j]).toBe(Math.max(...v));
      }
    }

    const center = Float64Array.from(a[1], (m) => m || 0);
    const scale = Float64Array.from({ length: cols }, (_, j) => 1 + j);
    const [y1, y2] = [new type(x.length), new type(x.length)];
    backend.affine(x, rows, cols, center, scale, false, y1);
    js.affine(x, rows, cols, center, scale, false, y2);
    expect(Array.from(y1)).toEqual(Array.from(y2));
    const back = new type(x.length);
    backend.affine(y1, rows, cols, center, scale, true, back);
    back.forEach((v, k) => {
      if (Number.isNaN(x[k])) expect(Number.isNaN(v)).toBe(true);
      else expect(Math.abs(v - x[k])).toBeLessThanOrEqual((type === Float32Array ? 1e-6 : 1e-13) * Math.abs(x[k]));
    });
  });

  test('findInfinite finds the first infinity, past NaN', () => {
    const x = new Float32Array(5000);
    expect(backend.findInfinite(x)).toBe(-1);
    x[10] = NaN;
    x[3000] = -Infinity;
    x[4000] = Infinity;
    expect(backend.findInfinite(x)).toBe(3000);
    expect(js.findInfinite(x)).toBe(3000);
  });
});
