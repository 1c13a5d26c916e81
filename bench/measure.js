// Timing with benchmark.js: each case runs for at least `minTime` seconds of samples, and we report the median
// time per operation (the machine is shared and noisy, so medians, not means).
import Benchmark from 'benchmark';
import { median } from './anchors.js';

/**
 * Times fn (one operation per call) and returns { seconds, samples, rme }: the median seconds per operation
 * over benchmark.js's samples, their number, and benchmark.js's relative margin of error (percent).
 */
export function measure(name, fn, { minTime = 0.5, maxTime = 3 } = {}) {
  const bench = new Benchmark(name, fn, { minTime, maxTime, minSamples: 5, initCount: 1 });
  bench.run({ async: false });
  if (bench.error) throw bench.error;
  return { seconds: median(bench.stats.sample), samples: bench.stats.sample.length, rme: bench.stats.rme };
}
