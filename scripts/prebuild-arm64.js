#!/usr/bin/env node
// Cross-compiles the addon for linux-arm64 (Graviton, Ampere) into prebuilds/linux-arm64/, with the aarch64 GNU
// toolchain (Debian: apt-get install g++-aarch64-linux-gnu). Runs at prepack, after prebuildify has made the
// linux-x64 prebuild; prebuildify builds for the host only, so this is the same build spelled out for the other
// target: the sources of scripts/native-sources.js, the flags of CMakeLists.txt (-O3, C++17, hidden visibility, no
// -march: the NEON kernels need none on AArch64), Node-API headers from node-api-headers, and libstdc++ linked
// statically so the binary runs on any glibc-based arm64 distribution of the last years.
//
//   node scripts/prebuild-arm64.js             warns and does nothing when the cross compiler is missing
//   node scripts/prebuild-arm64.js --require   fails instead (CI, and anyone publishing)
//
// scripts/check-pack.js checks the result under qemu with an arm64 Node.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compiler = process.env.STEADYGRAD_ARM64_CXX || 'aarch64-linux-gnu-g++';
const output = path.join(root, 'prebuilds', 'linux-arm64', 'steadygrad.glibc.node');
const log = (message) => console.log(`prebuild-arm64: ${message}`);

function hasCompiler() {
  try {
    execFileSync(compiler, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Runs the commands with at most `jobs` at a time; rejects on the first failure.
function runAll(commands, jobs) {
  return new Promise((resolve, reject) => {
    let next = 0;
    let running = 0;
    let failed = false;
    const start = () => {
      if (failed) return;
      if (next === commands.length && running === 0) return resolve();
      while (running < jobs && next < commands.length) {
        const [cmd, args] = commands[next++];
        running++;
        const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
        child.on('error', (error) => {
          failed = true;
          reject(error);
        });
        child.on('exit', (code) => {
          running--;
          if (code !== 0) {
            failed = true;
            reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`));
          } else {
            start();
          }
        });
      }
    };
    start();
  });
}

async function main() {
  if (!hasCompiler()) {
    const message = `${compiler} not found: no linux-arm64 prebuild (Debian: apt-get install g++-aarch64-linux-gnu)`;
    if (process.argv.includes('--require')) throw new Error(message);
    log(`WARNING: ${message}`);
    return;
  }
  const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  const sources = execFileSync(process.execPath, [path.join(root, 'scripts', 'native-sources.js')], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n');
  const flags = [
    '-std=c++17',
    '-O3',
    '-DNDEBUG',
    '-fPIC',
    '-fvisibility=hidden',
    '-Wall',
    '-Wextra',
    '-Inative',
    `-I${require('node-api-headers').include_dir}`,
    `-I${path.dirname(require.resolve('node-addon-api/package.json'))}`,
    '-DNAPI_VERSION=8',
    '-DNAPI_CPP_EXCEPTIONS',
    '-DBUILDING_NODE_EXTENSION',
    `-DSTEADYGRAD_VERSION="${version}"`,
  ];
  const objects = fs.mkdtempSync(path.join(os.tmpdir(), 'steadygrad-arm64-'));
  try {
    const compile = sources.map((source, i) => [
      compiler,
      [...flags, '-c', source, '-o', path.join(objects, `${i}.o`)],
    ]);
    log(`compiling ${sources.length} sources with ${compiler}`);
    await runAll(compile, Math.max(1, os.availableParallelism?.() ?? os.cpus().length));
    fs.mkdirSync(path.dirname(output), { recursive: true });
    const link = [
      '-shared',
      '-o',
      output,
      ...sources.map((_, i) => path.join(objects, `${i}.o`)),
      '-static-libstdc++',
      '-static-libgcc',
      '-pthread',
      '-s',
    ];
    await runAll([[compiler, link]], 1);
    log(`wrote ${path.relative(root, output)}`);
  } finally {
    fs.rmSync(objects, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`prebuild-arm64: ${error.message}`);
  process.exit(1);
});
