// model.save(dir) and loadModel(dir) (issue 13): for every layer type, bidirectional and stacked models, with and
// without scalers and optimizer state, the loaded model predicts bit for bit what the saved one did and trains on
// exactly as the saved one does (the same losses and weights, bit for bit): after a finished fit, and from a
// checkpoint written in the middle of one (fit with initialEpoch). Every optimizer and schedule type comes back.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  Adagrad,
  Adam,
  AdamW,
  ChainedScheduler,
  ConstantLR,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  ExponentialLR,
  LinearLR,
  MultiStepLR,
  OneCycleLR,
  PolynomialLR,
  RMSprop,
  ReduceLROnPlateau,
  SGD,
  type Schedule,
  SequentialLR,
  StepLR,
  type Input,
  type Layer,
  ModelFileError,
  type Optimizer,
  type Sequential,
  layers,
  loadModel,
  sequential,
} from '../src/index.js';
import { makeRandom, randomArray } from './helpers/random.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'steadygrad-save-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let folders = 0;
const folder = () => path.join(root, `m${folders++}`);
const quiet = { verbose: 0 as const };

/** Bit patterns, so that -0 and 0 differ and NaN equals itself. */
const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
function expectSameBits(a: Float32Array, b: Float32Array, what: string) {
  expect(a.length, what).toBe(b.length);
  const x = bits(a);
  const y = bits(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) expect({ what, i, got: b[i] }).toEqual({ what, i, got: a[i] });
}
function expectSameWeights(a: Sequential, b: Sequential) {
  const pa = a.parameters();
  const pb = b.parameters();
  expect(pb.map((p) => p.name)).toEqual(pa.map((p) => p.name));
  pa.forEach((p, i) => expectSameBits(p.value, pb[i].value, p.name));
}

interface Data {
  x: Input;
  y: Input;
}

function tabular(N: number, F: number, C: number, seed: number, offset = 0, scale = 1): Data {
  const r = makeRandom(seed);
  const x = randomArray(r, N * F, offset - scale, offset + scale);
  const y = new Float32Array(N * C).map((_, i) => Math.sin(x[Math.floor(i / C) * F] + i) * scale + offset);
  return { x: { data: x, shape: [N, F] }, y: { data: y, shape: [N, C] } };
}

function sequences(
  N: number,
  T: number,
  F: number,
  C: number,
  seed: number,
  options: { lengths?: boolean; perStep?: boolean } = {},
): Data {
  const r = makeRandom(seed);
  const x = randomArray(r, N * T * F);
  const lengths = options.lengths ? Int32Array.from({ length: N }, () => 1 + Math.floor(r() * T)) : undefined;
  const rows = options.perStep ? N * T : N;
  const y = new Float32Array(rows * C).map((_, i) => Math.cos(x[i % x.length] * 2 + i * 0.1));
  return {
    x: lengths ? { data: x, shape: [N, T, F], lengths } : { data: x, shape: [N, T, F] },
    y: { data: y, shape: options.perStep ? [N, T, C] : [N, C] },
  };
}

interface Case {
  name: string;
  layers: () => Layer[];
  data: Data;
  loss: 'mse' | 'binaryCrossentropy' | 'sparseCategoricalCrossentropy' | 'huber';
  metrics?: string[];
  optimizer: () => Optimizer;
  schedules?: (o: Optimizer) => Schedule[];
  scalers?: { inputScaler?: string; targetScaler?: string };
}

