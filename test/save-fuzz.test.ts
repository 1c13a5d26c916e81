// The model loader against hostile files (issue 13): a saved folder (a model with optimizer state, schedules and
// scalers) has one of its three files truncated, bit-flipped, given a random safetensors header, or its model.json
// given random values at random places, thousands of times. Every case either loads (a change that does not
// matter, such as a flipped letter of savedAt) or rejects with a ModelFileError or SafetensorsError whose message
// names the file changed; nothing crashes, nothing hangs. More cases: STEADYGRAD_FUZZ_CASES=30000.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { Adam, ModelFileError, SafetensorsError, StepLR, layers, loadModel, sequential } from '../src/index.js';
import { makeRandom, randomInt } from './helpers/random.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'steadygrad-fuzz-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const FILES = ['model.json', 'model.safetensors', 'optimizer.safetensors'];
const CASES = Number(process.env.STEADYGRAD_FUZZ_CASES ?? 2400);

async function savedFolder(): Promise<Record<string, Buffer>> {
  const model = sequential(
    [
      layers.lstm({ units: 3, returnSequences: true, inputShape: [4, 2] }),
      layers.layerNorm(),
      layers.gru({ units: 2 }),
      layers.dense({ units: 1 }),
    ],
    { seed: 4 },
  );
  const optimizer = new Adam({ lr: 0.01 });
  model.compile({
    optimizer,
    loss: 'mse',
    metrics: ['mae'],
    inputScaler: 'standard',
    targetScaler: 'mapminmax',
    schedules: [new StepLR(optimizer, { stepSize: 1 })],
  });
  const x = { data: new Float32Array(40).map((_, i) => Math.sin(i)), shape: [5, 4, 2] };
  const y = { data: new Float32Array(5).map((_, i) => i), shape: [5, 1] };
  await model.fit(x, y, { epochs: 2, verbose: 0 });
  const dir = path.join(root, 'pristine');
  await model.save(dir);
  return Object.fromEntries(FILES.map((f) => [f, fs.readFileSync(path.join(dir, f))]));
}

type Random = () => number;

function truncate(bytes: Buffer, r: Random): Buffer {
  return bytes.subarray(0, randomInt(r, 0, bytes.length - 1));
}

function flipBits(bytes: Buffer, r: Random): Buffer {
  const out = Buffer.from(bytes);
  for (let k = randomInt(r, 1, 8); k > 0; k--) {
    // mostly in the first bytes (the length and the header), where a flip changes the most
    const at = r() < 0.7 ? randomInt(r, 0, Math.min(out.length - 1, 300)) : randomInt(r, 0, out.length - 1);
    out[at] ^= 1 << randomInt(r, 0, 7);
  }
  return out;
}

const pick = <T>(r: Random, items: readonly T[]): T => items[randomInt(r, 0, items.length - 1)];

function randomValue(r: Random, depth = 0): unknown {
  switch (randomInt(r, 0, depth > 2 ? 6 : 8)) {
    case 0:
      return null;
    case 1:
      return pick(r, [0, -1, 1, 2.5, 1e308, -1e308, 2 ** 53, 4294967296, 1e-320, 16777217]);
    case 2:
      return pick(r, ['', 'F32', 'I64', 'dense', 'lstm', 'Adam', 'Infinity', 'NaN', '__metadata__', 'x'.repeat(300)]);
    case 3:
      return r() < 0.5;
    case 4:
      return randomInt(r, 0, 64);
    case 5:
      return pick(r, ['model.safetensors', 'optimizer.safetensors', '../model.json', '/etc/passwd']);
    case 6:
      return [];
    case 7:
      return Array.from({ length: randomInt(r, 0, 4) }, () => randomValue(r, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: randomInt(r, 0, 3) }, (_, i) => [`k${i}`, randomValue(r, depth + 1)]),
      );
  }
}

// model.json with a random value at a random place (or a key removed, or an unknown one added).
function mutateJson(bytes: Buffer, r: Random): Buffer {
  const json = JSON.parse(bytes.toString()) as Record<string, unknown>;
  const places: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (node: unknown) => {
    if (typeof node !== 'object' || node === null) return;
    for (const [k, v] of Object.entries(node)) {
      places.push([node as Record<string, unknown>, Array.isArray(node) ? Number(k) : k]);
      walk(v);
    }
  };
  walk(json);
  for (let k = randomInt(r, 1, 3); k > 0; k--) {
    const [parent, key] = pick(r, places);
    const action = r();
    const target = parent as Record<string, unknown>;
    if (action < 0.15 && !Array.isArray(parent)) delete target[key];
    else if (action < 0.2 && !Array.isArray(parent)) target.extra = randomValue(r);
    else target[key] = randomValue(r);
  }
  return Buffer.from(JSON.stringify(json));
}

