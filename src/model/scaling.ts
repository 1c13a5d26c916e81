// A model's input and target scalers (compile's inputScaler and targetScaler): any scaler of the normalization API
// (src/normalize/), by object or by name, or a ps from MATLAB's mapminmax() or mapstd(). fit fits them on the
// training data (never the validation data) unless they are fitted already, and the model trains on scaled data;
// predict and evaluate take raw inputs and answer in the targets' raw units.
//
// Layout: a model's data has one row per example, or per step of a sequence (N, T, F), and one column per feature,
// which is the scalers' own convention (rows are samples). So each feature is scaled over every example and step
// ("per feature over B and T"), and MATLAB's row-wise mapminmax and mapstd become their column forms,
// MapMinMaxScaler and MapStdScaler: mapminmax of x' (features as rows, MATLAB's layout), transposed back, is
// exactly what MapMinMaxScaler does to x. Steps past a sequence's length are padding: they are left out of fitting.
import { backend } from '../backend/index.js';
import {
  DecimalScaler,
  MapMinMaxScaler,
  MapStdScaler,
  MaxAbsScaler,
  MinMaxScaler,
  Normalizer,
  RobustScaler,
  StandardScaler,
  scalerFromJSON,
} from '../normalize/index.js';
import type { MapMinMaxSettings, MapStdSettings, Scaler, ScalerJSON } from '../normalize/index.js';
import { describe, rangeError, typeError } from '../validate.js';
import type { Dataset } from './data.js';
import type { Loss } from './losses.js';

/** The scalers compile takes by name: each is that scaler with its defaults. */
export type ScalerName = 'standard' | 'minmax' | 'maxabs' | 'robust' | 'decimal' | 'mapminmax' | 'mapstd';

/** What compile takes as inputScaler or targetScaler. */
export type ScalerSpec = Scaler | ScalerName | MapMinMaxSettings | MapStdSettings;

const BY_NAME: Record<ScalerName, () => Scaler> = {
  standard: () => new StandardScaler(),
  minmax: () => new MinMaxScaler(),
  maxabs: () => new MaxAbsScaler(),
  robust: () => new RobustScaler(),
  decimal: () => new DecimalScaler(),
  mapminmax: () => new MapMinMaxScaler(),
  mapstd: () => new MapStdScaler(),
};
const NAMES = Object.keys(BY_NAME) as ScalerName[];

function isScaler(value: unknown): value is Scaler {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return ['fit', 'transform', 'inverseTransform', 'toJSON'].every((m) => typeof s[m] === 'function');
}

/** compile's `option` (inputScaler or targetScaler): a scaler, its name, or a ps of mapminmax()/mapstd(). */
export function resolveScaler(fn: string, option: 'inputScaler' | 'targetScaler', value: unknown): Scaler | null {
  if (value === undefined || value === null) return null;
  const expected = `a scaler (new StandardScaler(), ...), one of ${NAMES.map((n) => `'${n}'`).join(', ')}, or the ps of mapminmax() or mapstd()`;
  let scaler: Scaler;
  if (typeof value === 'string') {
    if (!Object.hasOwn(BY_NAME, value)) throw rangeError(fn, option, expected, describe(value));
    scaler = BY_NAME[value as ScalerName]();
  } else if (isScaler(value)) {
    scaler = value;
  } else if (typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'mapminmax') {
    scaler = MapMinMaxScaler.fromPs(value as MapMinMaxSettings);
  } else if (typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'mapstd') {
    scaler = MapStdScaler.fromPs(value as MapStdSettings);
  } else {
    throw typeError(fn, option, expected, value);
  }
  const columns = (scaler as { columns?: unknown }).columns;
  if (columns !== undefined && columns !== null) {
    throw rangeError(
      fn,
      option,
      'a scaler made without columns (a model scales arrays, not object rows)',
      'one with columns',
    );
  }
  if (option === 'targetScaler' && scaler instanceof Normalizer) {
    throw rangeError(
      fn,
      option,
      'a scaler that can be undone (Normalizer cannot: rows do not keep their norms)',
      'a Normalizer',
    );
  }
  return scaler;
}

/**
 * compile's inputScaler and targetScaler, checked: a target scaler needs a regression loss (mse, mae, huber), whose
 * targets are numbers on a scale, not classes or probabilities. One left undefined keeps the model's `current` one
 * (so that compiling again, to change the optimizer, keeps the scalers the model was trained with); null removes it.
 */
export function compileScalers(
  fn: string,
  input: unknown,
  target: unknown,
  loss: Loss,
  current: ModelScalers | null,
): ModelScalers | null {
  const inputScaler = input === undefined ? (current?.input ?? null) : resolveScaler(fn, 'inputScaler', input);
  const targetScaler = target === undefined ? (current?.target ?? null) : resolveScaler(fn, 'targetScaler', target);
  if (targetScaler && !REGRESSION.includes(loss.name)) {
    throw rangeError(
      fn,
      'targetScaler',
      `given only with a regression loss (${REGRESSION.join(', ')})`,
      `one with loss '${loss.name}'`,
    );
  }
  return inputScaler || targetScaler ? new ModelScalers(inputScaler, targetScaler) : null;
}
const REGRESSION = ['mse', 'mae', 'huber'];

/**
 * fit's data in the model's units: the scalers fitted on the training part (those not fitted yet), then the
 * training and validation data mapped through them.
 */
