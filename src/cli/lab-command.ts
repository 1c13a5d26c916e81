// `steadygrad lab [experiment]`: runs the experiments, printing a progress line as each starts, then its tables,
// the verdicts of its gradient monitors and the line that says what its numbers show; writes the HTML and JSON
// reports when asked.
import { writeFileSync } from 'node:fs';
import { formatTable } from '../diagnostics/table.js';
import { type ExperimentResult, labJson, labReport, runLab } from '../lab/index.js';
import { EXIT_FAILED, EXIT_OK, type Io, type LabCommandOptions } from './program.js';

const indent = (text: string, pad = '  ') =>
  text
    .split('\n')
    .map((line) => (line ? pad + line : line))
    .join('\n');

/** What the terminal shows for one result (also used by the README's tables). */
export function formatResult(r: ExperimentResult): string {
  const parts: string[] = [];
  for (const t of r.tables) {
    parts.push(indent(formatTable(t)));
    if (t.caption) parts.push(indent(t.caption));
    parts.push('');
  }
  for (const { run, verdicts } of r.verdicts) {
    for (const v of verdicts) parts.push(`  monitor, ${run}: ${v.message}`);
  }
  if (r.verdicts.length > 0) parts.push('');
  parts.push(`  => ${r.conclusion.text}`);
  return parts.join('\n');
}

export async function labCommand(experiment: string | undefined, options: LabCommandOptions, io: Io): Promise<number> {
  const started = performance.now();
  const live = io.err.isTTY === true;
  const clear = () => live && io.err.write('\r\x1b[2K');
  const results = await runLab({
    experiments: experiment === undefined ? undefined : [experiment],
    seed: options.seed,
    size: options.quick ? 'small' : 'full',
    onStart: (e, i, n) => io.out.write(`[${i + 1}/${n}] ${e.name}: ${e.title}\n`),
    onProgress: (_, message) => {
      if (!live) return;
      clear();
      io.err.write(`      ${message} ...`);
    },
    onResult: (r) => {
      clear();
      io.out.write(`${formatResult(r)}\n  (${r.seconds.toFixed(1)} s)\n\n`);
    },
  });
  const shown = results.filter((r) => r.conclusion.shown).length;
  const seconds = (performance.now() - started) / 1000;
  io.out.write(
    `${results.length} experiment${results.length > 1 ? 's' : ''} in ${seconds.toFixed(1)} s: ${shown} shown, ${results.length - shown} not shown.\n`,
  );
  let code = EXIT_OK;
  const write = (file: string, what: string, text: string) => {
    try {
      writeFileSync(file, text);
      io.out.write(`${what}: ${file}\n`);
    } catch (error) {
      io.err.write(`steadygrad lab: could not write the ${what} to ${file}: ${(error as Error).message}\n`);
      code = EXIT_FAILED;
    }
  };
  if (options.json) write(options.json, 'JSON', labJson(results));
  if (options.report) write(options.report, 'report', await labReport(results));
  return code;
}
