// A training step of a recurrent layer: forward + backward through the whole sequence, weight gradients included,
// for RNN (tanh), LSTM and GRU (PyTorch's variant) at the two configurations of ../shared/anchors/rnn_torch.py.
import { backendInfo, setThreads } from '../dist/index.js';
import { backend } from '../dist/backend/index.js';
import { createJsBackend } from '../dist/backend/js/index.js';
import * as recurrent from '../dist/kernels/recurrent.js';
import { median } from './anchors.js';

export const CONFIGS = [
  { name: 'A', T: 50, B: 32, I: 32, H: 128 },
  { name: 'B', T: 100, B: 64, I: 64, H: 256 },
];
export const CELLS = ['rnn', 'lstm', 'gru'];
const GATES = { rnn: 1, lstm: 4, gru: 3 };

/** Multiply-adds x 2 of a training step: the forward GEMMs, and twice that backward (dx, dW_ih, dh, dW_hh). */
export function stepFlops(cell, { T, B, I, H }) {
  return 3 * 2 * T * B * GATES[cell] * H * (I + H);
}

function filled(n, seed, scale) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (((i * 2654435761 + seed) % 2001) / 1000 - 1) * scale;
  return a;
}

// One training step of `cell` on configuration c, through `run(cell, forwardInputs, backwardInputs)`.
function makeStep(cell, c, run) {
  const G = GATES[cell];
  const s = 1 / Math.sqrt(c.H);
  const w = {
    wIh: filled(G * c.H * c.I, 1, s),
    wHh: filled(G * c.H * c.H, 2, s),
    bIh: filled(G * c.H, 3, s),
    bHh: filled(G * c.H, 4, s),
  };
  const x = filled(c.T * c.B * c.I, 5, 1);
  const dy = filled(c.T * c.B * c.H, 6, 1);
  const grads = {
    wIh: new Float32Array(w.wIh.length),
    wHh: new Float32Array(w.wHh.length),
    bIh: new Float32Array(w.bIh.length),
    bHh: new Float32Array(w.bHh.length),
  };
  return () => run(cell, { T: c.T, B: c.B, I: c.I, H: c.H, x, ...w }, { x, wIh: w.wIh, wHh: w.wHh, dy, grads });
}

// Forward then backward through the public API's checks and allocations, on `backend`.
const stepOn = (backend) => (cell, forward, backward) => {
  const f = recurrent[`${cell}ForwardWith`](backend, forward);
  recurrent[`${cell}BackwardWith`](backend, { ...backward, saved: f.saved });
};

/** Median milliseconds of `runs` calls after one warm-up call. */
export function timeMs(fn, runs) {
  fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

/**
 * ms per training step for each cell and configuration: native on 1 thread and on all threads (interleaved over
 * `rounds`, median), and js. Returns rows { cell, config, native1, nativeAll, js, flops }.
 */
export function benchRecurrent({ quick = false, log = () => {} } = {}) {
  const info = backendInfo();
  const native = info.backend === 'native';
  const rounds = quick ? 1 : 3;
  const js = stepOn(createJsBackend(info.version, info.cores, null));
  const active = stepOn(backend);
  const rows = [];
  for (const c of CONFIGS) {
    for (const cell of CELLS) {
      const step = makeStep(cell, c, active);
      const runs = c.name === 'A' ? 7 : 5;
      const t1 = [];
      const tAll = [];
      for (let r = 0; r < rounds && native; r++) {
        setThreads(1);
        t1.push(timeMs(step, runs));
        setThreads(info.cores);
        tAll.push(timeMs(step, runs));
      }
      const jsStep = makeStep(cell, c, js);
      const tJs = timeMs(jsStep, quick || c.name === 'B' ? 1 : 3);
      const row = {
        cell,
        config: c,
        native1: native ? median(t1) : null,
        nativeAll: native ? median(tAll) : null,
        js: tJs,
        flops: stepFlops(cell, c),
      };
      log(
        `  ${cell} ${c.name}: native 1T ${fmtMs(row.native1)}, ${info.cores}T ${fmtMs(row.nativeAll)}, js ${fmtMs(row.js)} ms`,
      );
      rows.push(row);
    }
  }
  return rows;
}

/**
 * TensorFlow.js (pure-JS cpu backend, with @tensorflow/tfjs-layers) on the LSTM training step of configuration A,
 * with the same work: sigmoid recurrent activation, returnSequences, gradients of the summed output with respect to
 * every weight. Returns ms, or null.
 */
export async function tfjsLstmStepMs(tf, from, { quick = false } = {}) {
  let tfl;
  try {
    const { createRequire } = await import('node:module');
    const path = await import('node:path');
    const { pathToFileURL } = await import('node:url');
    const require = createRequire(path.join(path.resolve(from), 'noop.js'));
    tfl = await import(pathToFileURL(require.resolve('@tensorflow/tfjs-layers')).href);
  } catch {
    return null;
  }
  const { T, B, I, H } = CONFIGS[0];
  const layer = tfl.layers.lstm({
    units: H,
    returnSequences: true,
    recurrentActivation: 'sigmoid',
    recurrentInitializer: 'glorotUniform',
  });
  const x = tf.randomNormal([B, T, I]);
  layer.apply(x);
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x)));
      value.dataSync();
      for (const g of Object.values(grads)) g.dataSync();
    });
  return timeMs(step, quick ? 1 : 3);
}

export function fmtMs(x) {
  return x === null || x === undefined ? '-' : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0);
}
