// torch.optim.SGD: momentum, dampening, Nesterov, L2 weight decay, maximize.
import { backend } from '../backend/index.js';
import { rangeError } from '../validate.js';
import { atLeastZero, boolean, unitClosed } from './check.js';
import { Optimizer, type Algorithm, type OptimizerOptions, type ParamGroup, type ParamsInput } from './optimizer.js';
import type { Parameter } from './parameter.js';

export interface SgdHyperparameters {
  /** Learning rate; default 1e-3 (PyTorch 2.x's default; 1.13 requires it). */
  lr: number;
  /** Momentum factor; default 0 (plain SGD). */
  momentum: number;
  /** Dampening of the gradient added to the momentum buffer, in [0, 1]; default 0. */
  dampening: number;
  /** L2 penalty added to the gradient; default 0. */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0); default false. */
  nesterov: boolean;
  /** Ascend instead of descend; default false. */
  maximize: boolean;
}

export type SgdOptions = Partial<SgdHyperparameters> & OptimizerOptions;

export interface SgdState {
  [key: string]: number | Float32Array | undefined;
  /** Created at the first step with momentum != 0, equal to that step's gradient (PyTorch's clone). */
  momentumBuffer?: Float32Array;
}

const sgd: Algorithm<SgdHyperparameters> = {
  name: 'SGD',
  defaults: { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false },
  check(fn, at, h) {
    atLeastZero(fn, `${at}lr`, h.lr);
    atLeastZero(fn, `${at}momentum`, h.momentum);
    unitClosed(fn, `${at}dampening`, h.dampening);
    atLeastZero(fn, `${at}weightDecay`, h.weightDecay);
    boolean(fn, `${at}maximize`, h.maximize);
    if (boolean(fn, `${at}nesterov`, h.nesterov)) {
      if (h.momentum <= 0) throw rangeError(fn, `${at}momentum`, '> 0 with nesterov: true', String(h.momentum));
      if (h.dampening !== 0) throw rangeError(fn, `${at}dampening`, '0 with nesterov: true', String(h.dampening));
    }
  },
  copy: ({ lr, momentum, dampening, weightDecay, nesterov, maximize }) => ({
    lr,
    momentum,
    dampening,
    weightDecay,
    nesterov,
    maximize,
  }),
  stateCounters: [],
  stateArrays: ['momentumBuffer'],
  requiredState: [],
};

/**
 * Stochastic gradient descent, as torch.optim.SGD:
 *   g = grad (+ weightDecay * p);  b = momentum * b + (1 - dampening) * g (b = g at the first step);
 *   g = nesterov ? g + momentum * b : b;  p -= lr * g   (p += lr * g to maximize)
 */
export class SGD extends Optimizer<SgdHyperparameters, SgdState> {
  static readonly typeName = 'SGD';

  constructor(params: ParamsInput<SgdHyperparameters>, options?: SgdOptions);
  constructor(options?: SgdOptions);
  constructor(params?: unknown, options?: unknown) {
    super(sgd, params, options);
  }

  protected createState(): SgdState {
    return {};
  }

  protected update(group: ParamGroup<SgdHyperparameters>, p: Parameter, s: SgdState, scale: number, clip: number) {
    let buf: Float32Array | null = null;
    let first = false;
    if (group.momentum !== 0) {
      first = s.momentumBuffer === undefined;
      if (first) s.momentumBuffer = new Float32Array(p.value.length);
      buf = s.momentumBuffer!;
    }
    backend.sgdUpdate(
      p.value,
      p.grad,
      buf,
      group.lr,
      group.momentum,
      group.dampening,
      group.nesterov,
      first,
      group.weightDecay,
      group.maximize,
      scale,
      clip,
    );
  }
}
