// The Scaler protocol (issue 11): every scaler, MATLAB's mapminmax and mapstd in their scaler form included, is a
// Scaler, saves itself with toJSON() and comes back whole from scalerFromJSON(), so a model can hold any of them as
// its input and target scaler and save and load them.
import { describe, expect, test } from 'vitest';
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
  type Scaler,
} from '../src/index.js';
import { expectThrow } from './helpers/throws.js';

// every kind, with options that differ from the defaults, so that a restore that drops them shows
const makers: [string, () => Scaler][] = [
  ['StandardScaler', () => new StandardScaler({ ddof: 1, withMean: false })],
  ['MinMaxScaler', () => new MinMaxScaler({ featureRange: [-2, 2], clip: true })],
  ['MaxAbsScaler', () => new MaxAbsScaler()],
  ['DecimalScaler', () => new DecimalScaler()],
  ['RobustScaler', () => new RobustScaler({ quantileRange: [10, 90], unitVariance: true })],
  ['Normalizer', () => new Normalizer({ norm: 'l1' })],
  ['MapMinMaxScaler', () => new MapMinMaxScaler({ yMin: 0, yMax: 1 })],
  ['MapStdScaler', () => new MapStdScaler({ yMean: 0.5, yStd: 2 })],
];

const X = Array.from({ length: 40 }, (_, i) => [i * 1.5 - 7, Math.cos(i) * 100, i % 5 === 0 ? NaN : 3 + (i % 4)]);
const Y = X.map(([a, b]) => [2 * a - b / 10]);

describe.each(makers)('%s', (type, make) => {
  test('is a Scaler that scalerFromJSON restores, unfitted and fitted, options and state included', () => {
    const unfitted: Scaler = make();
    expect(unfitted.nFeatures).toBe(null);
    const again = scalerFromJSON(unfitted.toJSON());
    expect(again.constructor.name).toBe(type);
    expect(again.toJSON()).toEqual(unfitted.toJSON());

    const scaler = make().fit(X);
    expect(scaler.nFeatures).toBe(3);
    const json = JSON.stringify(scaler);
    expect((JSON.parse(json) as { type: string }).type).toBe(type);
    const restored = scalerFromJSON(json);
    expect(JSON.stringify(restored)).toBe(json);
    expect(restored.transform(X)).toEqual(scaler.transform(X));
    if (type !== 'Normalizer') {
      const y = scaler.transform(X);
      expect(restored.inverseTransform(y)).toEqual(scaler.inverseTransform(y));
    }
  });
});

describe('a model holding any scaler as its input and target scaler', () => {
  // what a model does with its scalers: fit both on the training data, train on the scaled data, map outputs back
  // with the target scaler, and save and load everything as JSON
  class TinyModel {
    constructor(
      public inputScaler: Scaler,
      public targetScaler: Scaler,
      public weights: number[] = [],
    ) {}
    fit(x: number[][], y: number[][]) {
      const xs = this.inputScaler.fitTransform(x);
      const ys = this.targetScaler.fitTransform(y);
      // least squares of ys on xs, column by column against a fixed direction: enough to exercise the scalers
      this.weights = xs[0].map((_, j) => {
        let num = 0;
        let den = 0;
        xs.forEach((r, i) => {
          if (Number.isFinite(r[j])) {
            num += r[j] * ys[i][0];
            den += r[j] * r[j];
          }
        });
        return den > 0 ? num / den / xs[0].length : 0;
      });
      return this;
    }
    predict(x: number[][]): number[][] {
      const xs = this.inputScaler.transform(x);
      const out = xs.map((r) => [r.reduce((s, v, j) => s + (Number.isFinite(v) ? v * this.weights[j] : 0), 0)]);
      return this.targetScaler.inverseTransform(out);
    }
    toJSON() {
      return { input: this.inputScaler.toJSON(), target: this.targetScaler.toJSON(), weights: this.weights };
    }
    static fromJSON(json: ReturnType<TinyModel['toJSON']>) {
      return new TinyModel(scalerFromJSON(json.input), scalerFromJSON(json.target), json.weights);
    }
  }

  const invertible = makers.filter(([type]) => type !== 'Normalizer');
  test.each(invertible)('input scaler %s, with each target scaler: save, load, same predictions', (_, make) => {
    for (const [, makeTarget] of invertible) {
      const model = new TinyModel(make(), makeTarget()).fit(X, Y);
      const predicted = model.predict(X);
      expect(predicted.every((r) => Number.isFinite(r[0]))).toBe(true);
      const loaded = TinyModel.fromJSON(JSON.parse(JSON.stringify(model)) as Parameters<typeof TinyModel.fromJSON>[0]);
      expect(loaded.predict(X)).toEqual(predicted);
    }
  });

  test("MATLAB's workflow: mapminmax on inputs and targets, outputs reversed into real units", () => {
    const model = new TinyModel(new MapMinMaxScaler(), new MapMinMaxScaler()).fit(X, Y);
    // the target scaler maps Y onto [-1, 1] and back exactly
    const target = model.targetScaler as MapMinMaxScaler;
    expect(Math.min(...target.transform(Y).map((r) => r[0]))).toBeCloseTo(-1, 14);
    expect(Math.max(...target.transform(Y).map((r) => r[0]))).toBeCloseTo(1, 14);
    target.inverseTransform(target.transform(Y)).forEach((r, i) => expect(r[0]).toBeCloseTo(Y[i][0], 12));
  });
});

describe('scalerFromJSON rejects what is not a scaler', () => {
  test('an unknown type gets a "did you mean"; a damaged state names its field', () => {
    expectThrow(
      () => scalerFromJSON({ type: 'StandardScalar', version: 1, options: {}, state: null }),
      RangeError,
      "scalerFromJSON: json.type must be one of 'StandardScaler', 'MinMaxScaler', 'MaxAbsScaler', 'DecimalScaler', 'RobustScaler', 'Normalizer', 'MapMinMaxScaler', 'MapStdScaler', received 'StandardScalar' (did you mean 'StandardScaler'?)",
    );
    expectThrow(
      () => scalerFromJSON(null),
      TypeError,
      'scalerFromJSON: json must be a scaler as toJSON() returns it, received null',
    );
    const json = new MapMinMaxScaler().fit(X).toJSON();
    expectThrow(
      () => scalerFromJSON({ ...json, state: { ...json.state, max: [1, 2] } }),
      TypeError,
      'MapMinMaxScaler.fromJSON: json.state.max must be an array of 3 numbers, received Array(2)',
    );
    expectThrow(
      () => scalerFromJSON({ ...json, version: 2 }),
      RangeError,
      'MapMinMaxScaler.fromJSON: json.version must be 1, received 2',
    );
  });

  test('a type name that survives minification: toJSON writes the static typeName, not constructor.name', () => {
    class Renamed extends StandardScaler {} // what a minifier does to class names, in effect
    const json = new Renamed().fit(X).toJSON();
    expect(json.type).toBe('StandardScaler');
    expect(scalerFromJSON(json)).toBeInstanceOf(StandardScaler);
    expect(StandardScaler.typeName).toBe('StandardScaler');
  });
});
