// Optimizers and clipping against PyTorch (test/fixtures/gen_optim.py, float64 from float32-exact inputs): every
// optimizer and option set, param groups and each clipping mode, 24 steps of four parameters of odd shapes. The
// float32 results must stay within 2e-6 of the float64 reference, relative to max(1, |value|), at every step (the
// float32 epsilon is 1.19e-7: a few roundings per step, over 24 steps).
import { describe, expect, test } from 'vitest';
import { loadJson, replay, type OptimizerFixtures } from '../helpers/optim-fixtures.js';

const fixtures = loadJson<OptimizerFixtures>('optimizers.json');

describe('optimizers match PyTorch step by step', () => {
  test('the fixtures cover every optimizer and clipping mode with at least 20 steps', () => {
    expect(fixtures.steps).toBeGreaterThanOrEqual(20);
    const names = new Set(fixtures.cases.map((c) => c.optimizer));
    expect([...names].sort()).toEqual(['Adagrad', 'Adam', 'AdamW', 'RMSprop', 'SGD']);
    const clips = new Set(
      fixtures.cases.map(
        (c) => c.clip?.kind ?? Object.keys(c.options).find((k) => k.startsWith('clip') || k === 'globalClipNorm'),
      ),
    );
    expect(clips).toEqual(
      new Set([undefined, 'clipGradNorm', 'clipGradValue', 'clipNorm', 'globalClipNorm', 'clipValue']),
    );
  });

  for (const c of fixtures.cases) {
    test(c.name, () => {
      const { worst, worstNorm } = replay(fixtures, c);
      expect(worst).toBeLessThanOrEqual(2e-6);
      expect(worstNorm).toBeLessThanOrEqual(1e-6);
    });
  }
});
