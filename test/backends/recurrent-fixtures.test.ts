// RNN, LSTM and GRU against PyTorch's golden fixtures (test/fixtures/gen_rnn.py, float64), through the public
// kernels API on the backend and ISA this project forces. Every output, final state and gradient must be within
//   1e-5 * max(1, the largest |expected| of that array)
// of PyTorch's value, element by element (the float32 kernels land within about 2e-6).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  gruBackward,
  gruForward,
  lstmBackward,
  lstmForward,
  rnnBackward,
  rnnForward,
} from '../../src/kernels/index.js';

interface Fixture {
  name: string;
  cell: 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';
  resetAfter?: boolean;
  T: number;
  B: number;
  I: number;
  H: number;
  x: number[];
  wIh: number[];
  wHh: number[];
  bIh: number[];
  bHh: number[];
  h0: number[] | null;
  c0?: number[] | null;
  lengths: number[] | null;
  dy: number[];
  dhT: number[] | null;
  dcT?: number[] | null;
  expected: Record<string, number[]>;
}

const dir = path.join(import.meta.dirname, '..', 'fixtures', 'rnn');
const load = (file: string) =>
  (JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { cases: Fixture[] }).cases;
const cases = ['rnn_tanh.json', 'rnn_relu.json', 'lstm.json', 'gru.json'].flatMap(load);
const f32 = (a: number[] | null | undefined) => (a ? Float32Array.from(a) : null);

/** The largest |actual - expected| over the array, divided by its tolerance; <= 1 passes. */
function errorRatio(actual: Float32Array, expected: number[]): number {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(1, ...expected.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const r = Math.abs(actual[i] - expected[i]) / (1e-5 * scale);
    worst = Number.isNaN(r) ? Infinity : Math.max(worst, r);
  }
  return worst;
}

// Runs forward and backward through the public API; returns every array the fixture has an expectation for.
function run(c: Fixture): Record<string, Float32Array> {
  const G = c.cell === 'lstm' ? 4 : c.cell === 'gru' ? 3 : 1;
  const { T, B, I, H } = c;
  const weights = { wIh: f32(c.wIh)!, wHh: f32(c.wHh)!, bIh: f32(c.bIh)!, bHh: f32(c.bHh)! };
  const common = { T, B, I, H, x: f32(c.x)!, ...weights, h0: f32(c.h0), lengths: c.lengths };
  const grads = {
    wIh: new Float32Array(G * H * I),
    wHh: new Float32Array(G * H * H),
    bIh: new Float32Array(G * H),
    bHh: new Float32Array(G * H),
  };
  const back = { x: common.x, wIh: weights.wIh, wHh: weights.wHh, dy: f32(c.dy), dhT: f32(c.dhT), grads };
  const out: Record<string, Float32Array> = {};
  if (c.cell === 'lstm') {
    const f = lstmForward({ ...common, c0: f32(c.c0) });
    const b = lstmBackward({ ...back, saved: f.saved, dcT: f32(c.dcT) });
    Object.assign(out, { y: f.y, hT: f.hT, cT: f.cT, dx: b.dx, dh0: b.dh0, dc0: b.dc0 });
  } else if (c.cell === 'gru') {
    const f = gruForward({ ...common, resetAfter: c.resetAfter });
    const b = gruBackward({ ...back, saved: f.saved });
    Object.assign(out, { y: f.y, hT: f.hT, dx: b.dx, dh0: b.dh0 });
  } else {
    const f = rnnForward({ ...common, activation: c.cell === 'rnn_tanh' ? 'tanh' : 'relu' });
    const b = rnnBackward({ ...back, saved: f.saved });
    Object.assign(out, { y: f.y, hT: f.hT, dx: b.dx, dh0: b.dh0 });
  }
  return { ...out, dWIh: grads.wIh, dWHh: grads.wHh, dBIh: grads.bIh, dBHh: grads.bHh };
}

describe('matches PyTorch (float64 golden fixtures) within 1e-5 of each array scale', () => {
  test('the fixtures cover every cell, lengths, initial states and absent final-state gradients', () => {
    const kinds = new Set(cases.map((c) => `${c.cell}${c.cell === 'gru' ? String(c.resetAfter) : ''}`));
    expect([...kinds].sort()).toEqual(['grufalse', 'grutrue', 'lstm', 'rnn_relu', 'rnn_tanh']);
    expect(cases.some((c) => c.lengths && c.h0 && c.cell === 'lstm' && c.c0)).toBe(true);
    expect(cases.some((c) => c.dhT === null)).toBe(true);
    expect(cases.some((c) => c.H % 16 !== 0 && c.H > 16)).toBe(true);
  });

  test.each(cases.map((c) => [`${c.name}${c.cell === 'gru' ? ` resetAfter=${c.resetAfter}` : ''}`, c] as const))(
    '%s',
    (_, c) => {
      const out = run(c);
      const names = Object.keys(c.expected);
      expect(names.length).toBeGreaterThanOrEqual(8);
      for (const name of names) {
        expect(errorRatio(out[name], c.expected[name]), `${name}: worst error / bound`).toBeLessThanOrEqual(1);
      }
    },
  );
});
