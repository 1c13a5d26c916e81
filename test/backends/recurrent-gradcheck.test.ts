// The backward passes against finite differences of an independent float64 forward pass
// (test/helpers/recurrent-reference.ts), for every parameter and input of every cell, with lengths (one of them 0)
// and with initial states. Central differences with eps = 1e-6 in float64 are accurate to ~1e-9; the float32
// kernels must agree with them within 1e-4 * max(1, the largest |gradient| of that array), element by element.
import { describe, expect, test } from 'vitest';
import {
  type RecurrentWeights,
  gruBackward,
  gruForward,
  lstmBackward,
  lstmForward,
  rnnBackward,
  rnnForward,
} from '../../src/kernels/index.js';
import {
  type ReferenceCell,
  type ReferenceInputs,
  referenceForward,
  referenceLoss,
} from '../helpers/recurrent-reference.js';
import { makeRandom, randomArray } from '../helpers/random.js';

const CELLS: ReferenceCell[] = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru', 'gru_before'];
const gatesOf = (cell: ReferenceCell) => (cell === 'lstm' ? 4 : cell.startsWith('gru') ? 3 : 1);

interface Setup {
  p: ReferenceInputs & { x: Float32Array; wIh: Float32Array; wHh: Float32Array; bIh: Float32Array; bHh: Float32Array };
  dy: Float32Array;
  dhT: Float32Array;
  dcT: Float32Array;
}

function setup(cell: ReferenceCell, seed: number, withState: boolean, lengths: number[] | null): Setup {
  const random = makeRandom(seed);
  const [T, B, I, H] = [4, 3, 3, 5];
  const G = gatesOf(cell);
  const s = 0.8;
  return {
    p: {
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
      h0: withState ? randomArray(random, B * H) : null,
      c0: withState && cell === 'lstm' ? randomArray(random, B * H) : null,
      lengths,
    },
    dy: randomArray(random, T * B * H),
    dhT: randomArray(random, B * H),
    dcT: randomArray(random, B * H),
  };
}

// Our gradients of L = sum(y dy) + sum(hT dhT) + sum(cT dcT), by parameter name.
function ours({ p, dy, dhT, dcT }: Setup): Record<string, Float32Array> {
  const G = gatesOf(p.cell);
  const grads: RecurrentWeights = {
    wIh: new Float32Array(G * p.H * p.I),
    wHh: new Float32Array(G * p.H * p.H),
    bIh: new Float32Array(G * p.H),
    bHh: new Float32Array(G * p.H),
  };
  const h0 = p.h0 as Float32Array | null;
  const inputs = { T: p.T, B: p.B, I: p.I, H: p.H, x: p.x, wIh: p.wIh, wHh: p.wHh, bIh: p.bIh, bHh: p.bHh, h0 };
  const lengths = p.lengths;
  const back = { x: p.x, wIh: p.wIh, wHh: p.wHh, dy, dhT, grads };
  let d: Record<string, Float32Array>;
  if (p.cell === 'lstm') {
    const f = lstmForward({ ...inputs, c0: p.c0 as Float32Array | null, lengths });
    d = { ...lstmBackward({ ...back, saved: f.saved, dcT }) };
  } else if (p.cell.startsWith('gru')) {
    const f = gruForward({ ...inputs, lengths, resetAfter: p.cell === 'gru' });
    d = { ...gruBackward({ ...back, saved: f.saved }) };
  } else {
    const f = rnnForward({ ...inputs, lengths, activation: p.cell === 'rnn_tanh' ? 'tanh' : 'relu' });
    d = { ...rnnBackward({ ...back, saved: f.saved }) };
  }
  return { x: d.dx, h0: d.dh0, ...(d.dc0 ? { c0: d.dc0 } : {}), ...grads };
}

// Central differences of the float64 reference loss with respect to every element of every parameter.
function finiteDifferences({ p, dy, dhT, dcT }: Setup): Record<string, Float64Array> {
  const eps = 1e-6;
  const base: Record<string, Float64Array> = {
    x: Float64Array.from(p.x),
    wIh: Float64Array.from(p.wIh),
    wHh: Float64Array.from(p.wHh),
    bIh: Float64Array.from(p.bIh),
    bHh: Float64Array.from(p.bHh),
    h0: p.h0 ? Float64Array.from(p.h0) : new Float64Array(p.B * p.H),
    ...(p.cell === 'lstm' ? { c0: p.c0 ? Float64Array.from(p.c0) : new Float64Array(p.B * p.H) } : {}),
  };
  const loss = () => referenceLoss(referenceForward({ ...p, ...base }), dy, dhT, p.cell === 'lstm' ? dcT : null);
  const out: Record<string, Float64Array> = {};
  for (const [name, values] of Object.entries(base)) {
    out[name] = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      values[i] = v + eps;
      const up = loss();
      values[i] = v - eps;
      const down = loss();
      values[i] = v;
      out[name][i] = (up - down) / (2 * eps);
    }
  }
  return out;
}

describe('backward passes match finite differences of a float64 forward pass', () => {
  const variants = [
    { label: 'no lengths, zero initial state', state: false, lengths: null },
    { label: 'lengths [4, 0, 2], initial states', state: true, lengths: [4, 0, 2] },
    { label: 'lengths [1, 3, 4]', state: false, lengths: [1, 3, 4] },
  ];
  const cases = CELLS.flatMap((cell, i) =>
    variants.map((v, k) => [`${cell}, ${v.label}`, cell, v, 100 * i + k] as const),
  );
  test.each(cases)('%s', (_, cell, v, seed) => {
    const s = setup(cell, seed, v.state, v.lengths);
    const got = ours(s);
    const want = finiteDifferences(s);
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const name of Object.keys(want)) {
      const scale = Math.max(1, ...Array.from(want[name], Math.abs));
      let worst = 0;
      for (let i = 0; i < want[name].length; i++) {
        worst = Math.max(worst, Math.abs(got[name][i] - want[name][i]) / (1e-4 * scale));
      }
      expect(worst, `${name}: worst error / bound`).toBeLessThanOrEqual(1);
    }
  });

  test('the float64 reference itself matches the forward kernels', () => {
    for (const cell of CELLS) {
      const s = setup(cell, 7, true, [4, 0, 2]);
      const ref = referenceForward(s.p);
      const { T, B, I, H, x, wIh, wHh, bIh, bHh } = s.p;
      const inputs = { T, B, I, H, x, wIh, wHh, bIh, bHh, h0: s.p.h0 as Float32Array, lengths: s.p.lengths };
      const f =
        cell === 'lstm'
          ? lstmForward({ ...inputs, c0: s.p.c0 as Float32Array })
          : cell.startsWith('gru')
            ? gruForward({ ...inputs, resetAfter: cell === 'gru' })
            : rnnForward({ ...inputs, activation: cell === 'rnn_tanh' ? 'tanh' : 'relu' });
      for (let i = 0; i < ref.y.length; i++) expect(Math.abs(f.y[i] - ref.y[i])).toBeLessThan(1e-5);
      for (let i = 0; i < ref.hT.length; i++) expect(Math.abs(f.hT[i] - ref.hT[i])).toBeLessThan(1e-5);
    }
  });
});
