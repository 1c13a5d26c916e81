// The small integer codes the layer ops take for activations, losses and merge modes (their position in each list).
// native/ops/layers.h declares the same enums in the same order; test/backends/layer-ops.test.ts checks a value of
// every code against the js twin, so an entry out of order fails there.

/** Activations: see native/ops/layers.h for the parameters each takes. */
export const ACTIVATION_CODES = [
  'linear',
  'sigmoid',
  'tanh',
  'relu',
  'leakyRelu',
  'elu',
  'gelu',
  'geluTanh',
  'softplus',
  'softmax',
] as const;
export type ActivationKind = (typeof ACTIVATION_CODES)[number];

/** Losses and metrics computed by the backend's `loss` op. */
export const LOSS_CODES = [
  'mse',
  'mae',
  'huber',
  'bce',
  'bceLogits',
  'ce',
  'ceLogits',
  'sparseCe',
  'sparseCeLogits',
  'binaryAccuracy',
  'categoricalAccuracy',
  'sparseAccuracy',
] as const;
export type LossKind = (typeof LOSS_CODES)[number];

/** Whether a loss kind takes one class index per row as its target. */
export const SPARSE_LOSSES: readonly LossKind[] = ['sparseCe', 'sparseCeLogits', 'sparseAccuracy'];

/** How a bidirectional layer merges its two directions. */
export const MERGE_CODES = ['concat', 'sum', 'mul', 'ave'] as const;
export type MergeMode = (typeof MERGE_CODES)[number];

/** The recurrent ops that can run off the main thread (Backend.recurrentAsync). */
export type RecurrentOp = 'rnnForward' | 'rnnBackward' | 'lstmForward' | 'lstmBackward' | 'gruForward' | 'gruBackward';
