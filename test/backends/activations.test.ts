// The vectorized activations the recurrent cells use (simd/vec-inl.h for the native ISAs, Math.* for js), on a
// dense grid and at the edges, against double precision. Stated bounds: sigmoid within 1e-7 absolute, tanh within
// 2e-7 absolute and 1e-6 relative; NaN stays NaN; relu is exact.
import { describe, expect, test } from 'vitest';
import { relu, sigmoid, tanh } from '../../src/kernels/index.js';

const grid = (() => {
  const n = 1 << 20;
  const edges = [0, -0, 1e-30, -1e-30, 1e-8, -1e-8, 0.29999, 0.3, 0.30001, -0.3, 20, -20, 88, 89, 100, -88, -89, -100];
  const out = new Float32Array(n + edges.length + 2);
  for (let i = 0; i < n; i++) out[i] = -30 + (60 * i) / n;
  out.set(edges, n);
  out.set([3.4e38, -3.4e38], n + edges.length);
  return out;
})();

function worst(y: Float32Array, exact: (v: number) => number) {
  let abs = 0;
  let rel = 0;
  for (let i = 0; i < grid.length; i++) {
    const r = exact(grid[i]);
    const e = Math.abs(y[i] - r);
    abs = Math.max(abs, e);
    if (Math.abs(r) > 1e-30) rel = Math.max(rel, e / Math.abs(r));
  }
  return { abs, rel };
}

describe('activation kernels', () => {
  test('sigmoid is within 1e-7 of the exact value', () => {
    const { abs } = worst(sigmoid(grid), (v) => 1 / (1 + Math.exp(-v)));
    expect(abs).toBeLessThanOrEqual(1e-7);
  });

  test('tanh is within 2e-7 absolute and 1e-6 relative', () => {
    const { abs, rel } = worst(tanh(grid), Math.tanh);
    expect(abs).toBeLessThanOrEqual(2e-7);
    expect(rel).toBeLessThanOrEqual(1e-6);
  });

  test('relu is exact, keeps -0 and NaN, and may work in place', () => {
    const x = new Float32Array([-2, -0, 0, 1.5, NaN, -Infinity, Infinity]);
    const y = relu(x);
    expect(Array.from(y)).toEqual([0, -0, 0, 1.5, NaN, 0, Infinity]);
    relu(x, x);
    expect(Array.from(x)).toEqual(Array.from(y));
  });

  test('NaN propagates and the infinities saturate', () => {
    const x = new Float32Array([NaN, Infinity, -Infinity]);
    const s = sigmoid(x);
    const t = tanh(x);
    expect(Number.isNaN(s[0]) && Number.isNaN(t[0])).toBe(true);
    expect(s[1]).toBe(1);
    expect(s[2]).toBeLessThan(1e-37);
    expect(Array.from(t.subarray(1))).toEqual([1, -1]);
  });

  test('every length works, including ones that are not a multiple of the vector width', () => {
    for (let n = 0; n <= 40; n++) {
      const x = grid.subarray(1000, 1000 + n);
      const y = tanh(x);
      for (let i = 0; i < n; i++) expect(Math.abs(y[i] - Math.tanh(x[i]))).toBeLessThanOrEqual(2e-7);
    }
  });
});
