// What simpleRNN, lstm and gru share: a layer over a whole sequence on the backend's recurrent kernels
// (src/backend/recurrent-calls.ts), with PyTorch's semantics and parameter names, and Keras' options.
//
// Shapes: the input is a sequence [T, F], kept time-major (T, B, F) inside the model. Per-example lengths go with
// the batch (packed-sequence semantics, as the kernels have): an example's state stops changing after its last valid
// step and its outputs there are 0.
//
//   returnSequences: false (default)   output (B, H): each example's state after its last valid step (PyTorch's h_n)
//                    true              output (T, B, H): the output at every step
//   goBackwards      runs over each example reversed within its own length (steps len-1, ..., 0), as PyTorch's packed
//                    sequences do for their reverse direction; with returnSequences the outputs stay in that
//                    processing order (as in Keras)
//   bidirectional    a second direction over the reversed sequence (parameters with the suffix `_reverse`), its
//                    outputs re-aligned to the input's steps, and the two merged by `mergeMode`: 'concat' (default,
//                    2H features), 'sum', 'mul' or 'ave'; without returnSequences, the merge of both final states
//                    (the forward one after the last valid step, the reverse one after step 0), as PyTorch's h_n
//   returnState      the final states (h, and c for LSTM; forward direction first) come out of predict() as
//                    `states`; only on a model's last layer
//
// Parameters per direction, PyTorch's: weight_ih_l0 (G*H, F), weight_hh_l0 (G*H, H), bias_ih_l0 (G*H),
// bias_hh_l0 (G*H), with G gates (simpleRNN 1, LSTM 4 in the order i, f, g, o, GRU 3 in the order r, z, n).
//
// Initial defaults, Keras' (initializers: 'keras'): weight_ih glorotUniform, weight_hh orthogonal, biases zeros, and
// for LSTM unitForgetBias (the forget gate's bias_ih set to 1). PyTorch's (initializers: 'pytorch'): every weight and
// bias U(-1/sqrt(H), 1/sqrt(H)), no unit forget bias.
import { backend } from '../backend/index.js';
import { MERGE_CODES, type MergeMode, type RecurrentOp } from '../backend/layer-codes.js';
import type { RecurrentCall } from '../backend/types.js';
import { type InitializerSpec, checkInitializer } from '../model/initializers.js';
import { checkBoolean, checkChoice, rangeError } from '../validate.js';
import {
  type BuildContext,
  KernelLayer,
  type KernelCall,
  type Parameter,
  type Pass,
  type Shape,
  checkUnits,
  layerOptions,
  sequenceFeatures,
} from './layer.js';

export type Cell = 'rnn' | 'lstm' | 'gru';

export interface RecurrentOptions {
  units: number;
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  /** Run a second, reversed direction too; default false. */
  bidirectional?: boolean;
  /** How the two directions merge: 'concat' (default), 'sum', 'mul', 'ave'. */
  mergeMode?: MergeMode;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  recurrentInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  name?: string;
  inputShape?: (number | null)[];
}

const COMMON = [
  'units',
  'returnSequences',
  'returnState',
  'goBackwards',
  'bidirectional',
  'mergeMode',
  'useBias',
  'kernelInitializer',
  'recurrentInitializer',
  'biasInitializer',
];

const GATES: Record<Cell, number> = { rnn: 1, lstm: 4, gru: 3 };
const OPS: Record<Cell, [RecurrentOp, RecurrentOp]> = {
  rnn: ['rnnForward', 'rnnBackward'],
  lstm: ['lstmForward', 'lstmBackward'],
  gru: ['gruForward', 'gruBackward'],
};

// One direction's parameters and kernel calls.
interface Direction {
  wIh: Parameter;
  wHh: Parameter;
  bIh: Float32Array; // the parameter's value, or zeros without bias
  bHh: Float32Array;
  gradBIh: Float32Array;
  gradBHh: Float32Array;
  reversed: boolean; // runs over the reversed sequence
}

