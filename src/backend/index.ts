// The backend in use, chosen once at import (see loader.ts), and what users can ask of it.
import { checkInteger } from '../validate.js';
import { chooseBackend, settingsFromEnv } from './loader.js';
import type { Backend, BackendInfo } from './types.js';

export type { Backend, BackendInfo, BackendName, Isa } from './types.js';

export const backend: Backend = chooseBackend(settingsFromEnv());

/** Which backend, instruction set and thread count steadygrad is using, and the versions. */
export function backendInfo(): BackendInfo {
  return backend.info();
}

/**
 * Sets the number of threads native kernels use (the caller's included), like torch.set_num_threads.
 * Results do not depend on it: work is split so that every output element is computed the same way.
 * It has no effect on the js backend, which is single-threaded.
 */
export function setThreads(threads: number): void {
  backend.setThreads(checkInteger('setThreads', 'threads', threads, 1, 1024));
}
