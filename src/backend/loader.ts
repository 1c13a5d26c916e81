// Chooses the backend once, when steadygrad is first imported.
//
//   STEADYGRAD_BACKEND=native|js   forces a backend. Unset: native if the addon loads, else js with one warning.
//   STEADYGRAD_ISA=avx512|avx2|neon|scalar   forces the native kernels' instruction set (native backend only).
//   STEADYGRAD_THREADS=n   threads for native kernels (default: the cores available to the process).
//   STEADYGRAD_ADDON_PATH=file.node   loads that addon instead (a sanitizer build, say; see scripts/test-asan.js).
//
// A malformed setting, or a forced choice that cannot be honoured, throws at import: a silent fallback would
// hide a misconfiguration.
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJsBackend } from './js/index.js';
import { createNativeBackend, type Addon } from './native.js';
import type { Backend } from './types.js';

const require = createRequire(import.meta.url);
// src/backend/loader.ts and dist/backend/loader.js both sit two levels below the package root.
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { version } = require(path.join(packageRoot, 'package.json')) as { version: string };

export interface BackendSettings {
  backend?: string;
  isa?: string;
  threads?: string;
}

function envSetting(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function settingsFromEnv(): BackendSettings {
  return {
    backend: envSetting('STEADYGRAD_BACKEND'),
    isa: envSetting('STEADYGRAD_ISA'),
    threads: envSetting('STEADYGRAD_THREADS'),
  };
}

/**
 * Loads the addon: the file STEADYGRAD_ADDON_PATH names, or else, through node-gyp-build,
 * prebuilds/<platform>-<arch>/ first and then build/Release.
 */
export function loadAddon(): Addon {
  const explicit = envSetting('STEADYGRAD_ADDON_PATH');
  if (explicit !== undefined) return require(path.resolve(explicit)) as Addon;
  const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;
  return nodeGypBuild(packageRoot) as Addon;
}

export function chooseBackend(settings: BackendSettings, load: () => Addon = loadAddon): Backend {
  const { backend, isa, threads } = settings;
  if (backend !== undefined && backend !== 'native' && backend !== 'js') {
    throw new RangeError(`steadygrad: STEADYGRAD_BACKEND must be 'native' or 'js', received '${backend}'`);
  }
  let threadCount: number | null = null;
  if (threads !== undefined) {
    threadCount = Number(threads);
    if (!/^\d+$/.test(threads) || threadCount < 1 || threadCount > 1024) {
      throw new RangeError(`steadygrad: STEADYGRAD_THREADS must be an integer in [1, 1024], received '${threads}'`);
    }
  }
  const cores = os.availableParallelism();
  if (backend === 'js') {
    if (isa !== undefined) {
      throw new RangeError(
        `steadygrad: STEADYGRAD_ISA=${isa} applies to the native backend, but STEADYGRAD_BACKEND=js`,
      );
    }
    return createJsBackend(version, cores, null);
  }

  let addon: Addon;
  try {
    addon = load();
  } catch (error) {
    const reason = String((error as Error)?.message ?? error).split('\n')[0];
    if (backend === 'native' || isa !== undefined) {
      const why = backend === 'native' ? 'STEADYGRAD_BACKEND=native' : `STEADYGRAD_ISA=${isa}`;
      throw new Error(`steadygrad: ${why} needs the native addon, which failed to load: ${reason}`, { cause: error });
    }
    console.warn(
      `steadygrad: native addon not loaded (${reason}); using the much slower pure-TypeScript backend. ` +
        'To fix it, install cmake (or python3 and make) and a C++17 compiler, then run `npm rebuild steadygrad`; ' +
        'set STEADYGRAD_BACKEND=js to silence this warning.',
    );
    return createJsBackend(version, cores, reason);
  }
  addon.configure(isa ?? null, threadCount); // throws a RangeError for an ISA this CPU or build cannot run
  return createNativeBackend(addon, version);
}
