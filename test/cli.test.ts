// The steadygrad command, run as a user runs it (node dist/cli/main.js, the package's bin): help on every command,
// suggestions for mistakes, exit codes 0 (success), 1 (a failed run) and 2 (a usage error), the lab's outputs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const main = path.resolve(import.meta.dirname, '../dist/cli/main.js');
const dir = mkdtempSync(path.join(tmpdir(), 'steadygrad-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const env: Record<string, string | undefined> = { ...process.env, STEADYGRAD_THREADS: '1' };
  delete env.STEADYGRAD_BACKEND;
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('help', () => {
  test('no arguments and --help print the commands, exit 0', () => {
    for (const args of [[], ['--help']]) {
      const r = cli(...args);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^Usage: steadygrad \[options\] \[command\]/);
      for (const command of ['lab', 'bench', 'info']) expect(r.out).toMatch(new RegExp(`\\n  ${command} `));
    }
  });

  test.each([
    [
      'lab',
      /--report <file>[\s\S]*--json <file>[\s\S]*--backend <name>[\s\S]*--seed <N>[\s\S]*Experiments:\n {2}normalization/,
    ],
    ['bench', /--repeat <n>/],
    ['info', /--backend <name>[\s\S]*--json/],
  ])('%s --help', (command, pattern) => {
    const r = cli(command, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^Usage: steadygrad ${command} `));
    expect(r.out).toMatch(pattern);
    expect(cli('help', command).out).toBe(r.out);
  });
});

describe('usage errors exit 2 with a suggestion', () => {
  test.each([
    [['lba'], "error: unknown command 'lba'\n(Did you mean lab?)"],
    [['lab', '--reprot', 'x.html'], "error: unknown option '--reprot'\n(Did you mean --report?)"],
    [['lab', 'normalizaton'], "error: unknown experiment 'normalizaton'\n(Did you mean normalization?)"],
    [
      ['lab', '--seed', 'x'],
      "error: option '--seed <N>' argument 'x' is invalid. expected an integer in [0, 4294967295].",
    ],
    [
      ['lab', '--backend', 'gpu'],
      "error: option '--backend <name>' argument 'gpu' is invalid. Allowed choices are native, js.",
    ],
    [['lab', 'clipping', 'optimizers'], "error: too many arguments for 'lab'. Expected 1 argument but got 2."],
    [['info', '--jsn'], "error: unknown option '--jsn'\n(Did you mean --json?)"],
  ])('%j', (args, message) => {
    const r = cli(...args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toContain('(run with --help for usage)');
    expect(r.out).toBe('');
  });
});

describe('info', () => {
  test('the backend, instruction set, threads and versions', () => {
    const r = cli('info');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^steadygrad\s+\d+\.\d+\.\d+\nbackend\s+(native|js)\n/);
    expect(r.out).toMatch(/\nthreads\s+1 \(cores available: \d+\)\n/);
    const json = JSON.parse(cli('info', '--json').out) as { backend: string; version: string; node: string };
    expect(json.node).toBe(process.versions.node);
  });

  test('--backend js says why native is not in use', () => {
    const r = cli('info', '--backend', 'js');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\nbackend\s+js\n/);
    expect(r.out).toMatch(/\nwhy not native\s+the js backend was chosen/);
  });
});

describe('lab', () => {
  test('one experiment: a progress line, its table and conclusion; the report and JSON files', () => {
    const report = path.join(dir, 'clipping.html');
    const json = path.join(dir, 'clipping.json');
    const r = cli('lab', 'clipping', '--quick', '--report', report, '--json', json, '--seed', '1');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\[1\/1\] clipping: Gradient clipping: an RNN set up to explode\n/);
    expect(r.out).toMatch(/\n {2}run\s+turned non-finite\s+norm at step 0/);
    expect(r.out).toMatch(
      /\n {2}=> Shown: without clipping the loss was \S+ at step 0 and the run turned non-finite at step \d+ /,
    );
    expect(r.out).toMatch(/\n1 experiment in [\d.]+ s: 1 shown, 0 not shown\.\nJSON: .*\nreport: .*\n$/);
    const data = JSON.parse(readFileSync(json, 'utf8')) as {
      environment: { backend: string };
      experiments: { name: string; seed: number; size: string; conclusion: { shown: boolean } }[];
    };
    expect(data.experiments.map((e) => [e.name, e.seed, e.size, e.conclusion.shown])).toEqual([
      ['clipping', 1, 'small', true],
    ]);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('<h2>clipping: Gradient clipping: an RNN set up to explode</h2>');
    expect(html.match(/<figure class="chart"/g)).toHaveLength(2);
  });

  test('a report that cannot be written is a failed run: exit 1', () => {
    const r = cli('lab', 'clipping', '--quick', '--report', path.join(dir, 'no', 'such', 'dir', 'r.html'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/steadygrad lab: could not write the report to .*r\.html: ENOENT/);
  });
});

test('bench: a table of native and js with the ratios', () => {
  const r = cli('bench', '--repeat', '1');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/\nmeasurement\s+unit\s+native\s+js\s+native speed-up\n/);
  for (const row of [
    'GEMM 256x256x256',
    'LSTM step B32 T50 I32 H128',
    'GRU step B32 T50 I32 H128',
    'train step, MLP',
  ]) {
    expect(r.out).toContain(row);
  }
}, 120_000);