const cases: Case[] = [
  {
    name: 'MLP: dense(relu), layerNorm, dropout, activation(gelu), dense(sigmoid); Adam (AMSGrad) + StepLR',
    layers: () => [
      layers.dense({ units: 12, activation: 'relu', inputShape: [5] }),
      layers.layerNorm(),
      layers.dropout({ rate: 0.3 }),
      layers.activation({ activation: 'gelu' }),
      layers.dense({ units: 2, activation: 'sigmoid' }),
    ],
    data: (() => {
      const d = tabular(40, 5, 2, 1);
      const y = (d.y as { data: Float32Array }).data.map((v) => (v > 0 ? 1 : 0));
      return { x: d.x, y: { data: y, shape: [40, 2] } };
    })(),
    loss: 'binaryCrossentropy',
    metrics: ['binaryAccuracy'],
    optimizer: () => new Adam({ lr: 0.01, amsgrad: true }),
    schedules: (o) => [new StepLR(o, { stepSize: 2, gamma: 0.5 })],
  },
  {
    name: 'regression MLP with scalers (standard in, mapminmax out); SGD Nesterov + OneCycleLR per batch',
    layers: () => [layers.dense({ units: 8, activation: 'tanh', inputShape: [3] }), layers.dense({ units: 2 })],
    data: tabular(48, 3, 2, 2, 50, 20),
    loss: 'mse',
    metrics: ['mae'],
    optimizer: () => new SGD({ lr: 0.05, momentum: 0.9, nesterov: true }),
    schedules: (o) => [new OneCycleLR(o, { maxLr: 0.1, totalSteps: 40 })],
    scalers: { inputScaler: 'standard', targetScaler: 'mapminmax' },
  },
  {
    name: 'simpleRNN(relu, goBackwards, returnSequences) -> dense per step; RMSprop (centered, momentum) + SequentialLR',
    layers: () => [
      layers.simpleRNN({ units: 6, activation: 'relu', goBackwards: true, returnSequences: true, inputShape: [5, 2] }),
      layers.dense({ units: 1 }),
    ],
    data: sequences(24, 5, 2, 1, 3, { perStep: true }),
    loss: 'huber',
    optimizer: () => new RMSprop({ lr: 0.01, centered: true, momentum: 0.5 }),
    schedules: (o) => [
      new SequentialLR(o, {
        schedulers: [new LinearLR(o, { startFactor: 0.5, totalIters: 2 }), new ExponentialLR(o, { gamma: 0.9 })],
        milestones: [2],
      }),
    ],
  },
  {
    name: 'stacked lstm -> lstm -> gru(resetAfter false, no bias) -> dense, with lengths; AdamW + ChainedScheduler',
    layers: () => [
      layers.lstm({ units: 5, returnSequences: true, inputShape: [6, 3] }),
      layers.lstm({ units: 4, returnSequences: true, unitForgetBias: false }),
      layers.gru({ units: 3, resetAfter: false, useBias: false }),
      layers.dense({ units: 2 }),
    ],
    data: sequences(20, 6, 3, 2, 4, { lengths: true }),
    loss: 'mse',
    optimizer: () => new AdamW({ lr: 0.01, weightDecay: 0.05 }),
    schedules: (o) => [
      new ChainedScheduler([
        new ConstantLR(o, { factor: 0.5, totalIters: 2 }),
        new MultiStepLR(o, { milestones: [1, 3] }),
      ]),
    ],
    scalers: { inputScaler: 'robust', targetScaler: 'standard' },
  },
  {
    name: 'bidirectional lstm(concat, returnSequences) -> bidirectional gru(sum) -> dense(softmax), with lengths; Adagrad + cosine',
    layers: () => [
      layers.bidirectional(layers.lstm({ units: 4, returnSequences: true, inputShape: [5, 3] })),
      layers.bidirectional(layers.gru({ units: 3 }), { mergeMode: 'sum' }),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
    data: (() => {
      const d = sequences(18, 5, 3, 1, 5, { lengths: true });
      return { x: d.x, y: { data: Float32Array.from({ length: 18 }, (_, i) => i % 3), shape: [18] } };
    })(),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
    optimizer: () => new Adagrad({ lr: 0.05, lrDecay: 0.01 }),
    schedules: (o) => [
      new CosineAnnealingLR(o, { tMax: 3 }),
      new CosineAnnealingWarmRestarts(o, { t0: 2, interval: 'batch' }),
    ],
  },
  {
    name: 'bidirectional simpleRNN(mul, returnSequences) -> lstm with returnState; SGD + PolynomialLR + ReduceLROnPlateau',
    layers: () => [
      layers.bidirectional(layers.simpleRNN({ units: 3, returnSequences: true, inputShape: [4, 2] }), {
        mergeMode: 'mul',
      }),
      layers.lstm({ units: 2, returnState: true }),
    ],
    data: sequences(16, 4, 2, 2, 6, { lengths: true }),
    loss: 'mse',
    optimizer: () => new SGD({ lr: 0.1, momentum: 0.3, weightDecay: 0.01 }),
    schedules: (o) => [
      new PolynomialLR(o, { totalIters: 6, power: 2 }),
      new ReduceLROnPlateau(o, { patience: 0, monitor: 'loss' }),
    ],
    scalers: { inputScaler: 'maxabs' },
  },
];

function build(c: Case, seed = 11): Sequential {
  const model = sequential(c.layers(), { seed });
  const optimizer = c.optimizer();
  model.compile({
    optimizer,
    loss: c.loss,
    metrics: c.metrics,
    schedules: c.schedules?.(optimizer),
    ...(c.scalers as object),
  });
  return model;
}

function expectSamePredictions(a: Sequential, b: Sequential, x: Input) {
  const pa = a.predict(x);
  const pb = b.predict(x);
  expect(pb.shape).toEqual(pa.shape);
  expectSameBits(pa.data, pb.data, 'predict');
  (pa.states ?? []).forEach((s, i) => expectSameBits(s.data, pb.states![i].data, `states[${i}]`));
}

describe('round trips: predictions bit for bit, training continued exactly', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const fit = { epochs: 3, batchSize: 8, ...quiet };
      // a: trains 3 epochs, then 3 more; b: the same 3, then saved and loaded, then the 3 more
      const a = build(c);
      const b = build(c);
      await a.fit(c.data.x, c.data.y, fit);
      await b.fit(c.data.x, c.data.y, fit);
      const dir = folder();
      await b.save(dir);
      const loaded = await loadModel(dir);
      expectSameWeights(b, loaded);
      expectSamePredictions(b, loaded, c.data.x);
      expect(loaded.getConfig()).toEqual({
        ...b.getConfig(),
        layers: b
          .getConfig()
          .layers.map((l, i) => (i === 0 ? { ...l, config: { ...l.config, inputShape: [...b.inputShape] } } : l)),
      });
      expect(loaded.getCompileConfig()).toEqual(b.getCompileConfig());
      expect(loaded.evaluate(c.data.x, c.data.y)).toEqual(b.evaluate(c.data.x, c.data.y));
      const ha = await a.fit(c.data.x, c.data.y, fit);
      const hl = await loaded.fit(c.data.x, c.data.y, fit);
      expect(hl.history).toEqual(ha.history);
      expectSameWeights(a, loaded);
      const lrs = (m: Sequential) => (m.getOptimizer() as Optimizer).paramGroups.map((g) => g.lr);
      expect(lrs(loaded)).toEqual(lrs(a));
      expect(loaded.getSchedules().map((s) => s.getLastLr())).toEqual(a.getSchedules().map((s) => s.getLastLr()));
      // and one more step by hand
      expect(loaded.trainOnBatch(c.data.x, c.data.y)).toEqual(a.trainOnBatch(c.data.x, c.data.y));
      expectSameWeights(a, loaded);
    });
  }
});

