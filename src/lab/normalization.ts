// Experiment 1, the classic worked example: one hidden layer of 10 neurons and one output, on data where one feature
// is in the thousands and the other around 1e-3. Raw inputs against six ways of scaling them, with sigmoid and with
// ReLU hidden units, all trained by plain SGD with one learning rate (an adaptive optimizer would hide the scale).
import { formatNumber } from '../diagnostics/verdicts.js';
import { layers } from '../layers/registry.js';
import { sequential } from '../model/sequential.js';
import { DecimalScaler, MinMaxScaler, Normalizer, RobustScaler, StandardScaler } from '../normalize/index.js';
import { SGD } from '../optim/index.js';
import { badlyScaled, variance } from './data.js';
import { type Experiment, finalLoss, train } from './experiment.js';

const METHODS = [
  ['raw', null],
  ['min-max', () => new MinMaxScaler()],
  ['z-score', () => new StandardScaler()],
  ['robust', () => new RobustScaler()],
  ['decimal', () => new DecimalScaler()],
  ['l2 (rows)', () => new Normalizer({ norm: 'l2' })],
] as const;
const ACTIVATIONS = ['sigmoid', 'relu'] as const;
const LR = 0.05;

interface Run {
  inputs: string;
  hidden: (typeof ACTIVATIONS)[number];
  hiddenNorm: number;
  outputNorm: number;
  /** The share of each feature in the first layer's gradient norm: ||dW[:, j]|| / sum over j (NaN if it is all 0). */
  share: [number, number];
  divergedAt: number | null;
  /** The largest epoch loss, and the last. */
  peak: number;
  loss: number;
  outcome: 'trained' | 'stalled' | 'diverged';
}

