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

try {
  const tarball = sh('npm', ['pack', '--pack-destination', work], root).trim().split('\n').pop();
  const listing = sh('tar', ['-tzf', path.join(work, tarball)], work);
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

  // The published types, in a fresh strict TypeScript project without @types/node (test/types/), against the
  // same installed tarball.
  const configs = checkTypes(app);
  console.log(`check-pack: ok: the installed types check with ${configs.join(' and ')} (test/types/)`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
