// Whole models against PyTorch (test/fixtures/gen_model.py, float64): the same weights and batch give the same loss
// and the same gradient for every parameter, for MLPs (mse; softmax with CrossEntropyLoss; sigmoid with BCELoss),
// a stacked LSTM -> GRU model with lengths (packed sequences), and a bidirectional one. Tolerance: float32 against
// float64, 2e-5 * max(1, max |value|) per array. Run on every backend and ISA.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { type LossSpec, sequentialFromConfig } from '../../src/index.js';
import { relativeError } from '../helpers/layer-reference.js';

interface Fixture {
  name: string;
  layers: { type: string; config: Record<string, unknown> }[];
  loss: LossSpec;
  x: number[];
  xShape: number[];
  lengths: number[] | null;
  y: number[];
  yShape: number[];
  params: Record<string, number[]>;
  expected: { loss: number; grads: Record<string, number[]> };
}

const file = path.join(import.meta.dirname, '..', 'fixtures', 'model', 'models.json');
const { cases } = JSON.parse(fs.readFileSync(file, 'utf8')) as { cases: Fixture[] };

describe('models against PyTorch', () => {
  test('the fixture file has the cases the issue asks for', () => {
    expect(cases.map((c) => c.name.split(':')[0])).toEqual(['mlp', 'mlp', 'mlp', 'stacked', 'bidirectional']);
  });

  test.each(cases)('$name', (c) => {
    const model = sequentialFromConfig({ name: 'sequential', seed: 1, initializers: 'keras', layers: c.layers });
    const params = model.parameters();
    expect(params.map((p) => p.name)).toEqual(Object.keys(c.params));
    for (const p of params) p.value.set(c.params[p.name]);
    model.zeroGrad();
    const x = { data: Float32Array.from(c.x), shape: c.xShape, lengths: c.lengths ?? undefined };
    const y = { data: Float32Array.from(c.y), shape: c.yShape };
    const { loss } = model.forwardBackward(x, y, { loss: c.loss });
    expect(Math.abs(loss - c.expected.loss)).toBeLessThan(2e-6 * Math.max(1, c.expected.loss));
    for (const p of params) expect(relativeError(p.grad, c.expected.grads[p.name]), p.name).toBeLessThan(2e-5);
  });
});
