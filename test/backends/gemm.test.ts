// sgemm on the backend this project runs (js, or native with one forced instruction set; see vitest.config.ts),
// against a float64 reference with a stated error bound, and against the pure-TypeScript GEMM.
import { describe, expect, test } from 'vitest';
import { backendInfo, sgemm } from '../../src/index.js';
import { sgemm as jsSgemm } from '../../src/backend/js/sgemm.js';
import { type GemmCase, referenceGemm, worstErrorRatio } from '../helpers/gemm-reference.js';
import { makeRandom, randomArray, randomInt } from '../helpers/random.js';

const info = backendInfo();
const expectedBackend = process.env.STEADYGRAD_BACKEND;

test(`runs on the backend and instruction set this project forces (${expectedBackend}/${process.env.STEADYGRAD_ISA ?? '-'})`, () => {
  expect(info.backend).toBe(expectedBackend);
  if (info.backend === 'native') expect(info.isa).toBe(process.env.STEADYGRAD_ISA);
});

// Builds arrays for a case: A, B and C with padding around the matrices (lda/ldb/ldc beyond the row length,
// offsets before them, one spare element after), C's padding and (if beta == 0) its matrix full of NaN.
function buildCase(c: GemmCase, seed: number) {
  const random = makeRandom(seed);
  const rowsA = c.transA ? c.k : c.m;
  const rowsB = c.transB ? c.n : c.k;
  const A = randomArray(random, c.offsetA + rowsA * c.lda + 1);
  const B = randomArray(random, c.offsetB + rowsB * c.ldb + 1);
  const C = randomArray(random, c.offsetC + c.m * c.ldc + 1);
  if (c.beta === 0) {
    for (let i = 0; i < c.m; i++) C.fill(NaN, c.offsetC + i * c.ldc, c.offsetC + i * c.ldc + c.n);
  }
  return { A, B, C };
}

// Through the public API (checked, then the active backend).
function run(c: GemmCase, A: Float32Array, B: Float32Array, C: Float32Array) {
  const { offsetA, offsetB, offsetC } = c;
  sgemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, A, c.lda, B, c.ldb, c.beta, C, c.ldc, {
    offsetA,
    offsetB,
    offsetC,
  });
}

// Straight into the pure-TypeScript GEMM.
function runJs(c: GemmCase, A: Float32Array, B: Float32Array, C: Float32Array) {
  jsSgemm(
    c.transA,
    c.transB,
    c.m,
    c.n,
    c.k,
    c.alpha,
    A,
    c.lda,
    B,
    c.ldb,
    c.beta,
    C,
    c.ldc,
    c.offsetA,
    c.offsetB,
    c.offsetC,
  );
}

function makeCase(
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
  extra: Partial<GemmCase> = {},
): GemmCase {
  const c: GemmCase = {
    transA,
    transB,
    m,
    n,
    k,
    alpha: 1,
    beta: 0,
    lda: Math.max(1, transA ? m : k),
    ldb: Math.max(1, transB ? k : n),
    ldc: Math.max(1, n),
    offsetA: 0,
    offsetB: 0,
    offsetC: 0,
    ...extra,
  };
  return c;
}

const label = (c: GemmCase) =>
  `${c.transA ? 'T' : 'N'}${c.transB ? 'T' : 'N'} M=${c.m} N=${c.n} K=${c.k} alpha=${c.alpha} beta=${c.beta} ` +
  `ld=${c.lda}/${c.ldb}/${c.ldc} off=${c.offsetA}/${c.offsetB}/${c.offsetC}`;

// Shapes at the edges of the blocking: 0 and 1, primes, either side of the tile sizes (MR = 12/6/4/4 and
// NR = 32/16/8/8 for avx512/avx2/scalar/js), of KC (256 on a 32 KiB L1 for the native kernels, 256 for js) and of
// the in-place-B limit (4 * MR rows).
const EDGE_SHAPES: [number, number, number][] = [
  [0, 5, 3],
  [5, 0, 3],
  [5, 3, 0],
  [1, 1, 1],
  [1, 7, 1],
  [7, 1, 1],
  [1, 1, 97],
  [2, 3, 5],
  [11, 13, 17],
  [12, 32, 8],
  [13, 33, 9],
  [24, 64, 16],
  [25, 65, 31],
  [48, 96, 40],
  [49, 97, 41],
  [6, 16, 255],
  [7, 17, 257],
  [31, 47, 383],
  [37, 53, 385],
  [97, 131, 61],
  [4, 8, 1000],
];

