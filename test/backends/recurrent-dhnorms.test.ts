// dhNorms, the per-step norm of dL/dh_t that the backward kernels compute when asked (what gradient monitors plot
// as the vanishing curve): against finite differences of the float64 reference forward pass, and, on the native
// backend, against the pure-TypeScript cells. Asking for it changes no other output.
//
// dL/dh_t is the partial derivative with respect to the state after step t, the rest of the state (LSTM's c_t)
// held: the reference runs the steps after t from h_t (and c_t) as their initial state, and its loss adds the
// direct term h_t . dy_t; central differences of that loss with respect to the initial state, over the examples
// running at step t, give the gradient whose norm the kernel reports.
import { describe, expect, test } from 'vitest';
import { backend } from '../../src/backend/index.js';
import { createJsBackend } from '../../src/backend/js/index.js';
import type { Backend } from '../../src/backend/types.js';
import * as r from '../../src/kernels/recurrent.js';
import { type ReferenceCell, referenceForward, referenceLoss } from '../helpers/recurrent-reference.js';
import { makeRandom, randomArray } from '../helpers/random.js';

const js = createJsBackend('test', 1, null);
const CELLS: ReferenceCell[] = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru', 'gru_before'];
const gatesOf = (cell: ReferenceCell) => (cell === 'lstm' ? 4 : cell.startsWith('gru') ? 3 : 1);

function setup(cell: ReferenceCell, seed: number, lengths: number[] | null, T = 5, B = 3, I = 2, H = 4) {
  const random = makeRandom(seed);
  const G = gatesOf(cell);
  const s = 0.9;
  return {
    cell,
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
    c0: cell === 'lstm' ? randomArray(random, B * H) : null,
    lengths,
    dy: randomArray(random, T * B * H),
    dhT: randomArray(random, B * H),
    dcT: randomArray(random, B * H),
  };
}
type Setup = ReturnType<typeof setup>;

// Forward then backward on backend b, with or without dhNorms: every output by name.
function run(b: Backend, s: Setup, dhNorms: boolean): Record<string, Float32Array> {
  const G = gatesOf(s.cell);
  const { T, B, I, H, x, wIh, wHh, bIh, bHh, h0, lengths, dy, dhT } = s;
  const grads = {
    wIh: new Float32Array(G * H * I),
    wHh: new Float32Array(G * H * H),
    bIh: new Float32Array(G * H),
    bHh: new Float32Array(G * H),
  };
  const inputs = { T, B, I, H, x, wIh, wHh, bIh, bHh, h0, lengths };
  const back = { x, wIh, wHh, dy, dhT, grads, ...(dhNorms ? { dhNorms: true } : {}) };
  let out: Record<string, Float32Array | undefined>;
  if (s.cell === 'lstm') {
    const f = r.lstmForwardWith(b, { ...inputs, c0: s.c0 });
    out = { ...r.lstmBackwardWith(b, { ...back, saved: f.saved, dcT: s.dcT }) };
  } else if (s.cell.startsWith('gru')) {
    const f = r.gruForwardWith(b, { ...inputs, resetAfter: s.cell === 'gru' });
    out = { ...r.gruBackwardWith(b, { ...back, saved: f.saved }) };
  } else {
    const f = r.rnnForwardWith(b, { ...inputs, activation: s.cell === 'rnn_tanh' ? 'tanh' : 'relu' });
    out = { ...r.rnnBackwardWith(b, { ...back, saved: f.saved }) };
  }
  return { ...(out as Record<string, Float32Array>), ...grads };
}

// ||dL/dh_t|| for every t by central differences in float64 (see the top of the file).
function finiteDifferenceNorms(s: Setup): number[] {
  const { cell, T, B, I, H } = s;
  const len = (b: number) => (s.lengths ? s.lengths[b] : T);
  const eps = 1e-6;
  const norms: number[] = [];
  for (let t = 0; t < T; t++) {
    // The state after step t: the reference run over steps 0..t.
    const prefix = referenceForward({
      ...s,
      T: t + 1,
      x: s.x.subarray(0, (t + 1) * B * I),
      lengths: Array.from({ length: B }, (_, b) => Math.min(len(b), t + 1)),
    });
    const rest = T - t - 1;
    const h = Float64Array.from(prefix.hT);
    const loss = () => {
      const after = referenceForward({
        ...s,
        T: rest,
        x: s.x.subarray((t + 1) * B * I),
        h0: h,
        c0: cell === 'lstm' ? prefix.cT : null,
        lengths: Array.from({ length: B }, (_, b) => Math.max(0, len(b) - t - 1)),
      });
      let L = referenceLoss(after, s.dy.subarray((t + 1) * B * H), s.dhT, cell === 'lstm' ? s.dcT : null);
      for (let b = 0; b < B; b++) {
        if (t >= len(b)) continue; // y_t of a finished example is 0, whatever its state
        for (let j = 0; j < H; j++) L += h[b * H + j] * s.dy[(t * B + b) * H + j];
      }
      return L;
    };
    let sum = 0;
    for (let b = 0; b < B; b++) {
      if (t >= len(b)) continue;
      for (let j = 0; j < H; j++) {
        const i = b * H + j;
        const v = h[i];
        h[i] = v + eps;
        const up = loss();
        h[i] = v - eps;
        const down = loss();
        h[i] = v;
        sum += ((up - down) / (2 * eps)) ** 2;
      }
    }
    norms.push(Math.sqrt(sum));
  }
  return norms;
}

