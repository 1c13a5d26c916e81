// Losses and metrics by name, with PyTorch's semantics, computed by the backend's `loss` op (native/ops/layers.h),
// which returns the loss and its gradient in one pass.
//
//   loss                            PyTorch                          per               mean divides by
//   mse (meanSquaredError)          MSELoss                          element           elements
//   mae (meanAbsoluteError, l1)     L1Loss                           element           elements
//   huber { delta = 1 }             HuberLoss                        element           elements
//   binaryCrossentropy              BCELoss (log clamped at -100),   element           elements
//                                   fromLogits: BCEWithLogitsLoss
//   categoricalCrossentropy         CrossEntropyLoss with class      row               rows
//                                   probabilities (one-hot or soft)
//   sparseCategoricalCrossentropy   CrossEntropyLoss with class      row               rows
//                                   indices (targets (N) or (N, 1))
//
// reduction: 'mean' (default) or 'sum'. For sequence outputs with lengths, steps past an example's length are left
// out (as a loss over PyTorch's packed data would): the mean divides by the valid steps only.
//
// Fusion: when the model's last layer ends in sigmoid (with binaryCrossentropy) or softmax (with the categorical
// ones), and fromLogits is false, the loss is computed from that layer's pre-activation with the logits formula
// (Keras does the same), so that a saturated probability still gives a gradient. Its value then equals the
// probability form's wherever that is not clamped.
import { LOSS_CODES, type LossKind } from '../backend/layer-codes.js';
import { checkBoolean, checkChoice, checkFinite, checkOptions, rangeError, suggest, typeError } from '../validate.js';

export type LossName =
  | 'mse'
  | 'meanSquaredError'
  | 'mae'
  | 'meanAbsoluteError'
  | 'l1'
  | 'huber'
  | 'binaryCrossentropy'
  | 'categoricalCrossentropy'
  | 'sparseCategoricalCrossentropy';

/** A loss: its name, or { name, fromLogits, delta, reduction }. */
export type LossSpec = LossName | { name: LossName; fromLogits?: boolean; delta?: number; reduction?: 'mean' | 'sum' };

const CANONICAL: Record<LossName, string> = {
  mse: 'mse',
  meanSquaredError: 'mse',
  mae: 'mae',
  meanAbsoluteError: 'mae',
  l1: 'mae',
  huber: 'huber',
  binaryCrossentropy: 'binaryCrossentropy',
  categoricalCrossentropy: 'categoricalCrossentropy',
  sparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy',
};
const LOSS_NAMES = Object.keys(CANONICAL) as LossName[];

/** A loss resolved for the backend. */
export interface Loss {
  name: string;
  /** The kind on the model's output as it is (probabilities, or logits with fromLogits). */
  kind: LossKind;
  /** The logits kind used when the model's final activation fuses with it; null when it cannot fuse. */
  fusesWith: { activation: 'sigmoid' | 'softmax'; kind: LossKind } | null;
  param: number;
  reduction: 'mean' | 'sum';
  /** Targets are class indices, one per output row. */
  sparse: boolean;
  /** Summed per row (crossentropies) rather than per element: the mean divides by rows. */
  perRow: boolean;
  fromLogits: boolean;
  /** The canonical JSON form, for getConfig. */
  spec: LossSpec;
}

export const code = (kind: LossKind) => LOSS_CODES.indexOf(kind);

export function resolveLoss(fn: string, value: unknown): Loss {
  const spec = typeof value === 'string' ? { name: value } : value;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw typeError(fn, 'loss', 'a loss name or { name, fromLogits, delta, reduction }', value);
  }
  const given = (spec as { name?: unknown }).name;
  if (typeof given !== 'string' || !(given in CANONICAL)) {
    throw rangeError(fn, 'loss', `one of ${LOSS_NAMES.join(', ')}`, suggest(String(given), LOSS_NAMES));
  }
  const name = CANONICAL[given as LossName];
  const allowed = [
    'name',
    'reduction',
    ...(name === 'huber' ? ['delta'] : []),
    ...(name.endsWith('Crossentropy') ? ['fromLogits'] : []),
  ];
  const o = checkOptions<{ fromLogits?: unknown; delta?: unknown; reduction?: unknown }>(fn, spec, allowed);
  const fromLogits = o.fromLogits === undefined ? false : checkBoolean(fn, 'loss.fromLogits', o.fromLogits);
  const reduction =
    o.reduction === undefined ? 'mean' : checkChoice(fn, 'loss.reduction', o.reduction, ['mean', 'sum'] as const);
  let param = 0;
  if (name === 'huber') {
    param = o.delta === undefined ? 1 : checkFinite(fn, 'loss.delta', o.delta);
    if (!(param > 0)) throw rangeError(fn, 'loss.delta', 'a positive number', String(param));
  }
  const table: Record<string, [LossKind, LossKind, 'sigmoid' | 'softmax' | null]> = {
    mse: ['mse', 'mse', null],
    mae: ['mae', 'mae', null],
    huber: ['huber', 'huber', null],
    binaryCrossentropy: ['bce', 'bceLogits', 'sigmoid'],
    categoricalCrossentropy: ['ce', 'ceLogits', 'softmax'],
    sparseCategoricalCrossentropy: ['sparseCe', 'sparseCeLogits', 'softmax'],
  };
  const [probabilities, logits, activation] = table[name];
  return {
    name,
    kind: fromLogits ? logits : probabilities,
    fusesWith: activation && !fromLogits ? { activation, kind: logits } : null,
    param,
    reduction,
    sparse: name === 'sparseCategoricalCrossentropy',
    perRow: name === 'categoricalCrossentropy' || name === 'sparseCategoricalCrossentropy',
    fromLogits,
    spec: typeof value === 'string' ? (value as LossName) : ({ ...spec } as LossSpec),
  };
}

