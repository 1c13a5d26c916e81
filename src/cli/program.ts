// The steadygrad command line: `lab`, `bench` and `info`, parsed with commander (help on every command, a suggestion
// for a mistyped command or option). Exit codes: 0 success, 1 a run that failed, 2 a usage error.
//
// The library is imported only once the arguments are read, because the backend is chosen when it loads and
// --backend must be in place before that (it sets STEADYGRAD_BACKEND, as a user would).
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXPERIMENT_LIST, EXPERIMENT_NAMES } from '../lab/names.js';
import { closest } from '../validate.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Where the CLI writes: the process's streams, or anything with write() (tests). */
export interface Io {
  out: { write(text: string): unknown; isTTY?: boolean };
  err: { write(text: string): unknown; isTTY?: boolean };
}

/** A usage error found after parsing (an unknown experiment): printed like commander's, exit code 2. */
export class UsageError extends Error {}

function nonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 4294967295) {
    throw new InvalidArgumentError('expected an integer in [0, 4294967295].');
  }
  return Number(value);
}

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000) {
    throw new InvalidArgumentError('expected an integer in [1, 1000].');
  }
  return Number(value);
}

const backendOption = () =>
  new Option('--backend <name>', 'the backend to run on (default: native when the addon loads)').choices([
    'native',
    'js',
  ]);

// --backend and --threads take effect through the environment, before the library is imported.
function applyBackend(options: { backend?: string; threads?: number }): void {
  if (options.backend) process.env.STEADYGRAD_BACKEND = options.backend;
  if (options.threads) process.env.STEADYGRAD_THREADS = String(options.threads);
}

export interface LabCommandOptions {
  report?: string;
  json?: string;
  backend?: 'native' | 'js';
  seed?: number;
  threads?: number;
  quick?: boolean;
}

export interface BenchCommandOptions {
  repeat?: number;
  threads?: number;
}

/** The program, its commands wired to run with `io`; parsing sets `result` through the actions. */
export function buildProgram(io: Io, done: (code: number) => void): Command {
  const program = new Command('steadygrad')
    .description('steadygrad: neural-network training for Node.js, and a lab for vanishing and exploding gradients')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s) })
    .exitOverride();

  program
    .command('lab')
    .summary('run the gradient experiments and print what they measured')
    .description(
      'run the gradient experiments (all six, or the one named): each prints a table of what it measured and one line saying whether the numbers show its claim',
    )
    .addHelpText(
      'after',
      `\nExperiments:\n${EXPERIMENT_LIST.map(([name, line]) => `  ${name.padEnd(15)}${line}`).join('\n')}\n\n` +
        'Examples:\n  npx steadygrad lab\n  npx steadygrad lab recurrent --report lab.html --json lab.json\n',
    )
    .argument('[experiment]', `one of ${EXPERIMENT_NAMES.join(', ')}; default: all, in this order`)
    .option('--report <file>', 'write a self-contained HTML report with charts (opens offline)')
    .option('--json <file>', 'write every measured number as JSON')
    .addOption(backendOption())
    .option('--seed <N>', 'the seed of every experiment (default 1, the README numbers)', nonNegativeInteger)
    .option(
      '--threads <n>',
      'native threads (default 1, or STEADYGRAD_THREADS: the lab models are small; a second thread saves little on an idle machine and costs a lot on a busy one)',
      positiveInteger,
    )
    .option('--quick', 'small sizes, a few times faster (the test suite uses them; the numbers are noisier)')
    .exitOverride()
    .action(async (experiment: string | undefined, options: LabCommandOptions) => {
      if (experiment !== undefined && !(EXPERIMENT_NAMES as readonly string[]).includes(experiment)) {
        const guess = closest(experiment, EXPERIMENT_NAMES);
        throw new UsageError(
          `unknown experiment '${experiment}'${guess ? `\n(Did you mean ${guess}?)` : ''}\nexperiments: ${EXPERIMENT_NAMES.join(', ')}`,
        );
      }
      applyBackend({ ...options, threads: options.threads ?? (process.env.STEADYGRAD_THREADS ? undefined : 1) });
      const { labCommand } = await import('./lab-command.js');
      done(await labCommand(experiment, options, io));
    });

  program
    .command('bench')
    .summary('native against pure TypeScript on this machine, with ratios')
    .description(
      'native against pure TypeScript on this machine: GEMM, LSTM and GRU steps, and a training step, as a table with ratios\n' +
        '(quick; `npm run bench` in a checkout is the full run with anchors)',
    )
    .option('--repeat <n>', 'timed repetitions per measurement, the median is printed (default 5)', positiveInteger)
    .option('--threads <n>', 'native threads (default: the available cores)', positiveInteger)
    .exitOverride()
    .action(async (options: BenchCommandOptions) => {
      applyBackend(options);
      const { benchCommand } = await import('./bench-command.js');
      done(benchCommand(options, io));
    });

  program
    .command('info')
    .summary('backend, instruction set, threads, versions')
    .description(
      'the backend in use, its instruction set and threads, the versions, and why native is not in use if it is not',
    )
    .addOption(backendOption())
    .option('--json', 'print it as JSON')
    .exitOverride()
    .action(async (options: { backend?: 'native' | 'js'; json?: boolean }) => {
      applyBackend(options);
      const { infoCommand } = await import('./info-command.js');
      done(infoCommand(options, io));
    });

  return program;
}

/** Parses `args` (without node and the script) and runs the command; resolves with the exit code. */
export async function run(args: readonly string[], io: Io): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram(io, (c) => (code = c));
  if (args.length === 0) {
    io.out.write(program.helpInformation());
    return EXIT_OK;
  }
  try {
    await program.parseAsync([...args], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit with 0; every parse error is a usage error.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      io.err.write(`error: ${error.message}\n(run with --help for usage)\n`);
      return EXIT_USAGE;
    }
    io.err.write(`steadygrad: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_FAILED;
  }
}
