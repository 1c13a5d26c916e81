// GEMM throughput: native on 1 thread and on all threads, and the pure-TypeScript GEMM, for square sizes and for
// the shapes a recurrent layer's GEMMs take (M = batch or batch*time, K = input+hidden, N = 4*hidden).
import { backendInfo, setThreads, sgemm } from '../dist/index.js';
import { sgemm as jsSgemm } from '../dist/backend/js/sgemm.js';
import { median } from './anchors.js';
import { measure } from './measure.js';

export const SQUARES = [32, 64, 128, 256, 512, 1024];
export const RECURRENT_SHAPES = [
  [32, 160, 512],
  [64, 320, 1024],
  [1600, 32, 512],
  [6400, 64, 1024],
];

export function gemmCases() {
  return [
    ...SQUARES.map((n) => ({ key: `square ${n}`, m: n, k: n, n })),
    ...RECURRENT_SHAPES.map(([m, k, n]) => ({ key: `M=${m} K=${k} N=${n}`, m, k, n })),
  ];
}

function filled(length, seed) {
  const a = new Float32Array(length);
  for (let i = 0; i < length; i++) a[i] = ((i * 2654435761 + seed) % 1000) / 1000 - 0.5;
  return a;
}

/**
 * GFLOP/s for each case: { key, native1, nativeAll, js, tfjs } (native fields are null on the js backend; tfjs is
 * null without TensorFlow.js). `tf` is TensorFlow.js with its cpu backend, or null. Native and js are measured in
 * `rounds` interleaved rounds and each gets the median over the rounds, so that a slow spell of the machine does
 * not land on one column only.
 */
export function benchGemm(cases, { quick = false, log = () => {}, tf = null } = {}) {
  const native = backendInfo().backend === 'native';
  const cores = backendInfo().cores;
  const timing = quick ? { minTime: 0.1, maxTime: 0.5 } : { minTime: 0.3, maxTime: 1 };
  const rounds = quick ? 1 : 3;
  const rows = [];
  for (const c of cases) {
    const A = filled(c.m * c.k, 1);
    const B = filled(c.k * c.n, 2);
    const C = new Float32Array(c.m * c.n);
    const flop = 2 * c.m * c.n * c.k;
    const gflops = (r) => flop / r.seconds / 1e9;
    const runNative = () => sgemm(false, false, c.m, c.n, c.k, 1, A, c.k, B, c.n, 0, C, c.n);
    const runJs = () => jsSgemm(false, false, c.m, c.n, c.k, 1, A, c.k, B, c.n, 0, C, c.n, 0, 0, 0);
    const samples = { native1: [], nativeAll: [], js: [] };
    for (let round = 0; round < rounds; round++) {
      if (native) {
        setThreads(1);
        samples.native1.push(gflops(measure(`${c.key} native 1T`, runNative, timing)));
        setThreads(cores);
        samples.nativeAll.push(gflops(measure(`${c.key} native ${cores}T`, runNative, timing)));
      }
      samples.js.push(gflops(measure(`${c.key} js`, runJs, timing)));
    }
    const row = {
      key: c.key,
      native1: native ? median(samples.native1) : null,
      nativeAll: native ? median(samples.nativeAll) : null,
      js: median(samples.js),
      tfjs: null,
    };
    if (tf) {
      const [a, b] = [tf.tensor2d(A, [c.m, c.k]), tf.tensor2d(B, [c.k, c.n])];
      row.tfjs = gflops(measure(`${c.key} tfjs`, () => tf.tidy(() => tf.matMul(a, b).dataSync()), timing));
      tf.dispose([a, b]);
    }
    log(
      `  ${c.key}: native 1T ${fmt(row.native1)}, ${cores}T ${fmt(row.nativeAll)}, js ${fmt(row.js, 2)}` +
        `, tfjs ${fmt(row.tfjs, 2)} GFLOP/s`,
    );
    rows.push(row);
  }
  return rows;
}

export function fmt(x, digits = 1) {
  return x === null || x === undefined ? '-' : x.toFixed(digits);
}
