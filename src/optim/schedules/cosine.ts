// Cosine annealing, as PyTorch's CosineAnnealingLR (its recursive form, step by step) and
// CosineAnnealingWarmRestarts (SGDR).
import { atLeastZero, checkNumber, integerAtLeast, pyMod } from '../check.js';
import { rangeError, describe } from '../../validate.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, parse, required, type Raw, type ScheduleInterval } from './schedule.js';

export interface CosineAnnealingLROptions {
  /** Epochs of a half cosine period (required). */
  tMax: number;
  /** The lowest lr; default 0. */
  etaMin?: number;
  interval?: ScheduleInterval;
}

const checkCosine = (fn: string, raw: Raw) => ({
  tMax: integerAtLeast(fn, 'tMax', required(fn, raw, 'tMax', 'an integer >= 1'), 1),
  etaMin: atLeastZero(fn, 'etaMin', raw.etaMin ?? 0),
});

/**
 * Cosine annealing from initialLr to etaMin over tMax epochs, and back up over the next tMax (a full cosine
 * period of 2 tMax), as torch.optim.lr_scheduler.CosineAnnealingLR. Each step computes the new lr from the current
 * one (PyTorch's recursive form), so other schedules chained with it compose as in PyTorch; alone it equals
 * etaMin + (initialLr - etaMin) (1 + cos(pi epoch / tMax)) / 2.
 */
export class CosineAnnealingLR extends LRScheduler<Required<Omit<CosineAnnealingLROptions, 'interval'>>> {
  static readonly typeName = 'CosineAnnealingLR';
  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    const { options: o, interval } = parse('CosineAnnealingLR', options, ['tMax', 'etaMin'], checkCosine);
    super('CosineAnnealingLR', optimizer, o, interval);
    this.begin();
  }
  protected parseOptions(fn: string, raw: Raw) {
    return checkCosine(fn, raw);
  }
  protected getLr(): number[] {
    const { tMax, etaMin } = this.options;
    const e = this.lastEpoch;
    if (e === 0) return this.groups.map((g) => g.lr);
    if (this.stepCount === 1 && e > 0) {
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((e * Math.PI) / tMax))) / 2);
    }
    if (pyMod(e - 1 - tMax, 2 * tMax) === 0) {
      return this.groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    const ratio = (1 + Math.cos((Math.PI * e) / tMax)) / (1 + Math.cos((Math.PI * (e - 1)) / tMax));
    return this.groups.map((g) => ratio * (g.lr - etaMin) + etaMin);
  }
  protected override closedFormLr(): number[] {
    const { tMax, etaMin } = this.options;
    return this.baseLrs.map(
      (base) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / tMax))) / 2,
    );
  }
}

export interface CosineAnnealingWarmRestartsOptions {
  /** Epochs until the first restart (PyTorch's T_0, required). */
  t0: number;
  /** Each period is tMult times the previous (PyTorch's T_mult, an integer >= 1); default 1. */
  tMult?: number;
  /** The lowest lr; default 0. */
  etaMin?: number;
  /** As a fit callback: step after every 'epoch' (default; t0 counts epochs) or 'batch' (t0 counts batches). */
  interval?: ScheduleInterval;
}

const checkRestarts = (fn: string, raw: Raw) => ({
  t0: integerAtLeast(fn, 't0', required(fn, raw, 't0', 'an integer >= 1'), 1),
  tMult: integerAtLeast(fn, 'tMult', raw.tMult ?? 1, 1),
  etaMin: atLeastZero(fn, 'etaMin', raw.etaMin ?? 0),
});

/**
 * SGDR, as torch.optim.lr_scheduler.CosineAnnealingWarmRestarts: lr = etaMin + (initialLr - etaMin)
 * (1 + cos(pi tCur / tI)) / 2, where tCur counts epochs since the last restart and tI is the current period (t0,
 * then t0 tMult, ...). step(epoch) also takes a fractional epoch, as PyTorch's does (epoch + batch / batches).
 */
export class CosineAnnealingWarmRestarts extends LRScheduler<
  Required<Omit<CosineAnnealingWarmRestartsOptions, 'interval'>>
> {
  static readonly typeName = 'CosineAnnealingWarmRestarts';
  private tI: number;
  private tCur = -1;

  constructor(optimizer: Optimizer, options: CosineAnnealingWarmRestartsOptions) {
    const keys = ['t0', 'tMult', 'etaMin'];
    const { options: o, interval } = parse('CosineAnnealingWarmRestarts', options, keys, checkRestarts);
    super('CosineAnnealingWarmRestarts', optimizer, o, interval);
    this.tI = o.t0;
    this.begin();
  }

  protected parseOptions(fn: string, raw: Raw) {
    return checkRestarts(fn, raw);
  }

  /** Advances by one epoch, or jumps to `epoch` (any number >= 0, fractions allowed). */
  override step(epoch?: number): void {
    const fn = `${this.typeName}.step`;
    this.ready(fn);
    const { t0, tMult } = this.options;
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.tCur = this.tCur + 1;
      if (this.tCur >= this.tI) {
        this.tCur = this.tCur - this.tI;
        this.tI = this.tI * tMult;
      }
    } else {
      checkNumber(fn, 'epoch', epoch, 'a finite number >= 0', (x) => x >= 0);
      if (epoch >= t0) {
        if (tMult === 1) {
          this.tCur = epoch % t0;
        } else {
          const n = Math.trunc(Math.log((epoch / t0) * (tMult - 1) + 1) / Math.log(tMult));
          this.tCur = epoch - (t0 * (tMult ** n - 1)) / (tMult - 1);
          this.tI = t0 * tMult ** n;
        }
      } else {
        this.tI = t0;
        this.tCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this.stepCount++;
    this.apply(this.getLr());
  }

  override stepTo(epoch: number): void {
    this.step(epoch);
  }

  protected getLr(): number[] {
    const { etaMin } = this.options;
    return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }

  protected override saveExtra(): Record<string, unknown> {
    return { tI: this.tI, tCur: this.tCur };
  }

  protected override checkExtra(fn: string, state: Raw): () => void {
    const tI = state.tI;
    const tCur = state.tCur;
    if (typeof tI !== 'number' || !(tI >= 1)) throw rangeError(fn, 'stateDict.state.tI', 'a number >= 1', describe(tI));
    if (typeof tCur !== 'number' || !(tCur >= -1))
      throw rangeError(fn, 'stateDict.state.tCur', 'a number >= -1', describe(tCur));
    return () => {
      this.tI = tI;
      this.tCur = tCur;
    };
  }
}
