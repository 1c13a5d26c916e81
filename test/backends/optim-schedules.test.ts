// Learning-rate schedules against PyTorch 1.13 (test/fixtures/gen_optim.py): every group's lr, and the cycled
// momentum or beta1, after construction and after every step, in PyTorch's recursive (chainable) form. Schedules
// compute in float64 like PyTorch, so they match to 1e-12 relative; two cases also train under the schedule and
// match the parameters within float32 rounding (2e-6, as the optimizer fixtures).
import { describe, expect, test } from 'vitest';
import { loadJson } from '../helpers/optim-fixtures.js';
import { replaySchedule, type ScheduleFixtures } from '../helpers/schedule-fixtures.js';

const fixtures = loadJson<ScheduleFixtures>('schedules.json');

describe('schedules match PyTorch step by step', () => {
  test('every schedule is covered', () => {
    const kinds = new Set(fixtures.cases.flatMap((c) => [c.schedule, ...(c.children ?? []).map((k) => k.schedule)]));
    for (const kind of [
      'StepLR',
      'MultiStepLR',
      'ExponentialLR',
      'CosineAnnealingLR',
      'CosineAnnealingWarmRestarts',
      'LinearLR',
      'OneCycleLR',
      'ReduceLROnPlateau',
      'SequentialLR',
      'ChainedScheduler',
    ]) {
      expect(kinds.has(kind), kind).toBe(true);
    }
  });

  for (const c of fixtures.cases) {
    test(c.name, () => {
      const { lr, momentum, value } = replaySchedule(fixtures, c);
      expect(lr).toBeLessThanOrEqual(1e-12);
      expect(momentum).toBeLessThanOrEqual(1e-12);
      expect(value).toBeLessThanOrEqual(2e-6);
    });
  }
});
