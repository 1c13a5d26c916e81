// PyTorch interop, both ways, from the committed fixtures of test/fixtures/gen_saveload.py (issue 13), without
// torch: state_dicts torch saved as safetensors load into the matching steadygrad models (loadWeights, strict, a
// nameMap for torch's 2-layer LSTM) and predict what torch computed; and steadygrad still writes, for the same
// weights, exactly the files torch loaded at generation time (so torch's outputs on them still apply), which match
// its own predictions. model.save's model.safetensors holds the same tensors as saveWeights' file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { type Input, type Sequential, loadModel, sequentialFromConfig } from '../src/index.js';
import { decodeSafetensors } from '../src/io/safetensors.js';
import { CASES, fillWeights, fromTorch, toTorch } from './fixtures/saveload/cases.js';

const here = path.join(import.meta.dirname, 'fixtures', 'saveload');
interface Fixture {
  name: string;
  x: number[];
  xShape: number[];
  lengths: number[] | null;
  torch: { file: string; outputs: number[] };
  steadygrad: { file: string; outputs: number[] };
}
const fixture = JSON.parse(fs.readFileSync(path.join(here, 'interop.json'), 'utf8')) as { cases: Fixture[] };
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'steadygrad-interop-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function model(k: number): Sequential {
  const c = CASES[k];
  return sequentialFromConfig({ name: c.name, seed: 1, initializers: 'keras', layers: c.layers });
}

function input(f: Fixture): Input {
  const data = Float32Array.from(f.x);
  return f.lengths ? { data, shape: f.xShape, lengths: f.lengths } : { data, shape: f.xShape };
}

// float32 models on both sides, summing in different orders: agreement to a few float32 ulps (measured: at most 1e-7) of the outputs' size
function expectClose(actual: Float32Array, expected: number[], what: string) {
  expect(actual.length, what).toBe(expected.length);
  const scale = Math.max(1, ...expected.map(Math.abs));
  expected.forEach((e, i) => expect(Math.abs(actual[i] - e), `${what} [${i}]`).toBeLessThan(5e-7 * scale));
}

describe.each(CASES.map((c, k) => [c.name, k] as const))('%s', (name, k) => {
  const f = fixture.cases[k];

  test('a state_dict torch saved loads (strict) and gives torch outputs', async () => {
    expect(f.name).toBe(name);
    const m = model(k);
    const result = await m.loadWeights(path.join(here, f.torch.file), CASES[k].renamed ? { nameMap: fromTorch } : {});
    expect(result).toEqual({ missing: [], unexpected: [], mismatched: [] });
    expectClose(m.predict(input(f)).data, f.torch.outputs, 'predict');
  });

  test('steadygrad writes byte for byte the file torch loaded, and predicts what torch computed from it', async () => {
    const m = model(k);
    fillWeights(m.parameters(), k);
    const file = path.join(root, `${name}.safetensors`);
    await m.saveWeights(file, CASES[k].renamed ? { nameMap: toTorch } : {});
    expect(fs.readFileSync(file).equals(fs.readFileSync(path.join(here, f.steadygrad.file)))).toBe(true);
    expectClose(m.predict(input(f)).data, f.steadygrad.outputs, 'predict');
  });

  test("model.save's model.safetensors holds the tensors saveWeights writes, and loads back", async () => {
    const m = model(k);
    fillWeights(m.parameters(), k);
    const dir = path.join(root, name);
    await m.save(dir);
    const saved = decodeSafetensors(fs.readFileSync(path.join(dir, 'model.safetensors')), 'model.safetensors');
    const plain = path.join(root, `${name}-plain.safetensors`);
    await m.saveWeights(plain);
    const reference = decodeSafetensors(fs.readFileSync(plain), 'plain');
    expect([...saved.tensors.keys()]).toEqual([...reference.tensors.keys()]);
    for (const [key, t] of reference.tensors) {
      const s = saved.tensors.get(key)!;
      expect([s.dtype, s.shape]).toEqual([t.dtype, t.shape]);
      expect(Buffer.from(s.bytes).equals(Buffer.from(t.bytes)), key).toBe(true);
    }
    expect(Object.keys(saved.metadata).sort()).toEqual(['format', 'saveId']);
    if (!CASES[k].renamed) expectClose((await loadModel(dir)).predict(input(f)).data, f.steadygrad.outputs, 'loaded');
  });
});
