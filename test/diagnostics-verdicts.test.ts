// The verdict logic on hand-made records: each verdict fires exactly when its threshold is crossed, says its
// numbers, and stays quiet otherwise; thresholds are checked as options are.
import { describe, expect, test } from 'vitest';
import {
  DEFAULT_THRESHOLDS,
  type MonitorData,
  type StepRecord,
  checkThresholds,
  formatNumber,
  judge,
  median,
} from '../src/diagnostics/verdicts.js';

// A model of three dense layers (weight and bias each), as a monitor describes it.
const parameters = ['dense', 'dense_1', 'dense_2'].flatMap((layer) => [
  { name: `${layer}.weight`, shape: [4, 4], layer },
  { name: `${layer}.bias`, shape: [4], layer },
]);
const layers = ['dense', 'dense_1', 'dense_2'].map((name, i) => ({
  name,
  type: 'dense',
  activation: i === 2 ? 'linear' : 'sigmoid',
  depth: i + 1,
  parameters: [2 * i, 2 * i + 1],
  recurrent: false,
}));

// A step whose layers have gradient norms `norms` (split evenly between weight and bias), healthy update ratios.
function step(i: number, norms: number[], extra: Partial<StepRecord> = {}): StepRecord {
  const gradNorm = norms.flatMap((n) => [n / Math.SQRT2, n / Math.SQRT2]);
  return {
    step: i,
    epoch: 0,
    batch: i,
    loss: 1,
    globalNorm: Math.hypot(...gradNorm),
    gradNorm,
    gradMaxAbs: gradNorm.map((n) => n / 2),
    weightNorm: gradNorm.map(() => 1),
    updateRatio: gradNorm.map(() => 1e-3),
    ...extra,
  };
}

const data = (steps: StepRecord[], stateGradients: MonitorData['stateGradients'] = []): MonitorData => ({
  parameters,
  layers,
  steps,
  stateGradients,
});
const kinds = (d: MonitorData, t = DEFAULT_THRESHOLDS) => judge(d, t).map((v) => v.kind);
const steady = (n: number, norms = [0.5, 0.8, 1]) => Array.from({ length: n }, (_, i) => step(i, norms));

