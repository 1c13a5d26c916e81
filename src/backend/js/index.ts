// The pure-TypeScript backend: every kernel in plain TypeScript on typed arrays. It runs anywhere Node runs, and
// it is the reference the native backend is tested against.
import type { Backend, BackendInfo } from '../types.js';
import { affine, columnExtrema, columnMoments, findInfinite } from './columns.js';
import { gruBackward, gruForward } from './gru.js';
import * as layerOps from './layers.js';
import { lstmBackward, lstmForward } from './lstm.js';
import {
  adagradUpdate,
  adamUpdate,
  allFinite,
  clampInPlace,
  normPartial,
  rmspropUpdate,
  scaleInPlace,
  sgdUpdate,
} from './optim.js';
import { squaredDistance } from './diagnostics.js';
import { pointwise } from './pointwise.js';
import { rnnBackward, rnnForward } from './rnn.js';
import { sgemm } from './sgemm.js';

export function createJsBackend(version: string, cores: number, fallbackReason: string | null): Backend {
  const info: BackendInfo = {
    backend: 'js',
    isa: 'none',
    isas: [],
    threads: 1,
    cores,
    version,
    addonVersion: null,
    kernels: { sgemm: 'sgemm_js_4x8', recurrent: 'js' },
    fallbackReason,
  };
  return {
    name: 'js',
    info: () => ({ ...info, isas: [], kernels: { ...info.kernels } }),
    setThreads: () => {},
    sgemm,
    rnnForward,
    rnnBackward,
    lstmForward,
    lstmBackward,
    gruForward,
    gruBackward,
    pointwise,
    findInfinite,
    columnMoments,
    columnExtrema,
    affine,
    recurrentAsync: layerOps.recurrentAsync,
    denseForward: layerOps.denseForward,
    denseBackward: layerOps.denseBackward,
    activationForward: layerOps.activationForward,
    activationBackward: layerOps.activationBackward,
    layerNormForward: layerOps.layerNormForward,
    layerNormBackward: layerOps.layerNormBackward,
    loss: layerOps.loss,
    swapAxes: layerOps.swapAxes,
    reverseSequences: layerOps.reverseSequences,
    mergeForward: layerOps.mergeForward,
    mergeBackward: layerOps.mergeBackward,
    multiply: layerOps.multiply,
    gather: layerOps.gather,
    firstNonFinite: layerOps.firstNonFinite,
    sgdUpdate,
    adamUpdate,
    rmspropUpdate,
    adagradUpdate,
    normPartial,
    allFinite,
    scaleInPlace,
    clampInPlace,
    squaredDistance,
  };
}
