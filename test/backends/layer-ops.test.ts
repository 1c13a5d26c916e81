// The layer ops of the active backend (run once per backend and ISA): values against float64 references written from
// PyTorch's formulas (test/helpers/layer-reference.ts), gradients against finite differences of those references,
// the native ops against the js twin, data movement exactly, and the addon's own argument checks.
import { describe, expect, test } from 'vitest';
import { backend } from '../../src/backend/index.js';
import { createJsBackend } from '../../src/backend/js/index.js';
import { ACTIVATION_CODES, LOSS_CODES, type LossKind } from '../../src/backend/layer-codes.js';
import {
  type ActivationSpec,
  actCode,
  activationRef,
  activationSpec,
  denseRef,
  layerNormRef,
  lossCode,
  lossRef,
  numericGradient,
  phiExact,
  relativeError,
} from '../helpers/layer-reference.js';
import { makeRandom, randomArray } from '../helpers/random.js';

const js = createJsBackend('0.0.0', 1, null);
const f32 = (a: ArrayLike<number>) => Float32Array.from(a);
const SPECS: ActivationSpec[] = [
  ...ACTIVATION_CODES.map((k) => activationSpec(k)),
  activationSpec('leakyRelu', 0.2),
  activationSpec('elu', 0.5),
  activationSpec('softplus', 2, 5),
];
const label = (s: ActivationSpec) => `${s.kind}(${s.param1}, ${s.param2})`;

describe('activations', () => {
  const grid = (() => {
    const n = 1 << 14;
    const out = new Float32Array(n + 8);
    for (let i = 0; i < n; i++) out[i] = -12 + (24 * i) / n;
    out.set([0, -0, 1e-6, -1e-6, 30, -30, 19.99, 20.01], n);
    return out;
  })();

  test.each(SPECS.filter((s) => s.kind !== 'softmax'))('$kind forward within 3e-7 relative + 2e-7 of float64', (s) => {
    const y = new Float32Array(grid.length);
    backend.activationForward(actCode(s.kind), s.param1, s.param2, grid, y, 1, grid.length);
    const exact = activationRef(s, grid, grid.length);
    for (let i = 0; i < grid.length; i++) {
      const tol = 3e-7 * Math.abs(exact[i]) + 2e-7;
      if (!(Math.abs(y[i] - exact[i]) <= tol)) expect.fail(`${label(s)} at x = ${grid[i]}: ${y[i]} vs ${exact[i]}`);
    }
  });

  // Relative, not absolute: phi comes from erfc, so there is no cancellation. What is left grows with x^2: the
  // float32 rounding of the exponent -x^2/2 (ulp 4e-6 at x = -9).
  test('GELU keeps its relative accuracy in the lower tail, within 1e-7 (4 + x^2)', () => {
    const x = f32(Array.from({ length: 801 }, (_, i) => -9 + i / 100)); // [-9, -1]
    const y = new Float32Array(x.length);
    backend.activationForward(actCode('gelu'), 0, 0, x, y, 1, x.length);
    for (let i = 0; i < x.length; i++) {
      const exact = x[i] * phiExact(x[i]);
      expect(Math.abs(y[i] - exact) / Math.abs(exact), `x = ${x[i]}`).toBeLessThan(1e-7 * (4 + x[i] * x[i]));
    }
  });

  test('softmax rows sum to 1 and match float64, even with large logits', () => {
    const random = makeRandom(3);
    const [N, C] = [7, 13];
    const x = randomArray(random, N * C, -40, 40);
    x[5] = 80;
    const y = new Float32Array(N * C);
    backend.activationForward(actCode('softmax'), 0, 0, x, y, N, C);
    expect(relativeError(y, activationRef(activationSpec('softmax'), x, C))).toBeLessThan(1e-6);
  });

  test.each(SPECS)('$kind backward matches finite differences of the float64 forward', (s) => {
    const random = makeRandom(11);
    const [N, C] = [5, 9];
    const x = randomArray(random, N * C, -4, 4);
    const dy = randomArray(random, N * C);
    const y = new Float32Array(N * C);
    const dx = new Float32Array(N * C);
    backend.activationForward(actCode(s.kind), s.param1, s.param2, x, y, N, C);
    backend.activationBackward(actCode(s.kind), s.param1, s.param2, x, y, dy, dx, N, C);
    const f = (p: Float64Array) => activationRef(s, p, C).reduce((acc, v, i) => acc + v * dy[i], 0);
    expect(relativeError(dx, numericGradient(f, x))).toBeLessThan(2e-5);
    // in place: dx may be dy
    const inPlace = f32(dy);
    backend.activationBackward(actCode(s.kind), s.param1, s.param2, x, y, inPlace, inPlace, N, C);
    expect(Array.from(inPlace)).toEqual(Array.from(dx));
  });
});

