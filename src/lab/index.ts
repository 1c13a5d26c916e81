// The lab: six seeded experiments about gradients, each measuring one claim and saying whether its numbers show it.
// runLab runs some or all of them and returns their results; the CLI (src/cli/) prints them and writes the HTML and
// JSON reports (labReport, labJson).
import { backend } from '../backend/index.js';
import { renderReport } from '../diagnostics/html.js';
import { activations } from './activations.js';
import { clipping } from './clipping.js';
import type { Experiment, ExperimentResult, Size } from './experiment.js';
import { forecast } from './forecast.js';
import { EXPERIMENT_NAMES } from './names.js';
import { normalization } from './normalization.js';
import { optimizers } from './optimizers.js';
import { recurrent } from './recurrent.js';

export type { Experiment, ExperimentResult, Size } from './experiment.js';
export { EXPERIMENT_LIST, EXPERIMENT_NAMES } from './names.js';

/** Every experiment, in the order `lab` with no argument runs them (the order of names.ts). */
export const EXPERIMENTS: readonly Experiment[] = [
  normalization,
  activations,
  recurrent,
  clipping,
  optimizers,
  forecast,
];

/** The default seed of every experiment (what the README's tables come from). */
export const DEFAULT_SEED = 1;

export interface LabOptions {
  /** Experiment names; default all, in order. */
  experiments?: readonly string[];
  seed?: number;
  size?: Size;
  /** Called before each experiment starts (index from 0) and with progress inside it. */
  onStart?(experiment: Experiment, index: number, count: number): void;
  onProgress?(experiment: Experiment, message: string): void;
  /** Called with each result as soon as it is ready. */
  onResult?(result: ExperimentResult, index: number, count: number): void;
}

/** Runs the experiments one after the other; returns their results. An unknown name is a RangeError. */
export async function runLab(options: LabOptions = {}): Promise<ExperimentResult[]> {
  const names = options.experiments ?? EXPERIMENT_NAMES;
  const chosen = names.map((name) => {
    const found = EXPERIMENTS.find((e) => e.name === name);
    if (!found)
      throw new RangeError(`runLab: experiment must be one of ${EXPERIMENT_NAMES.join(', ')}, received '${name}'`);
    return found;
  });
  const seed = options.seed ?? DEFAULT_SEED;
  const size = options.size ?? 'full';
  const results: ExperimentResult[] = [];
  for (const [index, experiment] of chosen.entries()) {
    options.onStart?.(experiment, index, chosen.length);
    const started = performance.now();
    const measured = await experiment.run({
      seed,
      size,
      progress: (message) => options.onProgress?.(experiment, message),
    });
    const result: ExperimentResult = {
      name: experiment.name,
      title: experiment.title,
      question: experiment.question,
      seed,
      size,
      seconds: (performance.now() - started) / 1000,
      ...measured,
    };
    results.push(result);
    options.onResult?.(result, index, chosen.length);
  }
  return results;
}

/** Where the numbers came from: package version, backend, instruction set, threads. */
export function labEnvironment(): Record<string, string | number> {
  const info = backend.info();
  return {
    steadygrad: info.version,
    backend: info.backend,
    isa: info.isa,
    threads: info.threads,
    node: process.versions.node,
    date: new Date().toISOString(),
  };
}

/** The lab's results as one self-contained HTML page. */
export function labReport(results: readonly ExperimentResult[]): Promise<string> {
  const env = labEnvironment();
  return renderReport({
    title: 'steadygrad lab: vanishing and exploding gradients, measured',
    intro: [
      'Each experiment is a fixed, seeded run that measures one claim about gradients, with the numbers it measured and one line saying whether they show the claim. A claim that did not reproduce is printed as such.',
    ],
    sections: results.map((r) => ({
      title: `${r.name}: ${r.title}`,
      paragraphs: [r.question, `Setup: ${r.setup}`, `Seed ${r.seed}, ${r.size} size, ${r.seconds.toFixed(1)} s.`],
      tables: r.tables,
      charts: r.charts,
      verdicts: r.verdicts.flatMap((v) => v.verdicts.map((x) => ({ ...x, message: `${v.run}: ${x.message}` }))),
      conclusion: r.conclusion,
    })),
    footer: Object.entries(env)
      .map(([k, v]) => `${k} ${v}`)
      .join(', '),
  });
}

/** The lab's results as JSON: every number, the tables and conclusions, and the environment. */
export function labJson(results: readonly ExperimentResult[]): string {
  const plain = results.map((r) => ({ ...r, charts: undefined }));
  return JSON.stringify({ environment: labEnvironment(), experiments: plain }, null, 2);
}