describe('judge', () => {
  test('no steps: one noData verdict', () => {
    expect(judge(data([]))).toEqual([
      { kind: 'noData', severity: 'ok', message: 'no data: no optimizer step was recorded' },
    ]);
  });

  test('healthy records give one healthy verdict with the numbers', () => {
    const [v] = judge(data(steady(30)));
    expect(v.kind).toBe('healthy');
    expect(v.severity).toBe('ok');
    expect(v.message).toBe(
      "healthy: no vanishing, exploding or non-finite gradient in 30 recorded steps; global norm 1.37 to 1.37; the smallest layer norm is 0.5 of the output layer's",
    );
  });

  test('vanishing: the worst layer by the median of the window, the others counted', () => {
    const steps = steady(10, [1e-6, 2e-4, 1]);
    steps.push(...Array.from({ length: 20 }, (_, i) => step(10 + i, [3.1e-9, 2e-4, 0.0155])));
    const verdicts = judge(data(steps));
    expect(verdicts.map((v) => v.kind)).toEqual(['vanishing']);
    expect(verdicts[0]).toMatchObject({ layer: 'dense', severity: 'warning', threshold: 1e-3 });
    expect(verdicts[0].value).toBeCloseTo(3.1e-9 / 0.0155, 15);
    expect(verdicts[0].message).toBe(
      "vanishing: dense (sigmoid) gradient norm 3.1e-9, 2.0e-7 of the output layer's (median of steps 10-29)",
    );
    // dense_1 is at 2e-4 / 0.0155 = 0.013 of the output layer's: flagged only with a higher threshold
    const stricter = judge(data(steps), { ...DEFAULT_THRESHOLDS, vanishingRatio: 0.05 });
    expect(stricter[0].message).toMatch(/; 1 more layer under 0.05 \(dense_1\)$/);
  });

  test('vanishing does not fire at the threshold, only under it', () => {
    expect(kinds(data(steady(5, [1e-3, 1, 1])))).toEqual(['healthy']);
    expect(kinds(data(steady(5, [0.999e-3, 1, 1])))).toEqual(['vanishing']);
  });

  test('exploding: x1e4 in 20 steps, with the steps and norms it compared', () => {
    const steps = steady(30);
    for (let i = 0; i < 20; i++)
      steps.push(
        step(
          30 + i,
          [1, 1, 1].map(() => 10 ** ((i + 1) / 5)),
        ),
      );
    const v = judge(data(steps)).find((x) => x.kind === 'exploding');
    expect(v?.message).toMatch(/^exploding: global norm x\S+ in 20 steps \(1\.37 at step 29 to 1\.7e4 at step 49\)$/);
    expect(v?.value).toBeCloseTo((1e4 * Math.sqrt(3)) / 1.3749, -1);
    // growth over more steps than explodingSteps is not an explosion
    expect(kinds(data(steps), { ...DEFAULT_THRESHOLDS, explodingSteps: 5 })).not.toContain('exploding');
  });

  test('one tiny norm followed by a normal one is not an explosion', () => {
    const steps = steady(40);
    steps[20] = step(20, [1e-5, 1e-5, 1e-5]);
    expect(kinds(data(steps))).toEqual(['healthy']);
  });

  test('non-finite gradient: the first step, the parameter nearest the output, the count of others', () => {
    const steps = steady(5);
    const bad = step(5, [1, 1, 1]);
    bad.gradNorm = [NaN, NaN, 0.5, Infinity, 1, 1];
    bad.globalNorm = NaN;
    steps.push(bad, { ...bad, step: 6 });
    const verdicts = judge(data(steps));
    expect(verdicts[0]).toMatchObject({ kind: 'nonFinite', severity: 'error', step: 5, parameter: 'dense_1.bias' });
    expect(verdicts[0].message).toBe(
      'non-finite at step 5 in dense_1.bias: gradient norm Infinity (and 2 more parameters)',
    );
  });

  test('non-finite loss', () => {
    const steps = steady(3);
    steps.push(step(3, [1, 1, 1], { loss: NaN }));
    expect(judge(data(steps))[0].message).toBe('non-finite at step 3: the loss is NaN');
    steps[3].gradNorm = [NaN, NaN, NaN, NaN, NaN, NaN];
    expect(judge(data(steps))[0].message).toBe('non-finite at step 3: the loss is NaN, and so are 6 gradients');
  });

  test('update ratios: stalled and too large, weights only (biases start at 0)', () => {
    const steps = steady(25).map((s) => ({
      ...s,
      updateRatio: [3e-8, 5, 1e-3, 1e-3, 0.4, null],
    }));
    const verdicts = judge(data(steps));
    expect(verdicts.map((v) => v.kind)).toEqual(['updateTooSmall', 'updateTooLarge']);
    expect(verdicts[0].message).toBe(
      'stalled: dense.weight moves 3.0e-8 of its norm per step, below 1.0e-6 (median of steps 5-24)',
    );
    expect(verdicts[1].message).toBe(
      'updates too large: dense_2.weight moves 0.4 of its norm per step, above 0.1 (median of steps 5-24)',
    );
  });

  test('through time: first step over last, forward direction, median over the window', () => {
    const records = (norms: number[]) =>
      Array.from({ length: 3 }, (_, i) => ({ step: i, layer: 'lstm', direction: 'forward' as const, norms }));
    const vanishing = judge(data(steady(3), records([2e-8, 1e-3, 0.1])));
    expect(vanishing.map((v) => v.kind)).toEqual(['vanishingThroughTime']);
    expect(vanishing[0].message).toBe(
      'vanishing through time: lstm dL/dh_t at t=0 is 2.0e-7 of its value at t=2 (median of 3 steps)',
    );
    expect(kinds(data(steady(3), records([5e3, 1, 1])))).toEqual(['explodingThroughTime']);
    expect(kinds(data(steady(3), records([0.5, 1, 1])))).toEqual(['healthy']);
    const reverse = records([2e-8, 1e-3, 0.1]).map((r) => ({ ...r, direction: 'reverse' as const }));
    expect(kinds(data(steady(3), reverse))).toEqual(['healthy']);
  });

  test('errors come before warnings', () => {
    const steps = steady(25, [1e-7, 1, 1]);
    steps.push(step(25, [1, 1, 1], { loss: Infinity }));
    expect(kinds(data(steps))).toEqual(['nonFinite', 'vanishing']);
  });
});

describe('thresholds', () => {
  test('defaults, overrides, and checks', () => {
    expect(checkThresholds('f', undefined)).toEqual(DEFAULT_THRESHOLDS);
    expect(checkThresholds('f', { vanishingRatio: 1e-5, window: 5 })).toEqual({
      ...DEFAULT_THRESHOLDS,
      vanishingRatio: 1e-5,
      window: 5,
    });
    expect(() => checkThresholds('gradientMonitor', { vanishingRatoi: 1 })).toThrow(
      /^gradientMonitor: each option must be one of vanishingRatio, .*, received 'vanishingRatoi' \(did you mean 'vanishingRatio'\?\)$/,
    );
    expect(() => checkThresholds('gradientMonitor', { explodingFactor: -1 })).toThrow(
      new RangeError('gradientMonitor: thresholds.explodingFactor must be a number > 0, received -1'),
    );
    expect(() => checkThresholds('gradientMonitor', { window: 1.5 })).toThrow(RangeError);
    expect(() => checkThresholds('gradientMonitor', { window: '5' })).toThrow(TypeError);
    expect(() => checkThresholds('gradientMonitor', { minUpdateRatio: 1, maxUpdateRatio: 0.5 })).toThrow(
      new RangeError(
        'gradientMonitor: thresholds.minUpdateRatio must be below thresholds.maxUpdateRatio (0.5), received 1',
      ),
    );
  });
});

describe('helpers', () => {
  test('formatNumber', () => {
    expect([0, 3.1e-9, 2e-7, 0.0123456, 1, 123.456, 9999, 12345, -0.5, NaN, Infinity].map(formatNumber)).toEqual([
      '0',
      '3.1e-9',
      '2.0e-7',
      '0.0123',
      '1',
      '123',
      '1.0e4',
      '1.2e4',
      '-0.5',
      'NaN',
      'Infinity',
    ]);
  });

  test('median skips null and non-finite values', () => {
    expect(median([3, null, 1, NaN, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([null, NaN])).toBeNaN();
  });
});
