// The schedules' public behaviour: fit's callback hooks, schedules made before the optimizer has parameters, state
// dicts, and the checks of their options (exact messages). Their numbers are checked against PyTorch in
// test/backends/optim-schedules.test.ts.
import { describe, expect, test } from 'vitest';
import {
  Adagrad,
  Adam,
  ChainedScheduler,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  ExponentialLR,
  LinearLR,
  MultiStepLR,
  OneCycleLR,
  ReduceLROnPlateau,
  SGD,
  SequentialLR,
  StepLR,
  type Parameter,
} from '../src/index.js';
import { loadJson } from './helpers/optim-fixtures.js';
import {
  buildSchedule,
  lrsOf,
  momentaOf,
  setup,
  stepSchedule,
  type ScheduleFixtures,
} from './helpers/schedule-fixtures.js';

const param = (n = 3): Parameter => ({ value: new Float32Array(n).fill(1), grad: new Float32Array(n).fill(0.5) });

describe('as fit callbacks', () => {
  test('an epoch schedule steps at the end of each epoch, not of each batch', async () => {
    const opt = new SGD([param()], { lr: 0.1 });
    const sched = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
    for (let b = 0; b < 3; b++) sched.onBatchEnd(b, { loss: 1 });
    expect(opt.paramGroups[0].lr).toBe(0.1);
    sched.onEpochEnd(0, { loss: 1 });
    sched.onEpochEnd(1, { loss: 1 });
    expect(opt.paramGroups[0].lr).toBe(0.025);
  });

  test("OneCycleLR steps per batch by default, and any schedule can be told to (interval: 'batch')", () => {
    const opt = new SGD([param()], { lr: 0.1, momentum: 0.9 });
    const one = new OneCycleLR(opt, { maxLr: 1, totalSteps: 10 });
    const reference = new SGD([param()], { lr: 0.1, momentum: 0.9 });
    const direct = new OneCycleLR(reference, { maxLr: 1, totalSteps: 10 });
    for (let b = 0; b < 4; b++) {
      one.onBatchEnd(b, {});
      direct.step();
    }
    one.onEpochEnd(0, {});
    expect(lrsOf(opt)).toEqual(lrsOf(reference));
    expect(momentaOf(opt)).toEqual(momentaOf(reference));
    const exp = new ExponentialLR(new SGD([param()], { lr: 1 }), { gamma: 0.5, interval: 'batch' });
    exp.onBatchEnd(0, {});
    exp.onEpochEnd(0, {});
    expect(exp.getLastLr()).toEqual([0.5]);
  });

  test("ReduceLROnPlateau reads 'val_loss', else 'loss', or its monitor option", () => {
    const make = (options = {}) => new ReduceLROnPlateau(new SGD([param()], { lr: 1 }), { patience: 0, ...options });
    const a = make();
    a.onEpochEnd(0, { loss: 1, val_loss: 5 });
    a.onEpochEnd(1, { loss: 0.5, val_loss: 6 }); // val_loss got worse: reduce
    expect(a.getLastLr()).toEqual([0.1]);
    const b = make();
    b.onEpochEnd(0, { loss: 1 });
    b.onEpochEnd(1, { loss: 0.5 }); // better: keep
    expect(b.getLastLr()).toEqual([1]);
    const c = make({ monitor: 'val_mae', mode: 'max' });
    c.onEpochEnd(0, { val_mae: 1 });
    c.onEpochEnd(1, { val_mae: 0.5 });
    expect(c.getLastLr()).toEqual([0.1]);
    expect(() => c.onEpochEnd(2, { loss: 1 })).toThrow(
      "ReduceLROnPlateau: logs must be a 'val_mae' value (the monitor option), received keys loss",
    );
    expect(() => make().onEpochEnd(0, { mae: 1 })).toThrow(
      "ReduceLROnPlateau: logs must be a 'val_loss' or 'loss' value, received keys mae",
    );
  });

  test('hooks fit does not need are absent or harmless, and none returns a promise that must be awaited', () => {
    const sched = new StepLR(new SGD([param()], { lr: 1 }), { stepSize: 2 });
    expect(sched.onEpochEnd(0, {})).toBeUndefined();
    expect(sched.onBatchEnd(0, {})).toBeUndefined();
  });
});

