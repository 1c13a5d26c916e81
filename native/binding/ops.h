// Every function the addon exports, in one list: X(jsName, CppName). addon.cc exports each one under its jsName,
// bindings.h declares each CppName, and src/backend/ops.ts holds the same jsNames for TypeScript (a test checks
// that the addon exports exactly those). To add an op: a line here, its binding in a *_binding.cc file, and its
// entry in src/backend/ops.ts with a pure-TypeScript twin.
#pragma once

#define STEADYGRAD_RUNTIME_FUNCTIONS(X) \
  X(configure, Configure)               \
  X(info, Info)                         \
  X(setThreads, SetThreads)

#define STEADYGRAD_OPS(X)                   \
  /* gemm_binding.cc */                     \
  X(sgemm, Sgemm)                           \
  /* recurrent_binding.cc */                \
  X(rnnForward, RnnForward)                 \
  X(rnnBackward, RnnBackward)               \
  X(lstmForward, LstmForward)               \
  X(lstmBackward, LstmBackward)             \
  X(gruForward, GruForward)                 \
  X(gruBackward, GruBackward)               \
  X(recurrentAsync, RecurrentAsync)         \
  /* ops_binding.cc */                      \
  X(pointwise, Pointwise)                   \
  /* columns_binding.cc */                  \
  X(findInfinite, FindInfinite)             \
  X(columnMoments, ColumnMoments)           \
  X(columnExtrema, ColumnExtrema)           \
  X(affine, Affine)                         \
  /* layers_binding.cc */                   \
  X(denseForward, DenseForward)             \
  X(denseBackward, DenseBackward)           \
  X(activationForward, ActivationForward)   \
  X(activationBackward, ActivationBackward) \
  X(layerNormForward, LayerNormForward)     \
  X(layerNormBackward, LayerNormBackward)   \
  X(loss, Loss)                             \
  X(swapAxes, SwapAxes)                     \
  X(reverseSequences, ReverseSequences)     \
  X(mergeForward, MergeForward)             \
  X(mergeBackward, MergeBackward)           \
  X(multiply, Multiply)                     \
  X(gather, Gather)                         \
  X(firstNonFinite, FirstNonFinite)         \
  /* optim_binding.cc */                    \
  X(sgdUpdate, SgdUpdate)                   \
  X(adamUpdate, AdamUpdate)                 \
  X(rmspropUpdate, RmspropUpdate)           \
  X(adagradUpdate, AdagradUpdate)           \
  X(normPartial, NormPartial)               \
  X(allFinite, AllFinite)                   \
  X(scaleInPlace, ScaleInPlace)             \
  X(clampInPlace, ClampInPlace)             \
  /* diagnostics_binding.cc */              \
  X(squaredDistance, SquaredDistance)
