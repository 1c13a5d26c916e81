// Experiment 3: Hochreiter and Schmidhuber's adding problem. The target depends on two inputs far apart in a long
// sequence, and the loss sits at its end: the gradient has to travel back through every step. A tanh RNN multiplies
// it by W_hh and tanh' at each step; the gates of LSTM (its additive cell state) and GRU (h' = z h + ...) give it a
// path that need not shrink. We measure ||dL/dh_t|| against t at initialization (what the backward kernels report
// with dhNorms), and the test MSE after a fixed budget against the trivial baseline, predicting 1.0.
import { formatNumber } from '../diagnostics/verdicts.js';
import { layers } from '../layers/registry.js';
import { RecurrentLayer } from '../layers/recurrent.js';
import type { Input } from '../model/data.js';
import { type Sequential, sequential } from '../model/sequential.js';
import { Adam } from '../optim/index.js';
import { addingProblem } from './data.js';
import { type Experiment, train } from './experiment.js';

const CELLS = [
  ['rnn (tanh)', 'simpleRNN'],
  ['lstm', 'lstm'],
  ['gru', 'gru'],
] as const;
type CellName = (typeof CELLS)[number][0];
const UNITS = 32;
const LR = 1e-2;

function makeModel(cell: (typeof CELLS)[number][1], T: number, seed: number): Sequential {
  const make = layers[cell] as (o: { units: number; inputShape: number[] }) => RecurrentLayer;
  const model = sequential([make({ units: UNITS, inputShape: [T, 2] }), layers.dense({ units: 1 })], { seed });
  model.compile({ optimizer: new Adam({ lr: LR }), loss: 'mse' });
  return model;
}

// ||dL/dh_t|| for every t over a batch, at the model's current weights (the recurrent layer asked for its dhNorms).
function stateGradients(model: Sequential, x: Input, y: Input): number[] {
  const layer = model.layers[0] as RecurrentLayer;
  layer.trackStateGradients = true;
  model.zeroGrad();
  model.forwardBackward(x, y);
  layer.trackStateGradients = false;
  model.zeroGrad();
  return Array.from((layer.stateGradientNorms() as Float32Array[])[0]);
}

// The first n examples of a batch-major dataset.
function head(t: { data: Float32Array; shape: number[] }, n: number) {
  const per = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return { data: t.data.subarray(0, n * per), shape: [n, ...t.shape.slice(1)] };
}

// The MSE of predicting 1.0 for every target.
function baselineMse(y: Float32Array): number {
  let sum = 0;
  for (const v of y) sum += (v - 1) ** 2;
  return sum / y.length;
}

