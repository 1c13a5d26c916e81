// Whole-model gradients against finite differences of an independent float64 forward pass
// (test/helpers/model-reference.ts), for every parameter of: an MLP with each activation, each loss (fused with a
// final sigmoid or softmax, from logits, summed), stacked recurrent layers with lengths, bidirectional layers with
// each merge, goBackwards, sequence outputs masked by lengths, and layer normalization. Central differences in
// float64 (eps 1e-6) are accurate to ~1e-9; the float32 gradients must agree within 2e-4 * max(1, max |gradient|)
// per parameter. Run on every backend and ISA.
import { describe, expect, test } from 'vitest';
import { Adam, type LossSpec, layers, sequential } from '../../src/index.js';
import type { Layer } from '../../src/layers/layer.js';
import { numericGradient, relativeError } from '../helpers/layer-reference.js';
import { type RefData, type RefLoss, referenceModelLoss } from '../helpers/model-reference.js';
import { makeRandom, randomArray } from '../helpers/random.js';
import type { LossKind } from '../../src/backend/layer-codes.js';

interface Case {
  name: string;
  layers: () => Layer[];
  loss: LossSpec;
  ref: RefLoss;
  x: RefData;
  y: RefData;
}

const mean = (kind: LossKind, perRow = false, param = 0): RefLoss => ({ kind, param, reduction: 'mean', perRow });

function data(seed: number, shape: number[], lo = -1, hi = 1): RefData {
  const random = makeRandom(seed);
  return {
    data: randomArray(
      random,
      shape.reduce((a, b) => a * b, 1),
      lo,
      hi,
    ),
    shape,
  };
}

function classes(seed: number, n: number, C: number, shape = [n]): RefData {
  const random = makeRandom(seed);
  return { data: Float32Array.from({ length: n }, () => Math.floor(random() * C)), shape };
}

function oneHot(seed: number, n: number, C: number): RefData {
  const c = classes(seed, n, C).data;
  const out = new Float32Array(n * C);
  for (let i = 0; i < n; i++) out[i * C + c[i]] = 1;
  return { data: out, shape: [n, C] };
}

const N = 5;
const seqX = (F: number, T = 4, lengths: number[] | null = [4, 2, 3, 1, 4]): RefData => ({
  ...data(3, [N, T, F]),
  lengths,
});

const ACTIVATIONS = ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'elu', 'gelu', 'softplus', 'softmax'] as const;

