// torch.optim.Adagrad: lrDecay, L2 weight decay, initialAccumulatorValue, eps, maximize.
import { backend } from '../backend/index.js';
import { atLeastZero, boolean } from './check.js';
import { Optimizer, type Algorithm, type OptimizerOptions, type ParamGroup, type ParamsInput } from './optimizer.js';
import type { Parameter } from './parameter.js';

export interface AdagradHyperparameters {
  /** Learning rate; default 1e-2. */
  lr: number;
  /** The learning rate at step t is lr / (1 + (t - 1) * lrDecay); default 0. */
  lrDecay: number;
  /** L2 penalty added to the gradient; default 0. */
  weightDecay: number;
  /** The sum of squared gradients starts at this value; default 0. */
  initialAccumulatorValue: number;
  /** Added to the denominator, outside the square root; default 1e-10. */
  eps: number;
  /** Ascend instead of descend; default false. */
  maximize: boolean;
}

export type AdagradOptions = Partial<AdagradHyperparameters> & OptimizerOptions;

export interface AdagradState {
  [key: string]: number | Float32Array | undefined;
  step: number;
  sum: Float32Array;
}

const adagrad: Algorithm<AdagradHyperparameters> = {
  name: 'Adagrad',
  defaults: { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false },
  check(fn, at, h) {
    atLeastZero(fn, `${at}lr`, h.lr);
    atLeastZero(fn, `${at}lrDecay`, h.lrDecay);
    atLeastZero(fn, `${at}weightDecay`, h.weightDecay);
    atLeastZero(fn, `${at}initialAccumulatorValue`, h.initialAccumulatorValue);
    atLeastZero(fn, `${at}eps`, h.eps);
    boolean(fn, `${at}maximize`, h.maximize);
  },
  copy: ({ lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize }) => ({
    lr,
    lrDecay,
    weightDecay,
    initialAccumulatorValue,
    eps,
    maximize,
  }),
  stateCounters: ['step'],
  stateArrays: ['sum'],
  requiredState: ['step', 'sum'],
};

/**
 * Adagrad, as torch.optim.Adagrad. At step t, with g = grad (+ weightDecay * p):
 *   sum += g^2;  p -= lr / (1 + (t - 1) lrDecay) * g / (sqrt(sum) + eps)
 * (PyTorch creates the state when the optimizer is built; here at the first step, with the same values.)
 */
export class Adagrad extends Optimizer<AdagradHyperparameters, AdagradState> {
  static readonly typeName = 'Adagrad';

  constructor(params: ParamsInput<AdagradHyperparameters>, options?: AdagradOptions);
  constructor(options?: AdagradOptions);
  constructor(params?: unknown, options?: unknown) {
    super(adagrad, params, options);
  }

  protected createState(group: ParamGroup<AdagradHyperparameters>, p: Parameter): AdagradState {
    return { step: 0, sum: new Float32Array(p.value.length).fill(group.initialAccumulatorValue) };
  }

  protected update(
    group: ParamGroup<AdagradHyperparameters>,
    p: Parameter,
    s: AdagradState,
    scale: number,
    clip: number,
  ) {
    s.step++;
    backend.adagradUpdate(
      p.value,
      p.grad,
      s.sum,
      group.lr,
      group.lrDecay,
      group.eps,
      s.step,
      group.weightDecay,
      group.maximize,
      scale,
      clip,
    );
  }
}
