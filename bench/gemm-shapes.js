// The GEMM shapes training a dense layer takes (issue 7), native on 1 thread against OpenBLAS on 1 thread through
// numpy (bench/openblas_gemm.py), measured in alternating rounds in one run: each round times every shape here,
// then runs the OpenBLAS script on the same shapes, so a slow spell of the shared machine hits both sides alike.
// Ratios are the median over rounds of ours / OpenBLAS in the same round.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendInfo, setThreads, sgemm } from '../dist/index.js';
import { median } from './anchors.js';

const here = path.dirname(fileURLToPath(import.meta.url));

// op is 'NN', 'TN', 'NT' or 'TT': whether A and B are transposed (row-major, as sgemm takes them).
export const DENSE_SHAPES = [
  { op: 'NN', m: 128, n: 256, k: 784, role: 'dense forward, batch 128 (784 -> 256)' },
  { op: 'TN', m: 784, n: 256, k: 128, role: 'weight gradient' },
  { op: 'NT', m: 128, n: 784, k: 256, role: 'input gradient' },
  { op: 'NN', m: 128, n: 10, k: 256, role: 'classifier head (256 -> 10)' },
  { op: 'NN', m: 64, n: 64, k: 64, role: 'small' },
  { op: 'NN', m: 32, n: 32, k: 32, role: 'small' },
  { op: 'NN', m: 256, n: 256, k: 256, role: 'square' },
  { op: 'NN', m: 512, n: 512, k: 512, role: 'square' },
  { op: 'NN', m: 1024, n: 1024, k: 1024, role: 'square' },
];

const key = (s) => `${s.op} ${s.m} ${s.n} ${s.k}`;

function filled(length, seed) {
  const a = new Float32Array(length);
  for (let i = 0; i < length; i++) a[i] = ((i * 2654435761 + seed) % 1000) / 1000 - 0.5;
  return a;
}

// Median GFLOP/s of samples of about 2e7 flop each, for at least `seconds`, through the public sgemm.
function nativeGflops(s, seconds) {
  const [ta, tb] = [s.op[0] === 'T', s.op[1] === 'T'];
  const A = filled(s.m * s.k, 1);
  const B = filled(s.k * s.n, 2);
  const C = new Float32Array(s.m * s.n);
  const [lda, ldb] = [ta ? s.m : s.k, tb ? s.k : s.n];
  const run = () => sgemm(ta, tb, s.m, s.n, s.k, 1, A, lda, B, ldb, 0, C, s.n);
  const flop = 2 * s.m * s.n * s.k;
  const reps = Math.max(1, Math.round(2e7 / flop));
  run();
  const samples = [];
  const deadline = performance.now() + seconds * 1000;
  while (samples.length < 5 || performance.now() < deadline) {
    const t = performance.now();
    for (let r = 0; r < reps; r++) run();
    samples.push((performance.now() - t) / 1000 / reps);
  }
  return flop / median(samples) / 1e9;
}

// One run of the OpenBLAS script on every shape: { info, gflops: Map(key -> GFLOP/s) }, or null if it cannot run
// (no python3 or numpy). With the AVX2 kernels it asks OpenBLAS for its Haswell kernel, the AVX2 one.
function openblasRound(shapes, isa) {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
  if (isa === 'avx2') env.OPENBLAS_CORETYPE = 'Haswell';
  const args = [path.join(here, 'openblas_gemm.py'), ...shapes.map((s) => `${s.op}:${s.m}:${s.n}:${s.k}`)];
  const result = spawnSync('python3', args, { encoding: 'utf8', env, timeout: 10 * 60 * 1000 });
  if (result.status !== 0) return null;
  const [first, ...lines] = result.stdout.trim().split('\n');
  const gflops = new Map();
  for (const line of lines) {
    const m = /^(\w\w) (\d+) (\d+) (\d+) gflops=([\d.]+)/.exec(line);
    if (m) gflops.set(`${m[1]} ${m[2]} ${m[3]} ${m[4]}`, Number(m[5]));
  }
  return { info: first.replace(/^openblas /, ''), gflops };
}

/**
 * Native 1-thread GFLOP/s of every shape, and OpenBLAS's when `withOpenblas`, over `rounds` alternating rounds.
 * Returns { rows: [{ shape, role, native, openblas, ratio }], openblasInfo }; openblas fields are null without it.
 */
export function benchDenseShapes({ rounds = 3, seconds = 0.3, withOpenblas = true, log = () => {} } = {}) {
  const info = backendInfo();
  const threads = info.threads;
  const samples = new Map(DENSE_SHAPES.map((s) => [key(s), { native: [], openblas: [], ratio: [] }]));
  let openblasInfo = null;
  setThreads(1);
  try {
    for (let round = 0; round < rounds; round++) {
      const ours = new Map(DENSE_SHAPES.map((s) => [key(s), nativeGflops(s, seconds)]));
      const theirs = withOpenblas ? openblasRound(DENSE_SHAPES, info.isa) : null;
      if (theirs) openblasInfo = theirs.info;
      for (const s of DENSE_SHAPES) {
        const entry = samples.get(key(s));
        const [a, b] = [ours.get(key(s)), theirs?.gflops.get(key(s))];
        entry.native.push(a);
        if (b) {
          entry.openblas.push(b);
          entry.ratio.push(a / b);
        }
      }
      log(`  round ${round + 1}/${rounds} done`);
    }
  } finally {
    setThreads(threads);
  }
  const rows = DENSE_SHAPES.map((s) => {
    const e = samples.get(key(s));
    const ob = e.openblas.length ? median(e.openblas) : null;
    return { shape: key(s), role: s.role, native: median(e.native), openblas: ob, ratio: ob ? median(e.ratio) : null };
  });
  return { rows, openblasInfo };
}