describe('dhNorms: the norm of dL/dh_t at every step', () => {
  const variants = [
    { label: 'no lengths', lengths: null },
    { label: 'lengths [5, 0, 2]', lengths: [5, 0, 2] },
  ];
  const cases = CELLS.flatMap((cell, i) =>
    variants.map((v, k) => [`${cell}, ${v.label}`, cell, v, 40 + 10 * i + k] as const),
  );

  test.each(cases)('%s: matches finite differences of the float64 forward pass', (_, cell, v, seed) => {
    const s = setup(cell, seed, v.lengths);
    const got = run(backend, s, true).dhNorms;
    const want = finiteDifferenceNorms(s);
    expect(got.length).toBe(s.T);
    for (let t = 0; t < s.T; t++) {
      expect(Math.abs(got[t] - want[t]), `t = ${t}: ${got[t]} vs ${want[t]}`).toBeLessThanOrEqual(
        1e-4 * Math.max(1, want[t]),
      );
    }
  });

  test.each(cases)('%s: asking for it changes no other output', (_, cell, v, seed) => {
    const s = setup(cell, seed, v.lengths);
    const withNorms = run(backend, s, true);
    const without = run(backend, s, false);
    expect(without.dhNorms).toBeUndefined();
    for (const name of Object.keys(without)) expect(withNorms[name], name).toEqual(without[name]);
  });

  test.skipIf(backend.name === 'js').each(CELLS)('%s: native agrees with the pure-TypeScript cell', (cell) => {
    const s = setup(cell, 7, [17, 3, 0, 20, 20, 9, 1], 20, 7, 5, 19);
    const ours = run(backend, s, true).dhNorms;
    const reference = run(js, s, true).dhNorms;
    for (let t = 0; t < s.T; t++) {
      expect(Math.abs(ours[t] - reference[t]), `t = ${t}`).toBeLessThanOrEqual(2e-5 * Math.max(1, reference[t]));
    }
  });

  test('dhNorms must be a boolean', () => {
    const s = setup('rnn_tanh', 1, null);
    const { T, B, I, H, x, wIh, wHh, bIh, bHh } = s;
    const f = r.rnnForward({ T, B, I, H, x, wIh, wHh, bIh, bHh });
    const grads = {
      wIh: new Float32Array(4 * 2),
      wHh: new Float32Array(16),
      bIh: new Float32Array(4),
      bHh: new Float32Array(4),
    };
    const call = { x: s.x, wIh: s.wIh, wHh: s.wHh, saved: f.saved, grads, dhNorms: 1 as unknown as boolean };
    expect(() => r.rnnBackward(call)).toThrow(new TypeError('rnnBackward: dhNorms must be a boolean, received 1'));
  });
});

test.skipIf(backend.name === 'js')('the addon re-checks a dhNorms buffer it is given', () => {
  const s = setup('lstm', 3, null);
  const { T, B, I, H, x, wIh, wHh, bIh, bHh } = s;
  const f = r.lstmForward({ T, B, I, H, x, wIh, wHh, bIh, bHh });
  const G = 4 * H;
  const call = {
    T,
    B,
    I,
    H,
    x,
    wIh,
    wHh,
    lengths: null,
    h: f.saved.h,
    gates: f.saved.gates,
    c: f.saved.c,
    dy: null,
    dhT: s.dhT,
    dcT: null,
    dx: new Float32Array(T * B * I),
    dh0: new Float32Array(B * H),
    dc0: new Float32Array(B * H),
    dWIh: new Float32Array(G * I),
    dWHh: new Float32Array(G * H),
    dBIh: new Float32Array(G),
    dBHh: new Float32Array(G),
    dhNorms: new Float32Array(T - 1),
  };
  expect(() => backend.lstmBackward(call)).toThrow(
    new RangeError('lstmBackward: dhNorms must be a Float32Array of length T = 5, received Float32Array(4)'),
  );
  call.dhNorms = new Float32Array(T);
  backend.lstmBackward(call);
  expect(call.dhNorms[T - 1]).toBeCloseTo(Math.hypot(...s.dhT.subarray(0, B * H)), 5);
});
