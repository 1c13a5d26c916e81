// gradientMonitor: its numbers against the gradients and updates computed here, as a fit callback and in a custom
// loop; dL/dh_t from recurrent layers; non-finite gradients; its table, JSON, report; and bad options.
import { describe, expect, test } from 'vitest';
import { GradientMonitor, gradientMonitor, judge } from '../src/diagnostics/index.js';
import { layers } from '../src/layers/registry.js';
import type { RecurrentLayer } from '../src/layers/recurrent.js';
import { sequential } from '../src/model/sequential.js';
import { SGD } from '../src/optim/index.js';
import { makeRandom, randomArray } from './helpers/random.js';

const norm = (a: Float32Array) => Math.hypot(...a);

function mlp(seed = 1) {
  const model = sequential(
    [layers.dense({ units: 6, activation: 'tanh', inputShape: [3] }), layers.dense({ units: 1 })],
    { seed },
  );
  return model;
}

function data(n: number, features: number, seed: number) {
  const random = makeRandom(seed);
  return {
    x: { data: randomArray(random, n * features), shape: [n, features] },
    y: { data: randomArray(random, n), shape: [n, 1] },
  };
}

describe('custom loop: observe() and observeUpdate()', () => {
  test('gradient norms, max-abs, global norm and update ratios match what SGD did', () => {
    const model = mlp();
    const { x, y } = data(16, 3, 2);
    const params = model.parameters();
    const lr = 0.05;
    const optimizer = new SGD(params, { lr });
    const monitor = gradientMonitor().attach(model);
    for (let step = 0; step < 3; step++) {
      model.zeroGrad();
      const { loss } = model.forwardBackward(x, y, { loss: 'mse' });
      const grads = params.map((p) => p.grad.slice());
      const before = params.map((p) => p.value.slice());
      const record = monitor.observe({ loss });
      expect(record).not.toBeNull();
      optimizer.step();
      monitor.observeUpdate();
      const r = monitor.steps[step];
      expect(r.step).toBe(step);
      expect(r.loss).toBe(loss);
      grads.forEach((g, i) => {
        expect(r.gradNorm[i]).toBeCloseTo(norm(g), 6);
        expect(r.gradMaxAbs[i]).toBe(Math.max(...Array.from(g, Math.abs)));
        expect(r.weightNorm[i]).toBeCloseTo(norm(before[i]), 6);
        // plain SGD: the update is lr * grad
        const expected = (lr * norm(g)) / norm(before[i]);
        if (norm(before[i]) === 0) expect(r.updateRatio[i]).toBeNull();
        else expect(Math.abs((r.updateRatio[i] as number) / expected - 1)).toBeLessThan(1e-5);
      });
      expect(r.globalNorm).toBeCloseTo(Math.hypot(...grads.flatMap((g) => Array.from(g))), 6);
    }
    expect(monitor.parameterInfo.map((p) => [p.name, p.layer])).toEqual([
      ['dense.weight', 'dense'],
      ['dense.bias', 'dense'],
      ['dense_1.weight', 'dense_1'],
      ['dense_1.bias', 'dense_1'],
    ]);
    expect(monitor.layerInfo.map((l) => [l.name, l.activation, l.depth, l.parameters])).toEqual([
      ['dense', 'tanh', 1, [0, 1]],
      ['dense_1', 'linear', 2, [2, 3]],
    ]);
  });

  test('works on bare parameters, without a model', () => {
    const p = { name: 'w', value: new Float32Array([3, 4]), grad: new Float32Array([0.3, -0.4]) };
    const monitor = gradientMonitor();
    monitor.observe({ parameters: [p], loss: 2 });
    p.value.set([2.7, 4.4]);
    monitor.observeUpdate();
    expect(monitor.steps[0].gradNorm[0]).toBeCloseTo(0.5, 7);
    expect(monitor.steps[0].updateRatio[0]).toBeCloseTo(0.1, 6);
    expect(monitor.parameterInfo).toEqual([{ name: 'w', shape: [2], layer: null }]);
  });

  test('every: records one step in n, numbered by the steps observed', () => {
    const p = { value: new Float32Array(2).fill(1), grad: new Float32Array(2).fill(1) };
    const monitor = gradientMonitor({ every: 3 });
    const recorded = Array.from({ length: 7 }, () => monitor.observe({ parameters: [p] }) !== null);
    expect(recorded).toEqual([true, false, false, true, false, false, true]);
    expect(monitor.steps.map((s) => s.step)).toEqual([0, 3, 6]);
  });
});

