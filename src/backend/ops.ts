// The numeric operations every backend provides, by name: the Backend interface (types.ts) declares their
// signatures, the js backend implements each in TypeScript, and the native addon exports exactly these names
// (native/binding/ops.h; test/backend-ops.test.ts checks that the two lists agree). Adding an op means a name
// here, its signature in types.ts, its js twin, and its binding in native/.
export const backendOps = [
  'sgemm',
  'rnnForward',
  'rnnBackward',
  'lstmForward',
  'lstmBackward',
  'gruForward',
  'gruBackward',
  'pointwise',
  'findInfinite',
  'columnMoments',
  'columnExtrema',
  'affine',
  // layer ops (src/backend/js/layers.ts, native/binding/layers_binding.cc)
  'recurrentAsync',
  'denseForward',
  'denseBackward',
  'activationForward',
  'activationBackward',
  'layerNormForward',
  'layerNormBackward',
  'loss',
  'swapAxes',
  'reverseSequences',
  'mergeForward',
  'mergeBackward',
  'multiply',
  'gather',
  'firstNonFinite',
  'sgdUpdate',
  'adamUpdate',
  'rmspropUpdate',
  'adagradUpdate',
  'normPartial',
  'allFinite',
  'scaleInPlace',
  'clampInPlace',
  // gradient monitors (src/diagnostics/; native/binding/diagnostics_binding.cc, src/backend/js/diagnostics.ts)
  'squaredDistance',
] as const;

export type BackendOp = (typeof backendOps)[number];

/** The functions the addon exports besides the ops: its settings and what it reports. */
export const runtimeFunctions = ['configure', 'info', 'setThreads'] as const;
