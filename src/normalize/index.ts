// Normalization for Node data pipelines: MATLAB's normalize() and scikit-learn's scalers, NaN-aware, streaming;
// MATLAB's neural-network mapminmax and mapstd; and the Scaler protocol every scaler follows.
export { applyNormalization, normalize } from './normalize.js';
export type {
  CenterOption,
  CenterScaleOptions,
  DimOption,
  NormalizeMethod,
  NormalizeMethodOptions,
  NormalizeOptions,
  NormalizeResult,
  ScaleOption,
} from './normalize.js';
export { DecimalScaler, MaxAbsScaler, MinMaxScaler, Normalizer, RobustScaler, StandardScaler } from './scalers.js';
export type {
  CallOptions,
  ColumnOptions,
  MinMaxScalerOptions,
  NormalizerOptions,
  RobustScalerOptions,
  StandardScalerOptions,
  StreamFitOptions,
} from './scalers.js';
export { MapMinMaxScaler, MapStdScaler, mapminmax, mapstd } from './mapminmax-mapstd.js';
export type {
  MapMinMax,
  MapMinMaxOptions,
  MapMinMaxScalerOptions,
  MapMinMaxSettings,
  MapResult,
  MapStd,
  MapStdOptions,
  MapStdScalerOptions,
  MapStdSettings,
  MatrixData,
  MatrixOptions,
} from './mapminmax-mapstd.js';
export { scalerFromJSON } from './protocol.js';
export type { Scaler, ScalerJSON, ScalerType } from './protocol.js';
export type { RowTransformStream } from './stream-types.js';
export type {
  Data,
  DataOptions,
  DataOptionsFor,
  NumericArray,
  ObjectRow,
  Row,
  ShapedData,
  Transformed,
} from './data.js';