describe('as a fit callback', () => {
  test('records every step with its epoch and batch, and takes the update ratios after each step', async () => {
    const model = mlp();
    model.compile({ optimizer: new SGD({ lr: 0.1 }), loss: 'mse' });
    const { x, y } = data(20, 3, 3);
    const monitor = gradientMonitor();
    const history = await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, seed: 1, callbacks: [monitor] });
    expect(monitor.steps.map((s) => [s.step, s.epoch, s.batch])).toEqual([
      [0, 0, 0],
      [1, 0, 1],
      [2, 0, 2],
      [3, 1, 0],
      [4, 1, 1],
      [5, 1, 2],
    ]);
    // the epoch's mean loss is the mean of its batches' losses weighted by batch size (8, 8, 4)
    const epochMean = (e: number) => {
      const s = monitor.steps.filter((r) => r.epoch === e);
      return (8 * s[0].loss + 8 * s[1].loss + 4 * s[2].loss) / 20;
    };
    expect(epochMean(0)).toBeCloseTo(history.history.loss[0], 5);
    expect(epochMean(1)).toBeCloseTo(history.history.loss[1], 5);
    for (const s of monitor.steps) {
      expect(s.updateRatio[0]).toBeGreaterThan(0);
      expect(s.globalNorm).toBeGreaterThan(0);
    }
    expect(monitor.verdicts().map((v) => v.kind)).toEqual(['healthy']);
  });

  test('recurrent layers: dL/dh_t at every step, turned on for fit and off after it', async () => {
    const T = 7;
    const lstm = layers.lstm({ units: 5, inputShape: [T, 2] }) as RecurrentLayer;
    const model = sequential([lstm, layers.dense({ units: 1 })], { seed: 4 });
    model.compile({ optimizer: new SGD({ lr: 0.1 }), loss: 'mse' });
    const random = makeRandom(9);
    const x = { data: randomArray(random, 12 * T * 2), shape: [12, T, 2] };
    const y = { data: randomArray(random, 12), shape: [12, 1] };
    const monitor = gradientMonitor();
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, callbacks: [monitor] });
    expect(monitor.stateGradientSteps.map((r) => [r.step, r.layer, r.direction, r.norms.length])).toEqual([
      [0, 'lstm', 'forward', T],
      [1, 'lstm', 'forward', T],
      [2, 'lstm', 'forward', T],
    ]);
    for (const r of monitor.stateGradientSteps) for (const n of r.norms) expect(n).toBeGreaterThan(0);
    expect(lstm.trackStateGradients).toBe(false);

    // The last step's norm is ||dL/dh_T||, the gradient the dense layer sends back: W^T dL/dy over the batch.
    model.zeroGrad();
    lstm.trackStateGradients = true;
    const batch = { data: x.data.subarray(0, 4 * T * 2), shape: [4, T, 2] };
    const target = { data: y.data.subarray(0, 4), shape: [4, 1] };
    model.forwardBackward(batch, target);
    const w = model.layers[1].parameters()[0].value; // (1, 5)
    const prediction = model.predict(batch).data;
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      const dy = (2 * (prediction[i] - target.data[i])) / 4; // MSE over 4 examples x 1 unit
      for (let j = 0; j < 5; j++) sum += (dy * w[j]) ** 2;
    }
    const norms = lstm.stateGradientNorms() as Float32Array[];
    expect(norms[0][T - 1]).toBeCloseTo(Math.sqrt(sum), 5);
    lstm.trackStateGradients = false;
  });

  test('stateGradients: false leaves recurrent layers alone', async () => {
    const lstm = layers.gru({ units: 3, inputShape: [4, 1] }) as RecurrentLayer;
    const model = sequential([lstm, layers.dense({ units: 1 })], { seed: 1 });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const monitor = gradientMonitor({ stateGradients: false });
    const x = { data: new Float32Array(8).fill(0.5), shape: [2, 4, 1] };
    await model.fit(x, [[1], [0]], { verbose: 0, callbacks: [monitor] });
    expect(monitor.stateGradientSteps).toEqual([]);
    expect(lstm.stateGradientNorms()).toBeNull();
  });

  test('a non-finite gradient: fit stops, and the monitor says where it appeared', async () => {
    // pred = 3e38 * 1e-38 = 3 is finite, so is the loss; dL/dw = 2 * 3 * 3e38 overflows float32
    const model = sequential([layers.dense({ units: 1, inputShape: [1] })], { seed: 1 });
    model.parameters()[0].value[0] = 1e-38;
    model.compile({ optimizer: new SGD({ lr: 0.1 }), loss: 'mse' });
    const monitor = gradientMonitor();
    await expect(model.fit([[3e38]], [[0]], { verbose: 0, callbacks: [monitor] })).rejects.toThrow(
      /fit: the gradient of dense\.weight .* holds Infinity/,
    );
    const [v] = monitor.verdicts();
    expect(v).toMatchObject({ kind: 'nonFinite', severity: 'error', step: 0, parameter: 'dense.weight' });
    expect(v.message).toBe('non-finite at step 0 in dense.weight: gradient norm Infinity');
  });
});

