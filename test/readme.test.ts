// Every example in README.md runs as written (issue 9, point 7). The rules, for everyone who writes README
// sections:
//
//   1. Every ```js (or ```javascript) block is an example and runs: as an ES module of its own (a file of its own,
//      in a node process of its own, so top-level await works and nothing carries over from other blocks), with
//      the package importable as 'steadygrad' and 'steadygrad/kernels', from a temporary folder. It passes when
//      it exits with status 0 within 60 s; what it prints is shown when it fails.
//   2. So a block must be complete: it defines (or makes up) every value it uses, and imports what it calls.
//   3. A block that cannot run as it stands (it needs a file, a server, a GPU...) starts with the line
//      `// not run: <the reason>`, visible in the README. Use it sparingly: this test lists every such block.
//   4. ```ts and ```typescript blocks are not allowed (they could not run here): write examples in js.
//      Other blocks (```sh, plain ```, tables of output) are not examples and do not run.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const root = path.join(import.meta.dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const NOT_RUN = /^\/\/ not run: \S/;

interface Block {
  line: number; // of the opening fence, 1-based
  language: string;
  code: string;
  heading: string; // the section it is in
}

/** The fenced code blocks of a Markdown text. */
export function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  let heading = '(top)';
  for (let i = 0; i < lines.length; i++) {
    const h = /^#+\s+(.*)$/.exec(lines[i]);
    if (h) heading = h[1];
    const fence = /^(\s*)(```+|~~~+)\s*([\w-]*)/.exec(lines[i]);
    if (!fence) continue;
    const close = new RegExp(`^\\s*${fence[2][0] === '`' ? '`' : '~'}{${fence[2].length},}\\s*$`);
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !close.test(lines[i]); i++) body.push(lines[i].slice(fence[1].length));
    blocks.push({ line: start + 1, language: fence[3].toLowerCase(), code: body.join('\n'), heading });
  }
  return blocks;
}

const blocks = codeBlocks(readme);
const examples = blocks.filter((b) => b.language === 'js' || b.language === 'javascript');
const runnable = examples.filter((b) => !NOT_RUN.test(b.code.trimStart()));

// A temporary folder where 'steadygrad' is this checkout (dist/, built by npm test's pretest).
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'steadygrad-readme-'));
fs.writeFileSync(path.join(work, 'package.json'), JSON.stringify({ name: 'readme', private: true, type: 'module' }));
fs.mkdirSync(path.join(work, 'node_modules'));
fs.symlinkSync(root, path.join(work, 'node_modules', 'steadygrad'), 'dir');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function run(block: Block): Promise<{ code: number | null; output: string }> {
  const file = path.join(work, `readme-line-${block.line}.mjs`);
  fs.writeFileSync(file, block.code + '\n');
  return new Promise((resolve) => {
    execFile(process.execPath, [file], { cwd: work, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, output: `${stdout}${stderr}${error && code === null ? `\n(${error.message})` : ''}` });
    });
  });
}

describe('README.md', () => {
  test('has examples, no TypeScript blocks, and says why any example does not run', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(5);
    const ts = blocks.filter((b) => b.language === 'ts' || b.language === 'typescript');
    expect(
      ts.map((b) => `line ${b.line}`),
      'write README examples as ```js blocks',
    ).toEqual([]);
    const skipped = examples.filter((b) => !runnable.includes(b));
    for (const b of skipped) expect(b.code.trimStart().split('\n')[0], `line ${b.line}`).toMatch(NOT_RUN);
    if (skipped.length) console.log(`README blocks not run: ${skipped.map((b) => `line ${b.line}`).join(', ')}`);
  });

  test.each(runnable.map((b) => [`line ${b.line} (${b.heading})`, b] as const))(
    'the example at %s runs',
    async (_, b) => {
      const { code, output } = await run(b);
      expect(code, `exit status of README.md line ${b.line}; its output:\n${output}`).toBe(0);
    },
  );
});