const CASES: Case[] = [
  ...ACTIVATIONS.map((act): Case => ({
    name: `MLP with ${act}`,
    layers: () => [layers.dense({ units: 6, activation: act, inputShape: [3] }), layers.dense({ units: 2 })],
    loss: 'mse',
    ref: mean('mse'),
    x: data(1, [N, 3], -2, 2),
    y: data(2, [N, 2]),
  })),
  {
    name: 'MLP with gelu (tanh) and leakyRelu(0.2), huber(0.5)',
    layers: () => [
      layers.dense({ units: 5, activation: { name: 'gelu', approximate: 'tanh' }, inputShape: [3] }),
      layers.dense({ units: 4, activation: { name: 'leakyRelu', negativeSlope: 0.2 } }),
      layers.dense({ units: 2 }),
    ],
    loss: { name: 'huber', delta: 0.5 },
    ref: mean('huber', false, 0.5),
    x: data(1, [N, 3], -2, 2),
    y: data(2, [N, 2], -2, 2),
  },
  {
    name: 'mae, summed',
    layers: () => [layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }), layers.dense({ units: 2 })],
    loss: { name: 'mae', reduction: 'sum' },
    ref: { ...mean('mae'), reduction: 'sum' },
    x: data(1, [N, 3]),
    y: data(2, [N, 2], -3, 3),
  },
  {
    name: 'binaryCrossentropy fused with a final sigmoid',
    layers: () => [
      layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }),
      layers.dense({ units: 2, activation: 'sigmoid' }),
    ],
    loss: 'binaryCrossentropy',
    ref: mean('bce'),
    x: data(1, [N, 3]),
    y: data(2, [N, 2], 0, 1),
  },
  {
    name: 'binaryCrossentropy from logits',
    layers: () => [layers.dense({ units: 4, activation: 'relu', inputShape: [3] }), layers.dense({ units: 1 })],
    loss: { name: 'binaryCrossentropy', fromLogits: true },
    ref: mean('bceLogits'),
    x: data(1, [N, 3]),
    y: data(2, [N, 1], 0, 1),
  },
  {
    name: 'categoricalCrossentropy fused with a softmax activation layer',
    layers: () => [layers.dense({ units: 3, inputShape: [4] }), layers.activation({ activation: 'softmax' })],
    loss: 'categoricalCrossentropy',
    ref: mean('ce', true),
    x: data(1, [N, 4]),
    y: oneHot(2, N, 3),
  },
  {
    name: 'categoricalCrossentropy from logits with soft targets',
    layers: () => [layers.dense({ units: 3, inputShape: [4] })],
    loss: { name: 'categoricalCrossentropy', fromLogits: true },
    ref: mean('ceLogits', true),
    x: data(1, [N, 4]),
    y: data(2, [N, 3], 0, 1),
  },
  {
    name: 'sparseCategoricalCrossentropy fused with softmax in dense',
    layers: () => [
      layers.dense({ units: 5, activation: 'elu', inputShape: [4] }),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
    loss: 'sparseCategoricalCrossentropy',
    ref: mean('sparseCe', true),
    x: data(1, [N, 4]),
    y: classes(2, N, 3),
  },
  {
    name: 'sparseCategoricalCrossentropy from logits, targets (N, 1)',
    layers: () => [layers.dense({ units: 3, inputShape: [4] })],
    loss: { name: 'sparseCategoricalCrossentropy', fromLogits: true },
    ref: mean('sparseCeLogits', true),
    x: data(1, [N, 4]),
    y: classes(2, N, 3, [N, 1]),
  },
  {
    name: 'stacked LSTM -> GRU -> dense with lengths (the contract model, small)',
    layers: () => [
      layers.lstm({ units: 4, inputShape: [4, 3], returnSequences: true }),
      layers.gru({ units: 3 }),
      layers.dense({ units: 1 }),
    ],
    loss: 'mse',
    ref: mean('mse'),
    x: seqX(3),
    y: data(2, [N, 1]),
  },
  {
    name: 'simpleRNN (tanh) -> simpleRNN (relu) without lengths',
    layers: () => [
      layers.simpleRNN({ units: 4, inputShape: [4, 3], returnSequences: true }),
      layers.simpleRNN({ units: 3, activation: 'relu' }),
      layers.dense({ units: 2 }),
    ],
    loss: 'mse',
    ref: mean('mse'),
    x: seqX(3, 4, null),
    y: data(2, [N, 2]),
  },
  {
    name: 'bidirectional LSTM (concat, sequences) -> bidirectional GRU (sum) with lengths',
    layers: () => [
      layers.lstm({ units: 3, inputShape: [4, 2], returnSequences: true, bidirectional: true }),
      layers.gru({ units: 2, bidirectional: true, mergeMode: 'sum' }),
      layers.dense({ units: 1 }),
    ],
    loss: 'mse',
    ref: mean('mse'),
    x: seqX(2),
    y: data(2, [N, 1]),
  },
  {
    name: 'bidirectional simpleRNN (mul) and GRU reset-before (ave), sequence outputs masked by lengths',
    layers: () => [
      layers.simpleRNN({ units: 3, inputShape: [4, 2], returnSequences: true, bidirectional: true, mergeMode: 'mul' }),
      layers.gru({ units: 3, returnSequences: true, bidirectional: true, mergeMode: 'ave', resetAfter: false }),
      layers.dense({ units: 2, activation: 'tanh' }),
    ],
    loss: 'mse',
    ref: mean('mse'),
    x: seqX(2),
    y: data(2, [N, 4, 2]),
  },
  {
    name: 'goBackwards LSTM with sequence outputs, layerNorm, time-distributed dense, sparse CE per step',
    layers: () => [
      layers.lstm({ units: 4, inputShape: [4, 3], returnSequences: true, goBackwards: true }),
      layers.layerNorm(),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
    loss: 'sparseCategoricalCrossentropy',
    ref: mean('sparseCe', true),
    x: seqX(3),
    y: classes(2, N * 4, 3, [N, 4]),
  },
  {
    name: 'layerNorm without scale, dropout at rate 0, and no bias',
    layers: () => [
      layers.dense({ units: 5, activation: 'sigmoid', inputShape: [3], useBias: false }),
      layers.layerNorm({ scale: false }),
      layers.dropout({ rate: 0 }),
      layers.dense({ units: 2 }),
    ],
    loss: 'mse',
    ref: mean('mse'),
    x: data(1, [N, 3]),
    y: data(2, [N, 2]),
  },
];

describe('whole-model gradients against finite differences in float64', () => {
  test.each(CASES)('$name', (c) => {
    const model = sequential(c.layers(), { seed: 11 });
    model.compile({ optimizer: new Adam({ lr: 1e-3 }), loss: c.loss });
    const params = model.parameters();
    const values = new Map<string, ArrayLike<number>>(params.map((p) => [p.name, Float64Array.from(p.value)]));
    const x = {
      data: Float32Array.from(c.x.data),
      shape: c.x.shape,
      lengths: c.x.lengths ? Array.from(c.x.lengths) : undefined,
    };
    const y = { data: Float32Array.from(c.y.data), shape: c.y.shape };
    model.zeroGrad();
    const { loss } = model.forwardBackward(x, y);
    const refLoss = referenceModelLoss(model, values, c.x, c.y, c.ref);
    expect(Math.abs(loss - refLoss)).toBeLessThan(1e-5 * Math.max(1, Math.abs(refLoss)));
    for (const p of params) {
      const f = (v: Float64Array) => referenceModelLoss(model, new Map([...values, [p.name, v]]), c.x, c.y, c.ref);
      const numeric = numericGradient(f, values.get(p.name) as Float64Array);
      expect(relativeError(p.grad, numeric), p.name).toBeLessThan(2e-4);
    }
  });

  test('gradients accumulate over two forwardBackward calls, and zeroGrad clears them', () => {
    const model = sequential(
      [layers.dense({ units: 3, activation: 'tanh', inputShape: [2] }), layers.dense({ units: 1 })],
      { seed: 1 },
    );
    const x = { data: Float32Array.from([0.1, 0.2, -0.3, 0.4]), shape: [2, 2] };
    const y = { data: Float32Array.from([0.5, -0.5]), shape: [2, 1] };
    model.zeroGrad();
    model.forwardBackward(x, y, { loss: 'mse' });
    const once = model.parameters().map((p) => Array.from(p.grad));
    model.forwardBackward(x, y, { loss: 'mse' });
    model.parameters().forEach((p, i) => p.grad.forEach((g, j) => expect(g).toBeCloseTo(2 * once[i][j], 6)));
    model.zeroGrad();
    for (const p of model.parameters()) expect(p.grad.every((g) => g === 0)).toBe(true);
  });
});