describe('sgemm matches a float64 reference within (K + 4) * 2^-24 * sum|a||b| per element', () => {
  const cases: GemmCase[] = [];
  for (const [m, n, k] of EDGE_SHAPES) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) cases.push(makeCase(m, n, k, transA, transB));
    }
  }
  // alpha and beta: beta = 0 with NaN in C (not read), beta = 1, and general values; alpha = 0 (A, B unread).
  for (const [alpha, beta] of [
    [1, 1],
    [-0.5, 0.25],
    [2.5, -1],
    [0, 0.5],
    [0, 0],
    [1, 0],
  ]) {
    cases.push(makeCase(29, 41, 23, false, false, { alpha, beta }));
    cases.push(makeCase(13, 70, 5, true, true, { alpha, beta }));
  }
  // Leading dimensions beyond the row length, and offsets into a larger array.
  cases.push(makeCase(19, 37, 45, false, false, { lda: 50, ldb: 40, ldc: 39, offsetA: 3, offsetB: 7, offsetC: 11 }));
  cases.push(
    makeCase(19, 37, 45, true, true, { lda: 22, ldb: 47, ldc: 64, offsetA: 1, offsetB: 2, offsetC: 5, beta: 0.5 }),
  );
  cases.push(makeCase(40, 100, 64, false, false, { ldb: 101, ldc: 103, offsetB: 1, offsetC: 1 })); // B in place, unaligned
  // Random shapes with random strides, offsets and scalars.
  const random = makeRandom(2026);
  for (let i = 0; i < 40; i++) {
    const m = randomInt(random, 1, 90);
    const n = randomInt(random, 1, 90);
    const k = randomInt(random, 1, 90);
    const transA = random() < 0.5;
    const transB = random() < 0.5;
    cases.push(
      makeCase(m, n, k, transA, transB, {
        lda: (transA ? m : k) + randomInt(random, 0, 3),
        ldb: (transB ? k : n) + randomInt(random, 0, 3),
        ldc: n + randomInt(random, 0, 3),
        offsetA: randomInt(random, 0, 9),
        offsetB: randomInt(random, 0, 9),
        offsetC: randomInt(random, 0, 9),
        alpha: [1, -1, 0.75][randomInt(random, 0, 2)],
        beta: [0, 1, -0.5][randomInt(random, 0, 2)],
      }),
    );
  }

  test.each(cases.map((c, i) => [label(c), c, i] as const))('%s', (_, c, i) => {
    const { A, B, C } = buildCase(c, 1000 + i);
    const { expected, bound } = referenceGemm(c, A, B, C);
    const Acopy = A.slice();
    const Bcopy = B.slice();
    run(c, A, B, C);
    expect(worstErrorRatio(C, expected, bound)).toBeLessThanOrEqual(1);
    expect(A).toEqual(Acopy); // inputs are not modified
    expect(B).toEqual(Bcopy);
  });
});

describe('blocking loops: sizes beyond KC, NC and MC', () => {
  // K = 800 spans several KC blocks; N = 1000 two NC blocks; M = 4100 two MC blocks (with a thin N and K).
  const cases = [
    makeCase(30, 1000, 800, false, false, { beta: 0.5 }),
    makeCase(70, 1000, 800, true, true),
    makeCase(4100, 9, 10, false, false, { beta: 1 }),
    makeCase(4100, 9, 10, true, false),
  ];
  test.each(cases.map((c, i) => [label(c), c, i] as const))('%s', (_, c, i) => {
    const { A, B, C } = buildCase(c, 2000 + i);
    const { expected, bound } = referenceGemm(c, A, B, C);
    run(c, A, B, C);
    expect(worstErrorRatio(C, expected, bound)).toBeLessThanOrEqual(1);
  });
});

