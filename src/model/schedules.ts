// A model's schedules (compile's `schedules`): learning-rate schedules of the model's own optimizer, which fit and
// fitDataset step as callbacks and save() keeps with the optimizer.
import { Schedule } from '../optim/index.js';
import { rangeError, typeError } from '../validate.js';

/** compile's schedules, checked: an array of schedules of `optimizer`, each once. */
export function checkSchedules(fn: string, value: unknown, optimizer: unknown): Schedule[] {
  if (value === undefined) return [];
  const expected = 'an array of schedules (new StepLR(optimizer, ...), ...)';
  if (!Array.isArray(value)) throw typeError(fn, 'schedules', expected, value);
  value.forEach((s, i) => {
    if (!(s instanceof Schedule)) throw typeError(fn, `schedules[${i}]`, 'a schedule (StepLR, OneCycleLR, ...)', s);
    if (s.optimizer !== optimizer) {
      throw rangeError(
        fn,
        `schedules[${i}]`,
        'a schedule of the optimizer given to compile',
        'one of another optimizer',
      );
    }
    if (value.indexOf(s) !== i) throw rangeError(fn, `schedules[${i}]`, 'a schedule given once', 'one given twice');
  });
  return [...(value as Schedule[])];
}
