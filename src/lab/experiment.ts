// What every experiment of the lab is and returns, and the training helper they share. An experiment is a fixed,
// seeded run that measures one claim about gradients (normalization, activations, gates, clipping, optimizers, real
// data), prints a table of what it measured, and ends with one sentence saying whether the numbers show the claim.
// That sentence is computed from the numbers: a claim that fails to reproduce is reported as such.
import type { Chart } from '../diagnostics/charts.js';
import { GradientMonitor } from '../diagnostics/monitor.js';
import type { TableData } from '../diagnostics/table.js';
import type { Verdict } from '../diagnostics/verdicts.js';
import type { Input } from '../model/data.js';
import type { Sequential } from '../model/sequential.js';

/** 'full': the sizes `npx steadygrad lab` runs; 'small': the test suite's, a few times faster. */
export type Size = 'full' | 'small';

export interface ExperimentContext {
  seed: number;
  size: Size;
  /** A line of progress inside the experiment (the CLI prints it when the terminal is interactive). */
  progress(message: string): void;
}

export interface ExperimentResult {
  name: string;
  title: string;
  /** The question the experiment answers, in one sentence. */
  question: string;
  /** How it is set up: data, model, optimizer, budget. */
  setup: string;
  seed: number;
  size: Size;
  seconds: number;
  tables: TableData[];
  charts: Chart[];
  /** Verdicts of its gradient monitors worth showing, by run. */
  verdicts: { run: string; verdicts: Verdict[] }[];
  /** Whether the numbers show the claim, and the sentence that says so (or says they did not). */
  conclusion: { shown: boolean; text: string };
  /** Every measured number, by run, for --json and the tests. */
  numbers: Record<string, unknown>;
}

export interface Experiment {
  name: string;
  title: string;
  question: string;
  run(
    ctx: ExperimentContext,
  ): Promise<Omit<ExperimentResult, 'name' | 'title' | 'question' | 'seed' | 'size' | 'seconds'>>;
}

/** What a training run ended with. */
export interface TrainResult {
  /** The mean training loss of every epoch that finished. */
  epochLosses: number[];
  /** The first optimizer step whose loss or gradient was NaN or infinite (training stopped there), or null. */
  divergedAt: number | null;
  monitor: GradientMonitor;
}

/**
 * model.fit with a gradient monitor attached and the progress bar off. A NaN or infinite loss or gradient stops
 * fit with a RangeError (the model's guard; no weight is changed): that is caught and reported as divergedAt.
 */
export async function train(
  model: Sequential,
  x: Input,
  y: Input,
  options: { epochs: number; batchSize: number; seed: number; monitor?: GradientMonitor },
): Promise<TrainResult> {
  const monitor = options.monitor ?? new GradientMonitor();
  const epochLosses: number[] = [];
  let divergedAt: number | null = null;
  try {
    const history = await model.fit(x, y, {
      epochs: options.epochs,
      batchSize: options.batchSize,
      seed: options.seed,
      verbose: 0,
      callbacks: [monitor],
    });
    epochLosses.push(...(history.history.loss ?? []));
  } catch (error) {
    if (!(error instanceof RangeError) || !/non-finite|NaN|Infinity|the loss is/.test(error.message)) throw error;
    monitor.detach();
    const bad = monitor.steps.find((s) => !Number.isFinite(s.loss) || !Number.isFinite(s.globalNorm));
    divergedAt = bad ? bad.step : monitor.steps.length > 0 ? monitor.steps[monitor.steps.length - 1].step + 1 : 0;
  }
  return { epochLosses, divergedAt, monitor };
}

/** The last finite epoch loss, or NaN. */
export const finalLoss = (r: TrainResult) => (r.divergedAt === null ? (r.epochLosses.at(-1) ?? NaN) : NaN);
