// Reads the optimizer fixtures (test/fixtures/gen_optim.py) and replays a case through steadygrad.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as sg from '../../src/index.js';
import type { Optimizer, Parameter } from '../../src/index.js';

export const fixtureDir = path.join(import.meta.dirname, '..', 'fixtures', 'optim');

export interface OptimizerCase {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';
  options: Record<string, unknown>;
  groups: Array<Record<string, unknown> & { params: number[] }> | null;
  clip?: { kind: 'clipGradNorm' | 'clipGradValue'; max: number; normType?: number | 'Infinity' };
  values: number[][];
  norms?: number[];
}

export interface OptimizerFixtures {
  steps: number;
  shapes: number[][];
  init: number[][];
  grads: number[][][];
  cases: OptimizerCase[];
}

export function loadJson<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(fixtureDir, file), 'utf8')) as T;
}

export function makeParams(f: { shapes: number[][]; init: number[][] }): Parameter[] {
  return f.shapes.map((shape, i) => ({
    name: `p${i}`,
    shape,
    value: Float32Array.from(f.init[i]),
    grad: new Float32Array(f.init[i].length),
  }));
}

const classes = { SGD: sg.SGD, Adam: sg.Adam, AdamW: sg.AdamW, RMSprop: sg.RMSprop, Adagrad: sg.Adagrad };

export function makeOptimizer(
  name: OptimizerCase['optimizer'],
  params: Parameter[],
  options: Record<string, unknown>,
  groups: OptimizerCase['groups'],
): Optimizer {
  const Class = classes[name] as unknown as new (params: unknown, options: unknown) => Optimizer;
  const input = groups === null ? params : groups.map((g) => ({ ...g, params: g.params.map((i) => params[i]) }));
  return new Class(input, options);
}

/** Largest error of each step's parameters against the case, relative to max(1, |expected|), and the norms'. */
export function replay(
  f: OptimizerFixtures,
  c: OptimizerCase,
): { worst: number; worstNorm: number; worstStep: number } {
  const params = makeParams(f);
  const opt = makeOptimizer(c.optimizer, params, c.options, c.groups);
  let worst = 0;
  let worstNorm = 0;
  let worstStep = -1;
  for (let step = 0; step < f.steps; step++) {
    params.forEach((p, i) => p.grad.set(f.grads[step][i]));
    if (c.clip?.kind === 'clipGradNorm') {
      const normType = c.clip.normType === 'Infinity' ? Infinity : c.clip.normType;
      const norm = sg.clipGradNorm(params, c.clip.max, { normType });
      worstNorm = Math.max(worstNorm, Math.abs(norm - c.norms![step]) / Math.max(1, Math.abs(c.norms![step])));
    } else if (c.clip?.kind === 'clipGradValue') {
      sg.clipGradValue(params, c.clip.max);
    }
    opt.step();
    let k = 0;
    for (const p of params) {
      for (let j = 0; j < p.value.length; j++, k++) {
        const e = c.values[step][k];
        const err = Math.abs(p.value[j] - e) / Math.max(1, Math.abs(e));
        if (err > worst) {
          worst = err;
          worstStep = step;
        }
      }
    }
  }
  return { worst, worstNorm, worstStep };
}
