// The recurrent kernels' public API: RNN, LSTM and GRU forward and backward through time over a whole sequence, on
// Float32Arrays. Each function checks its arguments, allocates its outputs and runs on the active backend.
import { backend as activeBackend } from '../backend/index.js';
import type { Backend } from '../backend/types.js';
import type { Dims, RnnActivation } from '../backend/recurrent-calls.js';
import {
  MAX_DIM,
  checkBoolean,
  checkChoice,
  checkFloat32,
  checkInteger,
  checkOptions,
  describe,
  rangeError,
  typeError,
} from '../validate.js';

export type { RnnActivation } from '../backend/recurrent-calls.js';

/**
 * Dimensions, named once for all the recurrent kernels:
 * - `T` time steps, `B` batch, `I` input features, `H` hidden units; each an integer >= 1.
 *
 * Layout: row-major and time-major. `x` is (T, B, I): step t is the contiguous B x I block starting at t*B*I. `y`
 * is (T, B, H). `h0`, `c0`, `hT`, `cT` are (B, H). Convert batch-major (B, T, F) data at the layer boundary.
 */
export interface RecurrentDims {
  T: number;
  B: number;
  I: number;
  H: number;
}

/**
 * Weights in PyTorch's layout, with G gates per cell (RNN 1, LSTM 4 in the order i, f, g, o, GRU 3 in the order r, z,
 * n): `wIh` (G*H, I), `wHh` (G*H, H), `bIh` (G*H), `bHh` (G*H). Row g*H + j belongs to gate g, hidden unit j.
 * As gradients (`grads` in the backward functions) the same shapes, accumulated into.
 */
export interface RecurrentWeights {
  wIh: Float32Array;
  wHh: Float32Array;
  bIh: Float32Array;
  bHh: Float32Array;
}

/** What every forward pass takes. */
export interface RecurrentInputs extends RecurrentDims, RecurrentWeights {
  /** (T, B, I), finite. */
  x: Float32Array;
  /** (B, H): the initial hidden state. Default zeros. */
  h0?: Float32Array | null;
  /**
   * (B): example b is valid for steps t < lengths[b], each an integer in [0, T], in any order. Past its length an
   * example's state is carried through unchanged and its output is 0, so hT (and cT) hold the state after its last
   * valid step: PyTorch's packed-sequence semantics. Default: every example has T steps.
   */
  lengths?: Int32Array | ArrayLike<number> | null;
}

/** What every backward pass takes besides the saved forward state. */
interface BackwardInputs {
  /** The forward pass's x and weights (the backward pass reads x, wIh and wHh). */
  x: Float32Array;
  wIh: Float32Array;
  wHh: Float32Array;
  /** dL/dy (T, B, H). Default zeros. Ignored past each example's length, where y is constant 0. */
  dy?: Float32Array | null;
  /** dL/dhT (B, H). Default zeros. */
  dhT?: Float32Array | null;
  /** Weight gradients, accumulated (+=): zero them yourself before the first batch. */
  grads: RecurrentWeights;
  /**
   * Also return `dhNorms` (T): the L2 norm of dL/dh_t over the batch at every step t (the vanishing-gradient curve).
   * Default false; when true it costs one pass over two B x H blocks per step.
   */
  dhNorms?: boolean;
}

interface SavedCommon extends RecurrentDims {
  lengths: Int32Array | null;
  /** (T+1, B, H): the hidden state before step t at [t]; [0] is h0. */
  h: Float32Array;
}

/** What rnnForward keeps for rnnBackward. */
export interface RnnSaved extends SavedCommon {
  cell: 'rnn';
  activation: RnnActivation;
}
/** What lstmForward keeps for lstmBackward. */
export interface LstmSaved extends SavedCommon {
  cell: 'lstm';
  /** (T, B, 4H): the gate activations i, f, g, o of every step. */
  gates: Float32Array;
  /** (T+1, B, H): the cell state before step t at [t]. */
  c: Float32Array;
}
/** What gruForward keeps for gruBackward. */
export interface GruSaved extends SavedCommon {
  cell: 'gru';
  resetAfter: boolean;
  /** (T, B, 3H): the gate activations r, z, n of every step. */
  gates: Float32Array;
  /** (T, B, H): W_hn h + b_hn of every step (resetAfter), or r * h (reset before). */
  hn: Float32Array;
}