export function scaleTraining(
  fn: string,
  scalers: ModelScalers,
  x: Dataset,
  y: Dataset,
  validation: { x: Dataset; y: Dataset } | null,
): { x: Dataset; y: Dataset; validation: { x: Dataset; y: Dataset } | null } {
  scalers.fit(x, y);
  return {
    x: scalers.inputs(fn, x),
    y: scalers.targets(fn, y),
    validation: validation && { x: scalers.inputs(fn, validation.x), y: scalers.targets(fn, validation.y) },
  };
}

/**
 * predict's outputs (batch-major: N examples of T steps, T = 0 for no sequence, of `units` values) back in raw
 * units, in place; steps past an example's length stay 0, as the model gives them.
 */
export function rawOutputs(
  fn: string,
  scalers: ModelScalers,
  data: Float32Array,
  units: number,
  T: number,
  lengths: Int32Array | null,
): void {
  scalers.outputs(fn, data, units);
  if (T === 0 || !lengths || !scalers.target) return;
  for (let n = 0; n < lengths.length; n++) data.fill(0, (n * T + lengths[n]) * units, (n + 1) * T * units);
}

/** A Dataset's rows x features view: (N, F), or every step of (N, T, F). */
function matrixOf(d: Dataset): { data: Float32Array; shape: [number, number] } {
  const F = d.shape[d.shape.length - 1];
  return { data: d.data, shape: [d.data.length / F, F] };
}

/** The rows of a sequence dataset within each example's length (all rows without lengths). */
function validRows(d: Dataset, lengths: Int32Array | null): { data: Float32Array; shape: [number, number] } {
  const m = matrixOf(d);
  if (!lengths || d.shape.length !== 3) return m;
  const [N, T, F] = d.shape;
  let rows = 0;
  for (let n = 0; n < N; n++) rows += lengths[n];
  const data = new Float32Array(rows * F);
  for (let n = 0, at = 0; n < N; n++) {
    const part = d.data.subarray(n * T * F, (n * T + lengths[n]) * F);
    data.set(part, at);
    at += part.length;
  }
  return { data, shape: [rows, F] };
}

/** The saved form of a model's scalers (model.json's "scalers"). */
export interface ScalersJSON {
  input: ScalerJSON | null;
  target: ScalerJSON | null;
}

/** A model's input and target scalers, and what the model does with them. */
export class ModelScalers {
  constructor(
    readonly input: Scaler | null,
    readonly target: Scaler | null,
  ) {}

  /**
   * fit's first step: fits each scaler not fitted yet on the training data (x and y as read, unscaled), leaving out
   * the steps past each sequence's length (x's lengths, for sequence targets too).
   */
  fit(x: Dataset, y: Dataset): void {
    if (this.input && this.input.nFeatures === null) this.input.fit(validRows(x, x.lengths));
    if (this.target && this.target.nFeatures === null) this.target.fit(validRows(y, x.lengths));
  }

  /** x in the units the model works in; an Error when the input scaler is not fitted. */
  inputs(fn: string, x: Dataset): Dataset {
    return this.input ? { ...x, data: this.apply(fn, 'inputScaler', this.input, x) } : x;
  }

  /** y in the units the model works in. */
  targets(fn: string, y: Dataset): Dataset {
    return this.target ? { ...y, data: this.apply(fn, 'targetScaler', this.target, y) } : y;
  }

  /** Model outputs (rows of `units` values) back in the targets' units, in place. */
  outputs(fn: string, out: Float32Array, units: number): void {
    if (!this.target) return;
    this.fitted(fn, 'targetScaler', this.target, units);
    const raw = this.target.inverseTransform({ data: out, shape: [out.length / units, units] });
    out.set(raw.data);
  }

  /** Their toJSON()s; an Error (from `fn`) for a scaler scalerFromJSON could not restore (one of your own). */
  toJSON(fn: string): ScalersJSON {
    const save = (option: string, scaler: Scaler | null) => {
      if (scaler === null) return null;
      const json = scaler.toJSON();
      try {
        scalerFromJSON(json);
      } catch (error) {
        throw new Error(
          `${fn}: the ${option} cannot be saved: scalerFromJSON cannot restore it (${(error as Error).message})`,
          { cause: error },
        );
      }
      return json;
    };
    return { input: save('inputScaler', this.input), target: save('targetScaler', this.target) };
  }

  /** The scalers of a saved model (null when it has none). */
  static fromJSON(json: ScalersJSON): ModelScalers | null {
    const restore = (j: ScalerJSON | null) => (j === null ? null : scalerFromJSON(j));
    const input = restore(json.input);
    const target = restore(json.target);
    return input || target ? new ModelScalers(input, target) : null;
  }

  private fitted(fn: string, option: string, scaler: Scaler, features: number): void {
    if (scaler.nFeatures === null) {
      throw new Error(
        `${fn}: the ${option} is not fitted yet: fit() fits it on the training data, or give compile a fitted one`,
      );
    }
    if (scaler.nFeatures !== features) {
      throw rangeError(
        fn,
        option,
        `fitted on ${features} features (the model's)`,
        `a scaler fitted on ${scaler.nFeatures}`,
      );
    }
  }

  private apply(fn: string, option: string, scaler: Scaler, d: Dataset): Float32Array {
    const m = matrixOf(d);
    this.fitted(fn, option, scaler, m.shape[1]);
    const out = scaler.transform(m).data;
    const bad = backend.firstNonFinite(out);
    if (bad >= 0) {
      const what = option === 'inputScaler' ? 'x' : 'y';
      throw rangeError(
        fn,
        `${what}.data[${bad}]`,
        `a value the ${option} maps to a finite float32 number`,
        `${describe(d.data[bad])}, mapped to ${describe(out[bad])}`,
      );
    }
    return out;
  }
}
