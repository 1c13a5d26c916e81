#!/usr/bin/env node
// `npm run test:asan`: builds the addon with AddressSanitizer + UndefinedBehaviorSanitizer into build-asan/ (the
// normal build is left alone) and runs the whole test suite against it. Node itself is not built with ASan, so
// the ASan runtime is preloaded; LeakSanitizer is off because it reports Node's own allocations at exit. Any
// sanitizer report aborts the process, which fails the test that triggered it.
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'build-asan');

const build = spawnSync(
  process.execPath,
  [require.resolve('cmake-js/bin/cmake-js'), 'rebuild', '--out', outDir, '--CDSTEADYGRAD_SANITIZE=ON'],
  { cwd: root, stdio: 'inherit' },
);
if (build.status !== 0) process.exit(build.status ?? 1);

const libasan = execFileSync('g++', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
const env = {
  ...process.env,
  LD_PRELOAD: libasan,
  ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1',
  UBSAN_OPTIONS: 'halt_on_error=1:abort_on_error=1:print_stacktrace=1',
  STEADYGRAD_ADDON_PATH: path.join(outDir, 'Release', 'steadygrad.node'),
};
const tests = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    env,
  },
);
process.exit(tests.status ?? 1);
