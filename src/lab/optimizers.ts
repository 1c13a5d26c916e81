// Experiment 5: SGD, SGD with momentum, Adam and AdamW on one task where the gradient vanishes: an 8-layer sigmoid
// MLP. SGD moves every weight by lr times its gradient, so layers whose gradient is 1e-6 of the output layer's barely
// move; Adam divides each gradient by its own running RMS, so every layer moves at about the same rate. PyTorch's
// default learning rates for Adam and AdamW, and the common 0.01 for SGD.
import { GradientMonitor } from '../diagnostics/monitor.js';
import { formatNumber, median } from '../diagnostics/verdicts.js';
import { layers } from '../layers/registry.js';
import { sequential } from '../model/sequential.js';
import { Adam, AdamW, SGD } from '../optim/index.js';
import { smoothRegression, variance } from './data.js';
import { type Experiment, finalLoss, train } from './experiment.js';

const DEPTH = 8;
const WIDTH = 32;
const FEATURES = 8;
const OPTIMIZERS = [
  ['SGD', 'lr 0.01', () => new SGD({ lr: 0.01 })],
  ['SGD + momentum', 'lr 0.01, momentum 0.9', () => new SGD({ lr: 0.01, momentum: 0.9 })],
  ['Adam', 'lr 1e-3', () => new Adam({ lr: 1e-3 })],
  ['AdamW', 'lr 1e-3, weight decay 0.01', () => new AdamW({ lr: 1e-3, weightDecay: 1e-2 })],
] as const;

interface Run {
  name: string;
  settings: string;
  loss: number;
  /** The first epoch whose mean loss was under half the baseline, or null. */
  reached: number | null;
  /** Medians over the run of the first layer's weight gradient norm and update-to-weight ratio. */
  firstGrad: number;
  firstUpdate: number;
  divergedAt: number | null;
}

export const optimizers: Experiment = {
  name: 'optimizers',
  title: 'Optimizers: SGD, momentum, Adam and AdamW on a deep sigmoid MLP',
  question: 'Does Adam cope where plain SGD does not?',
  async run(ctx) {
    const small = ctx.size === 'small';
    const n = small ? 256 : 512;
    const epochs = 40;
    const { x, y } = smoothRegression(n, FEATURES, ctx.seed);
    const baseline = variance(y.data);
    const runs: Run[] = [];
    const curves: Record<string, number | string>[] = [];
    for (const [name, settings, make] of OPTIMIZERS) {
      ctx.progress(name);
      const hidden = Array.from({ length: DEPTH - 1 }, (_, i) =>
        layers.dense({ units: WIDTH, activation: 'sigmoid', ...(i === 0 ? { inputShape: [FEATURES] } : {}) }),
      );
      const model = sequential([...hidden, layers.dense({ units: 1 })], { seed: ctx.seed });
      model.compile({ optimizer: make(), loss: 'mse' });
      const monitor = new GradientMonitor();
      const result = await train(model, x, y, { epochs, batchSize: 32, seed: ctx.seed, monitor });
      const loss = finalLoss(result);
      const reached = result.epochLosses.findIndex((l) => l < 0.5 * baseline);
      // The first layer's weight (parameter 0): its gradient norm and how far each step moved it, over the run.
      const firstGrad = median(monitor.steps.map((s) => s.gradNorm[0]));
      const firstUpdate = median(monitor.steps.map((s) => s.updateRatio[0]));
      runs.push({
        name,
        settings,
        loss,
        reached: reached < 0 ? null : reached + 1,
        firstGrad,
        firstUpdate,
        divergedAt: result.divergedAt,
      });
      result.epochLosses.forEach((l, e) => curves.push({ epoch: e + 1, loss: l, optimizer: name }));
    }

    const fmt = formatNumber;
    const table = {
      columns: [
        'optimizer',
        'settings',
        'final loss',
        'loss/baseline',
        'epochs to half the baseline',
        'layer 1 |grad|',
        'layer 1 update/weight',
      ],
      rows: runs.map((r) => [
        r.name,
        r.settings,
        r.divergedAt === null ? fmt(r.loss) : `diverged at step ${r.divergedAt}`,
        fmt(r.loss / baseline),
        r.reached === null ? 'never' : String(r.reached),
        fmt(r.firstGrad),
        fmt(r.firstUpdate),
      ]),
      caption: `${epochs} epochs of ${n} examples, batch 32; baseline (predicting the mean) MSE ${fmt(baseline)}. Layer 1 columns: medians over every step of the first layer's weight gradient norm and of ||update|| / ||weight||.`,
    };
    const [sgd, , adam] = runs;
    const copes = (r: Run) => r.loss < 0.5 * baseline;
    const shown = copes(adam) && !copes(sgd) && adam.loss < 0.5 * sgd.loss;
    const list = runs.map((r) => `${r.name} ${fmt(r.loss / baseline)}`).join(', ');
    const text = shown
      ? `Shown: after ${epochs} epochs the loss over the baseline's is ${list}: SGD stays near the baseline while Adam moves the first layer ${fmt(adam.firstUpdate / sgd.firstUpdate)} times farther per step than SGD (update/weight ${fmt(adam.firstUpdate)} against ${fmt(sgd.firstUpdate)}).`
      : `Not shown: after ${epochs} epochs the loss over the baseline's is ${list}${copes(adam) ? '' : ' (Adam did not get under half the baseline)'}${copes(sgd) ? ' (plain SGD did too)' : ''}.`;
    return {
      setup: `${n} examples with ${FEATURES} features uniform in [-1, 1], y = sin(2 x0) + x1 x2 + 0.5 cos(3 x3); ${DEPTH - 1} sigmoid layers of ${WIDTH} units and a linear output, MSE, batch 32, ${epochs} epochs, the same initial weights for every optimizer.`,
      tables: [table],
      charts: [
        {
          title: 'Training loss per epoch',
          x: { field: 'epoch', title: 'epoch', integer: true },
          y: { field: 'loss', title: 'MSE', log: true },
          series: { field: 'optimizer', title: 'optimizer' },
          values: curves,
          caption: `The baseline (predicting the mean) is ${fmt(baseline)}.`,
        },
      ],
      verdicts: [],
      conclusion: { shown, text },
      numbers: { baseline, runs },
    };
  },
};
