// Optimizers and schedules rebuilt from plain data, for checkpoints (a saved model's model.json): the optimizer from
// getConfig() and its groups, a schedule from its stateDict() and interval. Rebuilding only constructs them; their
// positions come back with loadStateDict(), the optimizer's first (a schedule's constructor takes its initial step,
// which changes the groups' learning rates, and the optimizer's state dict puts them back).
import { describe, rangeError, typeError } from '../validate.js';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import { isPlainObject } from './check.js';
import type { Optimizer } from './optimizer.js';
import type { Parameter } from './parameter.js';
import { RMSprop } from './rmsprop.js';
import { ConstantLR, ExponentialLR, LinearLR, MultiStepLR, PolynomialLR, StepLR } from './schedules/basic.js';
import { ChainedScheduler, SequentialLR } from './schedules/combine.js';
import { CosineAnnealingLR, CosineAnnealingWarmRestarts } from './schedules/cosine.js';
import { OneCycleLR } from './schedules/one-cycle.js';
import { ReduceLROnPlateau } from './schedules/plateau.js';
import type { LRScheduler, Schedule, ScheduleInterval, ScheduleStateDict } from './schedules/schedule.js';
import { SGD } from './sgd.js';

type Groups = { params: Parameter[] }[];

/** Every optimizer, by its typeName: its constructor over parameter groups and options. */
const OPTIMIZERS: Record<string, (groups: Groups, options: Record<string, unknown>) => Optimizer> = {
  SGD: (g, o) => new SGD(g, o),
  Adam: (g, o) => new Adam(g, o),
  AdamW: (g, o) => new AdamW(g, o),
  RMSprop: (g, o) => new RMSprop(g, o),
  Adagrad: (g, o) => new Adagrad(g, o),
};

/** The optimizer types optimizerFromConfig knows. */
export const OPTIMIZER_TYPES = Object.keys(OPTIMIZERS);

/**
 * An optimizer of the type and options of `config` (what getConfig() returned) over `groups`, each group taking the
 * optimizer's defaults (loadStateDict then restores each group's own hyperparameters).
 */
export function optimizerFromConfig(fn: string, config: unknown, groups: Groups): Optimizer {
  if (!isPlainObject(config))
    throw typeError(fn, 'optimizer config', "an object from an optimizer's getConfig()", config);
  const { type, ...options } = config;
  const make = typeof type === 'string' ? OPTIMIZERS[type] : undefined;
  if (!make) throw rangeError(fn, 'optimizer type', `one of ${OPTIMIZER_TYPES.join(', ')}`, describe(type));
  return make(groups, options);
}

/** A schedule as a checkpoint stores it: its stateDict() and, for the top-level one, when it steps in fit. */
export type SavedSchedule = ScheduleStateDict & { interval?: ScheduleInterval };

type Make = (optimizer: Optimizer, options: Record<string, unknown>, children: LRScheduler[]) => Schedule;

/** Every schedule, by its typeName. */
const SCHEDULES: Record<string, Make> = {
  StepLR: (o, opts) => new StepLR(o, opts as never),
  MultiStepLR: (o, opts) => new MultiStepLR(o, opts as never),
  ConstantLR: (o, opts) => new ConstantLR(o, opts),
  LinearLR: (o, opts) => new LinearLR(o, opts),
  ExponentialLR: (o, opts) => new ExponentialLR(o, opts as never),
  PolynomialLR: (o, opts) => new PolynomialLR(o, opts),
  CosineAnnealingLR: (o, opts) => new CosineAnnealingLR(o, opts as never),
  CosineAnnealingWarmRestarts: (o, opts) => new CosineAnnealingWarmRestarts(o, opts as never),
  OneCycleLR: (o, opts) => new OneCycleLR(o, opts as never),
  ReduceLROnPlateau: (o, opts) => new ReduceLROnPlateau(o, opts),
  SequentialLR: (o, opts, children) => new SequentialLR(o, { ...opts, schedulers: children } as never),
  ChainedScheduler: (_o, opts, children) => new ChainedScheduler(children, opts),
};

/** The schedule types scheduleFromState knows. */
export const SCHEDULE_TYPES = Object.keys(SCHEDULES);

/**
 * A schedule of `optimizer` with the type, options and interval of `saved` (SequentialLR's and ChainedScheduler's
 * schedules rebuilt from their own saved states, inside `saved.state.schedulers`). `where` names it in messages.
 * Its position is not restored: call loadStateDict(saved) once the optimizer's state is loaded.
 */
export function scheduleFromState(fn: string, where: string, optimizer: Optimizer, saved: unknown): Schedule {
  if (!isPlainObject(saved)) throw typeError(fn, where, "an object from a schedule's stateDict()", saved);
  const { type, options, state, interval } = saved;
  const make = typeof type === 'string' ? SCHEDULES[type] : undefined;
  if (!make) throw rangeError(fn, `${where}.type`, `one of ${SCHEDULE_TYPES.join(', ')}`, describe(type));
  if (!isPlainObject(options)) throw typeError(fn, `${where}.options`, 'an object', options);
  if (!isPlainObject(state)) throw typeError(fn, `${where}.state`, 'an object', state);
  let children: LRScheduler[] = [];
  if (type === 'SequentialLR' || type === 'ChainedScheduler') {
    const saved = state.schedulers;
    if (!Array.isArray(saved)) throw typeError(fn, `${where}.state.schedulers`, 'an array of schedule states', saved);
    children = saved.map(
      (s, i) => scheduleFromState(fn, `${where}.state.schedulers[${i}]`, optimizer, s) as LRScheduler,
    );
  }
  const withInterval = interval === undefined ? { ...options } : { ...options, interval };
  return make(optimizer, withInterval, children);
}