export const normalization: Experiment = {
  name: 'normalization',
  title: 'Input normalization: one feature in the thousands, one around 1e-3',
  question:
    'What do raw, badly scaled inputs do to the first gradients and to training, and what does each normalization change?',
  async run(ctx) {
    const small = ctx.size === 'small';
    const n = 512;
    const epochs = small ? 40 : 60;
    const { x, y } = badlyScaled(n, ctx.seed);
    const baseline = variance(y.data);
    const runs: Run[] = [];
    const curves: Record<string, number | string>[] = [];
    for (const [inputs, makeScaler] of METHODS) {
      const scaled = makeScaler ? makeScaler().fitTransform(x) : x;
      for (const hidden of ACTIVATIONS) {
        ctx.progress(`${inputs}, ${hidden}`);
        const model = sequential(
          [layers.dense({ units: 10, activation: hidden, inputShape: [2] }), layers.dense({ units: 1 })],
          { seed: ctx.seed },
        );
        model.compile({ optimizer: new SGD({ lr: LR }), loss: 'mse' });
        // The gradient at initialization, over the whole training set: each layer's norm and, in the first layer's
        // weight (10 x 2), the part that belongs to each input feature.
        model.zeroGrad();
        model.forwardBackward(scaled, y);
        const [w1, b1, w2, b2] = model.parameters().map((p) => p.grad);
        const column = (j: number) => Math.hypot(...Array.from({ length: 10 }, (_, k) => w1[k * 2 + j]));
        const [c1, c2] = [column(0), column(1)];
        const [hiddenNorm, outputNorm] = [Math.hypot(...w1, ...b1), Math.hypot(...w2, ...b2)];
        model.zeroGrad();
        const result = await train(model, scaled, y, { epochs, batchSize: 32, seed: ctx.seed });
        const loss = finalLoss(result);
        const outcome = result.divergedAt !== null ? 'diverged' : loss < 0.5 * baseline ? 'trained' : 'stalled';
        runs.push({
          inputs,
          hidden,
          hiddenNorm,
          outputNorm,
          share: c1 + c2 > 0 ? [c1 / (c1 + c2), c2 / (c1 + c2)] : [NaN, NaN], // no gradient at all: no share
          divergedAt: result.divergedAt,
          peak: Math.max(...result.epochLosses),
          loss,
          outcome,
        });
        result.epochLosses.forEach((l, epoch) =>
          curves.push({ epoch: epoch + 1, loss: l, run: `${inputs}, ${hidden}` }),
        );
      }
    }

    const fmt = formatNumber;
    const table = {
      columns: [
        'inputs',
        'hidden',
        '|grad| hidden',
        '|grad| output',
        'x2 share',
        'diverged at',
        'peak loss',
        'final loss',
        'loss/baseline',
        'outcome',
      ],
      rows: runs.map((r) => [
        r.inputs,
        r.hidden,
        fmt(r.hiddenNorm),
        fmt(r.outputNorm),
        Number.isNaN(r.share[1]) ? 'no gradient' : fmt(r.share[1]),
        r.divergedAt === null ? '-' : `step ${r.divergedAt}`,
        fmt(r.peak),
        fmt(r.loss),
        Number.isFinite(r.loss) ? fmt(r.loss / baseline) : '-',
        r.outcome,
      ]),
      caption: `Gradient norms at initialization over the ${n} training examples; x2 share: the small feature's part of the first layer's gradient norm (its column's norm over the sum of both). Plain SGD, lr ${LR}, batch 32, ${epochs} epochs; peak loss: the largest epoch mean; baseline (predicting the mean) MSE ${fmt(baseline)}; trained means a final loss under half of it.`,
    };

    const raw = runs.filter((r) => r.inputs === 'raw');
    const byName = (inputs: string) => runs.filter((r) => r.inputs === inputs);
    const rawFails = raw.every((r) => r.outcome !== 'trained');
    const normalizedTrain = ['min-max', 'z-score'].every((m) => byName(m).every((r) => r.outcome === 'trained'));
    const rawShare = Math.max(...raw.map((r) => r.share[1]).filter((v) => !Number.isNaN(v)));
    const outcome = (r: Run) =>
      r.outcome === 'diverged'
        ? `${r.hidden} diverged at step ${r.divergedAt}`
        : `${r.hidden} ${r.outcome} at ${fmt(r.loss / baseline)} of the baseline loss${r.peak > 100 * baseline ? ` after its loss reached ${fmt(r.peak)}` : ''}`;
    const gradients = raw.map((r) => `${fmt(r.hiddenNorm)} with ${r.hidden}`).join(', ');
    const others = METHODS.map(([m]) => m).filter((m) => m !== 'raw');
    const trainedWith = others.filter((m) => byName(m).every((r) => r.outcome === 'trained'));
    const failures = others
      .filter((m) => !trainedWith.includes(m))
      .map(
        (m) =>
          `${m} (${byName(m)
            .filter((r) => r.outcome !== 'trained')
            .map(outcome)
            .join(', ')})`,
      );
    const shown = rawFails && normalizedTrain;
    const text = shown
      ? `Shown: with raw inputs the small feature gets ${fmt(rawShare)} of the first layer's gradient (whose norm is ${gradients}) and training fails: ${raw.map(outcome).join(', ')}; ${trainedWith.join(', ')} scaling trained both networks${failures.length ? `; not ${failures.join(', ')}` : ''}.`
      : `Not shown: with raw inputs ${raw.map(outcome).join(', ')}; min-max and z-score scaling ${normalizedTrain ? 'trained' : 'did not train'} both networks with this budget.`;
    return {
      setup: `${n} examples, x1 uniform in [1000, 5000], x2 uniform in [0, 0.002], y = 1.6 (u1 - 0.5) + 0.8 sin(2 pi u2); dense(10, sigmoid or relu) -> dense(1), MSE, SGD lr ${LR}, batch 32, ${epochs} epochs; scalers fitted on the training data.`,
      tables: [table],
      charts: [
        {
          title: 'Share of the small feature x2 in the first layer gradient at initialization',
          kind: 'dots',
          x: { field: 'inputs', title: 'inputs', nominal: true },
          y: { field: 'share', title: 'x2 share of the gradient norm', log: true },
          series: { field: 'hidden', title: 'hidden units' },
          values: runs.map((r) => ({ inputs: r.inputs, hidden: r.hidden, share: r.share[1] })),
        },
        {
          title: 'Training loss per epoch',
          x: { field: 'epoch', title: 'epoch', integer: true },
          y: { field: 'loss', title: 'MSE', log: true },
          series: { field: 'run', title: 'inputs, hidden' },
          values: curves,
          caption: 'Runs that diverged stop where the loss turned non-finite.',
        },
      ],
      verdicts: [],
      conclusion: { shown, text },
      numbers: { baseline, runs },
    };
  },
};
