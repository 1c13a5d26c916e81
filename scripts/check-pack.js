#!/usr/bin/env node
// Checks the published form of the package: `npm pack` (which runs prepack: the TypeScript build and the
// prebuilds), then installs the tarball into an empty folder as a user would, and checks that the native backend
// loads from prebuilds/ with nothing built on install, passes the GEMM and recurrent checks
// (scripts/check-installed.mjs), and that its types compile in a fresh TypeScript project (scripts/check-types.js).
// Used by .ci/run.
//
//   node scripts/check-pack.js                       the linux-x64 prebuild, with this Node
//   node scripts/check-pack.js --arm64-sysroot DIR   also the linux-arm64 prebuild, under qemu-aarch64 with the
//                                                    arm64 Node unpacked in DIR (scripts/arm64-node-sysroot.sh)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkTypes } from './check-types.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'steadygrad-pack-'));
const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const { values: opts } = parseArgs({ options: { 'arm64-sysroot': { type: 'string' } } });
const sysroot = opts['arm64-sysroot'] ? path.resolve(opts['arm64-sysroot']) : null;

// What a user needs, and nothing more: the compiled package and its types, the native sources and build files (for
// a source build where no prebuild fits), the prebuilds, the bundled data, the install script, and the documents.
// No tests, fixtures, benchmarks, TypeScript sources, source maps, build folders or CI files.
const REQUIRED = [
  'package/package.json',
  'package/README.md',
  'package/LICENSE',
  'package/CHANGELOG.md',
  'package/dist/index.js',
  'package/dist/index.d.ts',
  'package/dist/cli/main.js',
  'package/CMakeLists.txt',
  'package/binding.gyp',
  'package/scripts/install.js',
  'package/scripts/native-sources.js',
  'package/native/binding/addon.cc',
  'package/data/co2-concentration.csv',
  'package/prebuilds/linux-x64/steadygrad.glibc.node',
];
const ALLOWED =
  /^package\/(package\.json|README\.md|LICENSE|CHANGELOG\.md|CMakeLists\.txt|binding\.gyp|scripts\/(install|native-sources)\.js|dist\/.+\.(js|d\.ts)|native\/.+\.(cc|h)|prebuilds\/[a-z0-9-]+\/[^/]+\.node|data\/[^/]+)$/;
// The packed size stays under this (0.85 MB on 2026-11-29 with both prebuilds): a jump means something slipped in.
const MAX_PACKED_BYTES = 3_000_000;

function checkContents(files, packedBytes) {
  const missing = REQUIRED.filter((f) => !files.includes(f));
  if (missing.length > 0) throw new Error(`the tarball lacks ${missing.join(', ')}`);
  const extra = files.filter((f) => !ALLOWED.test(f));
  if (extra.length > 0) throw new Error(`the tarball holds files a user does not need:\n  ${extra.join('\n  ')}`);
  if (packedBytes > MAX_PACKED_BYTES) {
    throw new Error(`the tarball is ${packedBytes} bytes, above the ${MAX_PACKED_BYTES} it should stay under`);
  }
  console.log(`check-pack: ok: ${files.length} files, ${(packedBytes / 1e6).toFixed(2)} MB packed, nothing extra`);
}

try {
  const tarball = sh('npm', ['pack', '--pack-destination', work], root).trim().split('\n').pop();
  const listing = sh('tar', ['-tzf', path.join(work, tarball)], work);
  checkContents(listing.split('\n').filter(Boolean), fs.statSync(path.join(work, tarball)).size);
  const host = `package/prebuilds/${process.platform}-${process.arch}/`;
  const prebuild = listing.split('\n').find((f) => f.startsWith(host) && f.endsWith('.node'));
  if (!prebuild) throw new Error(`the tarball has no prebuilt addon for this platform (${host}):\n${listing}`);

  const app = path.join(work, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  sh('npm', ['install', '--no-audit', '--no-fund', path.join(work, tarball)], app);

  const installed = path.join(app, 'node_modules', 'steadygrad');
  if (fs.existsSync(path.join(installed, 'build')))
    throw new Error('the install built the addon instead of using the prebuild');
  const out = sh(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { backendInfo, sgemm } from 'steadygrad';
       const C = new Float32Array(4);
       sgemm(false, false, 2, 2, 2, 1, new Float32Array([1, 2, 3, 4]), 2, new Float32Array([5, 6, 7, 8]), 2, 0, C, 2);
       console.log(JSON.stringify({ info: backendInfo(), C: Array.from(C) }));`,
    ],
    app,
  );
  const { info, C } = JSON.parse(out);
  if (info.backend !== 'native') throw new Error(`expected the native backend, got ${JSON.stringify(info)}`);
  if (C.join() !== '19,22,43,50') throw new Error(`wrong product ${C}`);
  console.log(`check-pack: ok: ${prebuild} loads from the installed tarball (${info.isa}, ${info.kernels.sgemm})`);

  // The GEMM and recurrent checks on the installed package: here, then on arm64 under qemu.
  fs.copyFileSync(path.join(root, 'scripts', 'check-installed.mjs'), path.join(app, 'check-installed.mjs'));
  const fixtures = path.join(root, 'test', 'fixtures', 'rnn');
  process.stdout.write(sh(process.execPath, ['check-installed.mjs', fixtures, info.isa], app));
  if (sysroot) {
    const arm64 = 'package/prebuilds/linux-arm64/steadygrad.glibc.node';
    if (!listing.split('\n').includes(arm64)) throw new Error(`the tarball has no ${arm64}:\n${listing}`);
    const node = path.join(sysroot, 'usr', 'bin', 'node');
    process.stdout.write(sh('qemu-aarch64', ['-L', sysroot, node, 'check-installed.mjs', fixtures, 'neon'], app));
    console.log(`check-pack: ok: ${arm64} loads under qemu-aarch64 and passes the GEMM and recurrent checks`);
  }

  // The package's command runs from the installed tarball, offline, on its bundled data (data/).
  const lab = sh('npx', ['--no-install', 'steadygrad', 'lab', 'forecast', '--quick'], app);
  if (!/^\[1\/1\] forecast: /.test(lab) || !/\n {2}=> (Shown|Not shown): /.test(lab)) {
    throw new Error(`npx steadygrad lab forecast printed:\n${lab}`);
  }
  console.log('check-pack: ok: npx steadygrad lab forecast runs from the installed tarball on its bundled data');

  // The published types, in a fresh strict TypeScript project without @types/node (test/types/), against the
  // same installed tarball.
  const configs = checkTypes(app);
  console.log(`check-pack: ok: the installed types check with ${configs.join(' and ')} (test/types/)`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
