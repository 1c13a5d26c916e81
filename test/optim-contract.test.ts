// Issue 12's contract, run exactly as written (after a prelude that defines params, encoder and head), in a child
// Node process that imports the built package by its name, as a user's script does.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

const contract = `import { SGD, Adam, AdamW, RMSprop, Adagrad, clipGradNorm, clipGradValue, CosineAnnealingLR } from 'steadygrad';

// a parameter is { name?, shape?, value: Float32Array, grad: Float32Array }: the model's parameters() are such objects
const opt = new Adam(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false });
const opt2 = new SGD([{ params: encoder, lr: 1e-3 }, { params: head }], { lr: 1e-2, momentum: 0.9, nesterov: true });
const sched = new CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
const total = clipGradNorm(params, 1.0, { normType: 2, errorIfNonfinite: true });  // the norm before clipping
opt.step(); sched.step(); opt.zeroGrad();
const state = opt.stateDict(); opt.loadStateDict(state);`;

// What the contract needs defined (function declarations and var-free globals hoist above its code).
const prelude = `
function parameter(name, shape, seed) {
  const n = shape.reduce((a, b) => a * b, 1);
  return { name, shape, value: Float32Array.from({ length: n }, (_, i) => Math.sin(seed + i)),
           grad: Float32Array.from({ length: n }, (_, i) => 3 * Math.cos(seed * 2 + i)) };
}
globalThis.params = [parameter('dense.weight', [4, 3], 1), parameter('dense.bias', [4], 2)];
globalThis.encoder = [parameter('encoder.weight', [2, 5], 3)];
globalThis.head = [parameter('head.weight', [1, 2], 4), parameter('head.bias', [1], 5)];
`;

const report = `
console.log(JSON.stringify({
  total, lr: opt.paramGroups[0].lr, lastLr: sched.getLastLr(), steps: opt.steps,
  groups: opt2.paramGroups.map((g) => [g.lr, g.momentum, g.nesterov, g.params.length]),
  grads: params.map((p) => Array.from(p.grad)), stateKeys: Object.keys(state.state), type: state.type,
  kinds: [typeof AdamW, typeof RMSprop, typeof Adagrad, typeof clipGradValue],
}));
`;

// What the report line of the script prints.
interface ContractReport {
  total: number;
  lr: number;
  lastLr: number[];
  steps: number;
  groups: unknown[];
  grads: number[][];
  stateKeys: string[];
  type: string;
  kinds: string[];
}

test("the issue's contract block runs as written", () => {
  const [imports, ...rest] = contract.split('\n');
  const dir = mkdtempSync(path.join(root, '.contract-'));
  try {
    const file = path.join(dir, 'contract.mjs');
    writeFileSync(file, [imports, prelude, ...rest, report].join('\n'));
    const out = JSON.parse(
      execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8', env: { ...process.env } }),
    ) as ContractReport;
    // the global L2 norm of the two gradients before clipping
    let squares = 0;
    for (const [seed, n] of [
      [1, 12],
      [2, 4],
    ]) {
      for (let i = 0; i < n; i++) squares += Math.fround(3 * Math.cos(seed * 2 + i)) ** 2;
    }
    expect(out.total).toBeCloseTo(Math.sqrt(squares), 5);
    expect(out.lr).toBeCloseTo(1e-5 + ((1e-3 - 1e-5) * (1 + Math.cos(Math.PI / 100))) / 2, 15);
    expect(out.lastLr).toEqual([out.lr]);
    expect(out.steps).toBe(1);
    expect(out.groups).toEqual([
      [1e-3, 0.9, true, 1],
      [1e-2, 0.9, true, 2],
    ]);
    expect(out.grads.flat().every((g: number) => g === 0)).toBe(true); // zeroGrad
    expect(out.stateKeys).toEqual(['0', '1']);
    expect(out.type).toBe('Adam');
    expect(out.kinds).toEqual(['function', 'function', 'function', 'function']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
