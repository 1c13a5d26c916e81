// A model's scalers (compile's inputScaler and targetScaler; issues 11 and 13): fitted on the training data only,
// training on scaled data, predict and evaluate in raw units, per feature over B and T for sequences (padding left
// out), kept through save/load and recompiles; and MATLAB's workflow (mapminmax on inputs and targets, train,
// reverse the outputs) as one compile option, giving the numbers the by-hand MATLAB way gives.
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  MapMinMaxScaler,
  MapStdScaler,
  MaxAbsScaler,
  MinMaxScaler,
  Normalizer,
  RobustScaler,
  SGD,
  DecimalScaler,
  StandardScaler,
  layers,
  mapminmax,
  mapstd,
  sequential,
  type Sequential,
} from '../src/index.js';
import { makeRandom, randomArray } from './helpers/random.js';
import { expectThrow } from './helpers/throws.js';

const quiet = { verbose: 0 as const };
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

// Inputs around 1000 +- 300 (three features of different scales) and a target around 50 +- 20.
function data(N: number, seed: number) {
  const r = makeRandom(seed);
  const x = new Float32Array(N * 3);
  const y = new Float32Array(N);
  for (let n = 0; n < N; n++) {
    x[3 * n] = Math.fround(1000 + 300 * (r() - 0.5));
    x[3 * n + 1] = Math.fround(0.01 * r());
    x[3 * n + 2] = Math.fround(-50 + 10 * r());
    y[n] = Math.fround(50 + 0.05 * (x[3 * n] - 1000) + 500 * x[3 * n + 1] - 0.5 * (x[3 * n + 2] + 45));
  }
  return { x: { data: x, shape: [N, 3] }, y: { data: y, shape: [N, 1] } };
}

const mlp = (seed = 3) =>
  sequential([layers.dense({ units: 8, activation: 'tanh', inputShape: [3] }), layers.dense({ units: 1 })], { seed });