describe('schedules made before the optimizer has parameters (before model.compile)', () => {
  test('start when the first group is added, exactly as if made after', () => {
    const late = new Adam({ lr: 0.1 });
    const warm = new LinearLR(late, { startFactor: 0.1, totalIters: 4 });
    const cos = new CosineAnnealingLR(late, { tMax: 10 });
    const seq = new SequentialLR(late, { schedulers: [warm, cos], milestones: [5] });
    expect(() => seq.step()).toThrow(
      'SequentialLR.step: the optimizer must be bound to parameters first (model.compile or addParamGroup), received one without any',
    );
    late.addParamGroup({ params: [param()] });

    const early = new Adam([param()], { lr: 0.1 });
    const warm2 = new LinearLR(early, { startFactor: 0.1, totalIters: 4 });
    const seq2 = new SequentialLR(early, {
      schedulers: [warm2, new CosineAnnealingLR(early, { tMax: 10 })],
      milestones: [5],
    });
    for (let i = 0; i < 12; i++) {
      expect(lrsOf(late)).toEqual(lrsOf(early));
      seq.step();
      seq2.step();
    }
    expect(warm.getLastLr()).toEqual(warm2.getLastLr());
  });

  test('OneCycleLR sets the momentum when it starts', () => {
    const opt = new Adam({ lr: 0.1 });
    new OneCycleLR(opt, { maxLr: 0.5, totalSteps: 10 });
    opt.addParamGroup({ params: [param()] });
    expect(opt.paramGroups[0].betas[0]).toBe(0.95);
    expect(opt.paramGroups[0].lr).toBeCloseTo(0.02, 15);
    expect(opt.paramGroups[0].initialLr).toBeCloseTo(0.02, 15);
  });
});

describe('state dicts', () => {
  const fixtures = loadJson<ScheduleFixtures>('schedules.json');
  for (const c of fixtures.cases) {
    test(`${c.name}: saved halfway (as JSON), loaded into a fresh one, continues as PyTorch`, () => {
      const half = c.steps >> 1;
      const a = setup(fixtures, c);
      const sa = buildSchedule(c, a.opt);
      for (let s = 0; s < half; s++) stepSchedule(c, sa, s);
      const state = { opt: a.opt.stateDict(), sched: sa.stateDict() };
      const saved = JSON.parse(JSON.stringify(state)) as typeof state;
      const b = setup(fixtures, c);
      const sb = buildSchedule(c, b.opt);
      stepSchedule(c, sb, 0); // somewhere else, to be overwritten
      b.opt.loadStateDict(saved.opt);
      sb.loadStateDict(saved.sched);
      lrsOf(b.opt).forEach((lr, i) => expect(lr).toBeCloseTo(c.lrs[half][i], 14));
      for (let s = half; s < c.steps; s++) {
        stepSchedule(c, sb, s);
        lrsOf(b.opt).forEach((lr, i) => expect(lr).toBeCloseTo(c.lrs[s + 1][i], 14));
      }
    });
  }

  test('loadStateDict refuses another type and bad values, changing nothing', () => {
    const opt = new SGD([param()], { lr: 0.1 });
    const step = new StepLR(opt, { stepSize: 2 });
    const multi = new MultiStepLR(opt, { milestones: [2] });
    const saved = step.stateDict();
    expect(() => multi.loadStateDict(saved)).toThrow(
      "MultiStepLR.loadStateDict: stateDict.type must be 'MultiStepLR', received 'StepLR'",
    );
    expect(() => step.loadStateDict({ ...saved, options: { stepSize: 0 } })).toThrow(
      'StepLR.loadStateDict: stepSize must be an integer >= 1, received 0',
    );
    expect(() => step.loadStateDict({ ...saved, state: { ...saved.state, lastEpoch: -2 } })).toThrow(
      'StepLR.loadStateDict: stateDict.state.lastEpoch must be an integer >= -1, received -2',
    );
    expect(step.stateDict()).toEqual(saved);
  });
});

