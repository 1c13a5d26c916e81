// The Backend interface: what the native addon and the pure-TypeScript implementation both provide.
import type {
  GruBackwardCall,
  GruForwardCall,
  LstmBackwardCall,
  LstmForwardCall,
  PointwiseOp,
  RnnBackwardCall,
  RnnForwardCall,
} from './recurrent-calls.js';
import type { BackendOp } from './ops.js';

// Backend methods take arguments that the public API (src/gemm.ts, ...) has already checked. The native backend
// checks them again in C++; the js backend trusts them.

export type BackendName = 'native' | 'js';
export type NumericArray = Float32Array | Float64Array;
export type Isa = 'avx512' | 'avx2' | 'neon' | 'scalar';

export interface BackendInfo {
  /** Which implementation runs the numerics. */
  backend: BackendName;
  /** The instruction set of the native kernels, or 'none' for the js backend. */
  isa: Isa | 'none';
  /** Every instruction set this machine and build can run (empty for the js backend). */
  isas: Isa[];
  /** Threads a native kernel uses (the caller's thread included); always 1 for the js backend. */
  threads: number;
  /** Cores available to this process. */
  cores: number;
  /** The steadygrad package version. */
  version: string;
  /** The version the native addon was built from, or null when it is not loaded. */
  addonVersion: string | null;
  /** The kernel in use per operation, e.g. { sgemm: 'sgemm_avx512_12x32' }. */
  kernels: Record<string, string>;
  /** Why the native backend is not in use, when it was not chosen explicitly; otherwise null. */
  fallbackReason: string | null;
}

export interface Backend {
  readonly name: BackendName;
  info(): BackendInfo;
  setThreads(threads: number): void;
  /** Row-major BLAS sgemm, see sgemm() in src/gemm.ts. */
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    lda: number,
    b: Float32Array,
    ldb: number,
    beta: number,
    c: Float32Array,
    ldc: number,
    offsetA: number,
    offsetB: number,
    offsetC: number,
  ): void;
  /** Recurrent layers over a sequence, see src/backend/recurrent-calls.ts. */
  rnnForward(call: RnnForwardCall): void;
  rnnBackward(call: RnnBackwardCall): void;
  lstmForward(call: LstmForwardCall): void;
  lstmBackward(call: LstmBackwardCall): void;
  gruForward(call: GruForwardCall): void;
  gruBackward(call: GruBackwardCall): void;
  /** y = op(x) elementwise; y may be x. */
  pointwise(op: PointwiseOp, x: Float32Array, y: Float32Array): void;
  /** The normalization passes over a row-major rows x cols matrix, see src/backend/js/columns.ts. */
  findInfinite(x: NumericArray): number;
  columnMoments(
    x: NumericArray,
    rows: number,
    cols: number,
    n: Float64Array,
    mean: Float64Array,
    m2: Float64Array,
  ): void;
  columnExtrema(
    x: NumericArray,
    rows: number,
    cols: number,
    min: Float64Array,
    max: Float64Array,
    maxAbs: Float64Array,
  ): void;
  affine(
    x: NumericArray,
    rows: number,
    cols: number,
    center: Float64Array,
    scale: Float64Array,
    inverse: boolean,
    y: NumericArray,
  ): void;
  /**
   * One fused optimizer update of one parameter (torch.optim.SGD, Adam/AdamW, RMSprop, Adagrad), see
   * native/optim/update-inl.h and src/backend/js/optim.ts. State arrays have param's length; the last four
   * arguments prepare the gradient: clamp(grad * gradScale, -clipValue, clipValue), negated to maximize, plus
   * weightDecay * param.
   */
  sgdUpdate(
    param: Float32Array,
    grad: Float32Array,
    buf: Float32Array | null,
    lr: number,
    momentum: number,
    dampening: number,
    nesterov: boolean,
    firstStep: boolean,
    weightDecay: number,
    maximize: boolean,
    gradScale: number,
    clipValue: number,
  ): void;
  adamUpdate(
    param: Float32Array,
    grad: Float32Array,
    expAvg: Float32Array,
    expAvgSq: Float32Array,
    maxExpAvgSq: Float32Array | null,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    decoupledDecay: number,
    step: number,
    weightDecay: number,
    maximize: boolean,
    gradScale: number,
    clipValue: number,
  ): void;
  rmspropUpdate(
    param: Float32Array,
    grad: Float32Array,
    squareAvg: Float32Array,
    gradAvg: Float32Array | null,
    buf: Float32Array | null,
    lr: number,
    alpha: number,
    eps: number,
    momentum: number,
    weightDecay: number,
    maximize: boolean,
    gradScale: number,
    clipValue: number,
  ): void;
  adagradUpdate(
    param: Float32Array,
    grad: Float32Array,
    sum: Float32Array,
    lr: number,
    lrDecay: number,
    eps: number,
    step: number,
    weightDecay: number,
    maximize: boolean,
    gradScale: number,
    clipValue: number,
  ): void;
  /** sum |x| (ord 1), sum x^2 (ord 2) or max |x| (ord Infinity), in float64; NaN if any element is NaN. */
  normPartial(x: Float32Array, ord: 1 | 2 | number): number;
  /** Whether every element is finite. */
  allFinite(x: Float32Array): boolean;
  /** x *= s, in float32. */
  scaleInPlace(x: Float32Array, s: number): void;
  /** x = clamp(x, -c, c); NaN stays NaN. */
  clampInPlace(x: Float32Array, c: number): void;
}

/** The ops alone: what the native addon exports besides its runtime functions. */
export type BackendOps = Pick<Backend, BackendOp>;

// backendOps (ops.ts) must name every method of Backend but name, info and setThreads, and nothing else: this
// line fails to compile when the two disagree.
type OpMethods = Exclude<keyof Backend, 'name' | 'info' | 'setThreads'>;
export const opsListIsComplete: [Exclude<OpMethods, BackendOp>, Exclude<BackendOp, OpMethods>] extends [never, never]
  ? true
  : never = true;
