// gradCheck: passes correct models (dense, recurrent, every loss kind it is given), catches a wrong gradient and
// names the parameter, leaves the model as it was, and refuses what it cannot check.
import { describe, expect, test } from 'vitest';
import { gradCheck } from '../src/diagnostics/index.js';
import { layers } from '../src/layers/registry.js';
import { sequential } from '../src/model/sequential.js';
import { makeRandom, randomArray } from './helpers/random.js';

const tensor = (seed: number, shape: number[], lo = -1, hi = 1) => ({
  data: randomArray(
    makeRandom(seed),
    shape.reduce((a, b) => a * b, 1),
    lo,
    hi,
  ),
  shape,
});

describe('gradCheck', () => {
  test('an MLP with sigmoid and tanh, MSE: every parameter within 1e-2', () => {
    const model = sequential(
      [
        layers.dense({ units: 5, activation: 'sigmoid', inputShape: [4] }),
        layers.dense({ units: 4, activation: 'tanh' }),
        layers.dense({ units: 2 }),
      ],
      { seed: 3 },
    );
    const result = gradCheck(model, tensor(1, [6, 4]), tensor(2, [6, 2]), { loss: 'mse', maxElements: 1000 });
    expect(result.ok).toBe(true);
    expect(result.parameters.map((p) => [p.name, p.checked])).toEqual([
      ['dense.weight', 20],
      ['dense.bias', 5],
      ['dense_1.weight', 20],
      ['dense_1.bias', 4],
      ['dense_2.weight', 8],
      ['dense_2.bias', 2],
    ]);
    expect(result.maxRelativeError).toBeLessThan(1e-2);
  });

  test('LSTM and GRU models, crossentropy on a softmax', () => {
    for (const recurrent of [layers.lstm, layers.gru]) {
      const model = sequential(
        [recurrent({ units: 4, inputShape: [5, 3] }), layers.dense({ units: 3, activation: 'softmax' })],
        { seed: 7 },
      );
      model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      const y = { data: new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]), shape: [4, 3] };
      const result = gradCheck(model, tensor(3, [4, 5, 3]), y);
      expect(result.ok, JSON.stringify(result.parameters)).toBe(true);
      expect(result.maxRelativeError).toBeLessThan(1e-2);
    }
  });

  test.each([
    [
      'dense -> layerNorm -> dense (tanh)',
      () =>
        sequential(
          [
            layers.dense({ units: 6, inputShape: [4] }),
            layers.layerNorm(),
            layers.dense({ units: 2, activation: 'tanh' }),
          ],
          { seed: 1 },
        ),
      [5, 4],
    ],
    [
      'gelu and softplus',
      () =>
        sequential(
          [
            layers.dense({ units: 6, activation: 'gelu', inputShape: [4] }),
            layers.dense({ units: 2, activation: 'softplus' }),
          ],
          { seed: 1 },
        ),
      [5, 4],
    ],
    [
      'simpleRNN (relu)',
      () =>
        sequential(
          [layers.simpleRNN({ units: 5, activation: 'relu', inputShape: [6, 3] }), layers.dense({ units: 2 })],
          { seed: 1 },
        ),
      [5, 6, 3],
    ],
    [
      'bidirectional GRU -> LSTM',
      () =>
        sequential(
          [
            layers.gru({ units: 4, bidirectional: true, returnSequences: true, inputShape: [6, 3] }),
            layers.lstm({ units: 3 }),
            layers.dense({ units: 2 }),
          ],
          { seed: 1 },
        ),
      [5, 6, 3],
    ],
  ] as const)('%s: MSE, Huber and MAE within 1e-2', (_, make, shape) => {
    // measured: at most 5.6e-3 (simpleRNN relu with MAE, whose kinks a finite difference may straddle)
    const model = make();
    for (const loss of ['mse', 'huber', 'mae'] as const) {
      const result = gradCheck(model, tensor(11, [...shape]), tensor(12, [5, 2]), { loss });
      expect(result.ok, `${loss}: ${JSON.stringify(result.parameters)}`).toBe(true);
    }
  });

  test('a wrong gradient is caught, in the parameter that has it', () => {
    const model = sequential(
      [layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }), layers.dense({ units: 1 })],
      { seed: 1 },
    );
    const hidden = model.layers[0];
    const backward = hidden.backward.bind(hidden);
    hidden.backward = (...args) => {
      const dx = backward(...args);
      const weight = hidden.parameters()[0].grad;
      for (let i = 0; i < weight.length; i++) weight[i] *= 1.5; // a 50% error in dW only
      return dx;
    };
    const result = gradCheck(model, tensor(4, [8, 3]), tensor(5, [8, 1]), { loss: 'mse' });
    expect(result.ok).toBe(false);
    const bad = result.parameters.filter((p) => !p.ok).map((p) => p.name);
    expect(bad).toEqual(['dense.weight']);
    const worst = result.parameters[0].worst;
    expect(worst.analytic / worst.numeric).toBeCloseTo(1.5, 2);
  });

  test('leaves weights and gradients as they were, and builds an unbuilt model', () => {
    const model = sequential([layers.dense({ units: 3, activation: 'relu' }), layers.dense({ units: 1 })], {
      seed: 2,
    });
    const x = tensor(6, [5, 2]);
    const y = tensor(7, [5, 1]);
    const first = gradCheck(model, x, y, { loss: 'mse' });
    const values = model.parameters().map((p) => p.value.slice());
    model.parameters().forEach((p) => p.grad.fill(0.25));
    const again = gradCheck(model, x, y, { loss: 'mse' });
    expect(again).toEqual(first);
    model.parameters().forEach((p, i) => {
      expect(p.value).toEqual(values[i]);
      expect(Array.from(new Set(p.grad))).toEqual([0.25]);
    });
  });

  test('refuses dropout and bad options', () => {
    const model = sequential(
      [layers.dense({ units: 3, inputShape: [2] }), layers.dropout({ rate: 0.5 }), layers.dense({ units: 1 })],
      { seed: 1 },
    );
    const x = tensor(1, [4, 2]);
    const y = tensor(2, [4, 1]);
    expect(() => gradCheck(model, x, y, { loss: 'mse' })).toThrow(
      new RangeError(
        "gradCheck: model must be a model without active dropout (finite differences need a deterministic loss), received layer 'dropout' with rate 0.5",
      ),
    );
    const plain = sequential([layers.dense({ units: 1, inputShape: [2] })], { seed: 1 });
    expect(() => gradCheck(plain, x, y, { epsilon: 1 })).toThrow(
      new RangeError('gradCheck: epsilon must be a number in (0, 0.1], received 1'),
    );
    expect(() => gradCheck(plain, x, y, { epsilonn: 1 } as never)).toThrow(/did you mean 'epsilon'/);
    expect(() => gradCheck(plain, x, y)).toThrow(/give a loss/);
    expect(() => gradCheck({} as never, x, y)).toThrow(TypeError);
  });
});