describe('the shapes dense-layer training uses, and each way the native GEMM reads its operands', () => {
  // The dense-layer shapes of the GEMM benchmark (bench/gemm-shapes.js), then cases that steer the native
  // packing plan (native/gemm/sgemm.cc, choose_plan): A read in place or packed, transposed or not, B read in
  // place (with a partial right edge) or packed; rows 1024 floats apart alias in the caches and get packed.
  const cases = [
    makeCase(128, 256, 784, false, false), // dense forward: A in place, B packed
    makeCase(784, 256, 128, true, false), // weight gradient: A transposed, packed
    makeCase(128, 784, 256, false, true), // input gradient: B transposed, packed with 8 x 8 transposes
    makeCase(128, 10, 256, false, false, { beta: 0.5 }), // classifier head: B read in place, masked at N = 10
    makeCase(100, 20, 600, true, false, { ldc: 23 }), // narrow N: A transposed, read in place, kc > 128
    makeCase(40, 20, 300, true, false, { lda: 1024 }), // the same with aliasing rows: A packed
    makeCase(20, 100, 1024, false, false, { alpha: -1, beta: 1 }), // aliasing rows of A, wide N: A packed
    makeCase(50, 37, 70, false, false, { ldb: 41, offsetB: 3 }), // B in place, unaligned, partial edge
  ];
  test.each(cases.map((c, i) => [label(c), c, i] as const))('%s', (_, c, i) => {
    const { A, B, C } = buildCase(c, 3000 + i);
    const { expected, bound } = referenceGemm(c, A, B, C);
    run(c, A, B, C);
    expect(worstErrorRatio(C, expected, bound)).toBeLessThanOrEqual(1);
  });
});

test('agrees with the pure-TypeScript GEMM within the sum of both bounds', () => {
  const random = makeRandom(7);
  for (let i = 0; i < 20; i++) {
    const c = makeCase(
      randomInt(random, 1, 120),
      randomInt(random, 1, 120),
      randomInt(random, 1, 300),
      random() < 0.5,
      random() < 0.5,
      {
        alpha: 0.5,
        beta: random() < 0.5 ? 0 : 2,
      },
    );
    const { A, B, C } = buildCase(c, 3000 + i);
    const { bound } = referenceGemm(c, A, B, C);
    const Cjs = C.slice();
    run(c, A, B, C);
    runJs(c, A, B, Cjs);
    for (let j = 0; j < C.length; j++) {
      const allowed = 2 * bound[j];
      if (allowed === 0) expect(Object.is(C[j], Cjs[j]) || (Number.isNaN(C[j]) && Number.isNaN(Cjs[j]))).toBe(true);
      else expect(Math.abs(C[j] - Cjs[j])).toBeLessThanOrEqual(allowed);
    }
  }
});

test('beta = 0 ignores NaN and Infinity in C; alpha = 0 ignores NaN in A and B', () => {
  const A = new Float32Array([NaN, 1, 2, 3]);
  const B = new Float32Array([4, 5, Infinity, 7]);
  const C = new Float32Array([NaN, Infinity, -Infinity, NaN]);
  sgemm(false, false, 2, 2, 2, 0, A, 2, B, 2, 0, C, 2);
  expect(Array.from(C)).toEqual([0, 0, 0, 0]);
  const D = new Float32Array([1, 2, 3, 4]);
  sgemm(false, false, 2, 2, 2, 0, A, 2, B, 2, 3, D, 2);
  expect(Array.from(D)).toEqual([3, 6, 9, 12]);
  const E = new Float32Array([NaN, NaN, NaN, NaN]);
  sgemm('N', 'N', 2, 2, 2, 1, new Float32Array([1, 2, 3, 4]), 2, new Float32Array([5, 6, 7, 8]), 2, 0, E, 2);
  expect(Array.from(E)).toEqual([19, 22, 43, 50]);
});

test('NaN in A or B propagates when alpha != 0 (BLAS semantics)', () => {
  const C = new Float32Array(4);
  sgemm(false, false, 2, 2, 2, 1, new Float32Array([NaN, 0, 0, 1]), 2, new Float32Array([1, 2, 3, 4]), 2, 0, C, 2);
  expect(Number.isNaN(C[0]) && Number.isNaN(C[1])).toBe(true);
  expect(Array.from(C.subarray(2))).toEqual([3, 4]);
});

test('works on subarray views and on a SharedArrayBuffer', () => {
  const big = new Float32Array(new SharedArrayBuffer(4 * 100));
  big.set([1, 2, 3, 4], 10);
  big.set([5, 6, 7, 8], 20);
  sgemm(false, false, 2, 2, 2, 1, big.subarray(10, 14), 2, big.subarray(20, 24), 2, 0, big.subarray(30, 34), 2);
  expect(Array.from(big.subarray(30, 34))).toEqual([19, 22, 43, 50]);
  // Nothing outside C's view was written.
  expect(Array.from(big.subarray(34)).every((v) => v === 0)).toBe(true);
  expect(Array.from(big.subarray(0, 10)).every((v) => v === 0)).toBe(true);
});
