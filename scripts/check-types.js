#!/usr/bin/env node
// Checks the package's published types as a user's fresh TypeScript 7 project sees them: the fixture project in
// test/types/ (what `tsc --init` writes: strict, "types": [], no @types/node; skipLibCheck off) type-checks
// correct.ts (calls that must compile, with the result types they must have) and errors.ts (calls that must not:
// each under a `// @ts-expect-error`), once with nodenext and once with bundler resolution.
//
//   node scripts/check-types.js <dir>     <dir> has steadygrad installed in node_modules (check-pack.js passes
//                                         the folder where it installed the packed tarball: packed once)
//   node scripts/check-types.js --link    this checkout's dist/ (after `npm run build`), linked into a temp
//                                         folder: the quick local form, which test/types.test.ts runs
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixture = path.join(root, 'test', 'types');
// TypeScript 7's tsc (the typescript package is TypeScript 6's compiler API, which ESLint needs).
const tsc = path.join(root, 'node_modules', '@typescript', 'native', 'bin', 'tsc');
const CONFIGS = ['tsconfig.nodenext.json', 'tsconfig.bundler.json'];

/** Type-checks the fixture against the steadygrad installed in `dir`; throws with tsc's output on failure. */
export function checkTypes(dir) {
  const installed = path.join(dir, 'node_modules', 'steadygrad');
  if (!fs.existsSync(path.join(installed, 'package.json'))) throw new Error(`check-types: no steadygrad in ${dir}`);
  // the point of the check: nothing may bring Node's types in
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'node_modules', '@types', 'node'))) {
      throw new Error(`check-types: @types/node is reachable from ${dir} (in ${d}); the check needs a folder without`);
    }
    if (path.dirname(d) === d) break;
  }
  const project = fs.mkdtempSync(path.join(dir, 'types-check-'));
  try {
    for (const file of fs.readdirSync(fixture)) fs.copyFileSync(path.join(fixture, file), path.join(project, file));
    for (const config of CONFIGS) {
      try {
        execFileSync(process.execPath, [tsc, '-p', path.join(project, config)], { cwd: project, encoding: 'utf8' });
      } catch (error) {
        throw new Error(`check-types: tsc -p ${config} failed:\n${error.stdout}${error.stderr}`, { cause: error });
      }
    }
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
  return CONFIGS;
}

/** checkTypes against this checkout's dist/, linked into a temporary folder. */
export function checkLinkedTypes() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steadygrad-types-'));
  try {
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(root, path.join(dir, 'node_modules', 'steadygrad'), 'dir');
    return checkTypes(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = process.argv[2];
  if (arg !== '--link' && !arg) {
    console.error('usage: node scripts/check-types.js <folder with steadygrad installed> | --link');
    process.exit(2);
  }
  const configs = arg === '--link' ? checkLinkedTypes() : checkTypes(arg);
  console.log(`check-types: ok: test/types/ type-checks with ${configs.join(' and ')} (strict, no @types/node)`);
}
