// Normalization for Node data pipelines: MATLAB's normalize() and scikit-learn's scalers, NaN-aware, streaming.
export { applyNormalization, normalize } from './normalize.js';
export type { NormalizeMethod, NormalizeOptions, NormalizeResult } from './normalize.js';
export { DecimalScaler, MaxAbsScaler, MinMaxScaler, Normalizer, RobustScaler, StandardScaler } from './scalers.js';
export type {
  CallOptions,
  ColumnOptions,
  MinMaxScalerOptions,
  NormalizerOptions,
  RobustScalerOptions,
  ScalerJSON,
  StandardScalerOptions,
  StreamFitOptions,
} from './scalers.js';
export type { Data, DataOptions, NumericArray } from './data.js';
