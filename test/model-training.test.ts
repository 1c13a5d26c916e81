// Training end to end, on the default backend: convergence with fixed seeds (each to a stated loss or accuracy within
// a stated number of epochs), reproducibility (bit-identical on 1 and 2 threads), callbacks and early stopping,
// validation, fitDataset, predict's layouts, configs, and the non-finite guard.
import { Readable } from 'node:stream';
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  Adam,
  SGD,
  backendInfo,
  earlyStopping,
  layers,
  sequential,
  sequentialFromConfig,
  setThreads,
} from '../src/index.js';
import { ProgressLogger } from '../src/model/callbacks.js';

const quiet = { verbose: 0 as const };

function xorData() {
  return {
    x: { data: Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]), shape: [4, 2] },
    y: { data: Float32Array.from([0, 1, 1, 0]), shape: [4, 1] },
  };
}

function sineData(N = 256, T = 20) {
  const x = new Float32Array(N * T);
  const y = new Float32Array(N);
  for (let n = 0; n < N; n++) {
    const p = n * 0.37;
    for (let t = 0; t < T; t++) x[n * T + t] = Math.sin(p + 0.3 * t);
    y[n] = Math.sin(p + 0.3 * T);
  }
  return { x: { data: x, shape: [N, T, 1] }, y: { data: y, shape: [N, 1] } };
}

// Two classes of noisy sines (slow and fast), of 8 to 16 valid steps each.
function frequencyData(N = 256, T = 16) {
  const x = new Float32Array(N * T);
  const y = new Float32Array(N);
  const lengths = new Int32Array(N);
  let s = 1;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let n = 0; n < N; n++) {
    const c = n % 2;
    const p = rnd() * 6.28;
    lengths[n] = 8 + Math.floor(rnd() * 9);
    y[n] = c;
    for (let t = 0; t < lengths[n]; t++) x[n * T + t] = Math.sin(p + (c ? 1.2 : 0.3) * t) + 0.1 * (rnd() - 0.5);
  }
  return { x: { data: x, shape: [N, T, 1], lengths }, y: { data: y, shape: [N] } };
}