describe('resuming an interrupted fit from a checkpoint (initialEpoch)', () => {
  for (const c of cases.slice(0, 4)) {
    test(c.name, async () => {
      const a = build(c);
      const ha = await a.fit(c.data.x, c.data.y, { epochs: 5, batchSize: 8, ...quiet });
      // b: the same fit, saved at the end of epoch 1 and stopped there, as a crash would stop it
      const b = build(c);
      const dir = folder();
      await b.fit(c.data.x, c.data.y, {
        epochs: 5,
        batchSize: 8,
        ...quiet,
        callbacks: [
          {
            onEpochEnd: async (epoch) => {
              if (epoch !== 1) return;
              await b.save(dir);
              b.stopTraining = true;
            },
          },
        ],
      });
      const loaded = await loadModel(dir);
      const hl = await loaded.fit(c.data.x, c.data.y, { epochs: 5, batchSize: 8, initialEpoch: 2, ...quiet });
      expect(hl.epoch).toEqual([2, 3, 4]);
      for (const [key, values] of Object.entries(ha.history)) expect(hl.history[key], key).toEqual(values.slice(2));
      expectSameWeights(a, loaded);
      // the next fit after a resumed one is the next fit of the model that never stopped
      const na = await a.fit(c.data.x, c.data.y, { epochs: 1, batchSize: 8, ...quiet });
      const nl = await loaded.fit(c.data.x, c.data.y, { epochs: 1, batchSize: 8, ...quiet });
      expect(nl.history).toEqual(na.history);
    });
  }
});