// One direction's buffers for a batch size.
interface DirectionState {
  forward: Record<string, unknown> & { y: Float32Array; hT: Float32Array; cT?: Float32Array };
  backward: (Record<string, unknown> & { dx: Float32Array }) | null;
  xReversed: Float32Array | null; // (T, B, F)
  yAligned: Float32Array | null; // (T, B, H): a bidirectional reverse direction's outputs back in input order
  dyReversed: Float32Array | null; // (T, B, H)
}

interface RecurrentState {
  T: number;
  B: number;
  dirs: DirectionState[];
  merged: Float32Array | null; // bidirectional output
  dA: Float32Array | null; // bidirectional merge gradients
  dB: Float32Array | null;
  dx: Float32Array | null; // goBackwards: dx back in input order
}

export abstract class RecurrentLayer extends KernelLayer<RecurrentState> {
  abstract readonly cell: Cell;
  readonly units: number;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly bidirectional: boolean;
  readonly mergeMode: MergeMode;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerSpec | null;
  readonly recurrentInitializer: InitializerSpec | null;
  readonly biasInitializer: InitializerSpec | null;
  protected directions: Direction[] = [];
  protected inFeatures = 0;

  protected constructor(fn: string, options: RecurrentOptions, extra: readonly string[]) {
    const o = layerOptions<RecurrentOptions>(fn, options, [...COMMON, ...extra]);
    super(fn, o);
    this.units = checkUnits(fn, 'units', o.units);
    const flag = (name: keyof RecurrentOptions) => (o[name] === undefined ? false : checkBoolean(fn, name, o[name]));
    this.returnSequences = flag('returnSequences');
    this.returnState = flag('returnState');
    this.goBackwards = flag('goBackwards');
    this.bidirectional = flag('bidirectional');
    this.mergeMode = o.mergeMode === undefined ? 'concat' : checkChoice(fn, 'mergeMode', o.mergeMode, MERGE_CODES);
    if (o.mergeMode !== undefined && !this.bidirectional) {
      throw rangeError(fn, 'mergeMode', 'given only with bidirectional: true', `'${o.mergeMode}'`);
    }
    if (this.goBackwards && this.bidirectional) {
      throw rangeError(fn, 'goBackwards', 'false with bidirectional: true (the reverse direction is built in)', 'true');
    }
    this.useBias = o.useBias === undefined ? true : checkBoolean(fn, 'useBias', o.useBias);
    const init = (name: 'kernelInitializer' | 'recurrentInitializer' | 'biasInitializer') =>
      o[name] === undefined ? null : checkInitializer(fn, name, o[name]);
    this.kernelInitializer = init('kernelInitializer');
    this.recurrentInitializer = init('recurrentInitializer');
    this.biasInitializer = init('biasInitializer');
  }

  /** The cell's own call fields: LSTM's cell state, GRU's resetAfter, simpleRNN's activation. */
  protected abstract forwardExtras(T: number, B: number, H: number): Record<string, unknown>;
  protected abstract backwardExtras(forward: Record<string, unknown>, B: number, H: number): Record<string, unknown>;
  /** Keras' unit forget bias (LSTM). */
  protected unitForgetBias(ctx: BuildContext): boolean {
    void ctx;
    return false;
  }

  get gates(): number {
    return GATES[this.cell];
  }