export interface RnnForwardInputs extends RecurrentInputs {
  /** 'tanh' (default) or 'relu', as PyTorch's nonlinearity. */
  activation?: RnnActivation;
}
export interface LstmForwardInputs extends RecurrentInputs {
  /** (B, H): the initial cell state. Default zeros. */
  c0?: Float32Array | null;
}
export interface GruForwardInputs extends RecurrentInputs {
  /**
   * true (default): PyTorch's GRU, n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), also Keras' reset_after=True.
   * false: n = tanh(W_in x + b_in + W_hn (r * h) + b_hn), Keras' reset_after=False (the original GRU).
   */
  resetAfter?: boolean;
}

export interface RnnForwardResult {
  /** (T, B, H): the output of every step (0 past an example's length). */
  y: Float32Array;
  /** (B, H): the final hidden state. */
  hT: Float32Array;
  saved: RnnSaved;
}
export interface LstmForwardResult {
  y: Float32Array;
  hT: Float32Array;
  /** (B, H): the final cell state. */
  cT: Float32Array;
  saved: LstmSaved;
}
export interface GruForwardResult {
  y: Float32Array;
  hT: Float32Array;
  saved: GruSaved;
}

export interface RnnBackwardInputs extends BackwardInputs {
  saved: RnnSaved;
}
export interface LstmBackwardInputs extends BackwardInputs {
  saved: LstmSaved;
  /** dL/dcT (B, H). Default zeros. */
  dcT?: Float32Array | null;
}
export interface GruBackwardInputs extends BackwardInputs {
  saved: GruSaved;
}

export interface RnnBackwardResult {
  /** dL/dx (T, B, I). */
  dx: Float32Array;
  /** dL/dh0 (B, H). */
  dh0: Float32Array;
  /**
   * With `dhNorms: true`: (T), the L2 norm of dL/dh_t over the examples running at step t, h_t being the state after
   * step t (y_t): the gradient through later steps plus dy_t.
   */
  dhNorms?: Float32Array;
}
export interface LstmBackwardResult extends RnnBackwardResult {
  /** dL/dc0 (B, H). */
  dc0: Float32Array;
}
export type GruBackwardResult = RnnBackwardResult;

type Cell = 'rnn' | 'lstm' | 'gru';
const GATES: Record<Cell, number> = { rnn: 1, lstm: 4, gru: 3 };
const FORWARD_OPTIONS: Record<Cell, readonly string[]> = {
  rnn: ['T', 'B', 'I', 'H', 'x', 'wIh', 'wHh', 'bIh', 'bHh', 'h0', 'lengths', 'activation'],
  lstm: ['T', 'B', 'I', 'H', 'x', 'wIh', 'wHh', 'bIh', 'bHh', 'h0', 'c0', 'lengths'],
  gru: ['T', 'B', 'I', 'H', 'x', 'wIh', 'wHh', 'bIh', 'bHh', 'h0', 'lengths', 'resetAfter'],
};
const BACKWARD_OPTIONS: Record<Cell, readonly string[]> = {
  rnn: ['x', 'wIh', 'wHh', 'saved', 'dy', 'dhT', 'grads', 'dhNorms'],
  lstm: ['x', 'wIh', 'wHh', 'saved', 'dy', 'dhT', 'dcT', 'grads', 'dhNorms'],
  gru: ['x', 'wIh', 'wHh', 'saved', 'dy', 'dhT', 'grads', 'dhNorms'],
};

// Shapes as the messages spell them: "4*H*I" for LSTM, "H*I" for RNN.
const gateShape = (cell: Cell, rest: string) => (GATES[cell] === 1 ? rest : `${GATES[cell]}*${rest}`);

// `prefix` names where the fields sit: '' for the arguments, 'saved.' for the saved state. Every buffer's size
// must fit in 2^53 - 1 (checked with exact products, as the native layer does).
function checkDims(fn: string, cell: Cell, o: Record<string, unknown>, prefix = ''): Dims {
  const d = {
    T: checkInteger(fn, `${prefix}T`, o.T, 1, MAX_DIM),
    B: checkInteger(fn, `${prefix}B`, o.B, 1, MAX_DIM),
    I: checkInteger(fn, `${prefix}I`, o.I, 1, MAX_DIM),
    H: checkInteger(fn, `${prefix}H`, o.H, 1, MAX_DIM),
  };
  const G = GATES[cell];
  const sizes: [string, number[]][] = [
    ['T*B*I', [d.T, d.B, d.I]],
    ['(T+1)*B*H', [d.T + 1, d.B, d.H]],
    [G === 1 ? 'T*B*H' : `T*B*${G}*H`, [d.T, d.B, G, d.H]],
    [gateShape(cell, 'H*I'), [G, d.H, d.I]],
    [gateShape(cell, 'H*H'), [G, d.H, d.H]],
  ];
  for (const [name, factors] of sizes) {
    const product = factors.reduce((p, x) => p * BigInt(x), 1n);
    if (product > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw rangeError(fn, name, `at most ${Number.MAX_SAFE_INTEGER}`, String(product));
    }
  }
  return d;
}

