// Experiment 2: a 10-layer MLP with sigmoid, tanh and ReLU hidden units. Backpropagation multiplies by the
// activation's slope at every layer: sigmoid's is at most 1/4, so its gradient shrinks geometrically with depth;
// tanh's is at most 1 and ReLU's is 1 where a unit is active, so theirs need not.
import { type Verdict, formatNumber } from '../diagnostics/verdicts.js';
import { layers } from '../layers/registry.js';
import type { Layer } from '../layers/layer.js';
import { sequential } from '../model/sequential.js';
import { SGD } from '../optim/index.js';
import { smoothRegression, variance } from './data.js';
import { type Experiment, finalLoss, train } from './experiment.js';

const ACTIVATIONS = ['sigmoid', 'tanh', 'relu'] as const;
const DEPTH = 10;
const WIDTH = 32;
const FEATURES = 8;

interface Run {
  activation: (typeof ACTIVATIONS)[number];
  /** Each layer's gradient norm, at initialization and after training. */
  initial: number[];
  trained: number[];
  /** Layer 1's norm over layer 10's. */
  ratioInitial: number;
  ratioTrained: number;
  loss: number;
  divergedAt: number | null;
  verdicts: Verdict[];
}

// Each layer's gradient norm (weight and bias together) over the whole training set, at the current weights.
function layerNorms(
  model: ReturnType<typeof sequential>,
  x: Parameters<typeof model.forwardBackward>[0],
  y: Parameters<typeof model.forwardBackward>[1],
): number[] {
  model.zeroGrad();
  model.forwardBackward(x, y);
  const norms = model.layers.map((l: Layer) => Math.hypot(...l.parameters().flatMap((p) => Array.from(p.grad))));
  model.zeroGrad();
  return norms;
}

export const activations: Experiment = {
  name: 'activations',
  title: 'Activations: gradients through a 10-layer MLP with sigmoid, tanh and ReLU',
  question: 'Why do gradients vanish through a deep sigmoid stack and not through tanh or ReLU?',
  async run(ctx) {
    const small = ctx.size === 'small';
    const n = small ? 256 : 512;
    const epochs = small ? 8 : 30;
    const lr = 0.05;
    const { x, y } = smoothRegression(n, FEATURES, ctx.seed);
    const baseline = variance(y.data);
    const runs: Run[] = [];
    const depthValues: Record<string, number | string>[] = [];
    const curves: Record<string, number | string>[] = [];
    for (const activation of ACTIVATIONS) {
      ctx.progress(activation);
      const hidden = Array.from({ length: DEPTH - 1 }, (_, i) =>
        layers.dense({ units: WIDTH, activation, ...(i === 0 ? { inputShape: [FEATURES] } : {}) }),
      );
      const model = sequential([...hidden, layers.dense({ units: 1 })], { seed: ctx.seed });
      model.compile({ optimizer: new SGD({ lr, momentum: 0.9 }), loss: 'mse' });
      const initial = layerNorms(model, x, y);
      const result = await train(model, x, y, { epochs, batchSize: 32, seed: ctx.seed });
      const trained = result.divergedAt === null ? layerNorms(model, x, y) : initial.map(() => NaN);
      const loss = finalLoss(result);
      runs.push({
        activation,
        initial,
        trained,
        ratioInitial: initial[0] / initial[DEPTH - 1],
        ratioTrained: trained[0] / trained[DEPTH - 1],
        loss,
        divergedAt: result.divergedAt,
        verdicts: result.monitor.verdicts(),
      });
      initial.forEach((norm, i) => depthValues.push({ depth: i + 1, norm, run: `${activation}, initialization` }));
      trained.forEach((norm, i) => depthValues.push({ depth: i + 1, norm, run: `${activation}, after training` }));
      result.epochLosses.forEach((l, e) => curves.push({ epoch: e + 1, loss: l, activation }));
    }

    const fmt = formatNumber;
    const summary = {
      columns: [
        'activation',
        '|grad| layer 1',
        '|grad| layer 10',
        'first/last at init',
        'first/last trained',
        'final loss',
        'loss/baseline',
      ],
      rows: runs.map((r) => [
        r.activation,
        fmt(r.initial[0]),
        fmt(r.initial[DEPTH - 1]),
        fmt(r.ratioInitial),
        fmt(r.ratioTrained),
        r.divergedAt === null ? fmt(r.loss) : `diverged at step ${r.divergedAt}`,
        fmt(r.loss / baseline),
      ]),
      caption: `Gradient norms over the ${n} training examples, at initialization and after ${epochs} epochs of SGD (lr ${lr}, momentum 0.9, batch 32); baseline MSE ${fmt(baseline)}.`,
    };
    const perLayer = {
      columns: ['layer', ...runs.map((r) => `${r.activation} init`), ...runs.map((r) => `${r.activation} trained`)],
      rows: Array.from({ length: DEPTH }, (_, i) => [
        String(i + 1),
        ...runs.map((r) => fmt(r.initial[i])),
        ...runs.map((r) => fmt(r.trained[i])),
      ]),
      caption: "Each layer's gradient norm (weight and bias), layer 1 next to the input, layer 10 the output.",
    };

    const [sigmoid, tanh, relu] = runs;
    const vanishes = sigmoid.ratioInitial < 1e-3 * relu.ratioInitial && sigmoid.ratioInitial < 1e-3 * tanh.ratioInitial;
    const worseLoss = sigmoid.loss > relu.loss && sigmoid.loss > tanh.loss;
    const shown = vanishes && worseLoss;
    const ratios = `the first layer's gradient is ${fmt(sigmoid.ratioInitial)} of the last layer's with sigmoid, ${fmt(tanh.ratioInitial)} with tanh and ${fmt(relu.ratioInitial)} with ReLU`;
    const losses = `final loss ${fmt(sigmoid.loss / baseline)} of the baseline with sigmoid, ${fmt(tanh.loss / baseline)} with tanh, ${fmt(relu.loss / baseline)} with ReLU`;
    const text = shown
      ? `Shown: at initialization ${ratios}; after ${epochs} epochs, ${losses}.`
      : `Not shown: at initialization ${ratios}; after ${epochs} epochs, ${losses}${vanishes ? '' : " (sigmoid's ratio is not 1000 times smaller than both others)"}${worseLoss ? '' : ' (sigmoid did not end with the worst loss)'}.`;
    return {
      setup: `${n} examples with ${FEATURES} features uniform in [-1, 1], y = sin(2 x0) + x1 x2 + 0.5 cos(3 x3); ${DEPTH - 1} dense layers of ${WIDTH} units and a linear output (Keras' glorotUniform weights), MSE, SGD lr ${lr} momentum 0.9, batch 32, ${epochs} epochs.`,
      tables: [summary, perLayer],
      charts: [
        {
          title: 'Gradient norm against depth (layer 1 is next to the input)',
          x: { field: 'depth', title: 'layer', integer: true },
          y: { field: 'norm', title: 'layer gradient L2 norm', log: true },
          series: { field: 'run', title: 'activation' },
          points: true,
          values: depthValues,
        },
        {
          title: 'Training loss per epoch',
          x: { field: 'epoch', title: 'epoch', integer: true },
          y: { field: 'loss', title: 'MSE', log: true },
          series: { field: 'activation', title: 'activation' },
          values: curves,
        },
      ],
      verdicts: runs.map((r) => ({ run: r.activation, verdicts: r.verdicts })),
      conclusion: { shown, text },
      numbers: { baseline, runs: runs.map((r) => ({ ...r, verdicts: undefined })) },
    };
  },
};
