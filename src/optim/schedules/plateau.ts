// torch.optim.lr_scheduler.ReduceLROnPlateau: reduce the learning rate when a monitored value stops improving.
import { checkChoice, describe, rangeError, typeError } from '../../validate.js';
import { atLeastZero, checkNumber, integerAtLeast } from '../check.js';
import type { Optimizer } from '../optimizer.js';
import {
  Schedule,
  checkCount,
  checkNumbers,
  parse,
  type ScheduleLogs,
  type Raw,
  type ScheduleInterval,
} from './schedule.js';

export interface ReduceLROnPlateauOptions {
  /** 'min' (default): lower is better; 'max': higher is better. */
  mode?: 'min' | 'max';
  /** The lr is multiplied by factor on a plateau, in [0, 1); default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated before reducing; default 10. */
  patience?: number;
  /** What counts as an improvement; default 1e-4. */
  threshold?: number;
  /** 'rel' (default): better than best * (1 -+ threshold); 'abs': better than best -+ threshold. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting again; default 0. */
  cooldown?: number;
  /** The lr never goes below minLr (one number, or one per group); default 0. */
  minLr?: number | number[];
  /** A reduction smaller than eps is not made; default 1e-8. */
  eps?: number;
  /** As a fit callback, the logs key to watch; default 'val_loss', or 'loss' when there is no validation data. */
  monitor?: string;
  /** As a fit callback: step after every 'epoch' (default) or 'batch'. */
  interval?: ScheduleInterval;
}

interface Checked {
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLr: number | number[];
  eps: number;
  monitor: string | null;
}

const KEYS = ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps', 'monitor'];

function checkPlateau(fn: string, raw: Raw): Checked {
  const minLr = raw.minLr ?? 0;
  const monitor = raw.monitor ?? null;
  if (monitor !== null && typeof monitor !== 'string')
    throw typeError(fn, 'monitor', 'a logs key such as "val_loss"', monitor);
  return {
    mode: checkChoice(fn, 'mode', raw.mode ?? 'min', ['min', 'max']),
    factor: checkNumber(fn, 'factor', raw.factor ?? 0.1, 'a number in [0, 1)', (x) => x >= 0 && x < 1),
    patience: integerAtLeast(fn, 'patience', raw.patience ?? 10, 0),
    threshold: atLeastZero(fn, 'threshold', raw.threshold ?? 1e-4),
    thresholdMode: checkChoice(fn, 'thresholdMode', raw.thresholdMode ?? 'rel', ['rel', 'abs']),
    cooldown: integerAtLeast(fn, 'cooldown', raw.cooldown ?? 0, 0),
    minLr: Array.isArray(minLr)
      ? minLr.map((x, i) => atLeastZero(fn, `minLr[${i}]`, x))
      : atLeastZero(fn, 'minLr', minLr),
    eps: atLeastZero(fn, 'eps', raw.eps ?? 1e-8),
    monitor,
  };
}

/**
 * ReduceLROnPlateau, as PyTorch's: step(value) after each epoch; when the value has not improved for more than
 * `patience` epochs, every group's lr becomes max(lr * factor, minLr), then `cooldown` epochs pass before bad epochs
 * count again. A NaN value counts as no improvement. As a fit callback it reads `monitor` from the epoch's logs.
 */
export class ReduceLROnPlateau extends Schedule<Checked> {
  static readonly typeName = 'ReduceLROnPlateau';
  /** The best value so far (null before the first step). */
  best: number | null = null;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private minLrs: number[] = [];

  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    const { options: o, interval } = parse('ReduceLROnPlateau', options, KEYS, checkPlateau);
    super('ReduceLROnPlateau', optimizer, o, interval);
    this.begin();
  }

  protected parseOptions(fn: string, raw: Raw): Checked {
    return checkPlateau(fn, raw);
  }

  protected start(): void {
    const n = this.groups.length;
    const { minLr } = this.options;
    if (Array.isArray(minLr) && minLr.length !== n) {
      throw rangeError('ReduceLROnPlateau', 'minLr', `a number or an array of ${n} (one per group)`, describe(minLr));
    }
    this.minLrs = Array.isArray(minLr) ? [...minLr] : new Array<number>(n).fill(minLr);
    this.lastLr = this.groups.map((g) => g.lr);
  }

  /** One epoch's value of the monitored quantity. */
  step(value: number): void {
    const fn = 'ReduceLROnPlateau.step';
    this.ready(fn);
    if (typeof value !== 'number') throw typeError(fn, 'value', 'a number', value);
    this.lastEpoch++;
    if (this.isBetter(value)) {
      this.best = value;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.options.patience) {
      this.groups.forEach((g, i) => {
        const next = Math.max(g.lr * this.options.factor, this.minLrs[i]);
        if (g.lr - next > this.options.eps) g.lr = next;
      });
      this.cooldownCounter = this.options.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.groups.map((g) => g.lr);
  }

  protected stepFromCallback(logs: ScheduleLogs | undefined): void {
    const { monitor } = this.options;
    const key = monitor ?? (logs !== undefined && 'val_loss' in logs ? 'val_loss' : 'loss');
    const value = logs?.[key];
    if (typeof value !== 'number') {
      const keys = Object.keys(logs ?? {});
      throw rangeError(
        'ReduceLROnPlateau',
        'logs',
        monitor === null ? "a 'val_loss' or 'loss' value" : `a '${monitor}' value (the monitor option)`,
        keys.length === 0 ? 'no logs' : `keys ${keys.join(', ')}`,
      );
    }
    this.step(value);
  }

  private isBetter(a: number): boolean {
    const { mode, threshold, thresholdMode } = this.options;
    const best = this.best ?? (mode === 'min' ? Infinity : -Infinity);
    if (mode === 'min') return thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return thresholdMode === 'rel' ? a > best * (threshold + 1) : a > best + threshold;
  }

  protected saveState(): Record<string, unknown> {
    return {
      best: this.best,
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastEpoch: this.lastEpoch,
      minLrs: [...this.minLrs],
      lastLr: [...this.lastLr],
    };
  }

  protected checkState(fn: string, s: Raw): () => void {
    const n = this.groups.length;
    const best = s.best;
    if (best !== null && (typeof best !== 'number' || Number.isNaN(best))) {
      throw typeError(fn, 'stateDict.state.best', 'a number or null', best);
    }
    const numBadEpochs = checkCount(fn, 'stateDict.state.numBadEpochs', s.numBadEpochs, 0);
    const cooldownCounter = checkCount(fn, 'stateDict.state.cooldownCounter', s.cooldownCounter, 0);
    const lastEpoch = checkCount(fn, 'stateDict.state.lastEpoch', s.lastEpoch, 0);
    const minLrs = checkNumbers(fn, 'stateDict.state.minLrs', s.minLrs, n);
    const lastLr = checkNumbers(fn, 'stateDict.state.lastLr', s.lastLr, n);
    return () => {
      this.best = best;
      Object.assign(this, { numBadEpochs, cooldownCounter, lastEpoch, minLrs, lastLr });
    };
  }
}
