// Bad input to layers, models, compile and the data entry points: each a TypeError or RangeError in the
// "<function>: <argument> must be <expectation>, received <value>" form, with a suggestion for a misspelt name.
import { describe, expect, test } from 'vitest';
import { Adam, layers, sequential } from '../src/index.js';

const expectThrow = (fn: () => unknown, type: typeof TypeError | typeof RangeError, message: string | RegExp) => {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(type);
  if (typeof message === 'string') expect((error as Error).message).toBe(message);
  else expect((error as Error).message).toMatch(message);
};

describe('layers', () => {
  test('unknown options, activations and initializers get a suggestion', () => {
    expectThrow(
      () => layers.dense({ units: 3, activaton: 'relu' } as never),
      RangeError,
      /^layers\.dense: each option must be one of name, inputShape, units, .*, received 'activaton' \(did you mean 'activation'\?\)$/,
    );
    expectThrow(
      () => layers.dense({ units: 3, activation: 'rlu' as never }),
      RangeError,
      "layers.dense: activation must be one of linear, sigmoid, tanh, relu, leakyRelu, elu, gelu, softplus, softmax, received 'rlu' (did you mean 'relu'?)",
    );
    expectThrow(
      () => layers.lstm({ units: 3, kernelInitializer: 'glorotUnifrom' as never }),
      RangeError,
      /^layers\.lstm: kernelInitializer must be one of .*, received 'glorotUnifrom' \(did you mean 'glorotUniform'\?\)$/,
    );
    expectThrow(
      () => layers.dense({ units: 0 }),
      RangeError,
      'layers.dense: units must be an integer in [1, 16777216], received 0',
    );
    expectThrow(
      () => layers.dense({} as never),
      TypeError,
      'layers.dense: units must be a positive integer, received undefined',
    );
    expectThrow(
      () => layers.dropout({ rate: 1 }),
      RangeError,
      'layers.dropout: rate must be a number in [0, 1), received 1',
    );
    expectThrow(
      () => layers.gru({ units: 2, mergeMode: 'sum' }),
      RangeError,
      "layers.gru: mergeMode must be given only with bidirectional: true, received 'sum'",
    );
    expectThrow(
      () => layers.lstm({ units: 2, inputShape: [0, 3] }),
      RangeError,
      'layers.lstm: inputShape must be an array [features] or [timeSteps, features] of positive integers (timeSteps may be null), received [0, 3]',
    );
  });

  test('shapes are checked when the model is built', () => {
    expectThrow(
      () => sequential([layers.lstm({ units: 2, inputShape: [5] })]),
      RangeError,
      'layers.lstm: input must be a sequence [timeSteps, features] (give inputShape: [T, F]), received shape [5]',
    );
    expectThrow(
      () => sequential([layers.dense({ units: 2, inputShape: [3] }), layers.gru({ units: 2 })]),
      RangeError,
      'layers.gru: input must be a sequence [timeSteps, features] (give inputShape: [T, F]), received shape [2]',
    );
    expectThrow(
      () => sequential([layers.dense({ units: 2, inputShape: [3] }), layers.dense({ units: 2, name: 'dense' })]),
      RangeError,
      "sequential: layers[1].name must be a name no other layer of the model has, received 'dense'",
    );
    expectThrow(() => sequential([{} as never]), TypeError, /^sequential: layers\[0\] must be a layer/);
  });
});

