#!/usr/bin/env node
// Stands in for node-gyp when prebuildify runs (PREBUILD_NODE_GYP, see the prepack script), so that prebuilds
// come from the same CMake build as a source install. prebuildify passes node-gyp's arguments ("rebuild
// --target=... --release" and so on); only --debug matters here. It then collects build/Release/*.node.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const args = [require.resolve('cmake-js/bin/cmake-js'), 'rebuild'];
if (process.argv.includes('--debug')) args.push('--debug');
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(result.status ?? 1);