function checkLengths(fn: string, value: unknown, d: Dims, prefix = ''): Int32Array | null {
  if (value === undefined || value === null) return null;
  const name = `${prefix}lengths`;
  const expected = `an Int32Array or an array of numbers of length B = ${d.B}`;
  if (!Array.isArray(value) && !(ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    throw typeError(fn, name, expected, value);
  }
  const list = value as ArrayLike<unknown>;
  if (list.length !== d.B) throw rangeError(fn, name, expected, describe(value));
  const out = new Int32Array(d.B);
  for (let b = 0; b < d.B; b++) {
    const v = typeof list[b] === 'bigint' ? Number(list[b]) : list[b];
    out[b] = checkInteger(fn, `${name}[${b}]`, v, 0, d.T);
  }
  return out;
}

// The weights of a cell with G gates: shapes and finiteness.
function checkWeights(fn: string, cell: Cell, o: Record<string, unknown>, d: Dims, prefix = '', biases = true) {
  const G = GATES[cell];
  const name = (n: string) => prefix + n;
  const wIh = checkFloat32(fn, name('wIh'), o.wIh, G * d.H * d.I, gateShape(cell, 'H*I'))!;
  const wHh = checkFloat32(fn, name('wHh'), o.wHh, G * d.H * d.H, gateShape(cell, 'H*H'))!;
  if (!biases) return { wIh, wHh, bIh: null, bHh: null };
  const bIh = checkFloat32(fn, name('bIh'), o.bIh, G * d.H, gateShape(cell, 'H'))!;
  const bHh = checkFloat32(fn, name('bHh'), o.bHh, G * d.H, gateShape(cell, 'H'))!;
  return { wIh, wHh, bIh, bHh };
}

function checkForward(fn: string, cell: Cell, inputs: unknown) {
  if (inputs === undefined) throw typeError(fn, 'options', 'an object', inputs);
  const o = checkOptions<Record<string, unknown>>(fn, inputs, FORWARD_OPTIONS[cell]) as Record<string, unknown>;
  const d = checkDims(fn, cell, o);
  const x = checkFloat32(fn, 'x', o.x, d.T * d.B * d.I, 'T*B*I')!;
  const w = checkWeights(fn, cell, o, d);
  const h0 = checkFloat32(fn, 'h0', o.h0, d.B * d.H, 'B*H', { optional: true });
  const lengths = checkLengths(fn, o.lengths, d);
  const BH = d.B * d.H;
  return {
    o,
    call: {
      ...d,
      x,
      wIh: w.wIh,
      wHh: w.wHh,
      bIh: w.bIh!,
      bHh: w.bHh!,
      h0,
      lengths,
      y: new Float32Array(d.T * BH),
      hT: new Float32Array(BH),
      h: new Float32Array((d.T + 1) * BH),
    },
  };
}

// The saved state: what the matching forward function returned, with the dimensions of this call.
function checkSaved(fn: string, cell: Cell, value: unknown): Record<string, unknown> & Dims {
  const expected = `the saved state that ${cell}Forward returned`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw typeError(fn, 'saved', expected, value);
  }
  const s = value as Record<string, unknown>;
  if (s.cell !== cell) throw rangeError(fn, 'saved', expected, `saved.cell = ${describe(s.cell)}`);
  const d = checkDims(fn, cell, s, 'saved.');
  return { ...s, ...d };
}

