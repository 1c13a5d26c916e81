// Atomic file replacement: a writer killed at a random moment leaves the old contents or the new ones, never a mix,
// and the temporaries it leaves behind are cleared. The child processes import the built package (dist/, made by
// `pretest`).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { removeStaleTemporaries, writeFileAtomic } from '../src/io/atomic.js';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'steadygrad-atomic-'));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

test('replaces the contents and leaves no temporary behind', async () => {
  const file = path.join(folder, 'plain.json');
  await writeFileAtomic(file, 'one');
  await writeFileAtomic(file, new TextEncoder().encode('two'));
  expect(fs.readFileSync(file, 'utf8')).toBe('two');
  expect(fs.readdirSync(folder).filter((n) => n.startsWith('plain.json'))).toEqual(['plain.json']);
});

test('removeStaleTemporaries clears what a killed writer left, and nothing else', async () => {
  fs.writeFileSync(path.join(folder, 'x.json.tmp-0123456789ab'), 'half');
  fs.writeFileSync(path.join(folder, 'keep.tmp'), 'mine');
  await removeStaleTemporaries(folder);
  expect(fs.existsSync(path.join(folder, 'x.json.tmp-0123456789ab'))).toBe(false);
  expect(fs.existsSync(path.join(folder, 'keep.tmp'))).toBe(true);
});

test('a writer killed at random moments leaves one whole version, 40 times', async () => {
  const file = path.join(folder, 'weights.bin');
  // Two versions of 4 MB each, every byte telling which version it belongs to.
  const size = 4 << 20;
  const script = `
    import { writeFileAtomic } from ${JSON.stringify(path.resolve('dist/io/atomic.js'))};
    const a = new Uint8Array(${size}).fill(0x61), b = new Uint8Array(${size}).fill(0x62);
    process.stdout.write('ready\\n');
    for (let i = 0; ; i++) await writeFileAtomic(${JSON.stringify(file)}, i % 2 ? b : a);`;
  fs.writeFileSync(file, new Uint8Array(size).fill(0x61));
  const random = (() => {
    let s = 12345;
    return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  })();
  for (let round = 0; round < 40; round++) {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 1 + random() * 60));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const bytes = fs.readFileSync(file);
    expect(bytes.length).toBe(size);
    const first = bytes[0];
    expect(first === 0x61 || first === 0x62).toBe(true);
    expect(bytes.every((b) => b === first)).toBe(true);
    await removeStaleTemporaries(folder);
  }
  expect(fs.readdirSync(folder).some((n) => n.includes('.tmp-'))).toBe(false);
});