describe('dense', () => {
  const cases = [
    { N: 1, I: 1, U: 1 },
    { N: 7, I: 5, U: 3 },
    { N: 33, I: 17, U: 19 },
  ];
  test.each(cases.flatMap((c) => SPECS.slice(0, ACTIVATION_CODES.length).map((s) => ({ ...c, s }))))(
    'N=$N I=$I U=$U $s.kind: forward vs float64, backward vs finite differences',
    ({ N, I, U, s }) => {
      const random = makeRandom(N * 100 + I);
      const x = randomArray(random, N * I);
      const w = randomArray(random, U * I);
      const b = randomArray(random, U);
      const dy = randomArray(random, N * U);
      const z = new Float32Array(N * U);
      const y = new Float32Array(N * U);
      const code = actCode(s.kind);
      backend.denseForward(code, s.param1, s.param2, x, w, b, z, y, N, I, U);
      expect(relativeError(y, denseRef(s, x, w, b, N, I, U))).toBeLessThan(2e-6);
      const dz = new Float32Array(N * U);
      const dx = new Float32Array(N * I);
      const dw = new Float32Array(U * I).fill(0.5); // accumulated into
      const db = new Float32Array(U).fill(-0.25);
      backend.denseBackward(code, s.param1, s.param2, x, w, z, y, dy, dz, dx, dw, db, N, I, U);
      const loss = (xs: ArrayLike<number>, ws: ArrayLike<number>, bs: ArrayLike<number>) =>
        denseRef(s, xs, ws, bs, N, I, U).reduce((acc, v, i) => acc + v * dy[i], 0);
      expect(
        relativeError(
          dx,
          numericGradient((p) => loss(p, w, b), x),
        ),
      ).toBeLessThan(2e-5);
      const dwExpected = numericGradient((p) => loss(x, p, b), w).map((v) => v + 0.5);
      expect(relativeError(dw, dwExpected)).toBeLessThan(2e-5);
      const dbExpected = numericGradient((p) => loss(x, w, p), b).map((v) => v - 0.25);
      expect(relativeError(db, dbExpected)).toBeLessThan(2e-5);
    },
  );

  test('linear with z = y, no bias, and no dx', () => {
    const random = makeRandom(5);
    const [N, I, U] = [4, 3, 2];
    const x = randomArray(random, N * I);
    const w = randomArray(random, U * I);
    const y = new Float32Array(N * U);
    backend.denseForward(0, 0, 0, x, w, null, y, y, N, I, U);
    expect(relativeError(y, denseRef(activationSpec('linear'), x, w, null, N, I, U))).toBeLessThan(1e-6);
    const dy = randomArray(random, N * U);
    const dw = new Float32Array(U * I);
    backend.denseBackward(0, 0, 0, x, w, y, y, dy, dy, null, dw, null, N, I, U);
    const expected = new Float64Array(U * I);
    for (let u = 0; u < U; u++)
      for (let i = 0; i < I; i++) for (let r = 0; r < N; r++) expected[u * I + i] += dy[r * U + u] * x[r * I + i];
    expect(relativeError(dw, expected)).toBeLessThan(1e-6);
  });
});

describe('layer normalization', () => {
  test.each([
    { N: 1, C: 1, affine: true },
    { N: 6, C: 10, affine: true },
    { N: 5, C: 33, affine: false },
  ])('N=$N C=$C affine=$affine: forward vs float64, backward vs finite differences', ({ N, C, affine }) => {
    const random = makeRandom(N + C);
    const x = randomArray(random, N * C, -3, 3);
    const gamma = affine ? randomArray(random, C, 0.5, 1.5) : null;
    const beta = affine ? randomArray(random, C) : null;
    const dy = randomArray(random, N * C);
    const eps = 1e-5;
    const y = new Float32Array(N * C);
    const mean = new Float32Array(N);
    const rstd = new Float32Array(N);
    backend.layerNormForward(x, gamma, beta, y, mean, rstd, N, C, eps);
    expect(relativeError(y, layerNormRef(x, gamma, beta, N, C, eps))).toBeLessThan(2e-6);
    const dx = new Float32Array(N * C);
    const dgamma = affine ? new Float32Array(C) : null;
    const dbeta = affine ? new Float32Array(C) : null;
    backend.layerNormBackward(x, gamma, mean, rstd, dy, dx, dgamma, dbeta, N, C);
    const loss = (xs: ArrayLike<number>, g: ArrayLike<number> | null, b: ArrayLike<number> | null) =>
      layerNormRef(xs, g, b, N, C, eps).reduce((acc, v, i) => acc + v * dy[i], 0);
    // C = 1 normalizes to a constant 0: the gradient is 0 and finite differences agree.
    expect(
      relativeError(
        dx,
        numericGradient((p) => loss(p, gamma, beta), x),
      ),
    ).toBeLessThan(5e-5);
    if (gamma && beta && dgamma && dbeta) {
      expect(
        relativeError(
          dgamma,
          numericGradient((p) => loss(x, p, beta), gamma),
        ),
      ).toBeLessThan(2e-5);
      expect(
        relativeError(
          dbeta,
          numericGradient((p) => loss(x, gamma, p), beta),
        ),
      ).toBeLessThan(2e-5);
    }
  });
});

