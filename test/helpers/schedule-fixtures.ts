// Replays the schedule fixtures (test/fixtures/gen_optim.py, schedules.json) through steadygrad.
import * as sg from '../../src/index.js';
import type { LRScheduler, Optimizer, Schedule } from '../../src/index.js';
import { makeParams, makeOptimizer, type OptimizerCase } from './optim-fixtures.js';

export interface ScheduleCase {
  name: string;
  schedule: string;
  options: Record<string, unknown>;
  optimizer: OptimizerCase['optimizer'];
  optimizerOptions: Record<string, unknown>;
  groups: Array<{ params: number[]; lr: number }>;
  steps: number;
  lrs: number[][];
  momenta?: number[][];
  children?: Array<{ schedule: string; options: Record<string, unknown> }>;
  metrics?: Array<number | 'NaN'>;
  epochs?: number[];
  values?: number[][];
}

export interface ScheduleFixtures {
  shapes: number[][];
  init: number[][];
  grads: number[][][];
  steps: number;
  cases: ScheduleCase[];
}

const classes: Record<string, new (opt: Optimizer, options: never) => LRScheduler | Schedule> = {
  StepLR: sg.StepLR,
  MultiStepLR: sg.MultiStepLR,
  ConstantLR: sg.ConstantLR,
  LinearLR: sg.LinearLR,
  ExponentialLR: sg.ExponentialLR,
  PolynomialLR: sg.PolynomialLR,
  CosineAnnealingLR: sg.CosineAnnealingLR,
  CosineAnnealingWarmRestarts: sg.CosineAnnealingWarmRestarts,
  OneCycleLR: sg.OneCycleLR,
  ReduceLROnPlateau: sg.ReduceLROnPlateau,
};

export function buildSchedule(c: ScheduleCase, opt: Optimizer): Schedule {
  const make = (kind: string, options: Record<string, unknown>) => new classes[kind](opt, options as never);
  if (c.schedule === 'SequentialLR') {
    const schedulers = c.children!.map((k) => make(k.schedule, k.options) as LRScheduler);
    return new sg.SequentialLR(opt, { schedulers, milestones: c.options.milestones as number[] });
  }
  if (c.schedule === 'ChainedScheduler') {
    return new sg.ChainedScheduler(c.children!.map((k) => make(k.schedule, k.options) as LRScheduler));
  }
  return make(c.schedule, c.options);
}

/** Steps the schedule once as the case does (with its metric or epoch at `step`). */
export function stepSchedule(c: ScheduleCase, sched: Schedule, step: number): void {
  const s = sched as unknown as { step(x?: number): void };
  if (c.metrics) s.step(c.metrics[step] === 'NaN' ? NaN : c.metrics[step]);
  else if (c.epochs) s.step(c.epochs[step]);
  else s.step();
}

export const lrsOf = (opt: Optimizer) => opt.paramGroups.map((g) => g.lr);
export const momentaOf = (opt: Optimizer) =>
  opt.paramGroups.map((g) => {
    const h = g as unknown as { betas?: number[]; momentum?: number };
    return h.betas ? h.betas[0] : h.momentum!;
  });

export function setup(f: ScheduleFixtures, c: ScheduleCase) {
  const params = makeParams(f);
  const groups = c.groups.map((g) => ({ params: g.params, lr: g.lr }));
  const opt = makeOptimizer(c.optimizer, params, c.optimizerOptions, groups);
  return { params, opt };
}

const relErr = (a: number, e: number) => Math.abs(a - e) / Math.max(1e-300, Math.abs(e));

/** Largest relative error of the lrs and momenta over every record, and of the parameters (train cases). */
export function replaySchedule(f: ScheduleFixtures, c: ScheduleCase) {
  const { params, opt } = setup(f, c);
  const sched = buildSchedule(c, opt);
  let lr = 0;
  let momentum = 0;
  let value = 0;
  const check = (k: number) => {
    lrsOf(opt).forEach((x, i) => (lr = Math.max(lr, c.lrs[k][i] === 0 ? Math.abs(x) : relErr(x, c.lrs[k][i]))));
    if (c.momenta) momentaOf(opt).forEach((x, i) => (momentum = Math.max(momentum, relErr(x, c.momenta![k][i]))));
  };
  check(0);
  for (let step = 0; step < c.steps; step++) {
    if (c.values) {
      params.forEach((p, i) => p.grad.set(f.grads[step % f.steps][i]));
      opt.step();
      let k = 0;
      for (const p of params) {
        for (let j = 0; j < p.value.length; j++, k++) {
          const e = c.values[step][k];
          value = Math.max(value, Math.abs(p.value[j] - e) / Math.max(1, Math.abs(e)));
        }
      }
    }
    stepSchedule(c, sched, step);
    check(step + 1);
  }
  return { lr, momentum, value, sched, opt };
}
