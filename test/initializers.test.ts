// Initializers (Keras' definitions, PyTorch's default scheme) and the seeded generator behind them.
import { describe, expect, test } from 'vitest';
import { layers, sequential } from '../src/index.js';
import { initialize } from '../src/model/initializers.js';
import { Random } from '../src/model/random.js';

const stats = (a: Float32Array) => {
  let m = 0;
  for (const v of a) m += v;
  m /= a.length;
  let v2 = 0;
  for (const v of a) v2 += (v - m) ** 2;
  return { mean: m, variance: v2 / a.length, min: Math.min(...a), max: Math.max(...a) };
};

describe('the generator', () => {
  test('xoshiro128** from a seed: reproducible, uniform in [0, 1) on a 2^-24 grid, independent named streams', () => {
    const a = new Random(42);
    const b = new Random(42);
    const xs = Array.from({ length: 1000 }, () => a.uniform());
    expect(Array.from({ length: 1000 }, () => b.uniform())).toEqual(xs);
    for (const x of xs) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      expect(Number.isInteger(x * 16777216)).toBe(true);
    }
    expect(Random.derive(42, 'init').uniform()).not.toBe(Random.derive(42, 'dropout').uniform());
    const n = new Random(7);
    const normals = Float32Array.from({ length: 20000 }, () => n.normal());
    const s = stats(normals);
    expect(Math.abs(s.mean)).toBeLessThan(0.03);
    expect(Math.abs(s.variance - 1)).toBeLessThan(0.03);
    const order = Int32Array.from({ length: 10 }, (_, i) => i);
    new Random(1).shuffle(order);
    expect([...order].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...order]).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('initializers', () => {
  const fill = (
    spec: Parameters<typeof initialize>[0],
    shape: number[],
    fanIn: number,
    fanOut: number,
    pytorchBound = 0.1,
  ) => {
    const out = new Float32Array(shape.reduce((p, q) => p * q, 1));
    initialize(spec, { shape, fanIn, fanOut, pytorchBound }, new Random(3), out);
    return out;
  };

  test('glorot, he and lecun: Keras bounds and variances', () => {
    const g = stats(fill('glorotUniform', [200, 300], 300, 200));
    expect(g.max).toBeLessThanOrEqual(Math.sqrt(6 / 500));
    expect(g.min).toBeGreaterThanOrEqual(-Math.sqrt(6 / 500));
    expect(g.variance).toBeCloseTo(2 / 500, 4);
    const he = stats(fill('heNormal', [200, 300], 300, 200));
    expect(he.variance).toBeCloseTo(2 / 300, 3); // truncated at 2 stddev, rescaled to keep the variance
    expect(Math.max(he.max, -he.min)).toBeLessThanOrEqual((2 * Math.sqrt(2 / 300)) / 0.87962566103423978 + 1e-6);
    const lecun = stats(fill('lecunUniform', [100, 50], 50, 100));
    expect(lecun.max).toBeLessThanOrEqual(Math.sqrt(3 / 50));
    const torch = stats(fill('pytorchDefault', [100, 50], 50, 100, 0.2));
    expect(torch.max).toBeLessThanOrEqual(0.2);
    expect(torch.variance).toBeCloseTo(0.04 / 3, 3);
    expect(Array.from(fill({ name: 'constant', value: 0.5 }, [3], 1, 1))).toEqual([0.5, 0.5, 0.5]);
  });

  test.each([
    [64, 16],
    [16, 64],
    [130, 100],
    [75, 75],
  ])('orthogonal (%i, %i): orthonormal columns or rows, whichever are fewer, times the gain', (rows, cols) => {
    const w = fill({ name: 'orthogonal', gain: 2 }, [rows, cols], cols, rows);
    const [m, n] = rows >= cols ? [rows, cols] : [cols, rows];
    // the Gram matrix of the shorter side: W^T W (cols x cols) when rows >= cols, else W W^T
    let worst = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < m; k++)
          s += rows >= cols ? w[k * cols + i] * w[k * cols + j] : w[i * cols + k] * w[j * cols + k];
        worst = Math.max(worst, Math.abs(s - (i === j ? 4 : 0)));
      }
    expect(worst).toBeLessThan(1e-4);
  });

  test('layer defaults: Keras (orthogonal recurrent, unit forget bias) and PyTorch (uniform 1/sqrt(H))', () => {
    const keras = sequential([layers.lstm({ units: 8, inputShape: [3, 4] })], { seed: 1 }).parameters();
    const [, , bIh, bHh] = keras;
    expect(Array.from(bIh.value)).toEqual([
      ...new Array<number>(8).fill(0),
      ...new Array<number>(8).fill(1),
      ...new Array<number>(16).fill(0),
    ]);
    expect(bHh.value.every((v) => v === 0)).toBe(true);
    const torch = sequential([layers.lstm({ units: 8, inputShape: [3, 4] })], {
      seed: 1,
      initializers: 'pytorch',
    }).parameters();
    for (const p of torch) {
      expect(Math.max(...p.value.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(8));
      expect(stats(p.value).variance).toBeGreaterThan(0.01);
    }
    const dense = sequential([layers.dense({ units: 4, inputShape: [9] })], {
      seed: 1,
      initializers: 'pytorch',
    }).parameters();
    for (const p of dense) expect(Math.max(...p.value.map(Math.abs))).toBeLessThanOrEqual(1 / 3);
  });
});
