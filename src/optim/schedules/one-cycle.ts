// The 1cycle policy, as torch.optim.lr_scheduler.OneCycleLR: the lr rises from maxLr / divFactor to maxLr and
// anneals to a minimum far below, while the momentum (SGD, RMSprop) or Adam's beta1 moves the opposite way.
import { describe, rangeError, typeError } from '../../validate.js';
import { boolean, integerAtLeast, isPlainObject, positive, unitClosed } from '../check.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, checkNumbers, parse, type Raw, type ScheduleInterval } from './schedule.js';

export interface OneCycleLROptions {
  /** The peak lr, one number or one per group (required). */
  maxLr: number | number[];
  /** Steps in the cycle; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr; default 0.3. */
  pctStart?: number;
  /** 'cos' (default) or 'linear'. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle the momentum (SGD, RMSprop) or beta1 (Adam, AdamW) inversely to the lr; default true. */
  cycleMomentum?: boolean;
  /** Lowest momentum, one number or one per group; default 0.85. */
  baseMomentum?: number | number[];
  /** Highest momentum, one number or one per group; default 0.95. */
  maxMomentum?: number | number[];
  /** The initial lr is maxLr / divFactor; default 25. */
  divFactor?: number;
  /** The final lr is the initial lr / finalDivFactor; default 1e4. */
  finalDivFactor?: number;
  /** A third phase that anneals to the final lr after coming back down to the initial lr; default false. */
  threePhase?: boolean;
  /** As a fit callback: step after every 'batch' (default, as PyTorch uses it) or 'epoch'. */
  interval?: ScheduleInterval;
}

interface Checked {
  maxLr: number | number[];
  totalSteps: number;
  pctStart: number;
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  baseMomentum: number | number[];
  maxMomentum: number | number[];
  divFactor: number;
  finalDivFactor: number;
  threePhase: boolean;
}

const KEYS = [
  'maxLr',
  'totalSteps',
  'epochs',
  'stepsPerEpoch',
  'pctStart',
  'annealStrategy',
  'cycleMomentum',
  'baseMomentum',
  'maxMomentum',
  'divFactor',
  'finalDivFactor',
  'threePhase',
];

// A number or an array of numbers (one per group, whose count is checked when the optimizer has its groups).
function perGroup(fn: string, name: string, value: unknown, check: (fn: string, name: string, v: unknown) => number) {
  if (Array.isArray(value)) return value.map((v, i) => check(fn, `${name}[${i}]`, v));
  return check(fn, name, value);
}

function checkOneCycle(fn: string, raw: Raw): Checked {
  if (raw.maxLr === undefined) throw typeError(fn, 'maxLr', 'a finite number > 0 or an array of them', undefined);
  let totalSteps: number;
  if (raw.totalSteps !== undefined) {
    totalSteps = integerAtLeast(fn, 'totalSteps', raw.totalSteps, 1);
  } else if (raw.epochs !== undefined || raw.stepsPerEpoch !== undefined) {
    totalSteps =
      integerAtLeast(fn, 'epochs', raw.epochs, 1) * integerAtLeast(fn, 'stepsPerEpoch', raw.stepsPerEpoch, 1);
  } else {
    throw typeError(fn, 'options', 'totalSteps, or epochs and stepsPerEpoch', raw);
  }
  const strategy = raw.annealStrategy ?? 'cos';
  if (strategy !== 'cos' && strategy !== 'linear') {
    const expected = "'cos' or 'linear'";
    if (typeof strategy !== 'string') throw typeError(fn, 'annealStrategy', expected, strategy);
    throw rangeError(fn, 'annealStrategy', expected, describe(strategy));
  }
  return {
    maxLr: perGroup(fn, 'maxLr', raw.maxLr, positive),
    totalSteps,
    pctStart: unitClosed(fn, 'pctStart', raw.pctStart ?? 0.3),
    annealStrategy: strategy,
    cycleMomentum: boolean(fn, 'cycleMomentum', raw.cycleMomentum ?? true),
    baseMomentum: perGroup(fn, 'baseMomentum', raw.baseMomentum ?? 0.85, unitClosed),
    maxMomentum: perGroup(fn, 'maxMomentum', raw.maxMomentum ?? 0.95, unitClosed),
    divFactor: positive(fn, 'divFactor', raw.divFactor ?? 25),
    finalDivFactor: positive(fn, 'finalDivFactor', raw.finalDivFactor ?? 1e4),
    threePhase: boolean(fn, 'threePhase', raw.threePhase ?? false),
  };
}

type Phase = { end: number; lr: [Level, Level]; momentum: ['max' | 'base', 'max' | 'base'] };
type Level = 'initial' | 'max' | 'min';

/**
 * OneCycleLR (torch.optim.lr_scheduler.OneCycleLR): in phases from step 0 to totalSteps - 1, each annealing (cosine
 * or linear) the lr between initialLr = maxLr / divFactor, maxLr and minLr = initialLr / finalDivFactor, and, with
 * cycleMomentum, the momentum or beta1 between maxMomentum and baseMomentum. It sets each group's initialLr (and its
 * momentum or beta1) when it starts, as PyTorch does. Stepping past totalSteps is a RangeError.
 */
