// steadygrad: fast neural-network training for Node.js.
export { sgemm } from './gemm.js';
export type { SgemmOptions } from './gemm.js';
export { backendInfo, setThreads } from './backend/index.js';
export type { BackendInfo, BackendName, Isa } from './backend/index.js';
export {
  DecimalScaler,
  MaxAbsScaler,
  MinMaxScaler,
  Normalizer,
  RobustScaler,
  StandardScaler,
  applyNormalization,
  normalize,
} from './normalize/index.js';
export { MapMinMaxScaler, MapStdScaler, mapminmax, mapstd, scalerFromJSON } from './normalize/index.js';
export type * from './normalize/index.js';
export {
  Adagrad,
  Adam,
  AdamW,
  ChainedScheduler,
  ConstantLR,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  ExponentialLR,
  LRScheduler,
  LinearLR,
  MultiStepLR,
  OneCycleLR,
  Optimizer,
  PolynomialLR,
  RMSprop,
  ReduceLROnPlateau,
  SGD,
  Schedule,
  SequentialLR,
  StepLR,
  clipGradNorm,
  clipGradValue,
} from './optim/index.js';
export type * from './optim/index.js';