test('fit with initialEpoch continues the last fit, in the same process too', async () => {
  const c = cases[0];
  const a = build(c);
  const b = build(c);
  const whole = await a.fit(c.data.x, c.data.y, { epochs: 4, batchSize: 8, ...quiet });
  await b.fit(c.data.x, c.data.y, { epochs: 2, batchSize: 8, ...quiet });
  const rest = await b.fit(c.data.x, c.data.y, { epochs: 4, initialEpoch: 2, batchSize: 8, ...quiet });
  expect(rest.history.loss).toEqual(whole.history.loss.slice(2));
  expectSameWeights(a, b);
  // and the next fit of each is the same (the continued fit did not count as a new one)
  const na = await a.fit(c.data.x, c.data.y, { epochs: 1, batchSize: 8, ...quiet });
  const nb = await b.fit(c.data.x, c.data.y, { epochs: 1, batchSize: 8, ...quiet });
  expect(nb.history).toEqual(na.history);
});

describe('what a model.json holds', () => {
  test('without the optimizer: compiled with a fresh one of the same type and options, no schedules', async () => {
    const c = cases[1];
    const model = build(c);
    await model.fit(c.data.x, c.data.y, { epochs: 2, ...quiet });
    const dir = folder();
    await model.save(dir, { optimizer: false });
    expect(fs.readdirSync(dir).sort()).toEqual(['model.json', 'model.safetensors']);
    const loaded = await loadModel(dir);
    expectSamePredictions(model, loaded, c.data.x);
    const opt = loaded.getOptimizer() as Optimizer;
    expect(opt.getConfig()).toEqual((model.getOptimizer() as Optimizer).getConfig());
    expect(opt.steps).toBe(0);
    expect(loaded.getSchedules()).toEqual([]);
    expect(loaded.getScalers().input!.toJSON()).toEqual(model.getScalers().input!.toJSON());
  });

  test('an uncompiled model and one built from its data (no inputShape on the first layer)', async () => {
    const plain = sequential([layers.dense({ units: 3, inputShape: [2] })], { seed: 5 });
    const dir = folder();
    await plain.save(dir);
    const loaded = await loadModel(dir);
    expect(loaded.getCompileConfig()).toBeNull();
    expectSamePredictions(plain, loaded, [[1, 2]]);

    const fromData = sequential([layers.lstm({ units: 2 }), layers.dense({ units: 1 })], { seed: 6 });
    const x = sequences(3, 7, 2, 1, 9).x;
    const before = fromData.predict(x); // builds it for [7, 2]
    await fromData.save(dir);
    const again = await loadModel(dir);
    expect(again.inputShape).toEqual([7, 2]);
    expectSameBits(before.data, again.predict(x).data, 'predict');
  });

  test('every optimizer type, with its options, state and group hyperparameters', async () => {
    const data = tabular(16, 3, 1, 8);
    const makers: (() => Optimizer)[] = [
      () => new SGD({ lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 1e-3, clipNorm: 1 }),
      () => new Adam({ lr: 0.01, betas: [0.8, 0.99], eps: 1e-7, maximize: false, globalClipNorm: 0.5 }),
      () => new AdamW({ lr: 0.01, amsgrad: true, clipValue: 0.1, nonFinite: 'skip' }),
      () => new RMSprop({ lr: 0.01, alpha: 0.9, centered: true }),
      () => new Adagrad({ lr: 0.1, initialAccumulatorValue: 0.1, eps: 1e-8 }),
    ];
    for (const make of makers) {
      const m = sequential(
        [layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }), layers.dense({ units: 1 })],
        { seed: 2 },
      );
      const optimizer = make();
      m.compile({ optimizer, loss: 'mse' });
      await m.fit(data.x, data.y, { epochs: 2, batchSize: 4, ...quiet });
      optimizer.paramGroups[0].lr = 0.0123; // a group's own value, as a schedule would set it
      const dir = folder();
      await m.save(dir);
      const loaded = await loadModel(dir);
      const restored = loaded.getOptimizer() as Optimizer;
      expect(restored.constructor).toBe(optimizer.constructor);
      expect(restored.getConfig()).toEqual(optimizer.getConfig());
      expect(restored.stateDict()).toEqual(optimizer.stateDict());
    }
  });

  test('compile: a model with several parameter groups keeps them', async () => {
    const data = tabular(16, 3, 1, 8);
    const m = sequential([layers.dense({ units: 4, inputShape: [3] }), layers.dense({ units: 1 })], { seed: 2 });
    const [w0, b0, w1, b1] = m.parameters();
    const optimizer = new Adam([{ params: [w1, b1], lr: 0.02 }, { params: [w0, b0] }], { lr: 0.001 });
    m.compile({ optimizer, loss: 'mse' });
    await m.fit(data.x, data.y, { epochs: 1, ...quiet });
    const dir = folder();
    await m.save(dir);
    const loaded = await loadModel(dir);
    const restored = loaded.getOptimizer() as Optimizer;
    expect(restored.paramGroups.map((g) => [g.lr, g.params.map((p) => p.name)])).toEqual([
      [0.02, ['dense_1.weight', 'dense_1.bias']],
      [0.001, ['dense.weight', 'dense.bias']],
    ]);
    expect(restored.stateDict()).toEqual(optimizer.stateDict());
    // without the optimizer's state, the groups keep their own options
    await m.save(dir, { optimizer: false });
    const fresh = (await loadModel(dir)).getOptimizer() as Optimizer;
    expect(fresh.paramGroups.map((g) => [g.lr, g.params.length])).toEqual([
      [0.02, 2],
      [0.001, 2],
    ]);
    expect(fresh.steps).toBe(0);
  });

  test('saving again replaces everything, leaving only the three files; saves in one process queue up', async () => {
    const c = cases[0];
    const model = build(c);
    const dir = folder();
    await Promise.all([model.save(dir), model.save(dir, { optimizer: false }), model.save(dir)]);
    await model.fit(c.data.x, c.data.y, { epochs: 1, ...quiet });
    await model.save(dir);
    expect(fs.readdirSync(dir).sort()).toEqual(['model.json', 'model.safetensors', 'optimizer.safetensors']);
    expectSamePredictions(model, await loadModel(dir), c.data.x);
    await model.save(dir, { optimizer: false });
    expect(fs.readdirSync(dir).sort()).toEqual(['model.json', 'model.safetensors']);
  });

  test('loadModel while saves replace the folder: always one whole version', async () => {
    const model = sequential([layers.dense({ units: 64, inputShape: [64] }), layers.dense({ units: 4 })], { seed: 3 });
    model.compile({ optimizer: new Adam(), loss: 'mse' });
    const dir = folder();
    const version = (v: number) => {
      for (const p of model.parameters()) p.value.fill(v);
    };
    version(0);
    await model.save(dir);
    let done = false;
    const writer = (async () => {
      for (let v = 1; v <= 20; v++) {
        version(v);
        await model.save(dir);
      }
      done = true;
    })();
    const seen = new Set<number>();
    while (!done) {
      const loaded = await loadModel(dir);
      const values = new Set(loaded.parameters().flatMap((p) => [...new Set(p.value)]));
      expect(values.size).toBe(1); // every parameter of one save
      seen.add([...values][0]);
    }
    await writer;
    expect(seen.size).toBeGreaterThan(1);
  });

  test('model.safetensors holds the parameters by name, float32, in PyTorch layouts; model.json is plain JSON', async () => {
    const model = sequential([layers.lstm({ units: 2, inputShape: [3, 4] }), layers.dense({ units: 1 })], { seed: 1 });
    const dir = folder();
    await model.save(dir);
    const bytes = fs.readFileSync(path.join(dir, 'model.safetensors'));
    const n = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString()) as Record<
      string,
      { shape: number[]; dtype: string }
    >;
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as Record<string, unknown>;
    expect(header.__metadata__).toEqual({ format: 'pt', saveId: json.saveId });
    expect(Object.keys(header).slice(1)).toEqual([
      'lstm.weight_ih_l0',
      'lstm.weight_hh_l0',
      'lstm.bias_ih_l0',
      'lstm.bias_hh_l0',
      'dense.weight',
      'dense.bias',
    ]);
    expect(header['lstm.weight_ih_l0']).toMatchObject({ dtype: 'F32', shape: [8, 4] });
    expect(header['dense.weight']).toMatchObject({ dtype: 'F32', shape: [1, 2] });
    expect(json).toMatchObject({ format: 'steadygrad-model', version: 1, compile: null, optimizer: null });
    expect((json.weights as { sha256: string }).sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('errors name the function and what was expected', () => {
  test('saving', async () => {
    const unbuilt = sequential([layers.dense({ units: 1 })]);
    await expect(unbuilt.save(folder())).rejects.toThrow(
      new Error('save: the model is not built yet: give its first layer an inputShape, or call fit or predict first'),
    );
    const model = sequential([layers.dense({ units: 1, inputShape: [2] })]);
    await expect(model.save('')).rejects.toThrow(TypeError);
    await expect(model.save(folder(), { optimiser: false } as never)).rejects.toThrow(
      "save: each option must be one of optimizer, received 'optimiser' (did you mean 'optimizer'?)",
    );
    const custom = {
      paramGroups: [] as { params: never[] }[],
      addParamGroup(g: { params: never[] }) {
        this.paramGroups.push(g);
      },
      step() {},
    };
    model.compile({ optimizer: custom, loss: 'mse' });
    await expect(model.save(folder())).rejects.toThrow(
      "save: the model's optimizer must be one of steadygrad's (SGD, Adam, AdamW, RMSprop, Adagrad) to be saved, or pass { optimizer: false }, received another object",
    );
    const dir = folder();
    await model.save(dir, { optimizer: false });
    expect((await loadModel(dir)).getCompileConfig()).toBeNull(); // no optimizer to compile with
    const file = path.join(root, 'a-file');
    fs.writeFileSync(file, 'x');
    await expect(model.save(file, { optimizer: false })).rejects.toThrow(/EEXIST|ENOTDIR/);
  });

  test('loading: each problem of a folder is an error naming the file', async () => {
    const c = cases[0];
    const model = build(c);
    const dir = folder();
    await model.save(dir);
    const json = path.join(dir, 'model.json');
    const original = fs.readFileSync(json, 'utf8');
    interface Doc {
      version: unknown;
      format: unknown;
      extra?: unknown;
      config: { layers: { type: string; config: Record<string, unknown> }[] };
      optimizer: { config: { type: string } };
      schedules: { type: string }[];
    }
    const edit = (change: (doc: Doc) => void) => {
      const doc = JSON.parse(original) as Doc;
      change(doc);
      fs.writeFileSync(json, JSON.stringify(doc));
    };
    const expectError = async (message: string, Class: abstract new (...args: never[]) => Error = ModelFileError) => {
      let thrown: unknown;
      try {
        await loadModel(dir);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(Class);
      expect((thrown as Error).message).toBe(message);
    };
    edit((d) => (d.version = 2));
    await expectError(`${json}: is of format version 2, newer than this steadygrad reads (1): update steadygrad`);
    edit((d) => (d.version = '1'));
    await expectError(`${json}: version must be 1, received '1'`);
    edit((d) => (d.format = 'keras'));
    await expectError(
      `${json}: format must be 'steadygrad-model' (a model.json written by model.save), received 'keras'`,
    );
    edit((d) => (d.config.layers[1].type = 'conv2d'));
    await expectError(
      `${json}: config.layers[1].type must be a layer type this steadygrad knows (dense, activation, dropout, layer_norm, simple_rnn, lstm, gru), received 'conv2d'`,
    );
    edit((d) => (d.config.layers[0].config.units = -3));
    await expectError(
      `${json}: config.layers[0] (dense): layers.dense: units must be an integer in [1, 16777216], received -3`,
    );
    edit((d) => (d.optimizer.config.type = 'Lion'));
    await expectError(
      `${json}: optimizer.config: loadModel: optimizer type must be one of SGD, Adam, AdamW, RMSprop, Adagrad, received 'Lion'`,
    );
    edit((d) => (d.schedules[0].type = 'CyclicLR'));
    await expectError(
      `${json}: schedules[0]: loadModel: schedules[0].type must be one of StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, PolynomialLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, OneCycleLR, ReduceLROnPlateau, SequentialLR, ChainedScheduler, received 'CyclicLR'`,
    );
    edit((d) => (d.extra = 1));
    await expectError(
      `${json}: the file has an unknown field 'extra' (known: format, version, saveId, steadygrad, savedAt, config, weights, compile, optimizer, schedules, scalers, training)`,
    );
    fs.writeFileSync(json, '{"format": "steadygrad-model",');
    await expectError(`${json}: is not valid JSON (Expected double-quoted property name in JSON at position 30)`);
    fs.writeFileSync(json, original);

    // the safetensors files: another save's, corrupt, missing
    const weights = path.join(dir, 'model.safetensors');
    const bytes = fs.readFileSync(weights);
    const other = folder();
    await model.save(other);
    fs.copyFileSync(path.join(other, 'model.safetensors'), weights);
    await expect(loadModel(dir)).rejects.toThrow(
      new RegExp(
        `^${weights}: its save id '[0-9a-f]{32}' is not model.json's \\('[0-9a-f]{32}'\\): the folder holds files of different saves$`,
      ),
    );
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1] ^= 1; // a weight's last bit: the header is fine
    fs.writeFileSync(weights, flipped);
    await expectError(
      `${weights}: its contents do not match the SHA-256 checksum model.json holds for it: one of the two files is corrupt`,
    );
    fs.rmSync(weights);
    await expectError(`${weights}: missing (model.json names it)`);
    fs.writeFileSync(weights, bytes);
    expectSamePredictions(model, await loadModel(dir), c.data.x);
    fs.rmSync(json);
    await expectError(`${json}: missing: the folder holds no saved model (model.save(dir) writes model.json last)`);
    await expect(loadModel(42 as never)).rejects.toThrow(
      new TypeError('loadModel: dir must be a folder path (a non-empty string), received 42'),
    );
  });

  test('compile: schedules of the model optimizer only', () => {
    const model = sequential([layers.dense({ units: 1, inputShape: [2] })]);
    const other = new Adam();
    expect(() =>
      model.compile({ optimizer: new Adam(), loss: 'mse', schedules: [new StepLR(other, { stepSize: 1 })] }),
    ).toThrow(
      'compile: schedules[0] must be a schedule of the optimizer given to compile, received one of another optimizer',
    );
    expect(() => model.compile({ optimizer: new Adam(), loss: 'mse', schedules: {} as never })).toThrow(TypeError);
  });
});
