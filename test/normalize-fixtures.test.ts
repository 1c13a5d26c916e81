// Parity with the references (test/fixtures/gen_normalize.py): MATLAB's normalize semantics (Debian's Octave 7.3
// has no normalize(), so the generator computes them with numpy and cross-checks every case against Octave's own
// mean/std/median/mad/iqr/norm/min/max), and scikit-learn 1.2's scalers. Every value within 1e-12 relative (or
// 1e-12 absolute near 0); NaN exactly where the reference has NaN.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  DecimalScaler,
  MaxAbsScaler,
  MinMaxScaler,
  Normalizer,
  RobustScaler,
  StandardScaler,
  normalize,
  type CenterOption,
  type CenterScaleOptions,
  type ScaleOption,
  type NormalizeMethod,
  type NormalizeMethodOptions,
} from '../src/index.js';

type Cell = number | null;
interface Fixture {
  datasets: Record<string, Cell[][]>;
  matlab: {
    name: string;
    method: NormalizeMethod;
    option: string | number | number[] | null;
    dim: 1 | 2;
    dataset: string;
    N: Cell[][];
    C: Cell[];
    S: Cell[];
  }[];
  sklearn: {
    name: string;
    scaler: string;
    params: Record<string, unknown>;
    train: string;
    test: string;
    fitted: Record<string, unknown>;
    transform_train: Cell[][];
    transform_test: Cell[][];
    inverse_test: Cell[][] | null;
  }[];
  matlab_center_scale: {
    name: string;
    center: string | number | number[] | null;
    scale: string | number | number[] | null;
    dim: 1 | 2;
    dataset: string;
    N: Cell[][];
    C: Cell[];
    S: Cell[];
  }[];
}

const fixture = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'normalize', 'normalize.json'), 'utf8'),
) as Fixture;
const rows = (d: Cell[][]) => d.map((r) => r.map((v) => (v === null ? NaN : v)));
const dataset = (name: string) => rows(fixture.datasets[name]);

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<Cell>, what: string) {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] === null ? NaN : (expected[i] as number);
    const a = actual[i];
    const ok = Number.isNaN(e) ? Number.isNaN(a) : Math.abs(a - e) <= 1e-12 * Math.max(1, Math.abs(e));
    if (!ok) expect({ what, i, actual: a }).toEqual({ what, i, actual: e });
  }
}

function matlabOptions(
  method: NormalizeMethod,
  option: Fixture['matlab'][number]['option'],
): NormalizeMethodOptions[NormalizeMethod] {
  if (option === null) return {};
  switch (method) {
    case 'zscore':
      return { type: option as 'std' | 'robust' };
    case 'norm':
      return { p: option === 'Inf' ? Infinity : (option as number) };
    case 'scale':
      return { scale: option as 'std' };
    case 'range':
      return { range: option as [number, number] };
    case 'center':
      return { center: option as 'mean' };
    default:
      return {};
  }
}

describe("MATLAB's normalize", () => {
  test('the fixture covers every method on more than one dataset, in both dims', () => {
    const methods = new Set(fixture.matlab.map((c) => c.method));
    expect([...methods].sort()).toEqual(['center', 'medianiqr', 'norm', 'range', 'scale', 'zscore']);
    expect(fixture.matlab.some((c) => c.dim === 2)).toBe(true);
  });

  test.each(fixture.matlab.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const r = normalize(dataset(c.dataset), c.method, { ...matlabOptions(c.method, c.option), dim: c.dim });
    expectClose(r.data.flat(), c.N.flat(), 'N');
    expectClose(r.center, c.C, 'C');
    expectClose(r.scale, c.S, 'S');
  });
});

