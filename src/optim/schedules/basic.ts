// Step-wise and warm-up schedules, as PyTorch's StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR and
// PolynomialLR: getLr is PyTorch's chainable (recursive) form, closedFormLr its closed form.
import { typeError } from '../../validate.js';
import { atLeastZero, checkNumber, integerAtLeast, positive } from '../check.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, parse, required, type Raw, type ScheduleInterval } from './schedule.js';

export interface StepLROptions {
  /** Multiply the lr by gamma every stepSize steps (required). */
  stepSize: number;
  /** Default 0.1. */
  gamma?: number;
  /** As a fit callback: step after every 'epoch' (default) or 'batch'. */
  interval?: ScheduleInterval;
}

const checkStepLR = (fn: string, raw: Raw) => ({
  stepSize: integerAtLeast(fn, 'stepSize', required(fn, raw, 'stepSize', 'an integer >= 1'), 1),
  gamma: atLeastZero(fn, 'gamma', raw.gamma ?? 0.1),
});

/** lr = initialLr * gamma^floor(epoch / stepSize) (torch.optim.lr_scheduler.StepLR). */
export class StepLR extends LRScheduler<Required<Omit<StepLROptions, 'interval'>>> {
  static readonly typeName = 'StepLR';
  constructor(optimizer: Optimizer, options: StepLROptions) {
    const { options: o, interval } = parse('StepLR', options, ['stepSize', 'gamma'], checkStepLR);
    super('StepLR', optimizer, o, interval);
    this.begin();
  }
  protected parseOptions(fn: string, raw: Raw) {
    return checkStepLR(fn, raw);
  }
  protected getLr(): number[] {
    const { stepSize, gamma } = this.options;
    if (this.lastEpoch === 0 || this.lastEpoch % stepSize !== 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * gamma);
  }
  protected override closedFormLr(): number[] {
    const { stepSize, gamma } = this.options;
    return this.baseLrs.map((lr) => lr * gamma ** Math.floor(this.lastEpoch / stepSize));
  }
}

export interface MultiStepLROptions {
  /** The epochs at which the lr is multiplied by gamma (integers; a repeated one multiplies again). */
  milestones: number[];
  /** Default 0.1. */
  gamma?: number;
  interval?: ScheduleInterval;
}

const checkMultiStepLR = (fn: string, raw: Raw) => {
  const milestones = required(fn, raw, 'milestones', 'an array of integers >= 0');
  if (!Array.isArray(milestones)) throw typeError(fn, 'milestones', 'an array of integers >= 0', milestones);
  return {
    milestones: milestones.map((m, i) => integerAtLeast(fn, `milestones[${i}]`, m, 0)),
    gamma: atLeastZero(fn, 'gamma', raw.gamma ?? 0.1),
  };
};

/** lr = initialLr * gamma^(milestones passed) (torch.optim.lr_scheduler.MultiStepLR). */
export class MultiStepLR extends LRScheduler<Required<Omit<MultiStepLROptions, 'interval'>>> {
  static readonly typeName = 'MultiStepLR';
  constructor(optimizer: Optimizer, options: MultiStepLROptions) {
    const { options: o, interval } = parse('MultiStepLR', options, ['milestones', 'gamma'], checkMultiStepLR);
    super('MultiStepLR', optimizer, o, interval);
    this.begin();
  }
  protected parseOptions(fn: string, raw: Raw) {
    return checkMultiStepLR(fn, raw);
  }
  protected getLr(): number[] {
    const hits = this.options.milestones.filter((m) => m === this.lastEpoch).length;
    if (hits === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.options.gamma ** hits);
  }
  protected override closedFormLr(): number[] {
    const passed = this.options.milestones.filter((m) => m <= this.lastEpoch).length; // bisect_right
    return this.baseLrs.map((lr) => lr * this.options.gamma ** passed);
  }
}

export interface ConstantLROptions {
  /** The lr is initialLr * factor until totalIters, then initialLr; in [0, 1], default 1/3. */
  factor?: number;
  /** Default 5. */
  totalIters?: number;
  interval?: ScheduleInterval;
}

const checkConstantLR = (fn: string, raw: Raw) => ({
  factor: checkNumber(fn, 'factor', raw.factor ?? 1 / 3, 'a number in (0, 1]', (x) => x > 0 && x <= 1),
  totalIters: integerAtLeast(fn, 'totalIters', raw.totalIters ?? 5, 0),
});

/** lr = initialLr * factor for the first totalIters epochs, then initialLr (torch.optim.lr_scheduler.ConstantLR). */
export class ConstantLR extends LRScheduler<Required<Omit<ConstantLROptions, 'interval'>>> {
  static readonly typeName = 'ConstantLR';
  constructor(optimizer: Optimizer, options: ConstantLROptions = {}) {
    const { options: o, interval } = parse('ConstantLR', options, ['factor', 'totalIters'], checkConstantLR);
    super('ConstantLR', optimizer, o, interval);
    this.begin();
  }
  protected parseOptions(fn: string, raw: Raw) {
    return checkConstantLR(fn, raw);
  }
  protected getLr(): number[] {
    const { factor, totalIters } = this.options;
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr * factor);
    if (this.lastEpoch !== totalIters) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 / factor));
  }
  protected override closedFormLr(): number[] {
    const { factor, totalIters } = this.options;
    return this.baseLrs.map((lr) => lr * (factor + (this.lastEpoch >= totalIters ? 1 : 0) * (1 - factor)));
  }
}

