// The active backend against the pure-TypeScript cells on larger random problems than the fixtures (batch sizes
// and hidden sizes that are not multiples of the tile or vector widths, random lengths): every output and gradient
// within 2e-5 * max(1, the largest |value| of that array). The js project runs only the accumulation test: comparing
// js with itself could not fail.
import { describe, expect, test } from 'vitest';
import { backend } from '../../src/backend/index.js';
import { createJsBackend } from '../../src/backend/js/index.js';
import type { Backend } from '../../src/backend/types.js';
import * as r from '../../src/kernels/recurrent.js';
import { makeRandom, randomArray, randomInt } from '../helpers/random.js';

type Cell = 'rnn' | 'lstm' | 'gru' | 'gru_before';
const js = createJsBackend('test', 1, null);

function compare(name: string, a: Float32Array, b: Float32Array) {
  expect(a.length).toBe(b.length);
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (2e-5 * scale));
  expect(worst, `${name}: worst error / bound`).toBeLessThanOrEqual(1);
}

function problem(cell: Cell, T: number, B: number, I: number, H: number, seed: number) {
  const random = makeRandom(seed);
  const G = cell === 'lstm' ? 4 : cell === 'rnn' ? 1 : 3;
  const s = 1 / Math.sqrt(H);
  return {
    G,
    inputs: {
      T,
      B,
      I,
      H,
      x: randomArray(random, T * B * I),
      wIh: randomArray(random, G * H * I, -s, s),
      wHh: randomArray(random, G * H * H, -s, s),
      bIh: randomArray(random, G * H, -s, s),
      bHh: randomArray(random, G * H, -s, s),
      h0: randomArray(random, B * H),
      lengths: Int32Array.from({ length: B }, () => randomInt(random, 0, T)),
    },
    c0: randomArray(random, B * H),
    dy: randomArray(random, T * B * H),
    dhT: randomArray(random, B * H),
    dcT: randomArray(random, B * H),
  };
}

// Forward and backward of `cell` on backend `b`: every output and gradient by name.
function run(b: Backend, cell: Cell, p: ReturnType<typeof problem>): Record<string, Float32Array> {
  const { G, inputs } = p;
  const { H, I } = inputs;
  const grads = {
    wIh: new Float32Array(G * H * I),
    wHh: new Float32Array(G * H * H),
    bIh: new Float32Array(G * H),
    bHh: new Float32Array(G * H),
  };
  const back = { x: inputs.x, wIh: inputs.wIh, wHh: inputs.wHh, dy: p.dy, dhT: p.dhT, grads };
  const weightGrads = { dWIh: grads.wIh, dWHh: grads.wHh, dBIh: grads.bIh, dBHh: grads.bHh };
  if (cell === 'lstm') {
    const f = r.lstmForwardWith(b, { ...inputs, c0: p.c0 });
    const d = r.lstmBackwardWith(b, { ...back, saved: f.saved, dcT: p.dcT });
    return { y: f.y, hT: f.hT, cT: f.cT, ...d, ...weightGrads };
  }
  if (cell === 'rnn') {
    const f = r.rnnForwardWith(b, { ...inputs, activation: 'tanh' });
    return { y: f.y, hT: f.hT, ...r.rnnBackwardWith(b, { ...back, saved: f.saved }), ...weightGrads };
  }
  const f = r.gruForwardWith(b, { ...inputs, resetAfter: cell === 'gru' });
  return { y: f.y, hT: f.hT, ...r.gruBackwardWith(b, { ...back, saved: f.saved }), ...weightGrads };
}

describe('agrees with the pure-TypeScript cells', () => {
  const shapes: [number, number, number, number][] = [
    [7, 13, 19, 37],
    [3, 40, 5, 70],
    [12, 1, 33, 17],
  ];
  const cells: Cell[] = ['rnn', 'lstm', 'gru', 'gru_before'];
  const cases = cells.flatMap((cell, c) =>
    shapes.map((s, k) => [`${cell} T=${s[0]} B=${s[1]} I=${s[2]} H=${s[3]}`, cell, s, 10 * c + k] as const),
  );

  test.skipIf(backend.name === 'js').each(cases)('%s', (_, cell, [T, B, I, H], seed) => {
    const p = problem(cell, T, B, I, H, seed);
    const ours = run(backend, cell, p);
    const reference = run(js, cell, p);
    expect(Object.keys(ours).sort()).toEqual(Object.keys(reference).sort());
    for (const name of Object.keys(reference)) compare(name, ours[name], reference[name]);
  });

  test('weight gradients accumulate: two backward passes give twice the gradient', () => {
    const p = problem('lstm', 5, 4, 3, 6, 99);
    const once = run(backend, 'lstm', p);
    const { G, inputs } = p;
    const grads = {
      wIh: new Float32Array(G * 6 * 3),
      wHh: new Float32Array(G * 6 * 6),
      bIh: new Float32Array(G * 6),
      bHh: new Float32Array(G * 6),
    };
    const f = r.lstmForwardWith(backend, { ...inputs, c0: p.c0 });
    for (let k = 0; k < 2; k++) {
      const back = { x: inputs.x, wIh: inputs.wIh, wHh: inputs.wHh, dy: p.dy, dhT: p.dhT, dcT: p.dcT, grads };
      r.lstmBackwardWith(backend, { ...back, saved: f.saved });
    }
    compare(
      'wIh',
      grads.wIh,
      once.dWIh.map((v) => 2 * v),
    );
    compare(
      'wHh',
      grads.wHh,
      once.dWHh.map((v) => 2 * v),
    );
    compare(
      'bIh',
      grads.bIh,
      once.dBIh.map((v) => 2 * v),
    );
    compare(
      'bHh',
      grads.bHh,
      once.dBHh.map((v) => 2 * v),
    );
  });
});
