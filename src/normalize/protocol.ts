// The scaler protocol: what every scaler is (scikit-learn's, MATLAB's mapminmax and mapstd in their scaler form),
// so that a model can hold any of them as its input or target scaler, and save and restore it with
// scalerFromJSON().
import { checkChoice, typeError } from '../validate.js';
import type { CallOptions, Data, Transformed } from './data.js';
import { MapMinMaxScaler, MapStdScaler } from './mapminmax-mapstd.js';
import { DecimalScaler, MaxAbsScaler, MinMaxScaler, Normalizer, RobustScaler, StandardScaler } from './scalers.js';
import { checkEnvelope } from './column-scaler.js';

/** What toJSON() returns; the class's fromJSON() and scalerFromJSON() take it back (or its JSON string). */
export interface ScalerJSON {
  /** The scaler's class, its static typeName: 'StandardScaler', 'MapMinMaxScaler'... */
  type: string;
  version: 1;
  /** The constructor's options. */
  options: Record<string, unknown>;
  /** What was learned, null before fitting. */
  state: Record<string, unknown> | null;
}

/**
 * A scaler: learns from data (rows are samples, columns are features) in fit(), maps data in transform() and back
 * in inverseTransform() (Normalizer's throws: rows do not keep their norms), and saves itself with toJSON().
 * Every scaler in steadygrad is one.
 */
export interface Scaler {
  /** Number of columns seen in fit (null before). */
  readonly nFeatures: number | null;
  fit<D extends Data>(X: D, options?: CallOptions<D>): this;
  transform<D extends Data>(X: D, options?: CallOptions<D>): Transformed<D>;
  fitTransform<D extends Data>(X: D, options?: CallOptions<D>): Transformed<D>;
  inverseTransform<D extends Data>(X: D, options?: CallOptions<D>): Transformed<D>;
  toJSON(): ScalerJSON;
}

/** The typeName of every scaler scalerFromJSON() restores. */
export type ScalerType =
  | 'StandardScaler'
  | 'MinMaxScaler'
  | 'MaxAbsScaler'
  | 'DecimalScaler'
  | 'RobustScaler'
  | 'Normalizer'
  | 'MapMinMaxScaler'
  | 'MapStdScaler';

const RESTORE: Record<ScalerType, (json: ScalerJSON) => Scaler> = {
  StandardScaler: (j) => StandardScaler.fromJSON(j),
  MinMaxScaler: (j) => MinMaxScaler.fromJSON(j),
  MaxAbsScaler: (j) => MaxAbsScaler.fromJSON(j),
  DecimalScaler: (j) => DecimalScaler.fromJSON(j),
  RobustScaler: (j) => RobustScaler.fromJSON(j),
  Normalizer: (j) => Normalizer.fromJSON(j),
  MapMinMaxScaler: (j) => MapMinMaxScaler.fromJSON(j),
  MapStdScaler: (j) => MapStdScaler.fromJSON(j),
};

/**
 * Restores any scaler from what its toJSON() returned (or that as a JSON string), options and fitted state
 * included: a StandardScaler's JSON gives a StandardScaler, a MapMinMaxScaler's a MapMinMaxScaler with its yMin
 * and yMax, and so on.
 */
export function scalerFromJSON(json: unknown): Scaler {
  const fn = 'scalerFromJSON';
  if (typeof json === 'string') json = JSON.parse(json);
  if (typeof json !== 'object' || json === null) throw typeError(fn, 'json', 'a scaler as toJSON() returns it', json);
  const types = Object.keys(RESTORE) as ScalerType[];
  const type = checkChoice(fn, 'json.type', (json as { type?: unknown }).type, types, { suggest: true });
  return RESTORE[type](checkEnvelope(`${type}.fromJSON`, json, type));
}
