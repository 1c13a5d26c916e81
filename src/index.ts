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
export { layers } from './layers/registry.js';
export type { Layer, Parameter as ModelParameter, Shape } from './layers/layer.js';
export type { ActivationSpec } from './layers/activations.js';
export type { DenseOptions } from './layers/dense.js';
export type { ActivationOptions } from './layers/activation.js';
export type { DropoutOptions } from './layers/dropout.js';
export type { LayerNormOptions } from './layers/layer-norm.js';
export type { RecurrentOptions } from './layers/recurrent.js';
export type { LstmOptions } from './layers/lstm.js';
export type { GruOptions } from './layers/gru.js';
export type { SimpleRnnOptions } from './layers/simple-rnn.js';
export { Sequential, sequential, sequentialFromConfig } from './model/sequential.js';
export type {
  Batch,
  BatchSource,
  CompileOptions,
  FitDatasetOptions,
  FitOptions,
  OptimizerLike,
  Prediction,
  SequentialConfig,
  SequentialOptions,
} from './model/sequential.js';
export { EarlyStopping, earlyStopping } from './model/callbacks.js';
export type { Callback, CallbackModel, EarlyStoppingOptions, GradientStep, History, Logs } from './model/callbacks.js';
export type { Input, Tensor } from './model/data.js';
export type { LossName, LossSpec, MetricName } from './model/losses.js';
export type { InitializerName, InitializerSpec } from './model/initializers.js';
export { loadModel } from './model/save.js';
export type {
  LoadWeightsOptions,
  LoadWeightsResult,
  NameMap,
  SaveOptions,
  SetWeightsOptions,
  WeightsFileOptions,
} from './model/save.js';
export type { ScalerName, ScalerSpec } from './model/scaling.js';
export { ModelFileError } from './io/model-file.js';
export { SafetensorsError } from './io/safetensors.js';
export { GradientMonitor, gradCheck, gradientMonitor } from './diagnostics/index.js';
export type {
  GradCheckOptions,
  GradCheckParameter,
  GradCheckResult,
  GradientMonitorJSON,
  GradientMonitorOptions,
  LayerInfo,
  MonitorData,
  ObserveInfo,
  ParameterInfo,
  StateGradientRecord,
  StepRecord,
  Thresholds,
  Verdict,
  VerdictKind,
} from './diagnostics/index.js';
