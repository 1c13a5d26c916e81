// The child process of the kill test (test/save-kill.test.ts): once ready, it reads a line "<first> <phase> <save>"
// from stdin, then saves versions first, first + 1, ... of the model of save-versions.js into a folder, forever,
// writing the number of each completed save to a side file (synchronously, so that a kill cannot lose it). With a
// phase other than '-', it kills itself at that step of its <save>-th save.
//   node save-kill-child.js <dist folder> <model folder> <side file>
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LAYERS, stateOf, weightsOf } from './save-versions.js';

const [dist, dir, side] = process.argv.slice(2);
const load = (file) => import(pathToFileURL(path.join(dist, file)).href);
const { Adam, sequential, layers } = await load('index.js');
const { setSavePhaseHook } = await load('io/model-folder.js');

const model = sequential(
  LAYERS.map((l) => layers[l.type](l.config)),
  { seed: 1 },
);
const optimizer = new Adam({ lr: 1e-3 });
model.compile({ optimizer, loss: 'mse' });
const params = model.parameters();

process.stdout.write('ready\n');
const line = await new Promise((resolve) => process.stdin.once('data', (d) => resolve(String(d))));
const [first, killPhase, killSave] = line.trim().split(' ');
let saves = 0;
if (killPhase !== '-') {
  setSavePhaseHook((phase) => {
    if (phase === killPhase && saves + 1 === Number(killSave)) process.kill(process.pid, 'SIGKILL');
  });
}
for (let v = Number(first); ; v++) {
  model.setWeights(weightsOf(v, params));
  optimizer.loadStateDict(stateOf(v, params));
  await model.save(dir);
  saves++;
  fs.writeFileSync(side, String(v));
}
