// Schedules made of schedules: SequentialLR (one after another, switching at milestones) and ChainedScheduler
// (all at once, each step applying every one in turn), as PyTorch's.
import { describe, rangeError, typeError } from '../../validate.js';
import { integerAtLeast } from '../check.js';
import type { Optimizer } from '../optimizer.js';
import {
  LRScheduler,
  Schedule,
  checkCount,
  scheduleOptions,
  type Raw,
  type ScheduleInterval,
  type ScheduleStateDict,
} from './schedule.js';

// The schedules of one optimizer: LRSchedulers (ReduceLROnPlateau steps on a value and cannot be combined).
function checkSchedules(fn: string, value: unknown, optimizer: Optimizer | null): LRScheduler[] {
  const expected = 'a non-empty array of schedules (not ReduceLROnPlateau)';
  if (!Array.isArray(value) || value.length === 0) throw typeError(fn, 'schedulers', expected, value);
  const first = value[0] instanceof Schedule ? (value[0] as Schedule).optimizer : null;
  value.forEach((s, i) => {
    if (!(s instanceof LRScheduler)) throw typeError(fn, `schedulers[${i}]`, 'a schedule (not ReduceLROnPlateau)', s);
    if (s.optimizer !== (optimizer ?? first)) {
      throw rangeError(
        fn,
        `schedulers[${i}]`,
        `a schedule of ${optimizer ? 'the optimizer given' : "schedulers[0]'s optimizer"}`,
        'one of another optimizer',
      );
    }
  });
  return value as LRScheduler[];
}

// Strictly increasing integers >= 1, one fewer than the schedules.
function checkMilestones(fn: string, value: unknown, count: number): number[] {
  const expected = `an array of ${count} increasing integers >= 1 (one fewer than the schedules)`;
  if (!Array.isArray(value) || value.length !== count) throw typeError(fn, 'milestones', expected, value);
  return value.map((m, i) => {
    const v = integerAtLeast(fn, `milestones[${i}]`, m, 1);
    if (i > 0 && v <= value[i - 1])
      throw rangeError(fn, `milestones[${i}]`, `greater than milestones[${i - 1}]`, describe(v));
    return v;
  });
}

function childStates(fn: string, state: Raw, children: Schedule[]): ScheduleStateDict[] {
  const saved = state.schedulers;
  if (!Array.isArray(saved) || saved.length !== children.length) {
    throw typeError(fn, 'stateDict.state.schedulers', `an array of ${children.length} schedule states`, saved);
  }
  return saved as ScheduleStateDict[];
}

export interface SequentialLROptions {
  /** The schedules, in order, all of the same optimizer. */
  schedulers: LRScheduler[];
  /** The epochs at which each next schedule takes over (one fewer than the schedules). */
  milestones: number[];
  /** As a fit callback: step after every 'epoch' (default) or 'batch'. */
  interval?: ScheduleInterval;
}

/**
 * SequentialLR, as PyTorch's: schedulers[0] runs until milestones[0], then schedulers[1] restarts from its epoch 0
 * (in closed form, as PyTorch's step(0)), and so on. Construct the schedules first, then this; step only this one.
 */
export class SequentialLR extends Schedule<{ milestones: number[] }> {
  static readonly typeName = 'SequentialLR';
  readonly schedulers: readonly LRScheduler[];
  private lastEpoch = 0;

  constructor(optimizer: Optimizer, options: SequentialLROptions) {
    const fn = 'SequentialLR';
    const { options: o, interval } = scheduleOptions(fn, options, ['schedulers', 'milestones'], 'epoch');
    const schedulers = checkSchedules(fn, o.schedulers, optimizer);
    const milestones = checkMilestones(fn, o.milestones, schedulers.length - 1);
    super(fn, optimizer, { milestones }, interval);
    this.schedulers = Object.freeze([...schedulers]);
    this.begin();
  }

  protected parseOptions(fn: string, raw: Raw) {
    return { milestones: checkMilestones(fn, raw.milestones, this.schedulers.length - 1) };
  }

  protected start(): void {
    this.lastEpoch = 0;
    for (const group of this.groups) group.lr = group.initialLr ?? group.lr;
    for (const s of this.schedulers) s.shiftEpoch(-1);
    this.schedulers[0].initialStep();
    this.lastLr = this.schedulers[0].getLastLr();
  }

  /** Advances by one epoch: the schedule in charge steps (or restarts, at a milestone). */
  step(): void {
    this.ready('SequentialLR.step');
    this.lastEpoch++;
    const { milestones } = this.options;
    let idx = 0;
    while (idx < milestones.length && milestones[idx] <= this.lastEpoch) idx++; // bisect_right
    const s = this.schedulers[idx];
    if (idx > 0 && milestones[idx - 1] === this.lastEpoch) s.stepTo(0);
    else s.step();
    this.lastLr = s.getLastLr();
  }

  protected stepFromCallback(): void {
    this.step();
  }

  protected saveState(): Record<string, unknown> {
    return {
      lastEpoch: this.lastEpoch,
      lastLr: [...this.lastLr],
      schedulers: this.schedulers.map((s) => s.stateDict()),
    };
  }

  protected checkState(fn: string, state: Raw): () => void {
    const lastEpoch = checkCount(fn, 'stateDict.state.lastEpoch', state.lastEpoch, 0);
    const saved = childStates(fn, state, [...this.schedulers]);
    const lastLr = Array.isArray(state.lastLr) ? (state.lastLr as number[]) : [];
    return () => {
      this.schedulers.forEach((s, i) => s.loadStateDict(saved[i]));
      this.lastEpoch = lastEpoch;
      this.lastLr = [...lastLr];
    };
  }
}

/**
 * ChainedScheduler, as PyTorch's: each step() steps every schedule in order, so their (chainable) effects multiply.
 * Construct the schedules first, then this; step only this one.
 */
export class ChainedScheduler extends Schedule<object> {
  static readonly typeName = 'ChainedScheduler';
  readonly schedulers: readonly LRScheduler[];

  constructor(schedulers: LRScheduler[], options: { interval?: ScheduleInterval } = {}) {
    const fn = 'ChainedScheduler';
    const { interval } = scheduleOptions(fn, options, [], 'epoch');
    const checked = checkSchedules(fn, schedulers, null);
    super(fn, checked[0].optimizer, {}, interval);
    this.schedulers = Object.freeze([...checked]);
    this.begin();
  }

  protected parseOptions(): object {
    return {};
  }

  protected start(): void {
    this.lastLr = this.groups.map((g) => g.lr);
  }

  /** Steps every schedule, in order. */
  step(): void {
    this.ready('ChainedScheduler.step');
    for (const s of this.schedulers) s.step();
    this.lastLr = this.groups.map((g) => g.lr);
  }

  protected stepFromCallback(): void {
    this.step();
  }

  protected saveState(): Record<string, unknown> {
    return { lastLr: [...this.lastLr], schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  protected checkState(fn: string, state: Raw): () => void {
    const saved = childStates(fn, state, [...this.schedulers]);
    const lastLr = Array.isArray(state.lastLr) ? (state.lastLr as number[]) : [];
    return () => {
      this.schedulers.forEach((s, i) => s.loadStateDict(saved[i]));
      this.lastLr = [...lastLr];
    };
  }
}