export class OneCycleLR extends LRScheduler<Checked> {
  static readonly typeName = 'OneCycleLR';
  private useBeta1 = false;
  private levels: Array<Record<Level, number>> = [];
  private momenta: Array<{ max: number; base: number }> = [];

  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    const { options: o, interval } = parse('OneCycleLR', options, KEYS, checkOneCycle, 'batch');
    super('OneCycleLR', optimizer, o, interval);
    if (o.cycleMomentum) {
      const defaults = this.optimizer.defaults as object;
      if (!('momentum' in defaults) && !('betas' in defaults)) {
        throw rangeError(
          'OneCycleLR',
          'cycleMomentum',
          `false for an optimizer without momentum or betas (${this.optimizer.typeName})`,
          'true',
        );
      }
      this.useBeta1 = 'betas' in defaults;
    }
    this.begin();
  }

  protected parseOptions(fn: string, raw: Raw): Checked {
    // a saved state holds the checked options (totalSteps, never epochs)
    return checkOneCycle(fn, isPlainObject(raw) ? raw : {});
  }

  private phases(): Phase[] {
    const { pctStart, totalSteps, threePhase } = this.options;
    if (threePhase) {
      return [
        { end: pctStart * totalSteps - 1, lr: ['initial', 'max'], momentum: ['max', 'base'] },
        { end: 2 * pctStart * totalSteps - 2, lr: ['max', 'initial'], momentum: ['base', 'max'] },
        { end: totalSteps - 1, lr: ['initial', 'min'], momentum: ['max', 'max'] },
      ];
    }
    return [
      { end: pctStart * totalSteps - 1, lr: ['initial', 'max'], momentum: ['max', 'base'] },
      { end: totalSteps - 1, lr: ['max', 'min'], momentum: ['base', 'max'] },
    ];
  }

  protected override start(): void {
    const fn = 'OneCycleLR';
    const n = this.groups.length;
    const each = (name: string, v: number | number[]) => {
      if (!Array.isArray(v)) return new Array<number>(n).fill(v);
      if (v.length !== n) throw rangeError(fn, name, `a number or an array of ${n} (one per group)`, describe(v));
      return v;
    };
    const { divFactor, finalDivFactor } = this.options;
    const maxLrs = each('maxLr', this.options.maxLr);
    this.levels = maxLrs.map((max) => ({ initial: max / divFactor, max, min: max / divFactor / finalDivFactor }));
    this.groups.forEach((g, i) => (g.initialLr = this.levels[i].initial));
    if (this.options.cycleMomentum) {
      const maxM = each('maxMomentum', this.options.maxMomentum);
      const baseM = each('baseMomentum', this.options.baseMomentum);
      this.momenta = maxM.map((max, i) => ({ max, base: baseM[i] }));
      this.groups.forEach((g, i) => this.setMomentum(g, maxM[i]));
    }
    super.start();
  }

  override step(): void {
    this.ready('OneCycleLR.step');
    if (this.lastEpoch + 1 > this.options.totalSteps) {
      throw rangeError(
        'OneCycleLR.step',
        'the step',
        `at most totalSteps = ${this.options.totalSteps}`,
        `step ${this.lastEpoch + 1}`,
      );
    }
    super.step();
  }

  private setMomentum(g: Record<string, unknown>, m: number): void {
    if (this.useBeta1) g.betas = [m, (g.betas as number[])[1]];
    else g.momentum = m;
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.options.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    const phases = this.phases();
    return this.groups.map((g, i) => {
      let startStep = 0;
      for (let p = 0; p < phases.length; p++) {
        const phase = phases[p];
        if (stepNum <= phase.end || p === phases.length - 1) {
          const pct = (stepNum - startStep) / (phase.end - startStep);
          const lr = this.anneal(this.levels[i][phase.lr[0]], this.levels[i][phase.lr[1]], pct);
          if (this.options.cycleMomentum) {
            const m = this.momenta[i];
            this.setMomentum(g, this.anneal(m[phase.momentum[0]], m[phase.momentum[1]], pct));
          }
          return lr;
        }
        startStep = phase.end;
      }
      return g.lr; // not reached: the last phase always matches
    });
  }

  protected override saveExtra(): Record<string, unknown> {
    return {
      levels: this.levels.map((l) => [l.initial, l.max, l.min]),
      momenta: this.momenta.map((m) => [m.max, m.base]),
    };
  }

  protected override checkExtra(fn: string, state: Raw, options: Checked): () => void {
    const n = this.groups.length;
    const levels = state.levels;
    const momenta = state.momenta;
    if (!Array.isArray(levels) || levels.length !== n) {
      throw typeError(fn, 'stateDict.state.levels', `an array of ${n} [initial, max, min] lrs`, levels);
    }
    const m = options.cycleMomentum ? n : 0;
    if (!Array.isArray(momenta) || momenta.length !== m) {
      throw typeError(fn, 'stateDict.state.momenta', `an array of ${m} [max, base] momenta`, momenta);
    }
    const l = levels.map((x, i) => checkNumbers(fn, `stateDict.state.levels[${i}]`, x, 3));
    const mo = momenta.map((x, i) => checkNumbers(fn, `stateDict.state.momenta[${i}]`, x, 2));
    return () => {
      this.levels = l.map(([initial, max, min]) => ({ initial, max, min }));
      this.momenta = mo.map(([max, base]) => ({ max, base }));
    };
  }
}
