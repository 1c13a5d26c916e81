// Experiment 4: gradient clipping. A ReLU RNN whose recurrent weights start at twice an orthogonal matrix (spectral
// radius 2) and a high learning rate: its states and gradients grow as 2^T through the sequence, the first SGD step
// throws the weights far off, and the loss turns non-finite. clipGradNorm(1.0) caps every step's gradient norm (PyTorch's
// clip_grad_norm_) and the same run converges. A custom training loop (forwardBackward, clipGradNorm, step) with the
// gradient monitor's plain API, as one writes it in PyTorch.
import { GradientMonitor } from '../diagnostics/monitor.js';
import { formatNumber, median } from '../diagnostics/verdicts.js';
import { layers } from '../layers/registry.js';
import { type Sequential, sequential } from '../model/sequential.js';
import { SGD, clipGradNorm } from '../optim/index.js';
import { addingProblem } from './data.js';
import type { Experiment, ExperimentContext } from './experiment.js';

const T = 10;
const UNITS = 32;
const GAIN = 2;
const LR = 0.1;
const BATCH = 32;
const MAX_NORM = 1.0;

interface Run {
  run: string;
  divergedAt: number | null;
  losses: number[];
  /** The global gradient norm of every step before clipping. */
  norms: number[];
  testMse: number;
  monitor: GradientMonitor;
}

export const clipping: Experiment = {
  name: 'clipping',
  title: 'Gradient clipping: an RNN set up to explode',
  question: 'Does clipping the gradient norm turn an exploding run into a converging one?',
  run: (ctx) => Promise.resolve(runClipping(ctx)),
};

