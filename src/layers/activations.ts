// Activation functions as options: `activation: 'relu'` or `{ name: 'leakyRelu', negativeSlope: 0.2 }`, with
// PyTorch's definitions and defaults (computed by the backends' activation ops, native/ops/activation-inl.h):
//
//   linear      x
//   sigmoid     1 / (1 + e^-x)
//   tanh        tanh x
//   relu        max(x, 0)
//   leakyRelu   x if x > 0 else negativeSlope * x                  negativeSlope = 0.01 (PyTorch; Keras uses 0.3)
//   elu         x if x > 0 else alpha (e^x - 1)                     alpha = 1
//   gelu        x Phi(x), Phi the normal CDF (exact, with erf)      approximate: 'none' (default) or 'tanh'
//   softplus    log(1 + e^(beta x)) / beta, x where beta x > threshold     beta = 1, threshold = 20
//   softmax     e^x / sum(e^x) over the last axis
import { ACTIVATION_CODES, type ActivationKind } from '../backend/layer-codes.js';
import { checkChoice, checkFinite, checkOptions, rangeError, suggest, typeError } from '../validate.js';

export type ActivationName =
  'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'elu' | 'gelu' | 'softplus' | 'softmax';

/** An activation option: its name, or { name, ...its parameters }. */
export type ActivationSpec =
  | ActivationName
  | { name: 'leakyRelu'; negativeSlope?: number }
  | { name: 'elu'; alpha?: number }
  | { name: 'gelu'; approximate?: 'none' | 'tanh' }
  | { name: 'softplus'; beta?: number; threshold?: number }
  | { name: Exclude<ActivationName, 'leakyRelu' | 'elu' | 'gelu' | 'softplus'> };

/** An activation resolved for the backend's ops. */
export interface Activation {
  kind: ActivationKind;
  code: number;
  param1: number;
  param2: number;
  /** The option as given, in canonical JSON form (for getConfig). */
  spec: ActivationSpec;
}

const NAMES: readonly ActivationName[] = [
  'linear',
  'sigmoid',
  'tanh',
  'relu',
  'leakyRelu',
  'elu',
  'gelu',
  'softplus',
  'softmax',
];
const PARAMETERS: Record<ActivationName, readonly string[]> = {
  linear: [],
  sigmoid: [],
  tanh: [],
  relu: [],
  leakyRelu: ['negativeSlope'],
  elu: ['alpha'],
  gelu: ['approximate'],
  softplus: ['beta', 'threshold'],
  softmax: [],
};

export function resolveActivation(fn: string, name: string, value: unknown): Activation {
  const spec = typeof value === 'string' ? { name: value } : value;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw typeError(fn, name, 'an activation name or { name, ...parameters }', value);
  }
  const given = (spec as { name?: unknown }).name;
  if (typeof given !== 'string' || !(NAMES as readonly string[]).includes(given)) {
    throw rangeError(fn, name, `one of ${NAMES.join(', ')}`, suggest(String(given), NAMES));
  }
  const activation = given as ActivationName;
  const o = checkOptions<Record<string, unknown>>(fn, spec, ['name', ...PARAMETERS[activation]]) as Record<
    string,
    unknown
  >;
  const number = (key: string, fallback: number) =>
    o[key] === undefined ? fallback : checkFinite(fn, `${name}.${key}`, o[key]);
  let kind: ActivationKind = activation;
  let [param1, param2] = [0, 0];
  if (activation === 'leakyRelu') param1 = number('negativeSlope', 0.01);
  if (activation === 'elu') param1 = number('alpha', 1);
  if (activation === 'softplus') {
    param1 = number('beta', 1);
    param2 = number('threshold', 20);
    if (param1 <= 0) throw rangeError(fn, `${name}.beta`, 'a positive number', String(param1));
  }
  if (activation === 'gelu' && o.approximate !== undefined) {
    if (checkChoice(fn, `${name}.approximate`, o.approximate, ['none', 'tanh'] as const) === 'tanh') kind = 'geluTanh';
  }
  const canonical = (typeof value === 'string' ? value : { ...spec }) as ActivationSpec;
  return { kind, code: ACTIVATION_CODES.indexOf(kind), param1, param2, spec: canonical };
}
