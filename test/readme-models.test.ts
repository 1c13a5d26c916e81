// Every js block of the README's "Models" section runs as written, in a child process that imports 'steadygrad' by
// name (the file is written next to the tests, inside the package, so the name resolves to this package).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';

const root = path.join(import.meta.dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const section = readme.slice(
  readme.indexOf('\n## Models\n'),
  readme.indexOf('\n## ', readme.indexOf('\n## Models\n') + 5),
);
const blocks = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

test('the Models section has its examples', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(2);
});

test.each(blocks.map((code, i) => ({ i, code })))(
  'README Models block $i runs as written',
  ({ i, code }) => {
    const file = path.join(import.meta.dirname, `.readme-models-${i}.mjs`);
    fs.writeFileSync(file, code);
    try {
      const out = execFileSync(process.execPath, [file], { encoding: 'utf8', cwd: root });
      expect(out.length).toBeGreaterThan(0);
      if (i === 1) expect(out).toContain('[ 0, 1, 1, 0 ]');
    } finally {
      fs.rmSync(file, { force: true });
    }
  },
  60_000,
);
