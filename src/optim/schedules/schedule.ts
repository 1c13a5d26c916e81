// The base classes of the learning-rate schedules. Schedule: what every schedule shares (its optimizer, fit's
// callback hooks, state dicts, deferred start on an optimizer without parameters yet). LRScheduler: PyTorch's
// _LRScheduler, the chainable form where each step computes the new lr from the group's current lr ("recursive"),
// with the closed form kept for SequentialLR's restarts, exactly as PyTorch 1.13 does.
import { checkChoice, checkOptions, describe, rangeError, typeError } from '../../validate.js';
import { isPlainObject } from '../check.js';
import { Optimizer, type ParamGroup } from '../optimizer.js';

/** When a schedule used as a fit callback steps: after every epoch (default) or after every batch. */
export type ScheduleInterval = 'epoch' | 'batch';

/** What fit passes to callbacks: loss and metrics, with 'val_' in front for the validation data. */
export type ScheduleLogs = Record<string, number>;

/** Plain data (JSON) describing a schedule's options and position, from stateDict(). */
export interface ScheduleStateDict {
  type: string;
  options: Record<string, unknown>;
  state: Record<string, unknown>;
}

type Group = ParamGroup & Record<string, unknown>;

export abstract class Schedule<O extends object = object> {
  readonly optimizer: Optimizer;
  /** When this schedule steps as a fit callback. */
  readonly interval: ScheduleInterval;
  /** The checked options (camelCase PyTorch names, defaults filled in). */
  readonly options: Readonly<O>;
  /** The learning rate of each group after the last step (PyTorch's get_last_lr()). */
  protected lastLr: number[] = [];
  private started = false;

  protected constructor(
    readonly typeName: string,
    optimizer: unknown,
    options: O,
    interval: ScheduleInterval,
  ) {
    this.optimizer = checkOptimizer(typeName, optimizer);
    this.options = Object.freeze(options);
    this.interval = interval;
  }

  /**
   * Starts the schedule (its first step) now if the optimizer has groups, else when it gets its first one. Each
   * concrete schedule calls it last in its constructor, once all its fields are set.
   */
  protected begin(): void {
    this.optimizer.whenBound(() => {
      this.started = true;
      this.start();
    });
  }

  /** The learning rate of each group after the last step. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** fit's hook: steps after every epoch when interval is 'epoch' (PyTorch's usage: scheduler.step() per epoch). */
  onEpochEnd(_epoch: number, _logs?: ScheduleLogs): void {
    if (this.interval === 'epoch') this.stepFromCallback(_logs);
  }

  /** fit's hook: steps after every batch when interval is 'batch' (OneCycleLR's default). */
  onBatchEnd(_batch: number, _logs?: ScheduleLogs): void {
    if (this.interval === 'batch') this.stepFromCallback(_logs);
  }

  /** A copy of the options and position as plain data, for a checkpoint. */
  stateDict(): ScheduleStateDict {
    return {
      type: this.typeName,
      options: structuredClone(this.options),
      state: this.saveState(),
    };
  }

  /** Restores options and position from stateDict() of the same schedule type; everything is checked first. */
  loadStateDict(stateDict: ScheduleStateDict): void {
    const fn = `${this.typeName}.loadStateDict`;
    if (!isPlainObject(stateDict)) throw typeError(fn, 'stateDict', 'an object from stateDict()', stateDict);
    if (stateDict.type !== this.typeName) {
      throw rangeError(fn, 'stateDict.type', `'${this.typeName}'`, describe(stateDict.type));
    }
    if (!isPlainObject(stateDict.options)) throw typeError(fn, 'stateDict.options', 'an object', stateDict.options);
    if (!isPlainObject(stateDict.state)) throw typeError(fn, 'stateDict.state', 'an object', stateDict.state);
    const options = this.parseOptions(fn, stateDict.options);
    const apply = this.checkState(fn, stateDict.state, options);
    (this as { options: Readonly<O> }).options = Object.freeze(options);
    apply();
  }

  /** The groups, for subclasses (hyperparameters read and written by name). */
  protected get groups(): Group[] {
    return this.optimizer.paramGroups as Group[];
  }

  /** Throws unless the optimizer has groups (a schedule made before model.compile waits for them). */
  protected ready(fn: string): void {
    if (!this.started) {
      throw rangeError(
        fn,
        'the optimizer',
        'bound to parameters first (model.compile or addParamGroup)',
        'one without any',
      );
    }
  }

  /** What the constructor does once the optimizer has groups (immediately, if it has some already). */
  protected abstract start(): void;
  /** One step as a callback (ReduceLROnPlateau reads its metric from logs). */
  protected abstract stepFromCallback(logs: ScheduleLogs | undefined): void;
  /** The options checked from plain data (the constructor's check). */
  protected abstract parseOptions(fn: string, raw: Record<string, unknown>): O;
  /** The position as plain data. */
  protected abstract saveState(): Record<string, unknown>;
  /** Checks a saved position (with the options it goes with) and returns what applies it. */
  protected abstract checkState(fn: string, state: Record<string, unknown>, options: O): () => void;
}

export function checkOptimizer(fn: string, optimizer: unknown): Optimizer {
  if (!(optimizer instanceof Optimizer)) {
    throw typeError(fn, 'optimizer', 'an Optimizer (SGD, Adam, AdamW, RMSprop, Adagrad)', optimizer);
  }
  return optimizer as Optimizer;
}

