// Gradient clipping, as torch.nn.utils.clip_grad_norm_ and clip_grad_value_: in place on each parameter's grad.
import { backend } from '../backend/index.js';
import { checkBoolean, checkOptions, describe, rangeError, typeError } from '../validate.js';
import { isPlainObject } from './check.js';
import { checkParameter, checkParameterList, type Parameter } from './parameter.js';

export interface ClipGradNormOptions {
  /** The norm: 2 (default), 1 or Infinity (the largest absolute value). */
  normType?: number;
  /** Throw, changing nothing, when the total norm is NaN or infinite; default false (PyTorch's default). */
  errorIfNonfinite?: boolean;
}

// One parameter or a list of them, as PyTorch accepts a tensor or an iterable of tensors.
function parameterList(fn: string, params: unknown): Parameter[] {
  return isPlainObject(params) && 'value' in params
    ? [checkParameter(fn, 'params', params)]
    : checkParameterList(fn, 'params', params);
}

function clipBound(fn: string, name: string, value: unknown): number {
  const expected = 'a number >= 0 (Infinity allowed)';
  if (typeof value !== 'number') throw typeError(fn, name, expected, value);
  if (!(value >= 0)) throw rangeError(fn, name, expected, describe(value));
  return value;
}

/**
 * Scales all gradients together so that their global norm is at most maxNorm, as torch.nn.utils.clip_grad_norm_:
 * the norm is taken over all gradients as if they were one vector, and every gradient is multiplied by
 * min(1, maxNorm / (norm + 1e-6)). Returns the norm before clipping (0 for an empty list). With a NaN or infinite
 * norm the gradients are scaled by NaN or 0 as in PyTorch, unless errorIfNonfinite asks for a RangeError instead.
 */
export function clipGradNorm(
  params: Parameter | Iterable<Parameter>,
  maxNorm: number,
  options?: ClipGradNormOptions,
): number {
  const fn = 'clipGradNorm';
  const list = parameterList(fn, params);
  clipBound(fn, 'maxNorm', maxNorm);
  const opts = checkOptions<ClipGradNormOptions>(fn, options, ['normType', 'errorIfNonfinite']);
  const normType = opts.normType ?? 2;
  if (normType !== 1 && normType !== 2 && normType !== Infinity) {
    const expected = '1, 2 or Infinity';
    if (typeof normType !== 'number') throw typeError(fn, 'normType', expected, normType);
    throw rangeError(fn, 'normType', expected, describe(normType));
  }
  const errorIfNonfinite =
    opts.errorIfNonfinite === undefined ? false : checkBoolean(fn, 'errorIfNonfinite', opts.errorIfNonfinite);
  if (list.length === 0) return 0;

  let total = 0;
  for (const p of list) {
    const part = backend.normPartial(p.grad, normType);
    total = normType === Infinity ? (part > total || part !== part ? part : total) : total + part;
  }
  if (normType === 2) total = Math.sqrt(total);
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw rangeError(
      fn,
      `the total norm of order ${normType} of the gradients`,
      'finite (errorIfNonfinite: true)',
      `${total}; no gradient was changed`,
    );
  }
  const scale = Math.min(maxNorm / (total + 1e-6), 1); // NaN stays NaN
  if (scale !== 1) for (const p of list) backend.scaleInPlace(p.grad, scale);
  return total;
}

/** Clamps every gradient element to [-clipValue, clipValue], as torch.nn.utils.clip_grad_value_. NaN stays NaN. */
export function clipGradValue(params: Parameter | Iterable<Parameter>, clipValue: number): void {
  const fn = 'clipGradValue';
  const list = parameterList(fn, params);
  clipBound(fn, 'clipValue', clipValue);
  for (const p of list) backend.clampInPlace(p.grad, clipValue);
}