  protected buildLayer(input: Shape, ctx: BuildContext): Shape {
    const I = sequenceFeatures(this.fn, input);
    const H = this.units;
    const G = this.gates;
    this.inFeatures = I;
    const keras = ctx.initializers === 'keras';
    const bound = 1 / Math.sqrt(H);
    const kernel = this.kernelInitializer ?? (keras ? 'glorotUniform' : 'pytorchDefault');
    const recurrent = this.recurrentInitializer ?? (keras ? 'orthogonal' : 'pytorchDefault');
    const biasInit = this.biasInitializer ?? (keras ? 'zeros' : 'pytorchDefault');
    const suffixes = this.bidirectional ? ['_l0', '_l0_reverse'] : ['_l0'];
    this.directions = suffixes.map((suffix, d) => {
      const wIh = this.addParam(
        `weight_ih${suffix}`,
        [G * H, I],
        kernel,
        { fanIn: I, fanOut: G * H, pytorchBound: bound },
        ctx,
      );
      const wHh = this.addParam(
        `weight_hh${suffix}`,
        [G * H, H],
        recurrent,
        { fanIn: H, fanOut: G * H, pytorchBound: bound },
        ctx,
      );
      let bIh: Float32Array = new Float32Array(G * H);
      let bHh: Float32Array = new Float32Array(G * H);
      let gradBIh: Float32Array = new Float32Array(G * H); // without bias: gradients computed and dropped
      let gradBHh: Float32Array = new Float32Array(G * H);
      if (this.useBias) {
        const target = { fanIn: H, fanOut: G * H, pytorchBound: bound };
        const pIh = this.addParam(`bias_ih${suffix}`, [G * H], biasInit, target, ctx);
        const pHh = this.addParam(`bias_hh${suffix}`, [G * H], biasInit, target, ctx);
        if (this.unitForgetBias(ctx)) {
          pIh.value.fill(1, H, 2 * H); // gate f of PyTorch's i, f, g, o: the summed bias is 1
          pHh.value.fill(0, H, 2 * H);
        }
        [bIh, bHh, gradBIh, gradBHh] = [pIh.value, pHh.value, pIh.grad, pHh.grad];
      }
      return { wIh, wHh, bIh, bHh, gradBIh, gradBHh, reversed: d === 1 || this.goBackwards };
    });
    const H2 = this.bidirectional && this.mergeMode === 'concat' ? 2 * H : H;
    return this.returnSequences ? [input[0], H2] : [H2];
  }

  allocate(B: number, T: number, training: boolean): RecurrentState {
    const H = this.units;
    const I = this.inFeatures;
    const TBH = T * B * H;
    const dirs = this.directions.map((dir): DirectionState => {
      const forward = {
        T,
        B,
        I,
        H,
        x: null as Float32Array | null,
        wIh: dir.wIh.value,
        wHh: dir.wHh.value,
        bIh: dir.bIh,
        bHh: dir.bHh,
        h0: null,
        lengths: null as Int32Array | null,
        y: new Float32Array(TBH),
        hT: new Float32Array(B * H),
        h: new Float32Array(TBH + B * H),
        ...this.forwardExtras(T, B, H),
      };
      const backward = training
        ? {
            T,
            B,
            I,
            H,
            x: null as Float32Array | null,
            wIh: dir.wIh.value,
            wHh: dir.wHh.value,
            lengths: null as Int32Array | null,
            h: forward.h,
            dy: null as Float32Array | null,
            dhT: null as Float32Array | null,
            dx: new Float32Array(T * B * I),
            dh0: new Float32Array(B * H),
            dWIh: dir.wIh.grad,
            dWHh: dir.wHh.grad,
            dBIh: dir.gradBIh,
            dBHh: dir.gradBHh,
            ...this.backwardExtras(forward, B, H),
          }
        : null;
      const alignReverse = dir.reversed && this.bidirectional;
      return {
        forward,
        backward,
        xReversed: dir.reversed ? new Float32Array(T * B * I) : null,
        yAligned: alignReverse && this.returnSequences ? new Float32Array(TBH) : null,
        dyReversed: alignReverse && this.returnSequences && training ? new Float32Array(TBH) : null,
      };
    });
    const rows = this.returnSequences ? T * B : B;
    const bi = this.bidirectional;
    return {
      T,
      B,
      dirs,
      merged: bi ? new Float32Array(rows * (this.mergeMode === 'concat' ? 2 * H : H)) : null,
      dA: bi && training ? new Float32Array(rows * H) : null,
      dB: bi && training ? new Float32Array(rows * H) : null,
      dx: this.goBackwards && training ? new Float32Array(T * B * I) : null,
    };
  }

  private flops(T: number, B: number): number {
    return 2 * T * B * this.gates * this.units * (this.inFeatures + this.units);
  }

