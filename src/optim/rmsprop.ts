// torch.optim.RMSprop: alpha, eps, L2 weight decay, momentum, centered, maximize.
import { backend } from '../backend/index.js';
import { atLeastZero, boolean, unitClosed } from './check.js';
import { Optimizer, type Algorithm, type OptimizerOptions, type ParamGroup, type ParamsInput } from './optimizer.js';
import type { Parameter } from './parameter.js';

export interface RmspropHyperparameters {
  /** Learning rate; default 1e-2. */
  lr: number;
  /** Smoothing constant of the squared-gradient average, in [0, 1]; default 0.99. */
  alpha: number;
  /** Added to the denominator, outside the square root; default 1e-8. */
  eps: number;
  /** L2 penalty added to the gradient; default 0. */
  weightDecay: number;
  /** Momentum factor; default 0. */
  momentum: number;
  /** Normalize by the estimated variance (the average gradient's square subtracted); default false. */
  centered: boolean;
  /** Ascend instead of descend; default false. */
  maximize: boolean;
}

export type RmspropOptions = Partial<RmspropHyperparameters> & OptimizerOptions;

export interface RmspropState {
  [key: string]: number | Float32Array | undefined;
  step: number;
  squareAvg: Float32Array;
  /** With momentum > 0. */
  momentumBuffer?: Float32Array;
  /** When centered. */
  gradAvg?: Float32Array;
}

const rmsprop: Algorithm<RmspropHyperparameters> = {
  name: 'RMSprop',
  defaults: { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false },
  check(fn, at, h) {
    atLeastZero(fn, `${at}lr`, h.lr);
    unitClosed(fn, `${at}alpha`, h.alpha);
    atLeastZero(fn, `${at}eps`, h.eps);
    atLeastZero(fn, `${at}weightDecay`, h.weightDecay);
    atLeastZero(fn, `${at}momentum`, h.momentum);
    boolean(fn, `${at}centered`, h.centered);
    boolean(fn, `${at}maximize`, h.maximize);
  },
  copy: ({ lr, alpha, eps, weightDecay, momentum, centered, maximize }) => ({
    lr,
    alpha,
    eps,
    weightDecay,
    momentum,
    centered,
    maximize,
  }),
  stateCounters: ['step'],
  stateArrays: ['squareAvg', 'momentumBuffer', 'gradAvg'],
  requiredState: ['step', 'squareAvg'],
};

/**
 * RMSprop, as torch.optim.RMSprop. With g = grad (+ weightDecay * p):
 *   s = alpha s + (1 - alpha) g^2;  centered: a = alpha a + (1 - alpha) g, d = sqrt(s - a^2) + eps, else
 *   d = sqrt(s) + eps;  momentum > 0: b = momentum b + g / d, p -= lr b;  else p -= lr g / d
 */
export class RMSprop extends Optimizer<RmspropHyperparameters, RmspropState> {
  static readonly typeName = 'RMSprop';

  constructor(params: ParamsInput<RmspropHyperparameters>, options?: RmspropOptions);
  constructor(options?: RmspropOptions);
  constructor(params?: unknown, options?: unknown) {
    super(rmsprop, params, options);
  }

  protected createState(_group: ParamGroup<RmspropHyperparameters>, p: Parameter): RmspropState {
    return { step: 0, squareAvg: new Float32Array(p.value.length) };
  }

  protected update(
    group: ParamGroup<RmspropHyperparameters>,
    p: Parameter,
    s: RmspropState,
    scale: number,
    clip: number,
  ) {
    const n = p.value.length;
    s.step++;
    const gradAvg = group.centered ? (s.gradAvg ??= new Float32Array(n)) : null;
    const buf = group.momentum > 0 ? (s.momentumBuffer ??= new Float32Array(n)) : null;
    backend.rmspropUpdate(
      p.value,
      p.grad,
      s.squareAvg,
      gradAvg,
      buf,
      group.lr,
      group.alpha,
      group.eps,
      group.momentum,
      group.weightDecay,
      group.maximize,
      scale,
      clip,
    );
  }
}