describe('outputs', () => {
  async function trained() {
    const model = sequential(
      [
        layers.dense({ units: 8, activation: 'sigmoid', inputShape: [3] }),
        ...Array.from({ length: 5 }, () => layers.dense({ units: 8, activation: 'sigmoid' })),
        layers.dense({ units: 1 }),
      ],
      { seed: 2 },
    );
    model.compile({ optimizer: new SGD({ lr: 0.01 }), loss: 'mse' });
    const { x, y } = data(32, 3, 5);
    const monitor = gradientMonitor({ thresholds: { vanishingRatio: 1e-2 } });
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [monitor] });
    return monitor;
  }

  test('summary: a row per parameter, the global norm, then the verdicts', async () => {
    const monitor = await trained();
    const lines: string[] = [];
    const text = monitor.summary({ print: (t) => lines.push(t) });
    expect(lines).toEqual([text]);
    const rows = text.split('\n');
    expect(rows[0]).toMatch(/^parameter\s+shape\s+grad norm first\s+grad norm last\s+max \|grad\| last/);
    expect(rows.filter((r) => /^dense(_\d)?\.(weight|bias)\s/.test(r))).toHaveLength(14);
    expect(rows.some((r) => r.startsWith('(global)'))).toBe(true);
    expect(rows.at(-1)).toMatch(/^(vanishing|stalled): /);
    expect(text).toContain('vanishing: dense (sigmoid) gradient norm');
  });

  test('toJSON: plain data whose verdicts judge() reproduces', async () => {
    const monitor = await trained();
    const json = JSON.parse(JSON.stringify(monitor)) as ReturnType<GradientMonitor['toJSON']>;
    expect(json.steps).toHaveLength(8);
    expect(json.layers).toHaveLength(7);
    expect(json.thresholds.vanishingRatio).toBe(1e-2);
    expect(judge(json, json.thresholds)).toEqual(json.verdicts);
    expect(json.verdicts).toEqual(monitor.verdicts());
  });

  test('report: one HTML page with the verdicts and an inline SVG per chart, no script, no URL', async () => {
    const monitor = await trained();
    const html = await monitor.report({ title: 'My model' });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>My model</title>');
    expect(html).toContain('vanishing: dense (sigmoid) gradient norm');
    expect(html.match(/<figure class="chart"/g)).toHaveLength(3); // norms over steps, against depth, loss
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(3);
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
  });
});

describe('bad input', () => {
  test('options and arguments are checked, with their names', () => {
    expect(() => gradientMonitor({ evry: 2 } as never)).toThrow(
      "gradientMonitor: each option must be one of every, updateRatios, stateGradients, thresholds, received 'evry' (did you mean 'every'?)",
    );
    expect(() => gradientMonitor({ every: 0 })).toThrow(RangeError);
    expect(() => gradientMonitor({ updateRatios: 'yes' as never })).toThrow(
      new TypeError("gradientMonitor: updateRatios must be a boolean, received 'yes'"),
    );
    const monitor = new GradientMonitor();
    expect(() => monitor.observe()).toThrow(
      new TypeError(
        'GradientMonitor.observe: parameters must be an array of parameters (or attach(model) first), received undefined',
      ),
    );
    expect(() => monitor.observe({ parameters: [{ value: new Float32Array(2), grad: new Float32Array(3) }] })).toThrow(
      /GradientMonitor\.observe: parameters\[0\] must be a parameter \{ value, grad \} of two Float32Arrays of one length/,
    );
    monitor.observe({ parameters: [{ value: new Float32Array(2), grad: new Float32Array(2) }] });
    expect(() => monitor.observe({ parameters: [] })).toThrow(
      new RangeError(
        'GradientMonitor.observe: parameters must be the 1 parameters first observed, received 0 parameters',
      ),
    );
    expect(() => monitor.attach({} as never)).toThrow(TypeError);
    const recorded = gradientMonitor().attach(mlp(1));
    recorded.observe();
    const other = sequential([layers.dense({ units: 2, inputShape: [3] })], { seed: 1 });
    expect(() => recorded.attach(other)).toThrow(
      new RangeError(
        'GradientMonitor.attach: model must be the model whose steps this monitor recorded (call reset() to watch another), received a model with other parameters',
      ),
    );
    recorded.reset().attach(other);
    expect(recorded.parameterInfo.map((p) => p.name)).toEqual(['dense.weight', 'dense.bias']);
  });
});
