// The native backend: the C++ addon (native/), loaded from prebuilds/ or build/ by node-gyp-build.
import { backendOps } from './ops.js';
import type { Backend, BackendInfo, BackendOps, Isa } from './types.js';

/** What native/binding/addon.cc exports: every op of the Backend, each re-checking its arguments, and the runtime. */
export interface Addon extends BackendOps {
  configure(isa: string | null, threads: number | null): void;
  info(): {
    version: string;
    isa: Isa;
    isas: Isa[];
    threads: number;
    cores: number;
    kernels: Record<string, string>;
    /** Jobs the current thread pool has split across threads (for tests). */
    parallelRuns: number;
  };
  setThreads(threads: number): void;
}

export function createNativeBackend(addon: Addon, version: string): Backend {
  const ops = Object.fromEntries(backendOps.map((op) => [op, addon[op]])) as BackendOps;
  return {
    name: 'native',
    info(): BackendInfo {
      const i = addon.info();
      return {
        backend: 'native',
        isa: i.isa,
        isas: i.isas,
        threads: i.threads,
        cores: i.cores,
        version,
        addonVersion: i.version,
        kernels: i.kernels,
        fallbackReason: null,
      };
    },
    setThreads: (threads) => addon.setThreads(threads),
    ...ops,
  };
}