describe('checks', () => {
  const sgd = () => new SGD([param()], { lr: 0.1 });
  const bad: Array<[string, () => unknown, string, 'TypeError' | 'RangeError']> = [
    [
      'not an optimizer',
      () => new StepLR({} as never, { stepSize: 1 }),
      'StepLR: optimizer must be an Optimizer (SGD, Adam, AdamW, RMSprop, Adagrad), received an object',
      'TypeError',
    ],
    [
      'missing stepSize',
      () => new StepLR(sgd(), {} as never),
      'StepLR: stepSize must be an integer >= 1, received undefined',
      'TypeError',
    ],
    [
      'zero stepSize',
      () => new StepLR(sgd(), { stepSize: 0 }),
      'StepLR: stepSize must be an integer >= 1, received 0',
      'RangeError',
    ],
    [
      'misspelt option',
      () => new StepLR(sgd(), { step_size: 2 } as never),
      "StepLR: each option must be one of stepSize, gamma, interval, received 'step_size' (did you mean 'stepSize'?)",
      'RangeError',
    ],
    [
      'bad interval',
      () => new StepLR(sgd(), { stepSize: 2, interval: 'step' as never }),
      "StepLR: interval must be one of 'epoch', 'batch', received 'step'",
      'RangeError',
    ],
    [
      'fractional milestone',
      () => new MultiStepLR(sgd(), { milestones: [1.5] }),
      'MultiStepLR: milestones[0] must be an integer >= 0, received 1.5',
      'RangeError',
    ],
    [
      'zero gamma',
      () => new ExponentialLR(sgd(), { gamma: 0 }),
      'ExponentialLR: gamma must be a finite number > 0, received 0',
      'RangeError',
    ],
    [
      'zero tMax',
      () => new CosineAnnealingLR(sgd(), { tMax: 0 }),
      'CosineAnnealingLR: tMax must be an integer >= 1, received 0',
      'RangeError',
    ],
    [
      'negative etaMin',
      () => new CosineAnnealingLR(sgd(), { tMax: 5, etaMin: -1 }),
      'CosineAnnealingLR: etaMin must be a finite number >= 0, received -1',
      'RangeError',
    ],
    [
      'fractional tMult',
      () => new CosineAnnealingWarmRestarts(sgd(), { t0: 5, tMult: 1.5 }),
      'CosineAnnealingWarmRestarts: tMult must be an integer >= 1, received 1.5',
      'RangeError',
    ],
    [
      'zero startFactor',
      () => new LinearLR(sgd(), { startFactor: 0 }),
      'LinearLR: startFactor must be a number in (0, 1], received 0',
      'RangeError',
    ],
    [
      'endFactor above 1',
      () => new LinearLR(sgd(), { endFactor: 2 }),
      'LinearLR: endFactor must be a number in [0, 1], received 2',
      'RangeError',
    ],
    [
      'OneCycleLR without a length',
      () => new OneCycleLR(sgd(), { maxLr: 1 }),
      'OneCycleLR: options must be totalSteps, or epochs and stepsPerEpoch, received an object',
      'TypeError',
    ],
    [
      'OneCycleLR pctStart above 1',
      () => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 5, pctStart: 1.5 }),
      'OneCycleLR: pctStart must be a number in [0, 1], received 1.5',
      'RangeError',
    ],
    [
      'OneCycleLR bad strategy',
      () => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 5, annealStrategy: 'exp' as never }),
      "OneCycleLR: annealStrategy must be 'cos' or 'linear', received 'exp'",
      'RangeError',
    ],
    [
      'OneCycleLR maxLr per group of the wrong length',
      () => new OneCycleLR(sgd(), { maxLr: [1, 2], totalSteps: 5 }),
      'OneCycleLR: maxLr must be a number or an array of 1 (one per group), received Array(2)',
      'RangeError',
    ],
    [
      'OneCycleLR momentum of Adagrad',
      () => new OneCycleLR(new Adagrad([param()]), { maxLr: 1, totalSteps: 5 }),
      'OneCycleLR: cycleMomentum must be false for an optimizer without momentum or betas (Adagrad), received true',
      'RangeError',
    ],
    [
      'plateau factor of 1',
      () => new ReduceLROnPlateau(sgd(), { factor: 1 }),
      'ReduceLROnPlateau: factor must be a number in [0, 1), received 1',
      'RangeError',
    ],
    [
      'plateau mode',
      () => new ReduceLROnPlateau(sgd(), { mode: 'lowest' as never }),
      "ReduceLROnPlateau: mode must be one of 'min', 'max', received 'lowest'",
      'RangeError',
    ],
    [
      'plateau patience',
      () => new ReduceLROnPlateau(sgd(), { patience: -1 }),
      'ReduceLROnPlateau: patience must be an integer >= 0, received -1',
      'RangeError',
    ],
    [
      'sequential milestones count',
      () => {
        const o = sgd();
        return new SequentialLR(o, { schedulers: [new StepLR(o, { stepSize: 1 })], milestones: [2] });
      },
      'SequentialLR: milestones must be an array of 0 increasing integers >= 1 (one fewer than the schedules), received Array(1)',
      'TypeError',
    ],
    [
      'sequential of another optimizer',
      () => new SequentialLR(sgd(), { schedulers: [new StepLR(sgd(), { stepSize: 1 })], milestones: [] }),
      'SequentialLR: schedulers[0] must be a schedule of the optimizer given, received one of another optimizer',
      'RangeError',
    ],
    [
      'chained plateau',
      () => new ChainedScheduler([new ReduceLROnPlateau(sgd()) as never]),
      'ChainedScheduler: schedulers[0] must be a schedule (not ReduceLROnPlateau), received an object',
      'TypeError',
    ],
    [
      'chained empty',
      () => new ChainedScheduler([]),
      'ChainedScheduler: schedulers must be a non-empty array of schedules (not ReduceLROnPlateau), received Array(0)',
      'TypeError',
    ],
  ];
  test.each(bad)('%s', (_, make, message, type) => {
    let error: unknown;
    try {
      make();
    } catch (e) {
      error = e;
    }
    expect((error as Error)?.message).toBe(message);
    expect((error as Error).name).toBe(type);
  });

  test('OneCycleLR refuses to step past totalSteps, changing nothing', () => {
    const opt = new SGD([param()], { lr: 0.1, momentum: 0.9 });
    const s = new OneCycleLR(opt, { maxLr: 1, totalSteps: 3 });
    for (let i = 0; i < 3; i++) s.step();
    const lr = opt.paramGroups[0].lr;
    expect(() => s.step()).toThrow('OneCycleLR.step: the step must be at most totalSteps = 3, received step 4');
    expect(opt.paramGroups[0].lr).toBe(lr);
  });
});