/** Rows of a row-major (rows, cols) array, and the transpose (MATLAB's layout: features as rows). */
function rows(data: Float32Array, cols: number): number[][] {
  return Array.from({ length: data.length / cols }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
}
const transpose = (m: number[][]) => m[0].map((_, j) => m.map((r) => r[j]));

describe('compile({ inputScaler, targetScaler })', () => {
  test('each name gives its scaler; fit fits them on the training part only (never the validation split)', async () => {
    const { x, y } = data(40, 1);
    const expected = {
      standard: StandardScaler,
      minmax: MinMaxScaler,
      maxabs: MaxAbsScaler,
      robust: RobustScaler,
      decimal: DecimalScaler,
      mapminmax: MapMinMaxScaler,
      mapstd: MapStdScaler,
    };
    for (const [name, Class] of Object.entries(expected)) {
      const model = mlp();
      model.compile({
        optimizer: 'adam',
        loss: 'mse',
        inputScaler: name as 'standard',
        targetScaler: name as 'standard',
      });
      await model.fit(x, y, { epochs: 1, validationSplit: 0.25, ...quiet });
      const { input, target } = model.getScalers();
      expect(input).toBeInstanceOf(Class);
      expect(target).toBeInstanceOf(Class);
      // what the same scaler learns from the first 30 rows alone
      const own = new Class().fit({ data: x.data.subarray(0, 90), shape: [30, 3] });
      expect(input!.toJSON()).toEqual(own.toJSON());
      expect(target!.toJSON()).toEqual(new Class().fit({ data: y.data.subarray(0, 30), shape: [30, 1] }).toJSON());
    }
  });

  test('training sees scaled data; predict answers in raw units, bit for bit what scaling by hand gives', async () => {
    const { x, y } = data(64, 2);
    const xs = new StandardScaler().fit(x);
    const ys = new MinMaxScaler().fit(y);
    const scaled = mlp();
    scaled.compile({ optimizer: new SGD({ lr: 0.1 }), loss: 'mse', inputScaler: 'standard', targetScaler: 'minmax' });
    const byHand = mlp();
    byHand.compile({ optimizer: new SGD({ lr: 0.1 }), loss: 'mse' });
    const h1 = await scaled.fit(x, y, { epochs: 5, batchSize: 16, seed: 9, ...quiet });
    const h2 = await byHand.fit(xs.transform(x), ys.transform(y), { epochs: 5, batchSize: 16, seed: 9, ...quiet });
    expect(h1.history).toEqual(h2.history); // the training loss is in scaled units
    const raw = scaled.predict(x);
    const expected = ys.inverseTransform(byHand.predict(xs.transform(x)));
    expect(bits(raw.data)).toEqual(bits(expected.data));
    expect(h2.history.loss[4]).toBeLessThan(h2.history.loss[0]);
  });

  test('evaluate takes raw x and y and measures in raw units', async () => {
    const { x, y } = data(50, 3);
    const model = mlp();
    model.compile({
      optimizer: 'adam',
      loss: 'mse',
      metrics: ['mae'],
      inputScaler: 'standard',
      targetScaler: 'standard',
    });
    await model.fit(x, y, { epochs: 3, ...quiet });
    const p = model.predict(x).data;
    let se = 0;
    let ae = 0;
    for (let i = 0; i < p.length; i++) {
      se += (p[i] - y.data[i]) ** 2;
      ae += Math.abs(p[i] - y.data[i]);
    }
    const logs = model.evaluate(x, y, { batchSize: 7 });
    expect(logs.loss).toBeCloseTo(se / p.length, 3);
    expect(logs.mae).toBeCloseTo(ae / p.length, 4);
    expect(logs.loss).toBeGreaterThan(1e-3); // raw units (the targets vary by about 20), not scaled ones
  });

  test('sequences: the input scaler works per feature over B and T, leaving out the steps past each length', async () => {
    const N = 6;
    const T = 4;
    const r = makeRandom(4);
    const x = randomArray(r, N * T * 2, -1, 1).map((v, i) => (i % 2 ? 100 + 10 * v : v));
    const lengths = Int32Array.from([4, 1, 3, 2, 4, 1]);
    for (let n = 0; n < N; n++) x.fill(1e6, (n * T + lengths[n]) * 2, (n + 1) * T * 2); // padding: must not count
    const y = new Float32Array(N * T).map((_, i) => 5 + i);
    const model = sequential(
      [layers.lstm({ units: 3, returnSequences: true, inputShape: [T, 2] }), layers.dense({ units: 1 })],
      { seed: 1 },
    );
    model.compile({ optimizer: 'adam', loss: 'mse', inputScaler: 'standard', targetScaler: 'minmax' });
    const xs = { data: x, shape: [N, T, 2], lengths };
    await model.fit(xs, { data: y, shape: [N, T, 1] }, { epochs: 1, ...quiet });
    const valid: number[][] = [];
    const validY: number[] = [];
    for (let n = 0; n < N; n++) {
      for (let t = 0; t < lengths[n]; t++) {
        valid.push([x[(n * T + t) * 2], x[(n * T + t) * 2 + 1]]);
        validY.push(y[n * T + t]);
      }
    }
    const input = model.getScalers().input as StandardScaler;
    expect(Array.from(input.mean)).toEqual(Array.from(new StandardScaler().fit(valid).mean));
    const target = model.getScalers().target as MinMaxScaler;
    expect(target.toJSON()).toEqual(new MinMaxScaler().fit(validY.map((v) => [v])).toJSON());
    // predictions past each length stay 0, as the model gives them without a target scaler
    const p = model.predict(xs);
    for (let n = 0; n < N; n++) for (let t = lengths[n]; t < T; t++) expect(p.data[n * T + t]).toBe(0);
    expect(p.data[0]).not.toBe(0);
  });

  test('scalers already fitted are kept as they are; compiling again keeps them, null removes them', async () => {
    const { x, y } = data(30, 5);
    const fitted = new StandardScaler().fit({ data: new Float32Array([1, 2, 3, 4, 5, 7]), shape: [2, 3] });
    const before = fitted.toJSON();
    const model = mlp();
    model.compile({ optimizer: 'adam', loss: 'mse', inputScaler: fitted, targetScaler: 'standard' });
    await model.fit(x, y, { epochs: 1, ...quiet });
    expect(model.getScalers().input).toBe(fitted);
    expect(fitted.toJSON()).toEqual(before);
    const target = model.getScalers().target;
    model.compile({ optimizer: 'sgd', loss: 'mae' });
    expect(model.getScalers()).toEqual({ input: fitted, target });
    await model.fit(x, y, { epochs: 1, ...quiet });
    expect(model.getScalers().target!.toJSON()).toEqual(target!.toJSON()); // not fitted again
    model.compile({ optimizer: 'sgd', loss: 'mae', inputScaler: null });
    expect(model.getScalers()).toEqual({ input: null, target });
  });

  test('fitDataset, trainOnBatch and forwardBackward take raw data once the scalers are fitted', async () => {
    const { x, y } = data(32, 6);
    const a = mlp();
    a.compile({ optimizer: new SGD({ lr: 0.05 }), loss: 'mse', inputScaler: 'standard', targetScaler: 'standard' });
    const xy = data(8, 7);
    expectThrow(
      () => a.trainOnBatch(xy.x, xy.y),
      Error,
      'trainOnBatch: the inputScaler is not fitted yet: fit() fits it on the training data, or give compile a fitted one',
    );
    expectThrow(
      () => a.predict(xy.x),
      Error,
      'predict: the inputScaler is not fitted yet: fit() fits it on the training data, or give compile a fitted one',
    );
    await a.fit(x, y, { epochs: 1, shuffle: false, batchSize: 32, ...quiet });
    const b = mlp();
    b.compile({ optimizer: new SGD({ lr: 0.05 }), loss: 'mse', inputScaler: 'standard', targetScaler: 'standard' });
    await b.fit(x, y, { epochs: 1, shuffle: false, batchSize: 32, ...quiet });
    const la = a.trainOnBatch(x, y);
    const hb = await b.fitDataset([[x, y]], { epochs: 1, ...quiet });
    expect(hb.history.loss[0]).toBe(la.loss);
    a.zeroGrad();
    b.zeroGrad();
    expect(a.forwardBackward(xy.x, xy.y)).toEqual(b.forwardBackward(xy.x, xy.y));
  });

  test('bad scalers are refused at compile, and misfitted ones when data comes', async () => {
    const model = mlp();
    expectThrow(
      () => model.compile({ optimizer: 'adam', loss: 'mse', inputScaler: 'zscore' as never }),
      RangeError,
      "compile: inputScaler must be a scaler (new StandardScaler(), ...), one of 'standard', 'minmax', 'maxabs', 'robust', 'decimal', 'mapminmax', 'mapstd', or the ps of mapminmax() or mapstd(), received 'zscore'",
    );
    expectThrow(
      () => model.compile({ optimizer: 'adam', loss: 'mse', targetScaler: 42 as never }),
      TypeError,
      "compile: targetScaler must be a scaler (new StandardScaler(), ...), one of 'standard', 'minmax', 'maxabs', 'robust', 'decimal', 'mapminmax', 'mapstd', or the ps of mapminmax() or mapstd(), received 42",
    );
    expectThrow(
      () => model.compile({ optimizer: 'adam', loss: 'mse', targetScaler: new Normalizer() }),
      RangeError,
      'compile: targetScaler must be a scaler that can be undone (Normalizer cannot: rows do not keep their norms), received a Normalizer',
    );
    expectThrow(
      () => model.compile({ optimizer: 'adam', loss: 'mse', inputScaler: new StandardScaler({ columns: ['a'] }) }),
      RangeError,
      'compile: inputScaler must be a scaler made without columns (a model scales arrays, not object rows), received one with columns',
    );
    const classifier = sequential([layers.dense({ units: 1, activation: 'sigmoid', inputShape: [3] })]);
    expectThrow(
      () => classifier.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', targetScaler: 'standard' }),
      RangeError,
      "compile: targetScaler must be given only with a regression loss (mse, mae, huber), received one with loss 'binaryCrossentropy'",
    );
    classifier.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', inputScaler: new Normalizer() }); // fine
    const twoFeatures = new StandardScaler().fit([
      [1, 2],
      [3, 5],
    ]);
    model.compile({ optimizer: 'adam', loss: 'mse', inputScaler: twoFeatures });
    const { x, y } = data(4, 1);
    await expect(model.fit(x, y, quiet)).rejects.toThrow(
      new RangeError("fit: inputScaler must be fitted on 3 features (the model's), received a scaler fitted on 2"),
    );
    // a scaler of one's own works, but cannot be saved (loadModel could not restore it)
    const own = {
      nFeatures: 3,
      fit() {
        return this;
      },
      transform: (d: { data: Float32Array; shape: number[] }) => ({
        data: d.data.map((v) => v / 1000),
        shape: d.shape,
      }),
      inverseTransform: (d: { data: Float32Array; shape: number[] }) => d,
      fitTransform: (d: unknown) => d,
      toJSON: () => ({ type: 'Mine', version: 1 as const, options: {}, state: null }),
    };
    expectThrow(
      () => model.compile({ optimizer: 'adam', loss: 'mse', inputScaler: 'toString' as never }),
      RangeError,
      "compile: inputScaler must be a scaler (new StandardScaler(), ...), one of 'standard', 'minmax', 'maxabs', 'robust', 'decimal', 'mapminmax', 'mapstd', or the ps of mapminmax() or mapstd(), received 'toString'",
    );
    model.compile({ optimizer: 'adam', loss: 'mse', inputScaler: own as never });
    await model.fit(x, y, quiet);
    await expect(model.save(path.join(os.tmpdir(), 'steadygrad-never-written'))).rejects.toThrow(
      /^save: the inputScaler cannot be saved: scalerFromJSON cannot restore it \(scalerFromJSON: json.type must be one of/,
    );
    const tiny = new StandardScaler().fit([
      [0, 0, 0],
      [1e-30, 1e-30, 1e-30],
    ]);
    model.compile({ optimizer: 'adam', loss: 'mse', inputScaler: tiny });
    expectThrow(
      () => model.predict([[1, 2, 2 ** 68]]),
      RangeError,
      `predict: x.data[2] must be a value the inputScaler maps to a finite float32 number, received ${2 ** 68}, mapped to Infinity`,
    );
  });
});

describe("MATLAB's workflow: mapminmax inputs and targets, train, reverse the outputs (issue 11)", () => {
  // MATLAB (features as rows, samples as columns):
  //   [pn, ps] = mapminmax(p);  [tn, ts] = mapminmax(t);
  //   net = train(net, pn, tn);
  //   an = net(mapminmax('apply', p2, ps));  a = mapminmax('reverse', an, ts);
  // steadygrad: compile({ ..., inputScaler: 'mapminmax', targetScaler: 'mapminmax' }), fit(x, y), predict(x2).
  async function byHand(kind: 'mapminmax' | 'mapstd', x: Float32Array, y: Float32Array, x2: Float32Array) {
    // the two functions have the same form; mapminmax's type stands for both
    const map = (kind === 'mapminmax' ? mapminmax : mapstd) as unknown as typeof mapminmax;
    const p = transpose(rows(x, 3)); // 3 x Q, MATLAB's layout
    const t = transpose(rows(y, 1));
    const { y: pn, ps } = map(p);
    const { y: tn, ps: ts } = map(t);
    const model = mlp();
    model.compile({ optimizer: new SGD({ lr: 0.1 }), loss: 'mse' });
    const history = await model.fit(transpose(pn), transpose(tn), { epochs: 4, batchSize: 8, ...quiet });
    const an = model.predict(transpose(map.apply(transpose(rows(x2, 3)), ps)));
    const a = map.reverse(transpose(rows(an.data, 1)), ts);
    return { history, a: Float32Array.from(transpose(a).flat()), ps, ts };
  }

  for (const kind of ['mapminmax', 'mapstd'] as const) {
    test(`${kind}: one compile option gives the numbers of the by-hand MATLAB way, bit for bit`, async () => {
      const { x, y } = data(40, 8);
      const x2 = data(10, 9).x.data;
      const expected = await byHand(kind, x.data, y.data, x2);
      const model = mlp();
      model.compile({ optimizer: new SGD({ lr: 0.1 }), loss: 'mse', inputScaler: kind, targetScaler: kind });
      const history = await model.fit(x, y, { epochs: 4, batchSize: 8, ...quiet });
      expect(history.history).toEqual(expected.history.history);
      expect(bits(model.predict({ data: x2, shape: [10, 3] }).data)).toEqual(bits(expected.a));
      // the scalers' ps are MATLAB's ps, one "row" per feature
      const { input, target } = model.getScalers() as { input: MapMinMaxScaler; target: MapMinMaxScaler };
      expect(input.ps).toEqual(expected.ps);
      expect(target.ps).toEqual(expected.ts);

      // a ps from MATLAB (or mapminmax()) given to compile as is: the same model, the scalers not refitted
      const fromPs = mlp();
      fromPs.compile({
        optimizer: new SGD({ lr: 0.1 }),
        loss: 'mse',
        inputScaler: expected.ps,
        targetScaler: expected.ts,
      });
      await fromPs.fit(x, y, { epochs: 4, batchSize: 8, ...quiet });
      expect(bits(fromPs.predict({ data: x2, shape: [10, 3] }).data)).toEqual(bits(expected.a));
    });
  }

  test("MATLAB's documented example: the model's input scaler maps x1 as mapminmax(x1) does", async () => {
    // help mapminmax: x1 = [1 2 4; 1 1 1; 3 2 2; 0 0 0] (4 features x 3 samples); as a model's data, its transpose
    const x1 = [
      [1, 2, 4],
      [1, 1, 1],
      [3, 2, 2],
      [0, 0, 0],
    ];
    const y1 = [
      [-1, -1 / 3, 1],
      [1, 1, 1],
      [1, -1, -1],
      [0, 0, 0],
    ];
    const model = sequential([layers.dense({ units: 1, inputShape: [4] })], { seed: 1 });
    model.compile({ optimizer: 'sgd', loss: 'mse', inputScaler: 'mapminmax' });
    await model.fit(transpose(x1), [[1], [2], [3]], { epochs: 1, ...quiet });
    const input = model.getScalers().input as MapMinMaxScaler;
    const mapped = input.transform(transpose(x1));
    transpose(y1).forEach((row, i) => row.forEach((v, j) => expect(mapped[i][j]).toBeCloseTo(v, 15)));
    expect(input.ps.xoffset).toEqual([1, -1, 2, -1]);
    expect(input.ps.gain).toEqual([2 / 3, 1, 2, 1]);
  });
});

// A model with scalers keeps them through save and load: covered in test/save-load.test.ts; here, their types.
test('loadModel restores each scaler as its own class', async () => {
  const { default: fs } = await import('node:fs');
  const { default: os } = await import('node:os');
  const { default: path } = await import('node:path');
  const { loadModel } = await import('../src/index.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steadygrad-scalers-'));
  try {
    const { x, y } = data(20, 10);
    const model: Sequential = mlp();
    model.compile({
      optimizer: 'adam',
      loss: 'mse',
      inputScaler: new MapStdScaler({ yStd: 2 }),
      targetScaler: 'mapminmax',
    });
    await model.fit(x, y, { epochs: 1, ...quiet });
    await model.save(dir);
    const loaded = await loadModel(dir);
    const { input, target } = loaded.getScalers();
    expect(input).toBeInstanceOf(MapStdScaler);
    expect((input as MapStdScaler).yStd).toBe(2);
    expect(target).toBeInstanceOf(MapMinMaxScaler);
    expect(bits(loaded.predict(x).data)).toEqual(bits(model.predict(x).data));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
