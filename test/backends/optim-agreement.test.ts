// The backend's optimizer kernels against the pure-TypeScript twins (src/backend/js/optim.ts), on every length from
// 0 to 40 (every partial vector) and on longer arrays, for every option, over 4 steps: the native float32 kernels
// must agree with the float64-then-rounded twins within float32 rounding (1e-6 relative to max(1, |x|) for the
// parameter, 1e-5 for the state), the norms to 1e-12, and max, the finiteness check, scaling and clamping exactly.
// On the js backend this compares the twins with themselves.
import { describe, expect, test } from 'vitest';
import { backend } from '../../src/backend/index.js';
import * as twin from '../../src/backend/js/optim.js';

function random(n: number, seed: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    a[i] = (s / 2147483648 - 1) * scale;
  }
  return a;
}

const LENGTHS = [...Array.from({ length: 41 }, (_, i) => i), 1000, 4099];

// worst |a - b| / max(1, |b|)
function worst(a: Float32Array, b: Float32Array): number {
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return w;
}

// Runs `steps` updates on two copies of the same arrays, one through the backend, one through the twin, and
// returns the worst disagreement over every array (the state's counted a tenth).
function compare(
  arrays: Array<Float32Array | null>,
  run: (impl: typeof twin, a: Array<Float32Array | null>, step: number) => void,
  steps = 4,
): number {
  const mine = arrays.map((a) => a?.slice() ?? null);
  const theirs = arrays.map((a) => a?.slice() ?? null);
  for (let step = 1; step <= steps; step++) {
    run(backend, mine, step);
    run(twin, theirs, step);
  }
  // the parameter within float32 rounding; the state within 1e-5: a momentum buffer sums g / avg terms whose
  // float32 and float64 values differ more where weight decay nearly cancels the gradient
  return Math.max(...mine.map((a, i) => (a === null ? 0 : worst(a, theirs[i]!) * (i === 0 ? 1 : 0.1))));
}

const PREPS: Array<[string, number, boolean, number, number]> = [
  // name, weightDecay, maximize, gradScale, clipValue
  ['plain', 0, false, 1, Infinity],
  ['weight decay, maximize', 0.01, true, 1, Infinity],
  ['scaled and clipped', 0, false, 0.37, 0.25],
];

describe('optimizer kernels agree with their TypeScript twins', () => {
  for (const [prep, wd, maximize, scale, clip] of PREPS) {
    test(`SGD (${prep})`, () => {
      for (const n of LENGTHS) {
        for (const [momentum, dampening, nesterov] of [
          [0, 0, false],
          [0.9, 0.1, false],
          [0.8, 0, true],
        ] as const) {
          const arrays = [random(n, 1), random(n, 2), momentum ? new Float32Array(n) : null];
          const err = compare(arrays, (impl, [p, g, b], step) =>
            impl.sgdUpdate(p!, g!, b, 0.1, momentum, dampening, nesterov, step === 1, wd, maximize, scale, clip),
          );
          expect(err, `n=${n} momentum=${momentum}`).toBeLessThanOrEqual(1e-6);
        }
      }
    });

    test(`Adam and AdamW (${prep})`, () => {
      for (const n of LENGTHS) {
        for (const [decoupled, amsgrad] of [
          [0, false],
          [0.1, true],
        ] as const) {
          const arrays = [
            random(n, 3),
            random(n, 4),
            new Float32Array(n),
            new Float32Array(n),
            amsgrad ? new Float32Array(n) : null,
          ];
          const err = compare(arrays, (impl, [p, g, m, v, vmax], step) =>
            impl.adamUpdate(
              p!,
              g!,
              m!,
              v!,
              vmax,
              0.01,
              0.9,
              0.999,
              1e-8,
              decoupled,
              step,
              decoupled ? 0 : wd,
              maximize,
              scale,
              clip,
            ),
          );
          expect(err, `n=${n}`).toBeLessThanOrEqual(1e-6);
        }
      }
    });

    test(`RMSprop (${prep})`, () => {
      for (const n of LENGTHS) {
        for (const [centered, momentum] of [
          [false, 0],
          [true, 0.9],
        ] as const) {
          const arrays = [
            random(n, 5),
            random(n, 6),
            new Float32Array(n),
            centered ? new Float32Array(n) : null,
            momentum ? new Float32Array(n) : null,
          ];
          const err = compare(arrays, (impl, [p, g, sq, ga, b]) =>
            impl.rmspropUpdate(p!, g!, sq!, ga, b, 0.01, 0.99, 1e-8, momentum, wd, maximize, scale, clip),
          );
          expect(err, `n=${n}`).toBeLessThanOrEqual(1e-6);
        }
      }
    });

    test(`Adagrad (${prep})`, () => {
      for (const n of LENGTHS) {
        const arrays = [random(n, 7), random(n, 8), new Float32Array(n).fill(0.1)];
        const err = compare(arrays, (impl, [p, g, s], step) =>
          impl.adagradUpdate(p!, g!, s!, 0.1, 0.01, 1e-10, step, wd, maximize, scale, clip),
        );
        expect(err, `n=${n}`).toBeLessThanOrEqual(1e-6);
      }
    });
  }
});

