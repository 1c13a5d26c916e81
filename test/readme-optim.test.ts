// Every js block of the README's optimizer section runs as written, as a user's script importing the built package.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const start = readme.indexOf('## Optimizers, clipping and learning-rate schedules');
const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
const blocks = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

test('the section has its examples', () => {
  expect(start).toBeGreaterThan(0);
  expect(blocks.length).toBe(3);
});

test.each(blocks.map((code, i) => [i, code]))('README optimizer example %i runs', (i, code) => {
  const dir = mkdtempSync(path.join(root, '.readme-'));
  try {
    const file = path.join(dir, `example${i}.mjs`);
    writeFileSync(file, code);
    const out = execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8' });
    if (i === 1) expect(out).toContain('[ 0.001, 0.01 ]\n1 true');
    if (i === 2) expect(out.trim().endsWith('[ 0.1 ]')).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
