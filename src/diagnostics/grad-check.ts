// gradCheck(model, x, y): the model's backward pass against central finite differences of its own loss, parameter
// by parameter: for a custom layer, a new loss, or a model whose training looks wrong. The model runs in float32, so
// this is a check to a few digits (as PyTorch's gradcheck in float32), not the float64 tests of the kernels.
//
// Each checked element w moves by h = epsilon * max(1, |w|) each way; numeric = (L(w + h) - L(w - h)) / (the two
// float32 values' difference). Errors are relative to max(|analytic|, |numeric|, floor), the floor being what float32
// can resolve: the larger of 1e-3 times the largest |analytic| element of the check and 3e-5 |L| / (2h). A float32
// forward pass gives the loss to a few parts in 1e7, so a finite difference over 2h carries an error of about
// 1e-7 |L| / (2h): against that floor, 0.3%. Elements whose gradient is at rounding level then do not decide, while a
// gradient 50% off is still an error of 15% or more where |g| >= the floor (0.015 |L| with the default step).

import { Dropout } from '../layers/dropout.js';
import type { Input } from '../model/data.js';
import type { LossSpec } from '../model/losses.js';
import { Random } from '../model/random.js';
import type { Sequential } from '../model/sequential.js';
import { checkFinite, checkInteger, checkOptions, rangeError, typeError } from '../validate.js';

export interface GradCheckOptions {
  /** The relative step; default 1e-3. */
  epsilon?: number;
  /** Elements checked per parameter: all of a parameter with at most this many, else this many at random; default 20. */
  maxElements?: number;
  /** A parameter passes when its largest relative error is at most this; default 1e-2. */
  tolerance?: number;
  /** Seeds the choice of elements; default 0. */
  seed?: number;
  /** The loss, when the model is not compiled (or to check another one). */
  loss?: LossSpec;
}

export interface GradCheckParameter {
  name: string;
  /** Elements checked. */
  checked: number;
  maxRelativeError: number;
  maxAbsoluteError: number;
  /** The element with the largest relative error: its index, the backward pass's value and the finite difference. */
  worst: { index: number; analytic: number; numeric: number };
  ok: boolean;
}

export interface GradCheckResult {
  ok: boolean;
  /** The loss at the model's weights. */
  loss: number;
  maxRelativeError: number;
  parameters: GradCheckParameter[];
}

/**
 * Checks every parameter's gradient against central finite differences of the loss on (x, y), one batch; the model's
 * weights and gradients are left as they were. A model with active dropout is refused (its loss is random).
 */
export function gradCheck(model: Sequential, x: Input, y: Input, options: GradCheckOptions = {}): GradCheckResult {
  const fn = 'gradCheck';
  if (typeof model !== 'object' || model === null || typeof model.forwardBackward !== 'function') {
    throw typeError(fn, 'model', 'a model (sequential([...]))', model);
  }
  const o = checkOptions<GradCheckOptions>(fn, options, ['epsilon', 'maxElements', 'tolerance', 'seed', 'loss']);
  const epsilon = o.epsilon === undefined ? 1e-3 : checkFinite(fn, 'epsilon', o.epsilon);
  if (!(epsilon > 0 && epsilon <= 0.1)) throw rangeError(fn, 'epsilon', 'a number in (0, 0.1]', String(epsilon));
  const maxElements = o.maxElements === undefined ? 20 : checkInteger(fn, 'maxElements', o.maxElements, 1, 1e9);
  const tolerance = o.tolerance === undefined ? 1e-2 : checkFinite(fn, 'tolerance', o.tolerance);
  if (!(tolerance > 0)) throw rangeError(fn, 'tolerance', 'a number > 0', String(tolerance));
  const random = new Random(o.seed === undefined ? 0 : checkInteger(fn, 'seed', o.seed, 0, 4294967295));
  for (const layer of model.layers) {
    if (layer instanceof Dropout && layer.rate > 0) {
      throw rangeError(
        fn,
        'model',
        'a model without active dropout (finite differences need a deterministic loss)',
        `layer '${layer.name}' with rate ${layer.rate}`,
      );
    }
  }
  const lossOption = o.loss === undefined ? {} : { loss: o.loss };
  const run = () => model.forwardBackward(x, y, lossOption).loss;

  // The analytic gradients, with the caller's gradients put back at the end.
  if (!model.layers.every((l) => l.built)) model.predict(x); // builds the model from x
  const params = model.parameters();
  const saved = params.map((p) => p.grad.slice());
  try {
    model.zeroGrad();
    const loss = run();
    const analytic = params.map((p) => p.grad.slice());
    const picks = params.map((p) => chooseElements(p.value.length, maxElements, random));
    const resolution = params.map(() => [] as number[]); // per element: 3e-5 |L| / (2h)
    const numeric = params.map((p, k) =>
      picks[k].map((i) => {
        const w = p.value[i];
        const h = epsilon * Math.max(1, Math.abs(w));
        const up = Math.fround(w + h);
        const down = Math.fround(w - h);
        p.value[i] = up;
        const lossUp = run();
        p.value[i] = down;
        const lossDown = run();
        p.value[i] = w;
        resolution[k].push((3e-5 * Math.max(Math.abs(loss), Math.abs(lossUp), Math.abs(lossDown))) / (up - down));
        return (lossUp - lossDown) / (up - down);
      }),
    );
    let largest = 0;
    picks.forEach((list, k) => list.forEach((i) => (largest = Math.max(largest, Math.abs(analytic[k][i])))));
    const floor = 1e-3 * largest;
    const results = params.map((p, k): GradCheckParameter => {
      let worst = { index: -1, analytic: 0, numeric: 0 };
      let maxRelativeError = 0;
      let maxAbsoluteError = 0;
      picks[k].forEach((i, j) => {
        const a = analytic[k][i];
        const n = numeric[k][j];
        const abs = Math.abs(a - n);
        const denominator = Math.max(Math.abs(a), Math.abs(n), floor, resolution[k][j]);
        const rel = denominator > 0 ? abs / denominator : abs === 0 ? 0 : Infinity;
        maxAbsoluteError = Math.max(maxAbsoluteError, abs);
        if (rel >= maxRelativeError || worst.index < 0) {
          maxRelativeError = rel;
          worst = { index: i, analytic: a, numeric: n };
        }
      });
      return {
        name: p.name,
        checked: picks[k].length,
        maxRelativeError,
        maxAbsoluteError,
        worst,
        ok: maxRelativeError <= tolerance,
      };
    });
    const maxRelativeError = Math.max(0, ...results.map((r) => r.maxRelativeError));
    return { ok: results.every((r) => r.ok), loss, maxRelativeError, parameters: results };
  } finally {
    params.forEach((p, k) => p.grad.set(saved[k]));
  }
}

// All indices of an array of n, or `max` distinct ones at random, in increasing order.
function chooseElements(n: number, max: number, random: Random): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const chosen = new Set<number>();
  while (chosen.size < max) chosen.add(random.int(n));
  return [...chosen].sort((a, b) => a - b);
}
