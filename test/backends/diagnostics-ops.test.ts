// squaredDistance, the backend op behind a gradient monitor's update-to-weight ratio: against a float64 sum written
// here, on every length up to a few vector widths (the partial vectors at the end), NaN and infinities, and the
// addon's own checks.
import { describe, expect, test } from 'vitest';
import { backend } from '../../src/backend/index.js';
import { makeRandom, randomArray } from '../helpers/random.js';

function reference(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return sum;
}

describe('squaredDistance', () => {
  test('matches a float64 sum on every length 0..67 and on 100003 elements', () => {
    const random = makeRandom(5);
    for (const n of [...Array.from({ length: 68 }, (_, i) => i), 100003]) {
      const a = randomArray(random, n, -3, 3);
      const b = randomArray(random, n, -3, 3);
      const want = reference(a, b);
      expect(Math.abs(backend.squaredDistance(a, b) - want), `n = ${n}`).toBeLessThanOrEqual(1e-12 * Math.max(1, want));
    }
  });

  test('is 0 for equal arrays, NaN with a NaN anywhere, Infinity with an infinity', () => {
    const a = Float32Array.from({ length: 37 }, (_, i) => i / 7);
    expect(backend.squaredDistance(a, a.slice())).toBe(0);
    for (const at of [0, 17, 36]) {
      const b = a.slice();
      b[at] = NaN;
      expect(backend.squaredDistance(a, b)).toBeNaN();
      b[at] = -Infinity;
      expect(backend.squaredDistance(a, b)).toBe(Infinity);
    }
    // 3.4e38 apart in float32 is 1.2e77 squared: no overflow in float64
    const big = new Float32Array(9).fill(3.4e38);
    expect(backend.squaredDistance(big, new Float32Array(9)) / (9 * 3.4e38 ** 2)).toBeCloseTo(1, 6);
  });

  test.skipIf(backend.name === 'js')('the addon checks its arguments', () => {
    const call = (...args: unknown[]) => (backend.squaredDistance as (...a: unknown[]) => number).apply(backend, args);
    expect(() => call(new Float32Array(3), new Float32Array(4))).toThrow(
      new RangeError("squaredDistance: b must be a Float32Array of a's length 3, received Float32Array(4)"),
    );
    expect(() => call([1, 2], new Float32Array(2))).toThrow(TypeError);
  });
});
