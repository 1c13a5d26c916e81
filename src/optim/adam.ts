// torch.optim.Adam (L2 weight decay added to the gradient, optional AMSGrad) and torch.optim.AdamW (decoupled
// weight decay): one class each, sharing everything but the weight decay's meaning and default.
import { backend } from '../backend/index.js';
import { typeError } from '../validate.js';
import { atLeastZero, boolean, unitOpen } from './check.js';
import { Optimizer, type Algorithm, type OptimizerOptions, type ParamGroup, type ParamsInput } from './optimizer.js';
import type { Parameter } from './parameter.js';

export interface AdamHyperparameters {
  /** Learning rate; default 1e-3. */
  lr: number;
  /** Decay rates of the first and second moment averages, each in [0, 1); default [0.9, 0.999]. */
  betas: [number, number];
  /** Added to the denominator, outside the square root; default 1e-8. */
  eps: number;
  /** Adam: L2 penalty added to the gradient, default 0. AdamW: decoupled decay p *= 1 - lr * weightDecay, default 1e-2. */
  weightDecay: number;
  /** AMSGrad: divide by the running maximum of the second moment; default false. */
  amsgrad: boolean;
  /** Ascend instead of descend; default false. */
  maximize: boolean;
}

export type AdamOptions = Partial<AdamHyperparameters> & OptimizerOptions;

export interface AdamState {
  [key: string]: number | Float32Array | undefined;
  /** This parameter's steps so far (the bias corrections use it). */
  step: number;
  expAvg: Float32Array;
  expAvgSq: Float32Array;
  /** AMSGrad's running maximum of expAvgSq, created when amsgrad is on. */
  maxExpAvgSq?: Float32Array;
}

function adamAlgorithm(name: string, weightDecay: number): Algorithm<AdamHyperparameters> {
  return {
    name,
    defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay, amsgrad: false, maximize: false },
    check(fn, at, h) {
      atLeastZero(fn, `${at}lr`, h.lr);
      const betas: unknown = h.betas;
      if (!Array.isArray(betas) || betas.length !== 2)
        throw typeError(fn, `${at}betas`, 'an array [beta1, beta2]', betas);
      unitOpen(fn, `${at}betas[0]`, betas[0]);
      unitOpen(fn, `${at}betas[1]`, betas[1]);
      atLeastZero(fn, `${at}eps`, h.eps);
      atLeastZero(fn, `${at}weightDecay`, h.weightDecay);
      boolean(fn, `${at}amsgrad`, h.amsgrad);
      boolean(fn, `${at}maximize`, h.maximize);
    },
    copy: ({ lr, betas, eps, weightDecay, amsgrad, maximize }) => ({
      lr,
      betas: [betas[0], betas[1]],
      eps,
      weightDecay,
      amsgrad,
      maximize,
    }),
    stateCounters: ['step'],
    stateArrays: ['expAvg', 'expAvgSq', 'maxExpAvgSq'],
    requiredState: ['step', 'expAvg', 'expAvgSq'],
  };
}

const adam = adamAlgorithm('Adam', 0);
const adamW = adamAlgorithm('AdamW', 1e-2);

// Adam and AdamW: the same state and update call; `decoupled` says where weightDecay goes.
abstract class AdamFamily extends Optimizer<AdamHyperparameters, AdamState> {
  protected abstract readonly decoupled: boolean;

  protected createState(_group: ParamGroup<AdamHyperparameters>, p: Parameter): AdamState {
    const n = p.value.length;
    return { step: 0, expAvg: new Float32Array(n), expAvgSq: new Float32Array(n) };
  }

  protected update(group: ParamGroup<AdamHyperparameters>, p: Parameter, s: AdamState, scale: number, clip: number) {
    s.step++;
    let max: Float32Array | null = null;
    if (group.amsgrad) max = s.maxExpAvgSq ??= new Float32Array(p.value.length);
    const decay = group.weightDecay;
    backend.adamUpdate(
      p.value,
      p.grad,
      s.expAvg,
      s.expAvgSq,
      max,
      group.lr,
      group.betas[0],
      group.betas[1],
      group.eps,
      this.decoupled ? decay : 0,
      s.step,
      this.decoupled ? 0 : decay,
      group.maximize,
      scale,
      clip,
    );
  }
}

/**
 * Adam, as torch.optim.Adam. At step t, with g = grad (+ weightDecay * p):
 *   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2  (AMSGrad: vmax = max(vmax, v), used for v);
 *   p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 */
export class Adam extends AdamFamily {
  static readonly typeName = 'Adam';
  protected readonly decoupled = false;

  constructor(params: ParamsInput<AdamHyperparameters>, options?: AdamOptions);
  constructor(options?: AdamOptions);
  constructor(params?: unknown, options?: unknown) {
    super(adam, params, options);
  }
}

/**
 * AdamW, as torch.optim.AdamW: Adam with decoupled weight decay, p *= 1 - lr * weightDecay before the Adam update
 * (default weightDecay 1e-2).
 */
export class AdamW extends AdamFamily {
  static readonly typeName = 'AdamW';
  protected readonly decoupled = true;

  constructor(params: ParamsInput<AdamHyperparameters>, options?: AdamOptions);
  constructor(options?: AdamOptions);
  constructor(params?: unknown, options?: unknown) {
    super(adamW, params, options);
  }
}