/** The options object checked for its keys (with "did you mean"), and the interval option read. */
export function scheduleOptions(
  fn: string,
  raw: unknown,
  keys: readonly string[],
  defaultInterval: ScheduleInterval,
): { options: Record<string, unknown>; interval: ScheduleInterval } {
  const options = { ...checkOptions<Record<string, unknown>>(fn, raw, [...keys, 'interval']) };
  const interval =
    options.interval === undefined
      ? defaultInterval
      : checkChoice(fn, 'interval', options.interval, ['epoch', 'batch']);
  delete options.interval;
  return { options, interval };
}

export type Raw = Record<string, unknown>;

/** A schedule constructor's options: the interval read (default `defaultInterval`) and the rest checked. */
export function parse<O>(
  fn: string,
  raw: unknown,
  keys: readonly string[],
  check: (fn: string, raw: Raw) => O,
  defaultInterval: ScheduleInterval = 'epoch',
): { options: O; interval: ScheduleInterval } {
  const { options, interval } = scheduleOptions(fn, raw, keys, defaultInterval);
  return { options: check(fn, options), interval };
}

/** An option without a default: undefined is a TypeError. */
export function required(fn: string, raw: Raw, key: string, expected: string): unknown {
  if (raw[key] === undefined) throw typeError(fn, key, expected, undefined);
  return raw[key];
}

/** A number list as plain data. */
export function checkNumbers(fn: string, name: string, value: unknown, length: number): number[] {
  const expected = `an array of ${length} finite numbers`;
  if (!Array.isArray(value) || value.length !== length) throw typeError(fn, name, expected, value);
  return value.map((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw rangeError(fn, `${name}[${i}]`, 'a finite number', describe(x));
    return x;
  });
}

/**
 * PyTorch's _LRScheduler: at construction each group's initialLr is set (if unset) to its lr, baseLrs taken from
 * it, and a first step made (lastEpoch becomes 0); each step() then sets every group's lr to getLr().
 */
export abstract class LRScheduler<O extends object = object> extends Schedule<O> {
  /** PyTorch's last_epoch: the number of steps taken, -1 before the initial step. */
  protected lastEpoch = -1;
  /** PyTorch's _step_count: steps taken, the initial one included. */
  protected stepCount = 0;
  protected baseLrs: number[] = [];

  /** Advances the schedule by one step and sets the groups' learning rates. */
  step(): void {
    this.ready(`${this.typeName}.step`);
    this.stepCount++;
    this.lastEpoch++;
    this.apply(this.getLr());
  }

  /** Steps the number of epochs done so far (PyTorch's last_epoch). */
  get epoch(): number {
    return this.lastEpoch;
  }

  protected start(): void {
    for (const group of this.groups) group.initialLr ??= group.lr;
    this.baseLrs = this.groups.map((g) => g.initialLr!);
    this.initialStep();
  }

  /** PyTorch's _initial_step: the step the constructor makes. */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /**
   * PyTorch's step(epoch): jumps to `epoch`, with the closed form where the schedule has one (SequentialLR uses it
   * with 0 when it hands over to the next schedule).
   */
  stepTo(epoch: number): void {
    this.ready(`${this.typeName}.stepTo`);
    this.stepCount++;
    this.lastEpoch = epoch;
    this.apply(this.closedFormLr() ?? this.getLr());
  }

  /** Shifts lastEpoch (SequentialLR undoes its children's initial steps this way). */
  shiftEpoch(by: number): void {
    this.lastEpoch += by;
  }

  protected stepFromCallback(): void {
    this.step();
  }

  /** The new learning rate of each group, from the current ones (PyTorch's chainable get_lr). */
  protected abstract getLr(): number[];

  /** The learning rates at lastEpoch in closed form, or null where PyTorch has none. */
  protected closedFormLr(): number[] | null {
    return null;
  }

  protected apply(lrs: number[]): void {
    this.groups.forEach((group, i) => {
      if (i < lrs.length) group.lr = lrs[i];
    });
    this.lastLr = this.groups.map((g) => g.lr);
  }

  protected saveState(): Record<string, unknown> {
    return {
      lastEpoch: this.lastEpoch,
      stepCount: this.stepCount,
      baseLrs: [...this.baseLrs],
      lastLr: [...this.lastLr],
      ...this.saveExtra(),
    };
  }

  protected checkState(fn: string, state: Record<string, unknown>, options: O): () => void {
    const n = this.groups.length;
    const lastEpoch = checkCount(fn, 'stateDict.state.lastEpoch', state.lastEpoch, -1);
    const stepCount = checkCount(fn, 'stateDict.state.stepCount', state.stepCount, 0);
    const baseLrs = checkNumbers(fn, 'stateDict.state.baseLrs', state.baseLrs, n);
    const lastLr = checkNumbers(fn, 'stateDict.state.lastLr', state.lastLr, n);
    const extra = this.checkExtra(fn, state, options);
    return () => {
      this.lastEpoch = lastEpoch;
      this.stepCount = stepCount;
      this.baseLrs = baseLrs;
      this.lastLr = lastLr;
      extra();
    };
  }

  /** A subclass's own position (beyond lastEpoch, stepCount, baseLrs, lastLr). */
  protected saveExtra(): Record<string, unknown> {
    return {};
  }

  protected checkExtra(_fn: string, _state: Record<string, unknown>, _options: O): () => void {
    return () => {};
  }
}

/** An integer >= lo (as a fractional epoch is allowed for CosineAnnealingWarmRestarts, any finite number there). */
export function checkCount(fn: string, name: string, value: unknown, lo: number): number {
  const expected = `an integer >= ${lo}`;
  if (typeof value !== 'number') throw typeError(fn, name, expected, value);
  if (!Number.isSafeInteger(value) || value < lo) throw rangeError(fn, name, expected, describe(value));
  return value;
}