export const recurrent: Experiment = {
  name: 'recurrent',
  title: 'Recurrent cells on the adding problem: tanh RNN, LSTM and GRU',
  question: 'Why do LSTM and GRU gates keep gradients alive over long sequences where a plain RNN loses them?',
  async run(ctx) {
    const small = ctx.size === 'small';
    const lengths = small ? [30] : [50, 100];
    const nTrain = 2048;
    const epochs = small ? 10 : 20;

    interface Run {
      cell: CellName;
      T: number;
      baseline: number;
      /** ||dL/dh_0|| / ||dL/dh_{T-1}|| over 256 training sequences, at initialization and after training. */
      initRatio: number;
      trainedRatio: number;
      mse: number;
      divergedAt: number | null;
    }
    const runs: Run[] = [];
    const curves = new Map<number, Record<string, number | string>[]>(lengths.map((L) => [L, []]));
    const lossCurves: Record<string, number | string>[] = [];
    for (const T of lengths) {
      const data = addingProblem(nTrain, T, ctx.seed);
      const test = addingProblem(512, T, ctx.seed + 1);
      const baseline = baselineMse(test.y.data);
      const probe = { x: head(data.x, 256), y: head(data.y, 256) };
      for (const [name, cell] of CELLS) {
        ctx.progress(`${name}, T=${T}, ${epochs} epochs`);
        const model = makeModel(cell, T, ctx.seed);
        const initial = stateGradients(model, probe.x, probe.y);
        const curve = curves.get(T) as Record<string, number | string>[];
        initial.forEach((norm, t) => curve.push({ t, norm, run: `${name}, initialization` }));
        const result = await train(model, data.x, data.y, { epochs, batchSize: 64, seed: ctx.seed });
        const mse = result.divergedAt === null ? model.evaluate(test.x, test.y, { batchSize: 256 }).loss : NaN;
        const trained = result.divergedAt === null ? stateGradients(model, probe.x, probe.y) : [];
        trained.forEach((norm, t) => curve.push({ t, norm, run: `${name}, trained` }));
        result.epochLosses.forEach((loss, e) => lossCurves.push({ epoch: e + 1, loss, run: `${name}, T=${T}` }));
        runs.push({
          cell: name,
          T,
          baseline,
          initRatio: initial[0] / initial[T - 1],
          trainedRatio: trained.length ? trained[0] / trained[T - 1] : NaN,
          mse,
          divergedAt: result.divergedAt,
        });
      }
    }

    const fmt = formatNumber;
    const beats = (r: Run) => r.mse < 0.5 * r.baseline;
    const table = {
      columns: ['cell', 'T', 'dh_0/dh_T-1 init', 'dh_0/dh_T-1 trained', 'test MSE', 'MSE/baseline', 'beats baseline'],
      rows: runs.map((r) => [
        r.cell,
        String(r.T),
        fmt(r.initRatio),
        fmt(r.trainedRatio),
        r.divergedAt === null ? fmt(r.mse) : `diverged at step ${r.divergedAt}`,
        fmt(r.mse / r.baseline),
        beats(r) ? 'yes' : 'no',
      ]),
      caption: `dh_0/dh_T-1: ||dL/dh_0|| over ||dL/dh_T-1|| on 256 training sequences (the loss is on the last step only). Test MSE on 512 new sequences after ${epochs} epochs of ${nTrain} (Adam lr ${LR}, batch 64, ${UNITS} units); baseline (predict 1.0) MSE ${runs
        .map((r) => r.baseline)
        .filter((b, i, all) => all.indexOf(b) === i)
        .map(fmt)
        .join(' and ')}. Beats the baseline: under half its MSE.`,
    };

    const T = lengths[0];
    const first = runs.filter((r) => r.T === T);
    const [rnn, lstm, gru] = first;
    const gated = [lstm, gru].every(beats);
    const carried = Math.min(lstm.trainedRatio, gru.trainedRatio) > rnn.trainedRatio;
    const shown = gated && !beats(rnn) && carried;
    const list = (rs: Run[], f: (r: Run) => number) => rs.map((r) => `${fmt(f(r))} (${r.cell})`).join(', ');
    const init = list(first, (r) => r.initRatio);
    const trained = list(first, (r) => r.trainedRatio);
    const mses = list(first, (r) => r.mse / r.baseline);
    const initRemark =
      rnn.initRatio > Math.max(lstm.initRatio, gru.initRatio)
        ? ' (the gates start half-closed, so at initialization the gated cells lose more of it than the orthogonal RNN)'
        : '';
    const longer = lengths
      .slice(1)
      .map((L) => {
        const rs = runs.filter((r) => r.T === L);
        const winners = rs.filter(beats).map((r) => r.cell);
        return `; at T=${L} ${winners.length ? `${winners.join(' and ')} beat the baseline` : 'no cell beat the baseline'} in the same budget (${list(rs, (r) => r.mse / r.baseline)})`;
      })
      .join('');
    const text = shown
      ? `Shown: at T=${T} dL/dh_0 over dL/dh_${T - 1} is ${init} at initialization${initRemark}, and ${trained} after training: the gates learned to carry the gradient; LSTM and GRU beat the baseline and the RNN does not (test MSE over the baseline's: ${mses})${longer}.`
      : `Not shown: at T=${T} dL/dh_0 over dL/dh_${T - 1} is ${init} at initialization and ${trained} after training; test MSE over the baseline's: ${mses}${gated ? '' : ' (not both gated cells beat the baseline)'}${beats(rnn) ? ' (the RNN beat it too)' : ''}${carried ? '' : ' (the trained gated cells do not carry more of the gradient than the RNN)'}${longer}.`;
    return {
      setup: `Adding problem: sequences of ${lengths.join(' and ')} steps with a value uniform in [0, 1] and a marker on two steps (one in each half); the target is the sum of the two marked values. One recurrent layer of ${UNITS} units (Keras' initializers: orthogonal W_hh, LSTM forget bias 1) and a dense output, MSE, Adam lr ${LR}, batch 64, ${epochs} epochs of ${nTrain} sequences.`,
      tables: [table],
      charts: [
        ...lengths.map((L) => ({
          title: `||dL/dh_t|| against t for T=${L}, at initialization and after training`,
          x: { field: 't', title: 'time step t' },
          y: { field: 'norm', title: '||dL/dh_t||', log: true },
          series: { field: 'run', title: 'cell' },
          values: curves.get(L) as Record<string, number | string>[],
          caption: 'The loss is on the last step only: the gradient enters at t = T-1 and flows back to t = 0.',
        })),
        {
          title: 'Training loss per epoch',
          x: { field: 'epoch', title: 'epoch', integer: true },
          y: { field: 'loss', title: 'MSE', log: true },
          series: { field: 'run', title: 'cell, length' },
          values: lossCurves,
          caption: `The baseline (predicting 1.0) is about 1/6 = 0.167.`,
        },
      ],
      verdicts: [],
      conclusion: { shown, text },
      numbers: { lengths, runs },
    };
  },
};
