// The active backend against the pure-TypeScript cells on larger random problems than the fixtures (batch sizes
// and hidden sizes that are not multiples of the tile or vector widths, random lengths): every output and gradient
// within 2e-5 * max(1, the largest |value| of that array). For the js project this compares js with itself.
import { describe, expect, test } from 'vitest';
import { gruBackward, gruForward } from '../../src/backend/js/gru.js';
import { lstmBackward, lstmForward } from '../../src/backend/js/lstm.js';
import { rnnBackward, rnnForward } from '../../src/backend/js/rnn.js';
import * as kernels from '../../src/kernels/index.js';
import { makeRandom, randomArray, randomInt } from '../helpers/random.js';

type Cell = 'rnn' | 'lstm' | 'gru' | 'gru_before';

function compare(name: string, a: Float32Array, b: Float32Array) {
  expect(a.length).toBe(b.length);
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (2e-5 * scale));
  expect({ name, ratio: worst }).toEqual({ name, ratio: expect.toSatisfy((r: number) => r <= 1) });
}

function problem(cell: Cell, T: number, B: number, I: number, H: number, seed: number) {
  const random = makeRandom(seed);
  const G = cell === 'lstm' ? 4 : cell === 'rnn' ? 1 : 3;
  const s = 1 / Math.sqrt(H);
  return {
    dims: { T, B, I, H },
    x: randomArray(random, T * B * I),
    wIh: randomArray(random, G * H * I, -s, s),
    wHh: randomArray(random, G * H * H, -s, s),
    bIh: randomArray(random, G * H, -s, s),
    bHh: randomArray(random, G * H, -s, s),
    h0: randomArray(random, B * H),
    c0: randomArray(random, B * H),
    lengths: Int32Array.from({ length: B }, () => randomInt(random, 0, T)),
    dy: randomArray(random, T * B * H),
    dhT: randomArray(random, B * H),
    dcT: randomArray(random, B * H),
    grads: () => ({
      wIh: new Float32Array(G * H * I),
      wHh: new Float32Array(G * H * H),
      bIh: new Float32Array(G * H),
      bHh: new Float32Array(G * H),
    }),
  };
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

  test.each(cases)('%s', (_, cell, [T, B, I, H], seed) => {
    const p = problem(cell, T, B, I, H, seed);
    const BH = B * H;
    const weights = { wIh: p.wIh, wHh: p.wHh, bIh: p.bIh, bHh: p.bHh };
    const api = { ...p.dims, x: p.x, ...weights, h0: p.h0, lengths: p.lengths };
    const grads = p.grads();
    const back = { x: p.x, wIh: p.wIh, wHh: p.wHh, dy: p.dy, dhT: p.dhT, grads };
    // the same through the js cells, with the call objects the backends take
    const jsGrads = p.grads();
    const fwdCall = {
      ...p.dims,
      ...weights,
      x: p.x,
      h0: p.h0,
      lengths: p.lengths,
      y: new Float32Array(T * BH),
      hT: new Float32Array(BH),
      h: new Float32Array((T + 1) * BH),
    };
    const bwdCommon = {
      ...p.dims,
      x: p.x,
      wIh: p.wIh,
      wHh: p.wHh,
      lengths: p.lengths,
      h: fwdCall.h,
      dy: p.dy,
      dhT: p.dhT,
      dx: new Float32Array(T * B * I),
      dh0: new Float32Array(BH),
      dWIh: jsGrads.wIh,
      dWHh: jsGrads.wHh,
      dBIh: jsGrads.bIh,
      dBHh: jsGrads.bHh,
    };
    if (cell === 'lstm') {
      const f = kernels.lstmForward({ ...api, c0: p.c0 });
      const b = kernels.lstmBackward({ ...back, saved: f.saved, dcT: p.dcT });
      const call = {
        ...fwdCall,
        c0: p.c0,
        cT: new Float32Array(BH),
        gates: new Float32Array(T * B * 4 * H),
        c: new Float32Array((T + 1) * BH),
      };
      lstmForward(call);
      const bc = { ...bwdCommon, gates: call.gates, c: call.c, dcT: p.dcT, dc0: new Float32Array(BH) };
      lstmBackward(bc);
      compare('cT', f.cT, call.cT);
      compare('dc0', b.dc0, bc.dc0);
      compare('y', f.y, call.y);
      compare('hT', f.hT, call.hT);
      compare('dx', b.dx, bc.dx);
      compare('dh0', b.dh0, bc.dh0);
    } else if (cell === 'rnn') {
      const f = kernels.rnnForward({ ...api, activation: 'tanh' });
      const b = kernels.rnnBackward({ ...back, saved: f.saved });
      rnnForward({ ...fwdCall, activation: 'tanh' });
      rnnBackward({ ...bwdCommon, activation: 'tanh' });
      compare('y', f.y, fwdCall.y);
      compare('hT', f.hT, fwdCall.hT);
      compare('dx', b.dx, bwdCommon.dx);
      compare('dh0', b.dh0, bwdCommon.dh0);
    } else {
      const resetAfter = cell === 'gru';
      const f = kernels.gruForward({ ...api, resetAfter });
      const b = kernels.gruBackward({ ...back, saved: f.saved });
      const call = { ...fwdCall, resetAfter, gates: new Float32Array(T * B * 3 * H), hn: new Float32Array(T * BH) };
      gruForward(call);
      gruBackward({ ...bwdCommon, resetAfter, gates: call.gates, hn: call.hn });
      compare('y', f.y, call.y);
      compare('hT', f.hT, call.hT);
      compare('dx', b.dx, bwdCommon.dx);
      compare('dh0', b.dh0, bwdCommon.dh0);
    }
    compare('dWIh', grads.wIh, jsGrads.wIh);
    compare('dWHh', grads.wHh, jsGrads.wHh);
    compare('dBIh', grads.bIh, jsGrads.bIh);
    compare('dBHh', grads.bHh, jsGrads.bHh);
  });

  test('weight gradients accumulate: two backward passes give twice the gradient', () => {
    const p = problem('lstm', 5, 4, 3, 6, 99);
    const f = kernels.lstmForward({ ...p.dims, x: p.x, wIh: p.wIh, wHh: p.wHh, bIh: p.bIh, bHh: p.bHh });
    const once = p.grads();
    const twice = p.grads();
    kernels.lstmBackward({ x: p.x, wIh: p.wIh, wHh: p.wHh, saved: f.saved, dy: p.dy, grads: once });
    for (let k = 0; k < 2; k++)
      kernels.lstmBackward({ x: p.x, wIh: p.wIh, wHh: p.wHh, saved: f.saved, dy: p.dy, grads: twice });
    for (const key of ['wIh', 'wHh', 'bIh', 'bHh'] as const) {
      compare(
        key,
        twice[key],
        once[key].map((v) => 2 * v),
      );
    }
  });
});
