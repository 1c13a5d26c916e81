// Optimizers, gradient clipping and learning-rate schedules, with PyTorch's semantics.
export { Optimizer } from './optimizer.js';
export type {
  Hyperparameters,
  NonFinitePolicy,
  OptimizerOptions,
  OptimizerStateDict,
  ParamGroup,
  ParamGroupInput,
  ParameterState,
  ParamsInput,
} from './optimizer.js';
export type { Parameter } from './parameter.js';
export { SGD } from './sgd.js';
export type { SgdHyperparameters, SgdOptions, SgdState } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamHyperparameters, AdamOptions, AdamState } from './adam.js';
export { RMSprop } from './rmsprop.js';
export type { RmspropHyperparameters, RmspropOptions, RmspropState } from './rmsprop.js';
export { Adagrad } from './adagrad.js';
export type { AdagradHyperparameters, AdagradOptions, AdagradState } from './adagrad.js';
export { clipGradNorm, clipGradValue } from './clip.js';
export type { ClipGradNormOptions } from './clip.js';
export * from './schedules/index.js';
