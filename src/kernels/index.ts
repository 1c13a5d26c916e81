// steadygrad/kernels: the low-level kernels, on Float32Arrays, for users who build their own layers. The layer API
// sits on top of these.
export { gruBackward, gruForward, lstmBackward, lstmForward, rnnBackward, rnnForward } from './recurrent.js';
export type {
  GruBackwardInputs,
  GruBackwardResult,
  GruForwardInputs,
  GruForwardResult,
  GruSaved,
  LstmBackwardInputs,
  LstmBackwardResult,
  LstmForwardInputs,
  LstmForwardResult,
  LstmSaved,
  RecurrentDims,
  RecurrentInputs,
  RecurrentWeights,
  RnnActivation,
  RnnBackwardInputs,
  RnnBackwardResult,
  RnnForwardInputs,
  RnnForwardResult,
  RnnSaved,
} from './recurrent.js';
export { relu, sigmoid, tanh } from './pointwise.js';
export { sgemm } from '../gemm.js';
export type { SgemmOptions } from '../gemm.js';
