#!/usr/bin/env node
// `npm install` hook: make the native addon available, and never fail the install.
//
// In order: (1) a prebuilt binary in prebuilds/<platform>-<arch>/ that loads; (2) a source build with cmake-js
// (CMakeLists.txt); (3) a source build with node-gyp (binding.gyp), for machines without cmake. If all of them
// fail, the install still succeeds, and steadygrad runs on its pure-TypeScript backend with a one-line warning
// at import. STEADYGRAD_BUILD=cmake|node-gyp restricts the attempt to that one build; STEADYGRAD_BUILD=none skips
// building (the js backend is then used unless a prebuild loads).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (message) => console.log(`steadygrad install: ${message}`);

// Loads the addon node-gyp-build would pick, in a child process so that a crash cannot take the install down.
function addonLoads(expectPrebuild) {
  const script = `
    const load = require(${JSON.stringify(require.resolve('node-gyp-build'))});
    const file = load.resolve(${JSON.stringify(root)});
    if (${expectPrebuild} && !file.includes(${JSON.stringify(path.sep + 'prebuilds' + path.sep)})) process.exit(2);
    require(file).info();`;
  return spawnSync(process.execPath, ['-e', script], { stdio: 'ignore' }).status === 0;
}

function run(command, args) {
  log(`${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  return result.status === 0;
}

function hasCommand(command) {
  return spawnSync(command, ['--version'], { stdio: 'ignore', shell: process.platform === 'win32' }).status === 0;
}

function buildWithCmake() {
  if (!hasCommand('cmake')) {
    log('cmake not found, skipping the cmake-js build');
    return false;
  }
  return run(process.execPath, [require.resolve('cmake-js/bin/cmake-js'), 'rebuild']);
}

function buildWithNodeGyp() {
  // npm puts its bundled node-gyp on PATH for lifecycle scripts, and names it in npm_config_node_gyp.
  const nodeGyp = process.env.npm_config_node_gyp;
  if (nodeGyp && fs.existsSync(nodeGyp)) return run(process.execPath, [nodeGyp, 'rebuild']);
  if (hasCommand('node-gyp')) return run('node-gyp', ['rebuild']);
  log('node-gyp not found, skipping the node-gyp build');
  return false;
}

function main() {
  const choice = (process.env.STEADYGRAD_BUILD || '').trim();
  if (!['', 'cmake', 'node-gyp', 'none'].includes(choice)) {
    log(`STEADYGRAD_BUILD must be cmake, node-gyp or none, received '${choice}'; trying every build`);
  }
  if (addonLoads(true)) {
    log('using the prebuilt binary in prebuilds/');
    return;
  }
  if (choice === 'none') {
    log('STEADYGRAD_BUILD=none: not building; steadygrad will use its pure-TypeScript backend');
    return;
  }
  /** @type {[string, () => boolean][]} */
  const builds = [
    ['cmake', buildWithCmake],
    ['node-gyp', buildWithNodeGyp],
  ].filter(([name]) => choice === '' || !['cmake', 'node-gyp'].includes(choice) || name === choice);
  for (const [name, build] of builds) {
    if (build() && addonLoads(false)) {
      log(`built the native addon with ${name}`);
      return;
    }
    log(`the ${name} build did not produce a loadable addon`);
  }
  log(
    'WARNING: could not build the native addon; steadygrad will run on its much slower pure-TypeScript backend. ' +
      'Install cmake (or python3 and make) and a C++17 compiler, then run `npm rebuild steadygrad`.',
  );
}

try {
  main();
} catch (error) {
  log(`unexpected error (${error && error.message}); steadygrad will use its pure-TypeScript backend`);
}
process.exitCode = 0;