/** A metric resolved for the backend: its key in the logs, its kind, and what a mean divides by. */
export interface Metric {
  name: string;
  kind: LossKind;
  param: number;
  perRow: boolean;
}

export type MetricName =
  | 'accuracy'
  | 'acc'
  | 'binaryAccuracy'
  | 'categoricalAccuracy'
  | 'sparseCategoricalAccuracy'
  | 'mae'
  | 'meanAbsoluteError'
  | 'mse'
  | 'meanSquaredError';
const METRIC_NAMES: MetricName[] = [
  'accuracy',
  'acc',
  'binaryAccuracy',
  'categoricalAccuracy',
  'sparseCategoricalAccuracy',
  'mae',
  'meanAbsoluteError',
  'mse',
  'meanSquaredError',
];

/**
 * Metrics by name, computed on the model's outputs. 'accuracy' follows the loss as Keras does: sparse categorical
 * for sparseCategoricalCrossentropy, categorical for categoricalCrossentropy, binary (output > 0.5, or > 0 for
 * logits) for binaryCrossentropy; otherwise binary for one output unit and categorical for more.
 */
export function resolveMetrics(fn: string, value: unknown, loss: Loss, outputUnits: number): Metric[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw typeError(fn, 'metrics', 'an array of metric names', value);
  const seen = new Set<string>();
  return value.map((m: unknown, i) => {
    if (typeof m !== 'string') throw typeError(fn, `metrics[${i}]`, 'a metric name', m);
    if (!(METRIC_NAMES as string[]).includes(m)) {
      throw rangeError(fn, `metrics[${i}]`, `one of ${METRIC_NAMES.join(', ')}`, suggest(m, METRIC_NAMES));
    }
    if (seen.has(m)) throw rangeError(fn, `metrics[${i}]`, 'a metric not already listed', `'${m}'`);
    seen.add(m);
    const threshold = loss.fromLogits ? 0 : 0.5;
    let kind: LossKind;
    if (m === 'accuracy' || m === 'acc') {
      if (loss.sparse) kind = 'sparseAccuracy';
      else if (loss.name === 'categoricalCrossentropy') kind = 'categoricalAccuracy';
      else if (loss.name === 'binaryCrossentropy' || outputUnits === 1) kind = 'binaryAccuracy';
      else kind = 'categoricalAccuracy';
    } else if (m === 'binaryAccuracy') kind = 'binaryAccuracy';
    else if (m === 'categoricalAccuracy') kind = 'categoricalAccuracy';
    else if (m === 'sparseCategoricalAccuracy') kind = 'sparseAccuracy';
    else if (m === 'mae' || m === 'meanAbsoluteError') kind = 'mae';
    else kind = 'mse';
    if (kind === 'sparseAccuracy' && !loss.sparse) {
      throw rangeError(fn, `metrics[${i}]`, 'used with sparseCategoricalCrossentropy (class-index targets)', `'${m}'`);
    }
    if (
      loss.sparse &&
      (kind === 'mae' || kind === 'mse' || kind === 'categoricalAccuracy' || kind === 'binaryAccuracy')
    ) {
      throw rangeError(fn, `metrics[${i}]`, 'a metric that takes class-index targets (accuracy)', `'${m}'`);
    }
    const perRow = kind === 'categoricalAccuracy' || kind === 'sparseAccuracy';
    return { name: m, kind, param: kind === 'binaryAccuracy' ? threshold : 0, perRow };
  });
}