function checkBackward(fn: string, cell: Cell, inputs: unknown) {
  if (inputs === undefined) throw typeError(fn, 'options', 'an object', inputs);
  const o = checkOptions<Record<string, unknown>>(fn, inputs, BACKWARD_OPTIONS[cell]) as Record<string, unknown>;
  const s = checkSaved(fn, cell, o.saved);
  const d: Dims = { T: s.T, B: s.B, I: s.I, H: s.H };
  const BH = d.B * d.H;
  const x = checkFloat32(fn, 'x', o.x, d.T * d.B * d.I, 'T*B*I')!;
  const w = checkWeights(fn, cell, o, d, '', false);
  const lengths = checkLengths(fn, s.lengths, d, 'saved.');
  const h = checkFloat32(fn, 'saved.h', s.h, (d.T + 1) * BH, '(T+1)*B*H', { finite: false })!;
  const dy = checkFloat32(fn, 'dy', o.dy, d.T * BH, 'T*B*H', { optional: true });
  const dhT = checkFloat32(fn, 'dhT', o.dhT, BH, 'B*H', { optional: true });
  if (typeof o.grads !== 'object' || o.grads === null) {
    throw typeError(fn, 'grads', 'an object { wIh, wHh, bIh, bHh } of Float32Arrays', o.grads);
  }
  const g = checkWeights(fn, cell, o.grads as Record<string, unknown>, d, 'grads.', true);
  const dhNorms = o.dhNorms === undefined ? false : checkBoolean(fn, 'dhNorms', o.dhNorms);
  return {
    o,
    s,
    call: {
      ...d,
      x,
      wIh: w.wIh,
      wHh: w.wHh,
      lengths,
      h,
      dy,
      dhT,
      dx: new Float32Array(d.T * d.B * d.I),
      dh0: new Float32Array(BH),
      dWIh: g.wIh,
      dWHh: g.wHh,
      dBIh: g.bIh!,
      dBHh: g.bHh!,
      dhNorms: dhNorms ? new Float32Array(d.T) : null,
    },
  };
}

// The backward result's optional part.
const norms = (call: { dhNorms: Float32Array | null }) => (call.dhNorms ? { dhNorms: call.dhNorms } : {});

/**
 * A vanilla RNN over a whole sequence, PyTorch's torch.nn.RNN (one layer, one direction):
 * h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), act = tanh (default) or relu. Shapes: RecurrentDims and
 * RecurrentWeights with G = 1. Throws TypeError/RangeError naming the bad field (non-finite inputs included).
 */
export function rnnForward(inputs: RnnForwardInputs): RnnForwardResult {
  return rnnForwardWith(activeBackend, inputs);
}

/** rnnForward on a given backend (the bench and the tests compare backends in one process). */
export function rnnForwardWith(backend: Backend, inputs: RnnForwardInputs): RnnForwardResult {
  const fn = 'rnnForward';
  const { o, call } = checkForward(fn, 'rnn', inputs);
  const activation = checkChoice<RnnActivation>(fn, 'activation', o.activation ?? 'tanh', ['tanh', 'relu']);
  backend.rnnForward({ ...call, activation });
  const { y, hT, h, lengths, T, B, I, H } = call;
  return { y, hT, saved: { cell: 'rnn', activation, T, B, I, H, lengths, h } };
}

/**
 * Backpropagation through time for rnnForward: returns dL/dx and dL/dh0, and adds dL/dW into `grads`.
 */
export function rnnBackward(inputs: RnnBackwardInputs): RnnBackwardResult {
  return rnnBackwardWith(activeBackend, inputs);
}

/** rnnBackward on a given backend (the bench and the tests compare backends in one process). */
export function rnnBackwardWith(backend: Backend, inputs: RnnBackwardInputs): RnnBackwardResult {
  const fn = 'rnnBackward';
  const { s, call } = checkBackward(fn, 'rnn', inputs);
  const activation = checkChoice<RnnActivation>(fn, 'saved.activation', s.activation, ['tanh', 'relu']);
  backend.rnnBackward({ ...call, activation });
  return { dx: call.dx, dh0: call.dh0, ...norms(call) };
}

/**
 * An LSTM over a whole sequence, PyTorch's torch.nn.LSTM (one layer, one direction, no projection), gates
 * i, f, g, o:
 *   i = sigmoid(.), f = sigmoid(.), g = tanh(.), o = sigmoid(.) of W_ih x_t + b_ih + W_hh h_{t-1} + b_hh
 *   c_t = f * c_{t-1} + i * g,   h_t = o * tanh(c_t)
 * Shapes: RecurrentDims and RecurrentWeights with G = 4.
 */
export function lstmForward(inputs: LstmForwardInputs): LstmForwardResult {
  return lstmForwardWith(activeBackend, inputs);
}