describe('losses', () => {
  const [N, C] = [6, 4];
  function data(kind: LossKind, seed: number) {
    const random = makeRandom(seed);
    const probabilities = kind === 'bce' || kind === 'ce' || kind === 'sparseCe';
    let pred = randomArray(random, N * C, -3, 3);
    if (probabilities) {
      pred = pred.map((v) => 0.02 + 0.96 / (1 + Math.exp(-v)));
      if (kind !== 'bce') pred = f32(activationRef(activationSpec('softmax'), pred.map(Math.log), C));
    }
    const sparse = kind.startsWith('sparse');
    const target = sparse
      ? f32(Array.from({ length: N }, () => Math.floor(random() * C)))
      : randomArray(random, N * C, 0, 1);
    return { pred, target };
  }
  const PARAM: Partial<Record<LossKind, number>> = { huber: 0.75, binaryAccuracy: 0.5 }; // exact in float32

  test.each(LOSS_CODES.map((kind) => ({ kind })))(
    '$kind: value vs float64, gradient vs finite differences, mask',
    ({ kind }) => {
      const { pred, target } = data(kind, 21);
      const param = PARAM[kind] ?? 0;
      const mask = Uint8Array.from([1, 0, 1, 1, 0, 1]);
      const withGradient = !kind.endsWith('ccuracy');
      const grad = withGradient ? new Float32Array(N * C).fill(7) : null;
      const scale = 0.25;
      const total = backend.loss(lossCode(kind), pred, target, grad, N, C, mask, scale, param);
      const expected = lossRef(kind, pred, target, N, C, mask, param);
      expect(Math.abs(total - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
      if (grad) {
        const g = numericGradient((p) => scale * lossRef(kind, p, target, N, C, mask, param), pred, 1e-7);
        expect(relativeError(grad, g)).toBeLessThan(1e-5);
        for (const r of [1, 4]) expect(Array.from(grad.subarray(r * C, r * C + C))).toEqual([0, 0, 0, 0]);
      }
      expect(backend.loss(lossCode(kind), pred, target, null, N, C, null, 1, param)).toBeCloseTo(
        lossRef(kind, pred, target, N, C, null, param),
        9,
      );
    },
  );

  test('stable where probabilities saturate: BCE clamps its log at -100; the logits forms stay exact', () => {
    const p = f32([0, 1, 1e-30]);
    const t = f32([1, 0, 1]);
    expect(backend.loss(lossCode('bce'), p, t, null, 3, 1, null, 1, 0)).toBeCloseTo(200 + -Math.log(1e-30), 3);
    const z = f32([-200, 200, 0]);
    const g = new Float32Array(3);
    expect(backend.loss(lossCode('bceLogits'), z, t, g, 3, 1, null, 1, 0)).toBeCloseTo(400 + Math.log(2), 6);
    expect(Array.from(g)).toEqual([-1, 1, -0.5]);
    const logits = f32([1000, 0, -1000]);
    const ce = backend.loss(lossCode('sparseCeLogits'), logits, f32([2]), null, 1, 3, null, 1, 0);
    expect(ce).toBeCloseTo(2000, 6);
  });
});

describe('data movement', () => {
  test('swapAxes turns (A, B, F) into (B, A, F)', () => {
    const [A, B, F] = [3, 4, 2];
    const x = f32(Array.from({ length: A * B * F }, (_, i) => i));
    const y = new Float32Array(x.length);
    backend.swapAxes(x, y, A, B, F);
    for (let a = 0; a < A; a++)
      for (let b = 0; b < B; b++)
        for (let f = 0; f < F; f++) expect(y[(b * A + a) * F + f]).toBe(x[(a * B + b) * F + f]);
  });

  test('reverseSequences reverses each example within its length, and accumulates', () => {
    const [T, B, F] = [4, 3, 2];
    const x = f32(Array.from({ length: T * B * F }, (_, i) => i + 1));
    const lengths = Int32Array.from([4, 2, 0]);
    const y = new Float32Array(x.length);
    backend.reverseSequences(x, y, T, B, F, lengths, false);
    for (let t = 0; t < T; t++)
      for (let b = 0; b < B; b++) {
        const from = t < lengths[b] ? lengths[b] - 1 - t : t;
        for (let f = 0; f < F; f++) expect(y[(t * B + b) * F + f]).toBe(x[(from * B + b) * F + f]);
      }
    const twice = new Float32Array(x.length);
    backend.reverseSequences(y, twice, T, B, F, lengths, false);
    expect(Array.from(twice)).toEqual(Array.from(x));
    backend.reverseSequences(y, twice, T, B, F, lengths, true);
    expect(Array.from(twice)).toEqual(Array.from(x).map((v) => 2 * v));
  });

  test.each(['concat', 'sum', 'mul', 'ave'].map((mode, code) => ({ mode, code })))(
    'merge $mode forward and backward',
    ({ code }) => {
      const random = makeRandom(code);
      const [N, H] = [3, 5];
      const a = randomArray(random, N * H);
      const b = randomArray(random, N * H);
      const out = code === 0 ? 2 * H : H;
      const y = new Float32Array(N * out);
      backend.mergeForward(code, a, b, y, N, H);
      const ref = (pa: ArrayLike<number>, pb: ArrayLike<number>) => {
        const r = new Float64Array(N * out);
        for (let n = 0; n < N; n++)
          for (let h = 0; h < H; h++) {
            const [va, vb] = [pa[n * H + h], pb[n * H + h]];
            if (code === 0) [r[n * 2 * H + h], r[n * 2 * H + H + h]] = [va, vb];
            else r[n * H + h] = code === 1 ? va + vb : code === 2 ? va * vb : (va + vb) / 2;
          }
        return r;
      };
      expect(relativeError(y, ref(a, b))).toBeLessThan(1e-7);
      const dy = randomArray(random, N * out);
      const da = new Float32Array(N * H);
      const db = new Float32Array(N * H);
      backend.mergeBackward(code, a, b, dy, da, db, N, H);
      const dot = (r: Float64Array) => r.reduce((s, v, i) => s + v * dy[i], 0);
      expect(
        relativeError(
          da,
          numericGradient((p) => dot(ref(p, b)), a),
        ),
      ).toBeLessThan(1e-6);
      expect(
        relativeError(
          db,
          numericGradient((p) => dot(ref(a, p)), b),
        ),
      ).toBeLessThan(1e-6);
    },
  );

  test('gather copies rows batch-major or time-major; multiply; firstNonFinite', () => {
    const [N, T, F] = [5, 3, 2];
    const src = f32(Array.from({ length: N * T * F }, (_, i) => i));
    const idx = Int32Array.from([4, 0, 2, 2]);
    const bm = new Float32Array(3 * T * F);
    backend.gather(src, idx, 1, 3, T, F, bm, false);
    expect(Array.from(bm)).toEqual([...[0, 1, 2, 3, 4, 5], ...[12, 13, 14, 15, 16, 17], ...[12, 13, 14, 15, 16, 17]]);
    const tm = new Float32Array(3 * T * F);
    backend.gather(src, idx, 1, 3, T, F, tm, true);
    const swapped = new Float32Array(tm.length);
    backend.swapAxes(bm, swapped, 3, T, F);
    expect(Array.from(tm)).toEqual(Array.from(swapped));
    const y = new Float32Array(3);
    backend.multiply(f32([1, 2, 3]), f32([0, 2, 0.5]), y);
    expect(Array.from(y)).toEqual([0, 4, 1.5]);
    expect(backend.firstNonFinite(f32([1, 2, 3]))).toBe(-1);
    expect(backend.firstNonFinite(f32([1, NaN, Infinity]))).toBe(1);
    expect(backend.firstNonFinite(f32([1, 0, -Infinity]))).toBe(2);
  });
});

describe('native and js agree', () => {
  test('every op on the same inputs', () => {
    const random = makeRandom(99);
    const [N, I, U] = [9, 6, 7];
    const x = randomArray(random, N * I);
    const w = randomArray(random, U * I);
    const b = randomArray(random, U);
    const dy = randomArray(random, N * U);
    for (const kind of ACTIVATION_CODES) {
      const s = activationSpec(kind);
      const run = (be: typeof js) => {
        const z = new Float32Array(N * U);
        const y = new Float32Array(N * U);
        const dz = new Float32Array(N * U);
        const dx = new Float32Array(N * I);
        const dw = new Float32Array(U * I);
        const db = new Float32Array(U);
        be.denseForward(actCode(kind), s.param1, s.param2, x, w, b, z, y, N, I, U);
        be.denseBackward(actCode(kind), s.param1, s.param2, x, w, z, y, dy, dz, dx, dw, db, N, I, U);
        return [y, dx, dw, db];
      };
      const [ours, theirs] = [run(backend), run(js)];
      for (let i = 0; i < ours.length; i++) expect(relativeError(ours[i], theirs[i]), kind).toBeLessThan(2e-6);
    }
  });
});

describe.runIf(backend.name === 'native')('the addon re-checks its arguments', () => {
  test('wrong types, lengths, codes and indices throw with the argument named', () => {
    const a = new Float32Array(6);
    expect(() =>
      backend.denseForward(0, 0, 0, a, a.subarray(0, 5), null, new Float32Array(4), new Float32Array(4), 2, 3, 2),
    ).toThrow(new RangeError('denseForward: w must be a Float32Array of length U*I = 6, received Float32Array(5)'));
    expect(() => backend.activationForward(99, 0, 0, a, a, 2, 3)).toThrow(RangeError);
    expect(() => backend.activationForward(1, 0, 0, [1, 2] as unknown as Float32Array, a, 1, 2)).toThrow(
      /activationForward: x must be a Float32Array of length N\*C = 2, received Array\(2\)/,
    );
    expect(() => backend.loss(lossCode('sparseCe'), a, new Float32Array([0, 3]), null, 2, 3, null, 1, 0)).toThrow(
      new RangeError('loss: target[1] must be a class index in [0, 2], received 3'),
    );
    expect(() => backend.gather(a, Int32Array.from([0, 7]), 0, 2, 1, 3, a, false)).toThrow(
      new RangeError('gather: indices[1] must be a row of src in [0, 1], received 7'),
    );
    expect(() => backend.reverseSequences(a, new Float32Array(6), 3, 2, 1, Int32Array.from([1, 4]), false)).toThrow(
      new RangeError('reverseSequences: lengths[1] must be an integer in [0, 3], received 4'),
    );
    const z = new Float32Array(4);
    expect(() => backend.denseForward(0, 0, 0, a, a, null, a.subarray(0, 4), z, 2, 3, 2)).toThrow(/overlap/);
  });
});

describe('recurrentAsync', () => {
  test('runs the named op off the main thread with the same results as the synchronous call', async () => {
    const random = makeRandom(8);
    const [T, B, I, H] = [6, 4, 3, 5];
    const base = {
      T,
      B,
      I,
      H,
      x: randomArray(random, T * B * I),
      wIh: randomArray(random, 4 * H * I),
      wHh: randomArray(random, 4 * H * H),
      bIh: randomArray(random, 4 * H),
      bHh: randomArray(random, 4 * H),
      h0: null,
      c0: null,
      lengths: [6, 2, 4, 0], // a plain array, copied by the binding
    };
    const outputs = () => ({
      y: new Float32Array(T * B * H),
      hT: new Float32Array(B * H),
      cT: new Float32Array(B * H),
      h: new Float32Array((T + 1) * B * H),
      c: new Float32Array((T + 1) * B * H),
      gates: new Float32Array(T * B * 4 * H),
    });
    const sync = { ...base, ...outputs() };
    const async = { ...base, ...outputs() };
    backend.lstmForward(sync as never);
    const promise = backend.recurrentAsync(async as never, 'lstmForward');
    expect(promise).toBeInstanceOf(Promise);
    await promise;
    expect(Array.from(async.y)).toEqual(Array.from(sync.y));
    expect(Array.from(async.cT)).toEqual(Array.from(sync.cT));
    // bad arguments throw at once, before anything is queued
    expect(() => backend.recurrentAsync(async as never, 'lstmSideways' as never)).toThrow(
      /^recurrentAsync: op must be one of 'rnnForward', .*, received 'lstmSideways'$/,
    );
    if (backend.name === 'native') {
      expect(() => backend.recurrentAsync({ ...async, y: new Float32Array(3) } as never, 'lstmForward')).toThrow(
        /lstmForward: y must be a Float32Array of length T\*B\*H = 120/,
      );
    }
  });
});