// A safetensors file with a random header (random tensors, dtypes, shapes and offsets; the right save id, so that
// the header is read through) over its own data.
function randomHeader(bytes: Buffer, r: Random): Buffer {
  const n = Number(bytes.readBigUInt64LE(0));
  const original = JSON.parse(bytes.subarray(8, 8 + n).toString()) as Record<string, unknown>;
  const data = bytes.subarray(8 + n);
  const header: Record<string, unknown> = { __metadata__: original.__metadata__ };
  const names = Object.keys(original).filter((k) => k !== '__metadata__');
  let at = 0;
  for (let k = randomInt(r, 0, names.length + 1); k > 0; k--) {
    const shape = Array.from({ length: randomInt(r, 0, 3) }, () => (r() < 0.1 ? randomValue(r) : randomInt(r, 0, 12)));
    const size = randomInt(r, 0, 200) * (r() < 0.5 ? 4 : 1);
    const offsets = r() < 0.8 ? [at, at + size] : [randomValue(r), randomValue(r)];
    header[r() < 0.7 ? pick(r, names) : `t${k}`] = {
      dtype: r() < 0.8 ? 'F32' : pick(r, ['F64', 'F16', 'BF16', 'I8', 'U64', 'BOOL', 'X', 3]),
      shape,
      data_offsets: offsets,
    };
    at += size;
  }
  const json = Buffer.from(r() < 0.1 ? JSON.stringify(header).slice(0, -randomInt(r, 1, 5)) : JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(r() < 0.05 ? BigInt(randomInt(r, 0, 2 ** 31)) : BigInt(json.length));
  return Buffer.concat([length, json, data.subarray(0, r() < 0.8 ? data.length : randomInt(r, 0, data.length))]);
}

test(`${CASES} hostile folders: each loads or is refused with an error naming the file, none crashes or hangs`, async () => {
  const pristine = await savedFolder();
  const dir = path.join(root, 'fuzz');
  fs.mkdirSync(dir);
  for (const f of FILES) fs.writeFileSync(path.join(dir, f), pristine[f]);
  const r = makeRandom(13);
  const counts: Record<string, { loaded: number; refused: number }> = {};
  for (let i = 0; i < CASES; i++) {
    const file = FILES[i % 3];
    const kinds =
      file === 'model.json' ? ['truncate', 'flip', 'json', 'json'] : ['truncate', 'flip', 'header', 'header'];
    const kind = pick(r, kinds);
    const bytes =
      kind === 'truncate'
        ? truncate(pristine[file], r)
        : kind === 'flip'
          ? flipBits(pristine[file], r)
          : kind === 'json'
            ? mutateJson(pristine[file], r)
            : randomHeader(pristine[file], r);
    const target = path.join(dir, file);
    fs.writeFileSync(target, bytes);
    const tally = (counts[`${file} ${kind}`] ??= { loaded: 0, refused: 0 });
    const started = performance.now();
    try {
      await loadModel(dir);
      tally.loaded++;
    } catch (error) {
      tally.refused++;
      const ok = (error instanceof ModelFileError || error instanceof SafetensorsError) && error.message.includes(file);
      if (!ok) {
        throw new Error(`case ${i} (${kind} of ${file}) gave ${String(error)}`, { cause: error });
      }
    }
    expect(performance.now() - started, `case ${i} (${kind} of ${file})`).toBeLessThan(5000);
    fs.writeFileSync(target, pristine[file]);
  }
  if (process.env.FUZZ_DEBUG) console.log(counts); // how many of each kind loaded and were refused
  // every kind of damage was seen, and almost all of it was refused (what loads changed nothing that matters)
  for (const [key, { loaded, refused }] of Object.entries(counts)) {
    expect(refused, key).toBeGreaterThan(0);
    if (!key.startsWith('model.json')) expect(loaded, key).toBe(0); // the checksum catches every change
  }
}, 600_000);
