// The weights alone, as PyTorch's state_dict (issue 13): getWeights/setWeights in memory, loadWeights (strict,
// nameMap, every dtype safetensors has for floats) and saveWeights to a safetensors file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { SafetensorsError, layers, sequential, type Sequential } from '../src/index.js';
import { expectThrow } from './helpers/throws.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'steadygrad-weights-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const model = (seed: number): Sequential =>
  sequential([layers.gru({ units: 2, inputShape: [3, 2] }), layers.dense({ units: 1 })], { seed });
const x = { data: new Float32Array(12).map((_, i) => Math.sin(i)), shape: [2, 3, 2] };

/** A safetensors file of tensors given as name -> [shape, values, dtype]; F64, F16 and BF16 written by hand. */
function file(tensors: Record<string, [number[], number[], string?]>): Uint8Array {
  const header: Record<string, unknown> = {};
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const [name, [shape, values, dtype = 'F32']] of Object.entries(tensors)) {
    const size = { F32: 4, F64: 8, F16: 2, BF16: 2, I32: 4 }[dtype]!;
    const bytes = new Uint8Array(values.length * size);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => {
      if (dtype === 'F32') view.setFloat32(4 * i, v, true);
      else if (dtype === 'F64') view.setFloat64(8 * i, v, true);
      else if (dtype === 'I32') view.setInt32(4 * i, v, true);
      else if (dtype === 'BF16') view.setUint16(2 * i, new Uint32Array(new Float32Array([v]).buffer)[0] >>> 16, true);
      else view.setUint16(2 * i, v === 1 ? 0x3c00 : v === -2 ? 0xc000 : 0, true); // F16: 1, -2 and 0 only
    });
    header[name] = { dtype, shape, data_offsets: [at, at + bytes.length] };
    parts.push(bytes);
    at += bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + at);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let k = 8 + json.length;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}

describe('getWeights and setWeights', () => {
  test('copies by name, in layer order; setWeights makes one model predict as another', () => {
    const a = model(1);
    const b = model(2);
    const w = a.getWeights();
    expect(Object.keys(w)).toEqual(a.parameters().map((p) => p.name));
    expect(w['dense.weight'].shape).toEqual([1, 2]);
    w['dense.bias'].data[0] = 123; // a copy: the model is unchanged
    expect(a.parameters()[5].value[0]).not.toBe(123);
    expect(b.setWeights(a.getWeights())).toEqual({ missing: [], unexpected: [], mismatched: [] });
    expect(b.predict(x).data).toEqual(a.predict(x).data);
    // Float64Array data is rounded to float32
    const w64 = Object.fromEntries(
      Object.entries(a.getWeights()).map(([k, t]) => [k, { ...t, data: Float64Array.from(t.data) }]),
    );
    b.setWeights(w64 as never);
    expect(b.predict(x).data).toEqual(a.predict(x).data);
  });

  test('strict: one error lists everything and nothing changes; not strict: loads what matches', () => {
    const a = model(1);
    const before = a.getWeights();
    const w = model(2).getWeights();
    delete w['gru.bias_hh_l0'];
    w.extra = { data: new Float32Array(1), shape: [1] };
    w['dense.weight'] = { data: new Float32Array(2), shape: [2, 1] };
    expectThrow(
      () => a.setWeights(w),
      RangeError,
      "setWeights: weights does not match the model's parameters: missing 'gru.bias_hh_l0'; unexpected 'extra'; shapes differ (weights vs model) for dense.weight: [2, 1] vs [1, 2]",
    );
    expect(a.getWeights()).toEqual(before);
    const result = a.setWeights(w, { strict: false });
    expect(result).toEqual({
      missing: ['gru.bias_hh_l0'],
      unexpected: ['extra'],
      mismatched: ['dense.weight: [2, 1] vs [1, 2]'],
    });
    expect(a.getWeights()['gru.weight_ih_l0']).toEqual(w['gru.weight_ih_l0']);
    expect(a.getWeights()['dense.weight']).toEqual(before['dense.weight']);
  });

  test('bad values', () => {
    const a = model(1);
    const w = a.getWeights();
    w['dense.bias'].data[0] = NaN;
    expectThrow(
      () => a.setWeights(w),
      RangeError,
      'setWeights: weights: dense.bias holds NaN at index 0; weights must be finite',
    );
    expectThrow(
      () => a.setWeights(null as never),
      TypeError,
      'setWeights: weights must be an object { [name]: { data, shape } }, as getWeights() returns, received null',
    );
    expectThrow(
      () => a.setWeights({ 'dense.bias': { data: [1] as never, shape: [1] } }, { strict: false }),
      TypeError,
      "setWeights: weights['dense.bias'].data must be a Float32Array or Float64Array, received Array(1)",
    );
    expectThrow(
      () => a.setWeights({ 'dense.bias': { data: new Float32Array(1), shape: [2] } }, { strict: false }),
      RangeError,
      "setWeights: weights['dense.bias'].shape must be an array of integers whose product is data's length 1, received Array(1)",
    );
  });
});