describe('compile and data', () => {
  const model = () => {
    const m = sequential([layers.lstm({ units: 3, inputShape: [4, 2] }), layers.dense({ units: 2 })], { seed: 1 });
    return m;
  };

  test('unknown loss or metric, and optimizers bound elsewhere', () => {
    const m = model();
    expectThrow(
      () => m.compile({ optimizer: new Adam(), loss: 'binaryCrossEntropy' as never }),
      RangeError,
      /^compile: loss must be one of mse, .*, received 'binaryCrossEntropy' \(did you mean 'binaryCrossentropy'\?\)$/,
    );
    expectThrow(
      () => m.compile({ optimizer: new Adam(), loss: 'mse', metrics: ['acuracy'] }),
      RangeError,
      /^compile: metrics\[0\] must be one of .*, received 'acuracy' \(did you mean 'accuracy'\?\)$/,
    );
    const other = model();
    const opt = new Adam(other.parameters());
    expectThrow(
      () => m.compile({ optimizer: opt, loss: 'mse' }),
      RangeError,
      "compile: optimizer must be one constructed without parameters, or with exactly this model's parameters(), received an optimizer bound to other parameters",
    );
    expectThrow(
      () => m.compile({ optimizer: 'adamm', loss: 'mse' }),
      RangeError,
      /^compile: optimizer must be an optimizer or one of 'sgd', 'adam'/,
    );
  });

  test('wrong shapes, mismatched lengths, NaN and bad class indices where the data enters', async () => {
    const m = model();
    m.compile({ optimizer: new Adam(), loss: 'mse' });
    const x = { data: new Float32Array(3 * 4 * 2), shape: [3, 4, 2] };
    const y = { data: new Float32Array(3 * 2), shape: [3, 2] };
    expectThrow(
      () => m.predict({ data: new Float32Array(3 * 4 * 3), shape: [3, 4, 3] }),
      RangeError,
      'predict: x must be of shape [N, 4, 2], received shape [3, 4, 3]',
    );
    expectThrow(
      () => m.evaluate(x, { data: new Float32Array(4), shape: [2, 2] }),
      RangeError,
      'evaluate: y must be 3 examples, as x has, received 2 (shape [2, 2])',
    );
    expectThrow(
      () => m.evaluate(x, { data: new Float32Array(3), shape: [3, 1] }),
      RangeError,
      "evaluate: y must be of shape [3, 2] (the model's output), received shape [3, 1]",
    );
    const nan = new Float32Array(x.data);
    nan[5] = NaN;
    await expect(m.fit({ data: nan, shape: [3, 4, 2] }, y, { verbose: 0 })).rejects.toThrow(
      new RangeError('fit: x.data[5] must be a finite number, received NaN'),
    );
    expectThrow(
      () => m.trainOnBatch({ ...x, lengths: [4, 5, 1] }, y),
      RangeError,
      'trainOnBatch: x.lengths[1] must be an integer in [0, 4], received 5',
    );
    expectThrow(
      () => m.predict({ data: x.data, shape: [3, 4, 3] }),
      RangeError,
      /^predict: x\.shape must be an array of positive integers whose product is the data's length 24/,
    );
    expectThrow(
      () => m.forwardBackward([[[1, 2]]], y),
      RangeError,
      'forwardBackward: x must be of shape [N, 4, 2], received shape [1, 1, 2]',
    );
    expectThrow(
      () => m.predict([[[1, 2], [3]]] as never),
      RangeError,
      /^predict: x\[0\]\[1\] must be an array of 2, as the first at this depth/,
    );
    await expect(m.fit(x, y, { epochs: 1, batchsize: 2 } as never)).rejects.toThrow(
      /fit: each option must be one of .*received 'batchsize' \(did you mean 'batchSize'\?\)/,
    );
    const c = sequential([layers.dense({ units: 3, inputShape: [2], activation: 'softmax' })], { seed: 1 });
    c.compile({ optimizer: new Adam(), loss: 'sparseCategoricalCrossentropy' });
    expectThrow(
      () =>
        c.trainOnBatch({ data: new Float32Array(4), shape: [2, 2] }, { data: Float32Array.from([1, 3]), shape: [2] }),
      RangeError,
      'trainOnBatch: y.data[1] must be a class index in [0, 2], received 3',
    );
    await expect(model().fit(x, y)).rejects.toThrow(
      'fit: compile the model first (model.compile({ optimizer, loss }))',
    );
  });
});