  *forwardSteps(pass: Pass, x: Float32Array, s: RecurrentState): Generator<KernelCall, Float32Array, void> {
    const { T, B } = s;
    const H = this.units;
    const [op] = OPS[this.cell];
    const flops = this.flops(T, B);
    for (let d = 0; d < s.dirs.length; d++) {
      const ds = s.dirs[d];
      let input = x;
      if (ds.xReversed) {
        backend.reverseSequences(x, ds.xReversed, T, B, this.inFeatures, pass.lengths, false);
        input = ds.xReversed;
      }
      ds.forward.x = input;
      ds.forward.lengths = pass.lengths;
      yield { op, call: ds.forward as unknown as RecurrentCall, flops };
      if (ds.yAligned) backend.reverseSequences(ds.forward.y, ds.yAligned, T, B, H, pass.lengths, false);
    }
    const out = (ds: DirectionState) => (this.returnSequences ? (ds.yAligned ?? ds.forward.y) : ds.forward.hT);
    if (!s.merged) return out(s.dirs[0]);
    const rows = this.returnSequences ? T * B : B;
    backend.mergeForward(MERGE_CODES.indexOf(this.mergeMode), out(s.dirs[0]), out(s.dirs[1]), s.merged, rows, H);
    return s.merged;
  }

  *backwardSteps(
    pass: Pass,
    _x: Float32Array,
    dy: Float32Array,
    s: RecurrentState,
  ): Generator<KernelCall, Float32Array | null, void> {
    const { T, B } = s;
    const H = this.units;
    const [, op] = OPS[this.cell];
    const flops = 2 * this.flops(T, B);
    let grads: Float32Array[] = [dy];
    if (s.merged && s.dA && s.dB) {
      const rows = this.returnSequences ? T * B : B;
      const out = (ds: DirectionState) => (this.returnSequences ? (ds.yAligned ?? ds.forward.y) : ds.forward.hT);
      backend.mergeBackward(
        MERGE_CODES.indexOf(this.mergeMode),
        out(s.dirs[0]),
        out(s.dirs[1]),
        dy,
        s.dA,
        s.dB,
        rows,
        H,
      );
      grads = [s.dA, s.dB];
    }
    for (let d = 0; d < s.dirs.length; d++) {
      const ds = s.dirs[d];
      const call = ds.backward as NonNullable<DirectionState['backward']>;
      let g = grads[d];
      if (ds.dyReversed) {
        backend.reverseSequences(g, ds.dyReversed, T, B, H, pass.lengths, false);
        g = ds.dyReversed;
      }
      call.x = ds.forward.x;
      call.lengths = pass.lengths;
      call.dy = this.returnSequences ? g : null;
      call.dhT = this.returnSequences ? null : g;
      yield { op, call: call as unknown as RecurrentCall, flops };
    }
    const first = s.dirs[0].backward as NonNullable<DirectionState['backward']>;
    if (this.goBackwards && s.dx) {
      backend.reverseSequences(first.dx, s.dx, T, B, this.inFeatures, pass.lengths, false);
      return s.dx;
    }
    if (s.dirs.length === 2) {
      const second = s.dirs[1].backward as NonNullable<DirectionState['backward']>;
      backend.reverseSequences(second.dx, first.dx, T, B, this.inFeatures, pass.lengths, true);
    }
    return first.dx;
  }

  /** The final states of the last forward pass, (B, H) each: h (and c) per direction, the forward one first. */
  states(s: RecurrentState): Float32Array[] {
    return s.dirs.flatMap((ds) => (ds.forward.cT ? [ds.forward.hT, ds.forward.cT] : [ds.forward.hT]));
  }

  protected layerConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = {
      units: this.units,
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      bidirectional: this.bidirectional,
      useBias: this.useBias,
    };
    if (this.bidirectional) c.mergeMode = this.mergeMode;
    if (this.kernelInitializer) c.kernelInitializer = this.kernelInitializer;
    if (this.recurrentInitializer) c.recurrentInitializer = this.recurrentInitializer;
    if (this.biasInitializer) c.biasInitializer = this.biasInitializer;
    return c;
  }
}
