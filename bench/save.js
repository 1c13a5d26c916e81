// Saving and loading a model: model.save(dir) (model.json, model.safetensors, optimizer.safetensors, written
// crash-safely: temporaries, fsyncs, renames) and loadModel(dir) (every file read, checked and checksummed), on an
// LSTM(512 -> 1024) -> LSTM(512) -> dense model of 9.45 M parameters with its Adam state (108 MiB on disk), and
// saveWeights/loadWeights of the parameters alone (36 MiB). Medians of `runs` rounds, in a temporary folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Adam, layers, loadModel, sequential } from '../dist/index.js';
import { median } from './anchors.js';

export async function benchSave({ quick = false } = {}) {
  const runs = quick ? 3 : 7;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steadygrad-bench-save-'));
  try {
    const model = sequential(
      [
        layers.lstm({ units: 1024, inputShape: [10, 512], returnSequences: true }),
        layers.lstm({ units: 512 }),
        layers.dense({ units: 10 }),
      ],
      { seed: 1, initializers: 'pytorch' },
    );
    const optimizer = new Adam();
    model.compile({ optimizer, loss: 'mse' });
    for (const p of model.parameters()) p.grad.fill(1e-3);
    optimizer.step(); // Adam's state exists
    const parameters = model.parameters().reduce((n, p) => n + p.value.length, 0);
    const folder = path.join(dir, 'model');
    const file = path.join(dir, 'weights.safetensors');
    const times = { save: [], load: [], saveWeights: [], loadWeights: [] };
    const time = async (key, task) => {
      const t = performance.now();
      await task();
      times[key].push(performance.now() - t);
    };
    for (let i = 0; i < runs; i++) {
      await time('save', () => model.save(folder));
      await time('load', () => loadModel(folder));
      await time('saveWeights', () => model.saveWeights(file));
      await time('loadWeights', () => model.loadWeights(file));
    }
    const size = (f) => fs.statSync(f).size;
    const folderBytes = fs.readdirSync(folder).reduce((n, f) => n + size(path.join(folder, f)), 0);
    return {
      parameters,
      folderMiB: folderBytes / 2 ** 20,
      weightsMiB: size(file) / 2 ** 20,
      ms: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