/** lstmForward on a given backend (the bench and the tests compare backends in one process). */
export function lstmForwardWith(backend: Backend, inputs: LstmForwardInputs): LstmForwardResult {
  const fn = 'lstmForward';
  const { o, call } = checkForward(fn, 'lstm', inputs);
  const { T, B, I, H, y, hT, h, lengths } = call;
  const c0 = checkFloat32(fn, 'c0', o.c0, B * H, 'B*H', { optional: true });
  const cT = new Float32Array(B * H);
  const gates = new Float32Array(T * B * 4 * H);
  const c = new Float32Array((T + 1) * B * H);
  backend.lstmForward({ ...call, c0, cT, gates, c });
  return { y, hT, cT, saved: { cell: 'lstm', T, B, I, H, lengths, h, gates, c } };
}

/**
 * Backpropagation through time for lstmForward: returns dL/dx, dL/dh0 and dL/dc0, and adds dL/dW into `grads`.
 */
export function lstmBackward(inputs: LstmBackwardInputs): LstmBackwardResult {
  return lstmBackwardWith(activeBackend, inputs);
}

/** lstmBackward on a given backend (the bench and the tests compare backends in one process). */
export function lstmBackwardWith(backend: Backend, inputs: LstmBackwardInputs): LstmBackwardResult {
  const fn = 'lstmBackward';
  const { o, s, call } = checkBackward(fn, 'lstm', inputs);
  const { T, B, H } = call;
  const gates = checkFloat32(fn, 'saved.gates', s.gates, T * B * 4 * H, 'T*B*4*H', { finite: false })!;
  const c = checkFloat32(fn, 'saved.c', s.c, (T + 1) * B * H, '(T+1)*B*H', { finite: false })!;
  const dcT = checkFloat32(fn, 'dcT', o.dcT, B * H, 'B*H', { optional: true });
  const dc0 = new Float32Array(B * H);
  backend.lstmBackward({ ...call, gates, c, dcT, dc0 });
  return { dx: call.dx, dh0: call.dh0, dc0, ...norms(call) };
}

/**
 * A GRU over a whole sequence, gates r, z, n, h_t = (1 - z) * n + z * h_{t-1}, with
 *   resetAfter (default): n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), PyTorch's torch.nn.GRU
 *   resetAfter: false:    n = tanh(W_in x + b_in + W_hn (r * h) + b_hn), Keras' reset_after=False
 * Shapes: RecurrentDims and RecurrentWeights with G = 3.
 */
export function gruForward(inputs: GruForwardInputs): GruForwardResult {
  return gruForwardWith(activeBackend, inputs);
}

/** gruForward on a given backend (the bench and the tests compare backends in one process). */
export function gruForwardWith(backend: Backend, inputs: GruForwardInputs): GruForwardResult {
  const fn = 'gruForward';
  const { o, call } = checkForward(fn, 'gru', inputs);
  const resetAfter = o.resetAfter === undefined ? true : checkBoolean(fn, 'resetAfter', o.resetAfter);
  const { T, B, I, H, y, hT, h, lengths } = call;
  const gates = new Float32Array(T * B * 3 * H);
  const hn = new Float32Array(T * B * H);
  backend.gruForward({ ...call, resetAfter, gates, hn });
  return { y, hT, saved: { cell: 'gru', resetAfter, T, B, I, H, lengths, h, gates, hn } };
}

/** Backpropagation through time for gruForward: returns dL/dx and dL/dh0, and adds dL/dW into `grads`. */
export function gruBackward(inputs: GruBackwardInputs): GruBackwardResult {
  return gruBackwardWith(activeBackend, inputs);
}

/** gruBackward on a given backend (the bench and the tests compare backends in one process). */
export function gruBackwardWith(backend: Backend, inputs: GruBackwardInputs): GruBackwardResult {
  const fn = 'gruBackward';
  const { s, call } = checkBackward(fn, 'gru', inputs);
  const { T, B, H } = call;
  const resetAfter = checkBoolean(fn, 'saved.resetAfter', s.resetAfter);
  const gates = checkFloat32(fn, 'saved.gates', s.gates, T * B * 3 * H, 'T*B*3*H', { finite: false })!;
  const hn = checkFloat32(fn, 'saved.hn', s.hn, T * B * H, 'T*B*H', { finite: false })!;
  backend.gruBackward({ ...call, resetAfter, gates, hn });
  return { dx: call.dx, dh0: call.dh0, ...norms(call) };
}
