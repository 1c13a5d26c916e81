// Native results are bit-identical whatever the thread count: work is split over M and N, never over K.
import { expect, test } from 'vitest';
import { backendInfo, setThreads, sgemm } from '../src/index.js';
import { loadAddon } from '../src/backend/loader.js';
import { lstmBackward, lstmForward } from '../src/kernels/index.js';
import { makeRandom, randomArray } from './helpers/random.js';

const native = backendInfo().backend === 'native';

// The index of the first element whose bits differ (NaN payloads and signed zeros included), or -1.
function firstBitDifference(x: Float32Array, y: Float32Array): number {
  const a = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const b = new Uint32Array(y.buffer, y.byteOffset, y.length);
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

test.runIf(native)('1 and 2 threads give bit-identical results, and 2 threads do split the work', () => {
  const addon = loadAddon();
  const random = makeRandom(11);
  // Large enough to be split (>= 2^18 multiply-adds); shapes that split along M, along N, and unevenly.
  const shapes: [number, number, number][] = [
    [300, 40, 100],
    [32, 700, 160],
    [97, 301, 203],
    [1000, 1000, 37],
    [13, 2000, 500],
  ];
  const original = backendInfo().threads;
  try {
    for (const [m, n, k] of shapes) {
      for (const [transA, transB] of [
        [false, false],
        [true, true],
        [false, true],
      ] as const) {
        const A = randomArray(random, m * k);
        const B = randomArray(random, k * n);
        const C0 = randomArray(random, m * n);
        const results: Float32Array[] = [];
        for (const threads of [1, 2]) {
          setThreads(threads);
          expect(backendInfo().threads).toBe(threads);
          const C = C0.slice();
          const before = addon.info().parallelRuns;
          sgemm(transA, transB, m, n, k, 0.75, A, transA ? m : k, B, transB ? k : n, 0.5, C, n);
          expect(addon.info().parallelRuns - before).toBe(threads === 1 ? 0 : 1);
          results.push(C);
        }
        expect(firstBitDifference(results[0], results[1])).toBe(-1);
      }
    }
  } finally {
    setThreads(original);
  }
});

test.runIf(native)('an LSTM training step is bit-identical on 1 and 2 threads', () => {
  const random = makeRandom(5);
  const [T, B, I, H] = [6, 40, 24, 64]; // large enough that every step's GEMM and gate pass are split
  const s = 1 / Math.sqrt(H);
  const inputs = {
    T,
    B,
    I,
    H,
    x: randomArray(random, T * B * I),
    wIh: randomArray(random, 4 * H * I, -s, s),
    wHh: randomArray(random, 4 * H * H, -s, s),
    bIh: randomArray(random, 4 * H, -s, s),
    bHh: randomArray(random, 4 * H, -s, s),
    lengths: Int32Array.from({ length: B }, (_, b) => 1 + (b % T)),
  };
  const dy = randomArray(random, T * B * H);
  const original = backendInfo().threads;
  const results: Float32Array[][] = [];
  try {
    for (const threads of [1, 2]) {
      setThreads(threads);
      const grads = {
        wIh: new Float32Array(4 * H * I),
        wHh: new Float32Array(4 * H * H),
        bIh: new Float32Array(4 * H),
        bHh: new Float32Array(4 * H),
      };
      const f = lstmForward(inputs);
      const d = lstmBackward({ x: inputs.x, wIh: inputs.wIh, wHh: inputs.wHh, saved: f.saved, dy, grads });
      results.push([f.y, f.hT, f.cT, d.dx, d.dh0, d.dc0, grads.wIh, grads.wHh, grads.bIh, grads.bHh]);
    }
  } finally {
    setThreads(original);
  }
  results[0].forEach((array, i) => expect(firstBitDifference(array, results[1][i])).toBe(-1));
});

test.runIf(native)('small problems stay on one thread', () => {
  const addon = loadAddon();
  const before = addon.info().parallelRuns;
  sgemm(
    false,
    false,
    32,
    32,
    32,
    1,
    new Float32Array(1024),
    32,
    new Float32Array(1024),
    32,
    0,
    new Float32Array(1024),
    32,
  );
  expect(addon.info().parallelRuns).toBe(before);
});

test('setThreads checks its argument', () => {
  expect(() => setThreads(0)).toThrow(
    new RangeError('setThreads: threads must be an integer in [1, 1024], received 0'),
  );
  expect(() => setThreads(1.5)).toThrow(RangeError);
  expect(() => setThreads('2' as unknown as number)).toThrow(
    new TypeError("setThreads: threads must be an integer in [1, 1024], received '2'"),
  );
});
