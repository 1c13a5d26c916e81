// Tests in test/backends/ run once per backend and, for the native backend, once per instruction set this
// machine supports (each in its own processes, forced through STEADYGRAD_ISA as a user would). The other tests
// run once, on the default backend.
import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

function nativeIsas(): string[] {
  if (process.env.STEADYGRAD_BACKEND === 'js') return [];
  try {
    const require = createRequire(import.meta.url);
    type Addon = { info(): { isas: string[] } };
    const load = require('node-gyp-build') as (dir: string) => Addon;
    const addon = process.env.STEADYGRAD_ADDON_PATH
      ? (require(process.env.STEADYGRAD_ADDON_PATH) as Addon)
      : load(import.meta.dirname);
    return addon.info().isas;
  } catch {
    return []; // no addon: the js backend only (the loader test checks the warning)
  }
}

const perBackend = (name: string, env: Record<string, string>) => ({
  extends: true as const,
  test: { name, include: ['test/backends/**/*.test.ts'], env },
});

export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'api', include: ['test/*.test.ts'] } },
      perBackend('js', { STEADYGRAD_BACKEND: 'js' }),
      ...nativeIsas().map((isa) => perBackend(`native-${isa}`, { STEADYGRAD_BACKEND: 'native', STEADYGRAD_ISA: isa })),
    ],
  },
});