describe('clipping and checking kernels', () => {
  test('norms agree with float64 sums (and max exactly), for every length', () => {
    for (const n of LENGTHS) {
      const x = random(n, 9, 3);
      let l1 = 0;
      let l2 = 0;
      let inf = 0;
      for (const v of x) {
        l1 += Math.abs(v);
        l2 += v * v;
        inf = Math.max(inf, Math.abs(v));
      }
      expect(Math.abs(backend.normPartial(x, 1) - l1)).toBeLessThanOrEqual(1e-12 * Math.max(1, l1));
      expect(Math.abs(backend.normPartial(x, 2) - l2)).toBeLessThanOrEqual(1e-12 * Math.max(1, l2));
      expect(backend.normPartial(x, Infinity)).toBe(inf);
    }
  });

  test('a NaN or an infinity at any position is seen by allFinite and the norms', () => {
    for (const n of [1, 7, 8, 9, 15, 16, 17, 33, 1000]) {
      const x = random(n, 10);
      expect(backend.allFinite(x)).toBe(true);
      for (const bad of [NaN, Infinity, -Infinity]) {
        for (let at = 0; at < n; at += n > 40 ? 97 : 1) {
          const y = x.slice();
          y[at] = bad;
          expect(backend.allFinite(y), `n=${n} at=${at} ${bad}`).toBe(false);
          for (const ord of [1, 2, Infinity]) {
            const norm = backend.normPartial(y, ord);
            if (Number.isNaN(bad)) expect(norm, `ord ${ord}`).toBeNaN();
            else expect(norm).toBe(Infinity);
          }
        }
      }
    }
    // the largest finite floats do not overflow the sum of squares
    const big = Math.fround(3.4e38);
    expect(backend.normPartial(new Float32Array(1000).fill(big), 2) / (1000 * big * big)).toBeCloseTo(1, 12);
  });

  test('scale and clamp are exact and keep NaN', () => {
    for (const n of LENGTHS) {
      const x = random(n, 11, 2);
      if (n > 3) x[3] = NaN;
      const scaled = x.slice();
      backend.scaleInPlace(scaled, 0.3);
      const clamped = x.slice();
      backend.clampInPlace(clamped, 0.5);
      for (let i = 0; i < n; i++) {
        expect(Object.is(scaled[i], Math.fround(x[i] * Math.fround(0.3)))).toBe(true);
        expect(Object.is(clamped[i], Number.isNaN(x[i]) ? NaN : Math.min(0.5, Math.max(-0.5, x[i])))).toBe(true);
      }
    }
  });
});
