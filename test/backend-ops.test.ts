// The op lists of the two languages agree: the addon exports exactly the runtime functions and the ops that
// src/backend/ops.ts names (native/binding/ops.h is the C++ list), and the js backend implements every op.
import { expect, test } from 'vitest';
import { createJsBackend } from '../src/backend/js/index.js';
import { loadAddon } from '../src/backend/loader.js';
import { backendOps, runtimeFunctions } from '../src/backend/ops.js';
import { backendInfo } from '../src/index.js';

const native = backendInfo().backend === 'native';

test.runIf(native)('the addon exports exactly the runtime functions and the ops of src/backend/ops.ts', () => {
  const addon = loadAddon() as unknown as Record<string, unknown>;
  expect(Object.keys(addon).sort()).toEqual([...runtimeFunctions, ...backendOps].sort());
  for (const name of Object.keys(addon)) expect(typeof addon[name], name).toBe('function');
});

test('the js backend implements every op', () => {
  const js = createJsBackend('0.0.0', 1, null) as unknown as Record<string, unknown>;
  for (const op of backendOps) expect(typeof js[op], op).toBe('function');
});