describe("MATLAB's combined normalize(A, 'center', c, 'scale', s), and given C and S", () => {
  test('the fixture covers computed and given parts, both dims', () => {
    const cases = fixture.matlab_center_scale;
    expect(cases.some((c) => Array.isArray(c.center) && Array.isArray(c.scale))).toBe(true);
    expect(cases.some((c) => c.center === null) && cases.some((c) => c.scale === null)).toBe(true);
    expect(cases.some((c) => c.dim === 2)).toBe(true);
  });

  test.each(fixture.matlab_center_scale.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const options = {
      dim: c.dim,
      ...(c.center === null ? {} : { center: c.center as CenterOption }),
      ...(c.scale === null ? {} : { scale: c.scale as ScaleOption }),
    } as CenterScaleOptions;
    const r = normalize(dataset(c.dataset), options);
    expectClose(r.data.flat(), c.N.flat(), 'N');
    expectClose(r.center, c.C, 'C');
    expectClose(r.scale, c.S, 'S');
    // the same through the method form when only one part is given
    if (c.scale === null) {
      const m = normalize(dataset(c.dataset), 'center', { center: c.center as CenterOption, dim: c.dim });
      expect(m.data).toEqual(r.data);
    }
  });
});

type Scaler = StandardScaler | MinMaxScaler | RobustScaler | MaxAbsScaler | DecimalScaler | Normalizer;

function makeScaler(name: string, p: Record<string, unknown>): Scaler {
  switch (name) {
    case 'StandardScaler':
      return new StandardScaler({
        withMean: p.with_mean as boolean,
        withStd: p.with_std as boolean,
        ddof: (p.ddof as number | undefined) ?? 0,
      });
    case 'MinMaxScaler':
      return new MinMaxScaler({ featureRange: p.feature_range as [number, number], clip: p.clip as boolean });
    case 'RobustScaler':
      return new RobustScaler({
        withCentering: p.with_centering as boolean,
        withScaling: p.with_scaling as boolean,
        quantileRange: p.quantile_range as [number, number],
        unitVariance: p.unit_variance as boolean,
      });
    case 'MaxAbsScaler':
      return new MaxAbsScaler();
    case 'DecimalScaler':
      return new DecimalScaler();
    case 'Normalizer':
      return new Normalizer({ norm: p.norm as 'l2' });
  }
  throw new Error(`no scaler ${name}`);
}

describe("scikit-learn's scalers (and DecimalScaler, StandardScaler ddof by numpy)", () => {
  test('the fixture covers every scaler', () => {
    expect([...new Set(fixture.sklearn.map((c) => c.scaler))].sort()).toEqual([
      'DecimalScaler',
      'MaxAbsScaler',
      'MinMaxScaler',
      'Normalizer',
      'RobustScaler',
      'StandardScaler',
    ]);
  });

  test.each(fixture.sklearn.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const scaler = makeScaler(c.scaler, c.params);
    const train = dataset(c.train);
    const test = dataset(c.test);
    expectClose(scaler.fitTransform(train).flat(), c.transform_train.flat(), 'transform(train)');
    const transformed = scaler.transform(test);
    expectClose(transformed.flat(), c.transform_test.flat(), 'transform(test)');
    if (c.inverse_test && !(scaler instanceof Normalizer)) {
      expectClose(scaler.inverseTransform(transformed).flat(), c.inverse_test.flat(), 'inverse');
    }
    const f = c.fitted as Record<string, Cell[]>;
    if (scaler instanceof StandardScaler) {
      if (f.mean_) expectClose(scaler.mean, f.mean_, 'mean_'); // None when neither centering nor scaling
      if (f.var_) expectClose(scaler.variance, f.var_, 'var_');
    } else if (scaler instanceof MinMaxScaler) {
      expectClose(scaler.dataMin, f.data_min_, 'data_min_');
      expectClose(scaler.dataMax, f.data_max_, 'data_max_');
    } else if (scaler instanceof RobustScaler) {
      if (f.center_) expectClose(scaler.center, f.center_, 'center_');
      if (f.scale_) expectClose(scaler.scale, f.scale_, 'scale_');
    } else if (scaler instanceof MaxAbsScaler) {
      expectClose(scaler.maxAbsValue, f.max_abs_, 'max_abs_');
    } else if (scaler instanceof DecimalScaler) {
      expect(Array.from(scaler.exponents)).toEqual(f.exponent_);
    }
  });
});
