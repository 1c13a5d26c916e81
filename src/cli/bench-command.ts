// `steadygrad bench`: the native backend against the pure-TypeScript one on this machine, quickly: GEMM, an LSTM and
// a GRU training step (forward and backward through a whole sequence), and a model's training step, as one table with
// the ratios. Both backends run in this process for the kernels; the model's step needs the backend chosen at import,
// so it runs once per backend in a child process (bench-train.ts). `npm run bench` in a checkout is the full run.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { backend as active } from '../backend/index.js';
import { createJsBackend } from '../backend/js/index.js';
import { chooseBackend } from '../backend/loader.js';
import type { Backend } from '../backend/types.js';
import { formatTable } from '../diagnostics/table.js';
import * as recurrent from '../kernels/recurrent.js';
import { type BenchCommandOptions, EXIT_OK, type Io } from './program.js';

/** The median of `repeat` timed calls after one warm-up call, in milliseconds. */
export function medianMs(fn: () => void, repeat: number): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[times.length >> 1];
}

function filled(n: number, seed: number, scale: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (((i * 2654435761 + seed) % 2001) / 1000 - 1) * scale;
  return a;
}

const gemmStep = (M: number, N: number, K: number) => (b: Backend) => {
  const [A, B, C] = [filled(M * K, 1, 1), filled(K * N, 2, 1), new Float32Array(M * N)];
  return () => b.sgemm(false, false, M, N, K, 1, A, K, B, N, 0, C, N, 0, 0, 0);
};

const recurrentStep = (cell: 'lstm' | 'gru', T: number, B: number, I: number, H: number) => (b: Backend) => {
  const G = cell === 'lstm' ? 4 : 3;
  const s = 1 / Math.sqrt(H);
  const w = {
    wIh: filled(G * H * I, 1, s),
    wHh: filled(G * H * H, 2, s),
    bIh: filled(G * H, 3, s),
    bHh: filled(G * H, 4, s),
  };
  const x = filled(T * B * I, 5, 1);
  const dy = filled(T * B * H, 6, 1);
  const grads = {
    wIh: new Float32Array(w.wIh.length),
    wHh: new Float32Array(w.wHh.length),
    bIh: new Float32Array(G * H),
    bHh: new Float32Array(G * H),
  };
  const forward = { T, B, I, H, x, ...w };
  const backward = { x, wIh: w.wIh, wHh: w.wHh, dy, grads };
  return cell === 'lstm'
    ? () => recurrent.lstmBackwardWith(b, { ...backward, saved: recurrent.lstmForwardWith(b, forward).saved })
    : () => recurrent.gruBackwardWith(b, { ...backward, saved: recurrent.gruForwardWith(b, forward).saved });
};

// A model's training step (trainOnBatch) on one backend, in a child process: its median milliseconds.
function trainStepMs(backendName: 'native' | 'js', repeat: number, threads: number | undefined): number {
  const script = fileURLToPath(new URL('./bench-train.js', import.meta.url));
  const env = {
    ...process.env,
    STEADYGRAD_BACKEND: backendName,
    ...(threads ? { STEADYGRAD_THREADS: String(threads) } : {}),
  };
  const out = execFileSync(process.execPath, [script, String(repeat)], { env, encoding: 'utf8' });
  return (JSON.parse(out) as { ms: number }).ms;
}

export function benchCommand(options: BenchCommandOptions, io: Io): number {
  const repeat = options.repeat ?? 3;
  const js = createJsBackend(active.info().version, 1, null);
  let native: Backend | null = active.name === 'native' ? active : null;
  let why = '';
  if (!native) {
    try {
      native = chooseBackend({ backend: 'native', threads: options.threads ? String(options.threads) : undefined });
    } catch (error) {
      why = (error as Error).message;
    }
  }
  const info = (native ?? js).info();
  io.out.write(
    `steadygrad ${info.version} bench: native ${native ? `${info.isa}, ${info.threads} threads` : `not available (${why})`}; js single-threaded; median of ${repeat} runs after a warm-up\n\n`,
  );
  const fmt = (v: number | null, digits = 3) => (v === null ? '-' : Number(v.toPrecision(digits)).toString());
  const rows: (string | number)[][] = [];
  const kernels: [string, string, (b: Backend) => () => void, number][] = [
    ['GEMM 256x256x256', 'GFLOP/s', gemmStep(256, 256, 256), 2 * 256 ** 3],
    ['GEMM 128x256x784 (a dense layer)', 'GFLOP/s', gemmStep(128, 256, 784), 2 * 128 * 256 * 784],
    ['LSTM step B32 T50 I32 H128', 'ms', recurrentStep('lstm', 50, 32, 32, 128), 0],
    ['GRU step B32 T50 I32 H128', 'ms', recurrentStep('gru', 50, 32, 32, 128), 0],
  ];
  for (const [name, unit, make, flops] of kernels) {
    io.err.write(`  ${name} ...\n`);
    const jsMs = medianMs(make(js), repeat);
    const nativeMs = native ? medianMs(make(native), repeat) : null;
    const value = (ms: number | null) => (ms === null ? null : unit === 'ms' ? ms : flops / ms / 1e6);
    rows.push([
      name,
      unit,
      fmt(value(nativeMs)),
      fmt(value(jsMs)),
      nativeMs === null ? '-' : `${fmt(jsMs / nativeMs)}x`,
    ]);
  }
  io.err.write('  training step ...\n');
  const trainJs = trainStepMs('js', repeat, undefined);
  const trainNative = native ? trainStepMs('native', repeat, options.threads) : null;
  rows.push([
    'train step, MLP 784-256-256-10, batch 128, Adam',
    'ms',
    fmt(trainNative),
    fmt(trainJs),
    trainNative === null ? '-' : `${fmt(trainJs / trainNative)}x`,
  ]);
  io.out.write(
    `${formatTable({ columns: ['measurement', 'unit', 'native', 'js', 'native speed-up'], rows, align: ['left', 'left', 'right', 'right', 'right'] })}\n`,
  );
  io.out.write('LSTM/GRU step: forward and backward through the whole sequence, weight gradients included.\n');
  return EXIT_OK;
}
