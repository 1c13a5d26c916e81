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
import type { RecurrentOp } from './layer-codes.js';

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
  /**
   * The recurrent op `op` on `call`, run off the main thread where the backend can (native: a libuv worker thread;
   * js: synchronously, then a resolved promise). The call's arrays must not be touched until the promise settles.
   * Bad arguments throw at once, before anything runs.
   */
  recurrentAsync(call: RecurrentCall, op: RecurrentOp): Promise<void>;
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

  // ---- layer ops (native/ops/layers.h has every argument's shape; src/backend/js/layers.ts is the js twin) ----
  // act is an index into ACTIVATION_CODES (layer-codes.ts), with its parameters param1 and param2.
  /** z (N, U) = x (N, I) w^T + b; y = act(z). w is (U, I); b (U) or null; z may be y when act is linear. */
  denseForward(
    act: number,
    param1: number,
    param2: number,
    x: Float32Array,
    w: Float32Array,
    b: Float32Array | null,
    z: Float32Array,
    y: Float32Array,
    N: number,
    I: number,
    U: number,
  ): void;
  /** dz = dy * act'(z, y); dw += dz^T x; db += column sums of dz; dx = dz w (each of db, dx may be null). */
  denseBackward(
    act: number,
    param1: number,
    param2: number,
    x: Float32Array,
    w: Float32Array,
    z: Float32Array,
    y: Float32Array,
    dy: Float32Array,
    dz: Float32Array,
    dx: Float32Array | null,
    dw: Float32Array,
    db: Float32Array | null,
    N: number,
    I: number,
    U: number,
  ): void;
  /** y (N, C) = act(x); y may be x. */
  activationForward(
    act: number,
    param1: number,
    param2: number,
    x: Float32Array,
    y: Float32Array,
    N: number,
    C: number,
  ): void;
  /** dx (N, C) = dy * act'(x, y); dx may be dy. */
  activationBackward(
    act: number,
    param1: number,
    param2: number,
    x: Float32Array,
    y: Float32Array,
    dy: Float32Array,
    dx: Float32Array,
    N: number,
    C: number,
  ): void;
  /** PyTorch's LayerNorm over the C features of each of N rows; saves mean (N) and rstd (N). */
  layerNormForward(
    x: Float32Array,
    gamma: Float32Array | null,
    beta: Float32Array | null,
    y: Float32Array,
    mean: Float32Array,
    rstd: Float32Array,
    N: number,
    C: number,
    eps: number,
  ): void;
  /** dx overwritten; dgamma and dbeta accumulated. */
  layerNormBackward(
    x: Float32Array,
    gamma: Float32Array | null,
    mean: Float32Array,
    rstd: Float32Array,
    dy: Float32Array,
    dx: Float32Array,
    dgamma: Float32Array | null,
    dbeta: Float32Array | null,
    N: number,
    C: number,
  ): void;
  /**
   * The loss or metric `kind` (an index into LOSS_CODES) summed over the rows whose mask is nonzero; grad (N, C) =
   * scale * dloss/dpred, or null. target is (N, C), or (N) class indices for the sparse kinds.
   */
  loss(
    kind: number,
    pred: Float32Array,
    target: Float32Array,
    grad: Float32Array | null,
    N: number,
    C: number,
    mask: Uint8Array | null,
    scale: number,
    param: number,
  ): number;
  /** y (B, A, F) = x (A, B, F). */
  swapAxes(x: Float32Array, y: Float32Array, A: number, B: number, F: number): void;
  /** Time-major x (T, B, F) reversed within each example's length into y (or added to y with accumulate). */
  reverseSequences(
    x: Float32Array,
    y: Float32Array,
    T: number,
    B: number,
    F: number,
    lengths: Int32Array | null,
    accumulate: boolean,
  ): void;
  /** y = merge(a, b) (mode: an index into MERGE_CODES); a, b (N, H); y (N, 2H) for concat, else (N, H). */
  mergeForward(mode: number, a: Float32Array, b: Float32Array, y: Float32Array, N: number, H: number): void;
  mergeBackward(
    mode: number,
    a: Float32Array,
    b: Float32Array,
    dy: Float32Array,
    da: Float32Array,
    db: Float32Array,
    N: number,
    H: number,
  ): void;
  /** y = a * b elementwise. */
  multiply(a: Float32Array, b: Float32Array, y: Float32Array): void;
  /** Rows indices[start .. start+count) of src (rows of T*F) into dst, batch-major or time-major. */
  gather(
    src: Float32Array,
    indices: Int32Array,
    start: number,
    count: number,
    T: number,
    F: number,
    dst: Float32Array,
    timeMajor: boolean,
  ): void;
  /** The index of the first NaN or +-Infinity, or -1. */
  firstNonFinite(x: Float32Array): number;
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
  normPartial(x: Float32Array, ord: number): number;
  /** Whether every element is finite. */
  allFinite(x: Float32Array): boolean;
  /** x *= s, in float32. */
  scaleInPlace(x: Float32Array, s: number): void;
  /** x = clamp(x, -c, c); NaN stays NaN. */
  clampInPlace(x: Float32Array, c: number): void;
}

/** Any call object of the recurrent ops. */
export type RecurrentCall =
  RnnForwardCall | RnnBackwardCall | LstmForwardCall | LstmBackwardCall | GruForwardCall | GruBackwardCall;

/** The ops alone: what the native addon exports besides its runtime functions. */
export type BackendOps = Pick<Backend, BackendOp>;

// backendOps (ops.ts) must name every method of Backend but name, info and setThreads, and nothing else: this
// line fails to compile when the two disagree.
type OpMethods = Exclude<keyof Backend, 'name' | 'info' | 'setThreads'>;
export const opsListIsComplete: [Exclude<OpMethods, BackendOp>, Exclude<BackendOp, OpMethods>] extends [never, never]
  ? true
  : never = true;