describe('loadWeights and saveWeights', () => {
  test('saveWeights writes a safetensors file loadWeights reads back; nameMap renames both ways', async () => {
    const a = model(1);
    const b = model(2);
    const f = path.join(root, 'a.safetensors');
    await a.saveWeights(f);
    expect(await b.loadWeights(f)).toEqual({ missing: [], unexpected: [], mismatched: [] });
    expect(b.predict(x).data).toEqual(a.predict(x).data);
    // the names of another model (a torch module whose attributes are rnn and fc)
    const toTorch = (n: string) => n.replace(/^gru\./, 'rnn.').replace(/^dense\./, 'fc.');
    const g = path.join(root, 'torch-names.safetensors');
    await a.saveWeights(g, { nameMap: toTorch });
    const c = model(3);
    await expect(c.loadWeights(g)).rejects.toThrow(/missing 'gru.weight_ih_l0', .*; unexpected 'rnn.weight_ih_l0'/);
    await c.loadWeights(g, {
      nameMap: {
        'rnn.weight_ih_l0': 'gru.weight_ih_l0',
        'rnn.weight_hh_l0': 'gru.weight_hh_l0',
        'rnn.bias_ih_l0': 'gru.bias_ih_l0',
        'rnn.bias_hh_l0': 'gru.bias_hh_l0',
        'fc.weight': 'dense.weight',
        'fc.bias': 'dense.bias',
      },
    });
    expect(c.predict(x).data).toEqual(a.predict(x).data);
    // bytes work as well as a path
    const d = model(4);
    await d.loadWeights(fs.readFileSync(f));
    expect(d.predict(x).data).toEqual(a.predict(x).data);
  });

  test('F64, F16 and BF16 tensors are converted; a tensor a nameMap drops is unexpected', async () => {
    const m = sequential([layers.dense({ units: 2, inputShape: [1] })]);
    const bytes = file({
      'dense.weight': [[2, 1], [0.1, 0.2], 'F64'],
      'dense.bias': [[2], [1, -2], 'F16'],
      skip: [[1], [3], 'BF16'],
    });
    const result = await m.loadWeights(bytes, { strict: false, nameMap: (n) => (n === 'skip' ? null : n) });
    expect(result).toEqual({ missing: [], unexpected: ['skip'], mismatched: [] });
    expect(Array.from(m.getWeights()['dense.weight'].data)).toEqual([Math.fround(0.1), Math.fround(0.2)]);
    expect(Array.from(m.getWeights()['dense.bias'].data)).toEqual([1, -2]);
    await expect(m.loadWeights(bytes, { nameMap: (n) => (n === 'skip' ? null : n) })).rejects.toThrow(
      "loadWeights: the safetensors data does not match the model's parameters: unexpected 'skip'",
    );
  });

  test('errors: a hostile file, an integer tensor, non-finite weights, two tensors renamed alike, a missing file', async () => {
    const m = sequential([layers.dense({ units: 1, inputShape: [1] })]);
    await expect(m.loadWeights(new Uint8Array(3))).rejects.toThrow(
      new SafetensorsError(
        'the safetensors data: too short for a safetensors file (3 bytes, the header length alone takes 8)',
      ),
    );
    await expect(
      m.loadWeights(file({ 'dense.weight': [[1, 1], [1], 'I32'], 'dense.bias': [[1], [0]] })),
    ).rejects.toThrow(
      "the safetensors data: tensor 'dense.weight' has dtype I32, which cannot be loaded as float32 weights",
    );
    await expect(
      m.loadWeights(file({ 'dense.weight': [[1, 1], [Infinity]], 'dense.bias': [[1], [0]] })),
    ).rejects.toThrow(
      'loadWeights: the safetensors data: dense.weight holds Infinity at index 0; weights must be finite',
    );
    await expect(
      m.loadWeights(file({ a: [[1, 1], [1]], b: [[1, 1], [1]] }), { nameMap: () => 'dense.weight' }),
    ).rejects.toThrow(
      "loadWeights: nameMap must be a map that gives each tensor a name of its own, received two tensors mapped to 'dense.weight'",
    );
    const missing = path.join(root, 'nope.safetensors');
    await expect(m.loadWeights(missing)).rejects.toThrow(`${missing}: missing (no such file)`);
    await expect(m.loadWeights(42 as never)).rejects.toThrow(
      'loadWeights: file must be a safetensors file path or its bytes (a Uint8Array), received 42',
    );
    await expect(m.loadWeights(file({}), { nameMap: 3 as never })).rejects.toThrow(
      'loadWeights: nameMap must be an object { from: to } or a function, received 3',
    );
    await expect(m.saveWeights(path.join(root, 'x.safetensors'), { nameMap: () => 'same' })).rejects.toThrow(
      /^saveWeights: nameMap must be a map that gives each parameter a name of its own/,
    );
  });
});
