// The js blocks of the README's "Saving and loading" section print what their comments say (test/readme.test.ts
// runs every block; this one also reads their output).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const start = readme.indexOf('## Saving and loading');
const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
const blocks = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

function run(code: string): string {
  const dir = mkdtempSync(path.join(root, '.readme-'));
  try {
    const file = path.join(dir, 'example.mjs');
    writeFileSync(file, code.replaceAll("from 'steadygrad'", `from '${path.join(root, 'dist', 'index.js')}'`));
    return execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the section has its four examples', () => {
  expect(start).toBeGreaterThan(0);
  expect(blocks.length).toBe(4);
});

test('save, load: the restored model predicts the same numbers, in the targets units', () => {
  const [a, b] = [...run(blocks[0]).matchAll(/Float32Array\(1\) \[ ([-\d.e]+) \]/g)].map((m) => Number(m[1]));
  expect(b).toBe(a);
  expect(a).toBeGreaterThan(56);
  expect(a).toBeLessThan(62);
});

test('resuming from a checkpoint continues at the next epoch', () => {
  expect(run(blocks[1]).trim()).toBe('[ 3, 4, 5 ] 3');
});

test('loadWeights with and without the nameMap', () => {
  const out = run(blocks[2]);
  expect(out).toContain('{ missing: [], unexpected: [], mismatched: [] }');
  expect(out).toContain("'lstm_1.weight_ih_l0'");
});

test("MATLAB's workflow: the model's input scaler has mapminmax's settings", () => {
  const lines = run(blocks[3]).trim().split('\n');
  expect(lines.length).toBeGreaterThanOrEqual(2);
  const gains = lines.slice(1).join(' ');
  const [g1, g2] = [...gains.matchAll(/\[ ([^\]]+) \]/g)].map((m) => m[1]);
  expect(g1).toBe(g2);
});