function runClipping(ctx: ExperimentContext): Awaited<ReturnType<Experiment['run']>> {
  {
    const small = ctx.size === 'small';
    const steps = small ? 500 : 800;
    const data = addingProblem(2048, T, ctx.seed);
    const test = addingProblem(512, T, ctx.seed + 1);
    let baseline = 0;
    for (const v of test.y.data) baseline += (v - 1) ** 2;
    baseline /= test.y.data.length;

    const runs: Run[] = [];
    for (const clip of [null, MAX_NORM]) {
      const name = clip === null ? 'no clipping' : `clipGradNorm(${clip.toFixed(1)})`;
      ctx.progress(name);
      const model: Sequential = sequential(
        [
          layers.simpleRNN({
            units: UNITS,
            activation: 'relu',
            recurrentInitializer: { name: 'orthogonal', gain: GAIN },
            inputShape: [T, 2],
          }),
          layers.dense({ units: 1 }),
        ],
        { seed: ctx.seed },
      );
      const params = model.parameters();
      const optimizer = new SGD(params, { lr: LR });
      const monitor = new GradientMonitor().attach(model);
      const run: Run = { run: name, divergedAt: null, losses: [], norms: [], testMse: NaN, monitor };
      for (let step = 0; step < steps; step++) {
        const start = (step * BATCH) % 2048;
        const x = { data: data.x.data.subarray(start * T * 2, (start + BATCH) * T * 2), shape: [BATCH, T, 2] };
        const y = { data: data.y.data.subarray(start, start + BATCH), shape: [BATCH, 1] };
        model.zeroGrad();
        const { loss } = model.forwardBackward(x, y, { loss: 'mse' });
        const record = monitor.observe({ loss, step });
        run.losses.push(loss);
        run.norms.push(record?.globalNorm ?? NaN);
        if (!Number.isFinite(loss) || !Number.isFinite(record?.globalNorm ?? NaN)) {
          run.divergedAt = step;
          break;
        }
        if (clip !== null) clipGradNorm(params, clip);
        optimizer.step();
        monitor.observeUpdate();
      }
      monitor.detach();
      if (run.divergedAt === null) {
        model.compile({ optimizer: 'sgd', loss: 'mse' });
        run.testMse = model.evaluate(test.x, test.y, { batchSize: 256 }).loss;
      }
      runs.push(run);
    }

    const fmt = formatNumber;
    const table = {
      columns: [
        'run',
        'turned non-finite',
        'norm at step 0',
        'max norm',
        'median norm',
        'last loss',
        'test MSE',
        'MSE/baseline',
      ],
      rows: runs.map((r) => [
        r.run,
        r.divergedAt === null ? 'no' : `at step ${r.divergedAt}`,
        fmt(r.norms[0]),
        fmt(Math.max(...r.norms.filter(Number.isFinite))),
        fmt(median(r.norms)),
        fmt(r.losses[r.losses.length - 1]),
        r.divergedAt === null ? fmt(r.testMse) : '-',
        r.divergedAt === null ? fmt(r.testMse / baseline) : '-',
      ]),
      caption: `Norms are the global gradient norms before clipping. ReLU RNN of ${UNITS} units, W_hh = ${GAIN} x orthogonal, adding problem T=${T}, SGD lr ${LR}, batch ${BATCH}, ${steps} steps; test MSE on 512 new sequences, baseline (predict 1.0) ${fmt(baseline)}.`,
    };

    const [plain, clipped] = runs;
    // Converged: finite all along, and the test MSE well under the baseline's (it learned the task).
    const converged = clipped.divergedAt === null && clipped.testMse < 0.75 * baseline;
    const shown = plain.divergedAt !== null && converged;
    const plainText =
      plain.divergedAt === null
        ? `without clipping the loss stayed finite (test MSE ${fmt(plain.testMse)})`
        : `without clipping the loss was ${fmt(plain.losses[0])} at step 0 and the run turned non-finite at step ${plain.divergedAt} (loss ${fmt(plain.losses[plain.losses.length - 1])})`;
    const clippedText =
      clipped.divergedAt === null
        ? `with clipGradNorm(${MAX_NORM.toFixed(1)}) the pre-clip norms reached ${fmt(Math.max(...clipped.norms))} (median ${fmt(median(clipped.norms))}) and the run ${converged ? 'converged' : 'stayed finite'}, from loss ${fmt(clipped.losses[0])} to a test MSE of ${fmt(clipped.testMse)}, ${fmt(clipped.testMse / baseline)} of the baseline's`
        : `with clipGradNorm(${MAX_NORM.toFixed(1)}) it turned non-finite too, at step ${clipped.divergedAt}`;
    const text = `${shown ? 'Shown' : 'Not shown'}: ${plainText}; ${clippedText}.`;
    const norms = runs.flatMap((r) => r.norms.map((norm, step) => ({ step, norm, run: r.run })));
    const losses = runs.flatMap((r) => r.losses.map((loss, step) => ({ step, loss, run: r.run })));
    return {
      setup: `Adding problem with T=${T} (baseline MSE ${fmt(baseline)}); simpleRNN(${UNITS}, relu) with W_hh = ${GAIN} x an orthogonal matrix, dense output; SGD lr ${LR}, batch ${BATCH}, ${steps} steps, in a custom loop: forwardBackward, clipGradNorm(params, ${MAX_NORM}) or not, optimizer.step().`,
      tables: [table],
      charts: [
        {
          title: 'Global gradient norm per step, before clipping',
          x: { field: 'step', title: 'optimizer step' },
          y: { field: 'norm', title: 'global gradient L2 norm', log: true },
          series: { field: 'run', title: 'run' },
          values: norms,
        },
        {
          title: 'Training loss per step',
          x: { field: 'step', title: 'optimizer step' },
          y: { field: 'loss', title: 'MSE', log: true },
          series: { field: 'run', title: 'run' },
          values: losses,
        },
      ],
      verdicts: runs.map((r) => ({ run: r.run, verdicts: r.monitor.verdicts() })),
      conclusion: { shown, text },
      numbers: {
        baseline,
        runs: runs.map((r) => ({ ...r, monitor: undefined })),
      },
    };
  }
}
