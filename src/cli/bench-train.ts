// A child process of `steadygrad bench`: times a model's training step (trainOnBatch) on the backend the environment
// chooses (STEADYGRAD_BACKEND) and prints { ms, backend } as JSON. Argument: the number of timed repetitions.
import { backendInfo } from '../backend/index.js';
import { layers } from '../layers/registry.js';
import { sequential } from '../model/sequential.js';
import { Adam } from '../optim/index.js';
import { medianMs } from './bench-command.js';

const repeat = Number(process.argv[2] ?? 3);
const model = sequential(
  [
    layers.dense({ units: 256, activation: 'relu', inputShape: [784] }),
    layers.dense({ units: 256, activation: 'relu' }),
    layers.dense({ units: 10 }),
  ],
  { seed: 1 },
);
model.compile({ optimizer: new Adam(), loss: { name: 'categoricalCrossentropy', fromLogits: true } });
const x = { data: Float32Array.from({ length: 128 * 784 }, (_, i) => ((i * 7919) % 255) / 255), shape: [128, 784] };
const y = {
  data: Float32Array.from({ length: 128 * 10 }, (_, i) => (i % 10 === Math.floor(i / 10) % 10 ? 1 : 0)),
  shape: [128, 10],
};
const ms = medianMs(() => model.trainOnBatch(x, y), repeat);
process.stdout.write(JSON.stringify({ ms, backend: backendInfo().backend }));
