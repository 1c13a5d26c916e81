// The package's published types in a user's fresh TypeScript 7 project without @types/node (issue 9, points 3
// and 4): test/types/correct.ts must compile with the result types it asserts, and every line of
// test/types/errors.ts under a `// @ts-expect-error` must fail, with nodenext and with bundler resolution. This runs
// against dist/ (built by `npm test`'s pretest); CI runs the same check on the packed tarball (check-pack.js).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from 'vitest';

test('the published types type-check in a strict project without @types/node, nodenext and bundler', () => {
  const script = path.join(import.meta.dirname, '..', 'scripts', 'check-types.js');
  let output: string;
  try {
    output = execFileSync(process.execPath, [script, '--link'], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const e = error as { stdout: string; stderr: string };
    throw new Error(`${e.stdout}${e.stderr}`, { cause: error });
  }
  expect(output).toContain('check-types: ok');
});