describe('convergence with fixed seeds', () => {
  test('XOR with a 2-8-1 tanh/sigmoid MLP: accuracy 1 and loss < 0.01 within 100 epochs', async () => {
    const { x, y } = xorData();
    const model = sequential(
      [
        layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }),
        layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
      { seed: 1 },
    );
    model.compile({ optimizer: new Adam({ lr: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const h = await model.fit(x, y, { epochs: 100, batchSize: 4, ...quiet });
    expect(h.history.loss[99]).toBeLessThan(0.01);
    expect(h.history.accuracy[99]).toBe(1);
    expect(Array.from(model.predict(x).data).map(Math.round)).toEqual([0, 1, 1, 0]);
  });

  test('sine-wave forecasting with an LSTM(16): mse < 2e-3 within 10 epochs', async () => {
    const { x, y } = sineData();
    const model = sequential([layers.lstm({ units: 16, inputShape: [20, 1] }), layers.dense({ units: 1 })], {
      seed: 2,
    });
    model.compile({ optimizer: new Adam({ lr: 0.01 }), loss: 'mse' });
    const h = await model.fit(x, y, { epochs: 10, batchSize: 32, ...quiet });
    expect(h.history.loss[9]).toBeLessThan(2e-3);
    expect(h.history.loss[9]).toBeLessThan(h.history.loss[0] / 10);
  });

  test('sequence classification with a GRU(12) and lengths: accuracy >= 0.95 within 5 epochs', async () => {
    const { x, y } = frequencyData();
    const model = sequential(
      [layers.gru({ units: 12, inputShape: [16, 1] }), layers.dense({ units: 2, activation: 'softmax' })],
      { seed: 3 },
    );
    model.compile({ optimizer: new Adam({ lr: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const h = await model.fit(x, y, { epochs: 5, batchSize: 32, ...quiet });
    expect(h.history.accuracy[4]).toBeGreaterThanOrEqual(0.95);
    expect(model.evaluate(x, y).accuracy).toBeGreaterThanOrEqual(0.95);
  });
});

describe('reproducibility', () => {
  afterEach(() => setThreads(backendInfo().cores));

  async function train(threads: number) {
    setThreads(threads);
    const { x, y } = frequencyData(96);
    const model = sequential(
      [
        layers.lstm({ units: 64, inputShape: [16, 1], returnSequences: true, bidirectional: true }),
        layers.dropout({ rate: 0.2 }),
        layers.gru({ units: 64 }),
        layers.dense({ units: 2, activation: 'softmax' }),
      ],
      { seed: 5 },
    );
    model.compile({ optimizer: new Adam({ lr: 0.01 }), loss: 'sparseCategoricalCrossentropy' });
    const h = await model.fit(x, y, { epochs: 2, batchSize: 32, ...quiet });
    return { losses: h.history.loss, weights: model.parameters().map((p) => Array.from(p.value)) };
  }

  test('one seed gives bit-identical weights and losses, run after run and on 1 and 2 threads', async () => {
    const a = await train(1);
    const b = await train(1);
    const c = await train(2);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  test('a different seed gives different initial weights; the same seed the same', () => {
    const make = (seed: number) =>
      sequential([layers.dense({ units: 4, inputShape: [3] })], { seed }).parameters()[0].value;
    expect(Array.from(make(1))).toEqual(Array.from(make(1)));
    expect(Array.from(make(1))).not.toEqual(Array.from(make(2)));
  });
});

describe('fit, evaluate, predict', () => {
  test('callbacks see every hook in order with Keras logs; stopTraining stops after the batch', async () => {
    const { x, y } = xorData();
    const model = sequential([layers.dense({ units: 2, inputShape: [2] })], { seed: 1 });
    model.compile({ optimizer: new SGD({ lr: 0.1 }), loss: 'mse', metrics: ['mae'] });
    const calls: string[] = [];
    const cb = {
      onTrainBegin: () => void calls.push('trainBegin'),
      onEpochBegin: (e: number) => void calls.push(`epochBegin ${e}`),
      onBatchBegin: (b: number) => void calls.push(`batchBegin ${b}`),
      onBatchEnd: async (b: number, logs: Record<string, number>) => {
        await new Promise((r) => setTimeout(r, 1)); // awaited
        calls.push(`batchEnd ${b} ${Object.keys(logs).join(',')}`);
      },
      onEpochEnd: (e: number, logs: Record<string, number>) =>
        void calls.push(`epochEnd ${e} ${Object.keys(logs).join(',')}`),
      onTrainEnd: () => void calls.push('trainEnd'),
    };
    await model.fit(
      x,
      { data: new Float32Array(8), shape: [4, 2] },
      { epochs: 2, batchSize: 2, shuffle: false, callbacks: [cb], ...quiet },
    );
    expect(calls).toEqual([
      'trainBegin',
      'epochBegin 0',
      'batchBegin 0',
      'batchEnd 0 loss,mae',
      'batchBegin 1',
      'batchEnd 1 loss,mae',
      'epochEnd 0 loss,mae',
      'epochBegin 1',
      'batchBegin 0',
      'batchEnd 0 loss,mae',
      'batchBegin 1',
      'batchEnd 1 loss,mae',
      'epochEnd 1 loss,mae',
      'trainEnd',
    ]);
    void y;
    const stopper = { onBatchEnd: () => void (model.stopTraining = true) };
    const h = await model.fit(
      x,
      { data: new Float32Array(8), shape: [4, 2] },
      { epochs: 5, batchSize: 1, callbacks: [stopper], ...quiet },
    );
    expect(h.epoch).toEqual([0]);
  });

  test('validationSplit takes the last examples, before shuffling; validationData gives val_ logs', async () => {
    const N = 10;
    const x = { data: Float32Array.from({ length: N }, (_, i) => i), shape: [N, 1] };
    const y = { data: Float32Array.from({ length: N }, (_, i) => (i < 8 ? 0 : 100)), shape: [N, 1] };
    const model = sequential([layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros' })], { seed: 1 });
    model.compile({ optimizer: new SGD({ lr: 0 }), loss: 'mse' });
    const h = await model.fit(x, y, { epochs: 1, validationSplit: 0.2, ...quiet });
    expect(h.history.loss[0]).toBe(0); // trained on the first 8 (targets 0)
    expect(h.history.val_loss[0]).toBe(10000); // validated on the last 2 (targets 100)
    const h2 = await model.fit(x, y, { epochs: 1, validationData: [x, y], ...quiet });
    expect(h2.history.val_loss[0]).toBeCloseTo(2000, 6);
  });

  test('earlyStopping stops after `patience` epochs without improvement and restores the best weights', async () => {
    const { x, y } = xorData();
    const model = sequential([layers.dense({ units: 1, inputShape: [2] })], { seed: 1 });
    model.compile({ optimizer: new SGD({ lr: 0.1 }), loss: 'mse' });
    let epoch = 0;
    const fakeLoss = [5, 4, 3, 3.5, 3.2, 3.1, 2, 1];
    const snapshots: number[][] = [];
    const inject = {
      onEpochEnd: (_e: number, logs: Record<string, number>) => {
        logs.val_loss = fakeLoss[epoch++];
        snapshots.push(Array.from(model.parameters()[0].value));
      },
    };
    const stop = earlyStopping({ patience: 2, restoreBestWeights: true });
    const h = await model.fit(x, y, { epochs: 8, batchSize: 4, callbacks: [inject, stop], ...quiet });
    expect(h.epoch).toEqual([0, 1, 2, 3, 4]); // best at 2, two worse epochs, stop at 4 (Keras 3's counting)
    expect(stop.stoppedEpoch).toBe(4);
    expect(stop.bestEpoch).toBe(2);
    expect(Array.from(model.parameters()[0].value)).toEqual(snapshots[2]);
    await expect(model.fit(x, y, { epochs: 1, callbacks: [earlyStopping()], ...quiet })).rejects.toThrow(
      /earlyStopping: monitor must be one of the logs \(loss\).*received 'val_loss'/,
    );
  });

  test('predict keeps batch-major order for sequence outputs, and batches do not change results', () => {
    const N = 7;
    const T = 5;
    const x = {
      data: Float32Array.from({ length: N * T * 2 }, (_, i) => Math.sin(i)),
      shape: [N, T, 2],
      lengths: [5, 3, 1, 5, 4, 2, 5],
    };
    const model = sequential(
      [layers.gru({ units: 3, inputShape: [T, 2], returnSequences: true }), layers.dense({ units: 2 })],
      { seed: 4 },
    );
    const all = model.predict(x);
    expect(all.shape).toEqual([N, T, 2]);
    const small = model.predict(x, { batchSize: 3 });
    expect(Array.from(small.data)).toEqual(Array.from(all.data));
    const one = model.predict({ data: x.data.subarray(2 * T * 2, 3 * T * 2), shape: [1, T, 2], lengths: [1] });
    expect(Array.from(one.data)).toEqual(Array.from(all.data.subarray(2 * T * 2, 3 * T * 2)));
  });

  test('returnState on the last layer puts the final states in predict().states', () => {
    const model = sequential(
      [layers.lstm({ units: 3, inputShape: [4, 2], returnState: true, bidirectional: true, mergeMode: 'sum' })],
      { seed: 4 },
    );
    const x = { data: Float32Array.from({ length: 2 * 4 * 2 }, (_, i) => Math.cos(i)), shape: [2, 4, 2] };
    const p = model.predict(x);
    expect(p.states?.map((s) => s.shape)).toEqual([
      [2, 3],
      [2, 3],
      [2, 3],
      [2, 3],
    ]);
    const [hF, , hB] = p.states as { data: Float32Array }[];
    p.data.forEach((v, i) => expect(v).toBeCloseTo(hF.data[i] + hB.data[i], 6)); // sum of both final h
    expect(() => model.add(layers.dense({ units: 1 }))).toThrow(/nothing after 'lstm'/);
  });

  test('fitDataset trains from a Node Readable (one epoch) and from a function (several)', async () => {
    const { x, y } = xorData();
    const model = sequential(
      [layers.dense({ units: 4, activation: 'tanh', inputShape: [2] }), layers.dense({ units: 1 })],
      { seed: 1 },
    );
    model.compile({ optimizer: new Adam({ lr: 0.05 }), loss: 'mse' });
    const batches = () => [
      { x: { data: x.data.subarray(0, 4), shape: [2, 2] }, y: { data: y.data.subarray(0, 2), shape: [2, 1] } },
      [
        { data: x.data.subarray(4), shape: [2, 2] },
        { data: y.data.subarray(2), shape: [2, 1] },
      ] as const,
    ];
    const h1 = await model.fitDataset(Readable.from(batches()), quiet);
    expect(h1.epoch).toEqual([0]);
    const h2 = await model.fitDataset(() => batches() as never, { epochs: 30, ...quiet });
    expect(h2.history.loss[29]).toBeLessThan(h2.history.loss[0]);
    await expect(model.fitDataset(Readable.from(batches()), { epochs: 2, ...quiet })).rejects.toThrow(
      /gave no batches in epoch 1 \(an iterable that can be read once serves one epoch/,
    );
    // The same hooks as fit's, batch sizes included, and stopTraining stops after the batch that set it.
    const calls: string[] = [];
    const cb = {
      onBatchBegin: (b: number, logs: Record<string, number>) => void calls.push(`batchBegin ${b} ${logs.size}`),
      onBatchEnd: (b: number) => {
        calls.push(`batchEnd ${b}`);
        if (b === 0) model.stopTraining = true;
      },
    };
    const h3 = await model.fitDataset(() => batches() as never, { epochs: 3, callbacks: [cb], ...quiet });
    expect(calls).toEqual(['batchBegin 0 2', 'batchEnd 0']);
    expect(h3.epoch).toEqual([0]);
  });

  test('trainOnBatch takes one step; compile by optimizer name', () => {
    const { x, y } = xorData();
    const model = sequential([layers.dense({ units: 1, inputShape: [2] })], { seed: 1 });
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const before = Array.from(model.parameters()[0].value);
    const logs = model.trainOnBatch(x, y);
    expect(Object.keys(logs)).toEqual(['loss', 'mae']);
    expect(Array.from(model.parameters()[0].value)).not.toEqual(before);
  });

  test('progress output: one line per epoch when not a terminal (verbose 1 or 2), nothing with verbose 0', async () => {
    const { x, y } = xorData();
    const model = sequential([layers.dense({ units: 1, inputShape: [2] })], { seed: 1 });
    model.compile({ optimizer: new SGD({ lr: 0.1 }), loss: 'mse' });
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await model.fit(x, y, { epochs: 2, verbose: 2 });
      const lines = write.mock.calls.map((c) => String(c[0]));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^Epoch 1\/2 - \d+ ms - loss: \d/);
      write.mockClear();
      await model.fit(x, y, { epochs: 2, verbose: 0 });
      expect(write).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
    }
  });
});

describe('fit and the event loop; dropout', () => {
  test.runIf(backendInfo().backend === 'native')(
    'a long recurrent kernel in fit runs off the main thread: timers fire during a one-batch epoch',
    async () => {
      // 2 T B 4H (I + H) = 2 * 100 * 64 * 256 * 128 = 4.2e8 flops per forward call: well over fit's threshold
      const [N, T, I, H] = [64, 100, 64, 64];
      const model = sequential([layers.lstm({ units: H, inputShape: [T, I] }), layers.dense({ units: 1 })], {
        seed: 1,
      });
      model.compile({ optimizer: new Adam({ lr: 1e-3 }), loss: 'mse' });
      const x = { data: new Float32Array(N * T * I).fill(0.1), shape: [N, T, I] };
      const y = { data: new Float32Array(N), shape: [N, 1] };
      let ticks = 0;
      let ticksAtBatchEnd = -1;
      const tick = () => {
        ticks++;
        if (ticksAtBatchEnd < 0) setImmediate(tick);
      };
      setImmediate(tick);
      await model.fit(x, y, {
        epochs: 1,
        batchSize: N,
        verbose: 0,
        callbacks: [{ onBatchEnd: () => void (ticksAtBatchEnd = ticks) }],
      });
      expect(ticksAtBatchEnd).toBeGreaterThan(1); // the loop turned while the forward and backward kernels ran
    },
  );

  test('dropout: masks in training only, scaled by 1 / (1 - rate), reproducible from the seed', () => {
    const make = () => sequential([layers.dropout({ rate: 0.25, inputShape: [1000] })], { seed: 3 });
    const x = { data: new Float32Array(1000).fill(1), shape: [1, 1000] };
    const y = { data: new Float32Array(1000), shape: [1, 1000] };
    const a = make();
    expect(Array.from(a.predict(x).data).every((v) => v === 1)).toBe(true); // inference: the identity
    // The mask shows in the loss: sum of (mask value)^2 over the kept elements, each 1 / 0.75.
    const { loss } = a.forwardBackward(x, y, { loss: { name: 'mse', reduction: 'sum' } });
    const kept = loss / (1 / 0.75) ** 2;
    expect(Number.isInteger(Math.round(kept))).toBe(true);
    expect(Math.abs(kept - 750)).toBeLessThan(60); // about 3/4 kept
    expect(make().forwardBackward(x, y, { loss: { name: 'mse', reduction: 'sum' } }).loss).toBe(loss); // same seed
    expect(a.forwardBackward(x, y, { loss: { name: 'mse', reduction: 'sum' } }).loss).not.toBe(loss); // a new mask
  });
});

test('progress on a terminal: a cli-progress bar with the batch count, rate, ETA and the logs', () => {
  const out: string[] = [];
  const stream = { isTTY: true, columns: 100, write: (t: string) => out.push(t) > 0, on() {}, removeListener() {} };
  const progress = new ProgressLogger(1, 2, 3, stream);
  progress.onEpochBegin(0);
  for (let b = 0; b < 3; b++) progress.onBatchEnd(b, { loss: 0.5 - b / 10 });
  progress.onEpochEnd(0, { loss: 0.3, val_loss: 0.2 });
  const text = out.join('');
  expect(text).toMatch(/^Epoch 1\/2\n/);
  expect(text).toMatch(/={24} 3\/3 \| [\d.]+ batch\/s \| ETA \d+s \| loss: 0\.3000 - val_loss: 0\.2000/);
});

describe('wrappers and hooks', () => {
  test('layers.bidirectional(layer, { mergeMode }) is the layer with bidirectional: true', () => {
    const wrapped = layers.bidirectional(layers.gru({ units: 3, returnSequences: true }), { mergeMode: 'sum' });
    const model = sequential([layers.dense({ units: 2, inputShape: [4, 2] }), wrapped], { seed: 1 });
    expect(model.outputShape).toEqual([4, 3]);
    expect(wrapped.getConfig()).toMatchObject({ bidirectional: true, mergeMode: 'sum', returnSequences: true });
    expect(model.parameters().map((p) => p.name)).toContain('gru.weight_hh_l0_reverse');
    expect(() => layers.bidirectional(layers.dense({ units: 1 }) as never)).toThrow(
      /layers\.bidirectional: layer must be a recurrent layer/,
    );
  });

  test('onGradients sees every gradient after the backward pass and before the optimizer step', async () => {
    const { x, y } = xorData();
    const model = sequential([layers.dense({ units: 1, inputShape: [2] })], { seed: 1 });
    model.compile({ optimizer: new SGD({ lr: 0.5 }), loss: 'mse' });
    const seen: { step: number; grad: number[]; value: number[] }[] = [];
    const monitor = {
      onGradients: ({
        step,
        parameters,
      }: {
        step: number;
        parameters: { grad: Float32Array; value: Float32Array }[];
      }) => void seen.push({ step, grad: Array.from(parameters[0].grad), value: Array.from(parameters[0].value) }),
    };
    await model.fit(x, y, { epochs: 2, batchSize: 4, callbacks: [monitor], ...quiet });
    expect(seen.map((s) => s.step)).toEqual([0, 1]);
    // the second step's weights are the first's minus lr * gradient: the hook ran before each update
    seen[1].value.forEach((v, i) => expect(v).toBeCloseTo(seen[0].value[i] - 0.5 * seen[0].grad[i], 6));
  });
});

describe('configs and the non-finite guard', () => {
  test('getConfig is plain JSON; sequentialFromConfig rebuilds the same model with the same weights', () => {
    const model = sequential(
      [
        layers.simpleRNN({ units: 3, inputShape: [null, 2], returnSequences: true, activation: 'relu' }),
        layers.layerNorm({ epsilon: 1e-3 }),
        layers.gru({ units: 2, bidirectional: true, mergeMode: 'ave', resetAfter: false }),
        layers.dropout({ rate: 0.1 }),
        layers.dense({
          units: 2,
          activation: { name: 'leakyRelu', negativeSlope: 0.2 },
          kernelInitializer: { name: 'randomNormal', stddev: 0.1 },
        }),
      ],
      { seed: 9, name: 'net', initializers: 'pytorch' },
    );
    const config = model.getConfig();
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    const copy = sequentialFromConfig(JSON.parse(JSON.stringify(config)) as typeof config);
    expect(copy.getConfig()).toEqual(config);
    expect(copy.parameters().map((p) => Array.from(p.value))).toEqual(
      model.parameters().map((p) => Array.from(p.value)),
    );
  });

  test('a NaN weight stops fit before any weight changes, naming the step, the layer and the parameter', async () => {
    const { x, y } = xorData();
    const model = sequential([layers.dense({ units: 3, inputShape: [2] }), layers.dense({ units: 1 })], { seed: 1 });
    model.compile({ optimizer: new Adam({ lr: 0.1 }), loss: 'mse' });
    model.parameters()[2].value[1] = NaN; // dense_1.weight
    const before = model.parameters().map((p) => Array.from(p.value));
    await expect(model.fit(x, y, { epochs: 1, ...quiet })).rejects.toThrow(
      "fit: the loss is NaN at step 0 (epoch 0, batch 0), first in the output of layer 'dense_1' (dense) at index 0, whose parameter dense_1.weight holds NaN; no weight was changed",
    );
    expect(model.parameters().map((p) => Array.from(p.value))).toEqual(before);
  });

  test('a non-finite gradient with a finite loss names the parameter; nonFinite: skip skips the step', async () => {
    const x = { data: Float32Array.from([0.5, 0.5]), shape: [1, 2] };
    const y = { data: Float32Array.from([0]), shape: [1, 1] };
    const model = sequential(
      [layers.dense({ units: 2, activation: 'tanh', inputShape: [2] }), layers.dense({ units: 1 })],
      { seed: 1 },
    );
    model.compile({ optimizer: new Adam({ lr: 0.1 }), loss: 'mse' });
    // The output is ~1e30: its square is finite in the float64 loss, but dx = dy w overflows float32 in dense_1's
    // backward pass, so dense.weight's gradient is the first to be non-finite.
    model.parameters()[2].value.set([1e30, 1e30]);
    const before = model.parameters().map((p) => Array.from(p.value));
    expect(() => model.trainOnBatch(x, y)).toThrow(
      /^trainOnBatch: the gradient of dense\.weight \(layer 'dense'\) holds -?(Infinity|NaN) at index 0 at step 0; no weight was changed$/,
    );
    expect(model.parameters().map((p) => Array.from(p.value))).toEqual(before);
    const skipping = sequential([layers.dense({ units: 1, inputShape: [2] })], { seed: 1 });
    skipping.compile({ optimizer: new Adam({ lr: 0.1, nonFinite: 'skip' }), loss: 'mse' });
    skipping.parameters()[0].value[0] = Infinity;
    const kept = skipping.parameters().map((p) => Array.from(p.value));
    await skipping.fit(x, y, { epochs: 2, ...quiet });
    expect(skipping.skippedBatches).toBe(2);
    expect(skipping.parameters().map((p) => Array.from(p.value))).toEqual(kept);
  });
});
