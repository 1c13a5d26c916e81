// Anchor measurements (other libraries on this machine), run side by side with ours in one session.
// The scripts live outside the repository (../shared/anchors/ by default, or --anchors DIR); when they or their
// Python packages are missing, the bench simply prints no anchor columns.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The anchors folder to use, or null. */
export function findAnchors(option, root) {
  const dir = option ? path.resolve(option) : path.resolve(root, '..', 'shared', 'anchors');
  return fs.existsSync(dir) ? dir : null;
}

// Runs one anchor script with single-threaded BLAS/OpenMP and returns its stdout lines, or null on failure.
export function runScript(python, script, args = []) {
  const result = spawnSync(python, [script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    timeout: 15 * 60 * 1000,
  });
  if (result.status !== 0) return null;
  return result.stdout.split('\n').filter(Boolean);
}

/**
 * OpenBLAS sgemm GFLOP/s through numpy (gemm_numpy.py), keyed 'square 256' or 'M=32 K=160 N=512'.
 * Returns null when the script cannot run.
 */
export function openblasGflops(dir) {
  const lines = runScript('python3', path.join(dir, 'gemm_numpy.py'));
  if (!lines) return null;
  const out = new Map();
  for (const line of lines) {
    const square = /^square n=(\d+) gflops=([\d.]+)/.exec(line);
    const shape = /^rnn-shape M=(\d+) K=(\d+) N=(\d+) gflops=([\d.]+)/.exec(line);
    if (square) out.set(`square ${square[1]}`, Number(square[2]));
    if (shape) out.set(`M=${shape[1]} K=${shape[2]} N=${shape[3]}`, Number(shape[4]));
  }
  return out;
}

/** The median of each key over several runs of an anchor (runs that failed are skipped). */
export function medianOfRuns(runs) {
  const ok = runs.filter(Boolean);
  if (ok.length === 0) return null;
  const out = new Map();
  for (const key of ok[0].keys()) out.set(key, median(ok.map((r) => r.get(key)).filter((v) => v !== undefined)));
  return out;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * TensorFlow.js's pure-JS cpu backend, if @tensorflow/tfjs-core and @tensorflow/tfjs-backend-cpu resolve from
 * `from` (a folder; default: this package). It is not a dependency: install it for a bench run with
 *   npm install --no-save @tensorflow/tfjs-core@4.22.0 @tensorflow/tfjs-backend-cpu@4.22.0
 * Returns the tf namespace with the cpu backend active, or null.
 */
export async function loadTfjsCpu(from) {
  try {
    const require = createRequire(path.join(path.resolve(from), 'noop.js'));
    const tf = await import(pathToFileURL(require.resolve('@tensorflow/tfjs-core')).href);
    await import(pathToFileURL(require.resolve('@tensorflow/tfjs-backend-cpu')).href);
    const { log, warn } = console;
    console.log = console.warn = () => {}; // tfjs prints an advert for tfjs-node on first use
    try {
      await tf.setBackend('cpu');
      tf.tidy(() => tf.matMul(tf.ones([2, 2]), tf.ones([2, 2])).dataSync());
    } finally {
      Object.assign(console, { log, warn });
    }
    return tf;
  } catch {
    return null;
  }
}

/** PyTorch CPU training-step ms (rnn_torch.py, 1 thread), keyed 'lstm B=32 T=50 I=32 H=128'; null on failure. */
export function torchStepMs(dir) {
  const lines = runScript('/usr/bin/python3', path.join(dir, 'rnn_torch.py'), ['1']);
  if (!lines) return null;
  const out = new Map();
  for (const line of lines) {
    const m = /^(\w+) B=(\d+) T=(\d+) I=(\d+) H=(\d+) threads=\d+ step_ms=([\d.]+)/.exec(line);
    if (m) out.set(`${m[1]} B=${m[2]} T=${m[3]} I=${m[4]} H=${m[5]}`, Number(m[6]));
  }
  return out;
}

/**
 * PyTorch CPU training anchors (train_torch.py, 1 thread): { tinyUs, mnistMs, forecasterMs, predictMs, adamMs, ... }
 * from its lines; null on failure.
 */
export function torchTrain(dir) {
  const lines = runScript('/usr/bin/python3', path.join(dir, 'train_torch.py'), ['1']);
  if (!lines) return null;
  const out = new Map();
  for (const line of lines) {
    const m = /^(\S+) .*?(step_us|step_ms|ms)=([\d.]+)/.exec(line);
    if (m) out.set(m[1], Number(m[3]));
  }
  return out;
}
