// The native backend: the C++ addon (native/), loaded from prebuilds/ or build/ by node-gyp-build.
import type { Backend, BackendInfo, Isa } from './types.js';

/** What native/binding/addon.cc exports. Every function re-checks its arguments. */
export interface Addon {
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
  sgemm: Backend['sgemm'];
  rnnForward: Backend['rnnForward'];
  rnnBackward: Backend['rnnBackward'];
  lstmForward: Backend['lstmForward'];
  lstmBackward: Backend['lstmBackward'];
  gruForward: Backend['gruForward'];
  gruBackward: Backend['gruBackward'];
  pointwise: Backend['pointwise'];
  findInfinite: Backend['findInfinite'];
  columnMoments: Backend['columnMoments'];
  columnExtrema: Backend['columnExtrema'];
  affine: Backend['affine'];
}

export function createNativeBackend(addon: Addon, version: string): Backend {
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
    sgemm: addon.sgemm,
    rnnForward: addon.rnnForward,
    rnnBackward: addon.rnnBackward,
    lstmForward: addon.lstmForward,
    lstmBackward: addon.lstmBackward,
    gruForward: addon.gruForward,
    gruBackward: addon.gruBackward,
    pointwise: addon.pointwise,
    findInfinite: addon.findInfinite,
    columnMoments: addon.columnMoments,
    columnExtrema: addon.columnExtrema,
    affine: addon.affine,
  };
}