export interface LinearLROptions {
  /** Factor of initialLr at epoch 0, in (0, 1]; default 1/3. */
  startFactor?: number;
  /** Factor of initialLr from totalIters on, in [0, 1]; default 1. */
  endFactor?: number;
  /** Epochs of the linear ramp; default 5. */
  totalIters?: number;
  interval?: ScheduleInterval;
}

const checkLinearLR = (fn: string, raw: Raw) => ({
  startFactor: checkNumber(fn, 'startFactor', raw.startFactor ?? 1 / 3, 'a number in (0, 1]', (x) => x > 0 && x <= 1),
  endFactor: checkNumber(fn, 'endFactor', raw.endFactor ?? 1, 'a number in [0, 1]', (x) => x >= 0 && x <= 1),
  totalIters: integerAtLeast(fn, 'totalIters', raw.totalIters ?? 5, 1),
});

/**
 * Linear warm-up (or decay): lr = initialLr * (startFactor + (endFactor - startFactor) * min(epoch, totalIters) /
 * totalIters) (torch.optim.lr_scheduler.LinearLR).
 */
export class LinearLR extends LRScheduler<Required<Omit<LinearLROptions, 'interval'>>> {
  static readonly typeName = 'LinearLR';
  constructor(optimizer: Optimizer, options: LinearLROptions = {}) {
    const keys = ['startFactor', 'endFactor', 'totalIters'];
    const { options: o, interval } = parse('LinearLR', options, keys, checkLinearLR);
    super('LinearLR', optimizer, o, interval);
    this.begin();
  }
  protected parseOptions(fn: string, raw: Raw) {
    return checkLinearLR(fn, raw);
  }
  protected getLr(): number[] {
    const { startFactor, endFactor, totalIters } = this.options;
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr * startFactor);
    if (this.lastEpoch > totalIters) return this.groups.map((g) => g.lr);
    const f =
      1 + (endFactor - startFactor) / (totalIters * startFactor + (this.lastEpoch - 1) * (endFactor - startFactor));
    return this.groups.map((g) => g.lr * f);
  }
  protected override closedFormLr(): number[] {
    const { startFactor, endFactor, totalIters } = this.options;
    return this.baseLrs.map(
      (lr) => lr * (startFactor + ((endFactor - startFactor) * Math.min(totalIters, this.lastEpoch)) / totalIters),
    );
  }
}

export interface ExponentialLROptions {
  /** Multiply the lr by gamma every epoch (required). */
  gamma: number;
  interval?: ScheduleInterval;
}

const checkExponentialLR = (fn: string, raw: Raw) => ({
  gamma: positive(fn, 'gamma', required(fn, raw, 'gamma', 'a finite number > 0')),
});

/** lr = initialLr * gamma^epoch (torch.optim.lr_scheduler.ExponentialLR). */
export class ExponentialLR extends LRScheduler<Required<Omit<ExponentialLROptions, 'interval'>>> {
  static readonly typeName = 'ExponentialLR';
  constructor(optimizer: Optimizer, options: ExponentialLROptions) {
    const { options: o, interval } = parse('ExponentialLR', options, ['gamma'], checkExponentialLR);
    super('ExponentialLR', optimizer, o, interval);
    this.begin();
  }
  protected parseOptions(fn: string, raw: Raw) {
    return checkExponentialLR(fn, raw);
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.options.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.options.gamma ** this.lastEpoch);
  }
}

export interface PolynomialLROptions {
  /** Epochs of the decay to 0; default 5. */
  totalIters?: number;
  /** Default 1 (linear). */
  power?: number;
  interval?: ScheduleInterval;
}

const checkPolynomialLR = (fn: string, raw: Raw) => ({
  totalIters: integerAtLeast(fn, 'totalIters', raw.totalIters ?? 5, 1),
  power: atLeastZero(fn, 'power', raw.power ?? 1),
});

/** lr = initialLr * (1 - min(epoch, totalIters) / totalIters)^power (torch.optim.lr_scheduler.PolynomialLR). */
export class PolynomialLR extends LRScheduler<Required<Omit<PolynomialLROptions, 'interval'>>> {
  static readonly typeName = 'PolynomialLR';
  constructor(optimizer: Optimizer, options: PolynomialLROptions = {}) {
    const { options: o, interval } = parse('PolynomialLR', options, ['totalIters', 'power'], checkPolynomialLR);
    super('PolynomialLR', optimizer, o, interval);
    this.begin();
  }
  protected parseOptions(fn: string, raw: Raw) {
    return checkPolynomialLR(fn, raw);
  }
  protected getLr(): number[] {
    const { totalIters, power } = this.options;
    if (this.lastEpoch === 0 || this.lastEpoch > totalIters) return this.groups.map((g) => g.lr);
    const f = ((1 - this.lastEpoch / totalIters) / (1 - (this.lastEpoch - 1) / totalIters)) ** power;
    return this.groups.map((g) => g.lr * f);
  }
  protected override closedFormLr(): number[] {
    const { totalIters, power } = this.options;
    return this.baseLrs.map((lr) => lr * (1 - Math.min(totalIters, this.lastEpoch) / totalIters) ** power);
  }
}
