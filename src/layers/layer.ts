// What every layer is: its options (config), its parameters, and forward and backward passes over preallocated
// buffers. A model builds each layer once (shapes checked, parameters created and initialized), then asks it for the
// buffers of a batch size, then runs its passes with no checks and no allocation.
//
// Layout inside a model: one example is `[F]`, or `[T, F]` for a sequence. A batch of sequences is kept time-major,
// (T, B, F), from the model's input to its output (the recurrent kernels' layout); so a layer that works row by row
// (dense, activation, dropout, layerNorm) sees T*B rows of F either way. The model converts at its boundary.
import { backend } from '../backend/index.js';
import type { RecurrentCall } from '../backend/types.js';
import type { RecurrentOp } from '../backend/layer-codes.js';
import { type InitializerSpec, type InitTarget, initialize } from '../model/initializers.js';
import type { Random } from '../model/random.js';
import { checkInteger, checkOptions, rangeError, typeError } from '../validate.js';

/**
 * A trainable tensor: `value` and `grad` are the layer's own storage (writing into `value` changes the model), in
 * PyTorch's layout, named `<layer name>.<PyTorch name>`. The optimizers take arrays of these.
 */
export interface Parameter {
  name: string;
  shape: number[];
  value: Float32Array;
  grad: Float32Array;
}

/** The shape of one example: `[F]`, or `[T, F]` for a sequence (T null when it varies between batches). */
export type Shape = readonly (number | null)[];

/** What one batch's passes share. */
export interface Pass {
  /** Examples in the batch. */
  B: number;
  /** Time steps of the batch's sequences (1 when the model's input is not a sequence). */
  T: number;
  /** Per-example lengths (B), or null: every example has T steps. */
  lengths: Int32Array | null;
  /** Training (dropout active) or inference. */
  training: boolean;
  /** The model's dropout stream. */
  random: Random;
}

/** A recurrent kernel call a layer asks the model to run: synchronously, or off the main thread inside fit. */
export interface KernelCall {
  op: RecurrentOp;
  call: RecurrentCall;
  /** Floating-point operations, to decide whether moving it off the main thread is worth it. */
  flops: number;
}

/** What a model tells a layer when it builds it. */
export interface BuildContext {
  /** The initializer stream. */
  random: Random;
  /** Whose defaults apply where the layer's options give no initializer. */
  initializers: 'keras' | 'pytorch';
}

/** A layer's config: plain JSON, enough to rebuild it (with its type name, through the registry in index.ts). */
export type LayerConfig = Record<string, unknown> & { name?: string };

export const isSequence = (shape: Shape) => shape.length === 2;
export const featuresOf = (shape: Shape) => shape[shape.length - 1] as number;
export const formatShape = (shape: Shape) => `(None, ${shape.map((d) => (d === null ? 'None' : d)).join(', ')})`;

/** The options every layer takes. */
export const COMMON_OPTIONS = ['name', 'inputShape'] as const;

export abstract class Layer<State = unknown> {
  /** The layer's type as configs and model.json name it (static so that minifiers cannot change it). */
  static readonly typeName: string;

  /** The name given in the options, or the model's default ('dense', 'dense_1', ...) once added. */
  name: string;
  /** The input shape given in the options (the first layer of a model needs one). */
  readonly inputShape: Shape | null;
  /** Set by build(). */
  outputShape: Shape = [];
  inputShapeBuilt: Shape = [];
  readonly params: Parameter[] = [];
  built = false;

  protected constructor(
    protected readonly fn: string,
    options: { name?: unknown; inputShape?: unknown },
  ) {
    this.name = options.name === undefined ? '' : checkName(fn, options.name);
    this.inputShape = options.inputShape === undefined ? null : checkShape(fn, options.inputShape);
  }

  /** The type name, from the class (see typeName). */
  get type(): string {
    return (this.constructor as typeof Layer).typeName;
  }

  /** The default name prefix in a model: Keras' snake_case ('dense', 'simple_rnn', 'layer_normalization'). */
  abstract get defaultName(): string;

  /** Checks the input shape, creates and initializes the parameters, and returns the output shape. */
  build(input: Shape, ctx: BuildContext): Shape {
    this.inputShapeBuilt = input;
    this.outputShape = this.buildLayer(input, ctx);
    this.built = true;
    return this.outputShape;
  }

  protected abstract buildLayer(input: Shape, ctx: BuildContext): Shape;

  /** The buffers of one batch size: B examples of T steps (T = 1 for non-sequences), for training or inference. */
  abstract allocate(B: number, T: number, training: boolean): State;

  /** Runs the layer on x (its input buffer) and returns its output buffer. */
  abstract forward(pass: Pass, x: Float32Array, s: State): Float32Array;

  /**
   * Adds the parameter gradients and returns dL/dx (or null when !needDx). With `logitGrad`, dy is the gradient
   * with respect to the pre-activation output (a loss fused with this layer's final sigmoid or softmax).
   */
  abstract backward(
    pass: Pass,
    x: Float32Array,
    dy: Float32Array,
    s: State,
    needDx: boolean,
    logitGrad: boolean,
  ): Float32Array | null;

  /** The final activation a crossentropy loss can fuse with ('sigmoid' or 'softmax'), or null. */
  finalActivation(): string | null {
    return null;
  }

  /** The pre-activation output of the last forward pass (only when finalActivation() is not null). */
  logits(s: State): Float32Array {
    void s;
    throw new Error(`${this.fn}: this layer has no fusable activation`);
  }

  /** The config that rebuilds this layer (options, not weights): plain JSON. */
  getConfig(): LayerConfig {
    const config: LayerConfig = { name: this.name };
    if (this.inputShape) config.inputShape = [...this.inputShape];
    return { ...config, ...this.layerConfig() };
  }

  protected abstract layerConfig(): Record<string, unknown>;

  /** Parameters in creation order. */
  parameters(): Parameter[] {
    return this.params;
  }

  /** Creates a parameter `<layer name>.<local>` and fills it with `init`. */
  protected addParam(
    local: string,
    shape: number[],
    init: InitializerSpec,
    target: Omit<InitTarget, 'shape'>,
    ctx: BuildContext,
  ): Parameter {
    const size = shape.reduce((a, b) => a * b, 1);
    const p: Parameter = {
      name: `${this.name}.${local}`,
      shape,
      value: new Float32Array(size),
      grad: new Float32Array(size),
    };
    initialize(init, { shape, ...target }, ctx.random, p.value);
    this.params.push(p);
    return p;
  }
}

/** A layer whose passes include recurrent kernel calls: written as generators so that fit can await them. */
export abstract class KernelLayer<State = unknown> extends Layer<State> {
  abstract forwardSteps(pass: Pass, x: Float32Array, s: State): Generator<KernelCall, Float32Array, void>;
  abstract backwardSteps(
    pass: Pass,
    x: Float32Array,
    dy: Float32Array,
    s: State,
    needDx: boolean,
  ): Generator<KernelCall, Float32Array | null, void>;

  forward(pass: Pass, x: Float32Array, s: State): Float32Array {
    return runNow(this.forwardSteps(pass, x, s));
  }

  backward(pass: Pass, x: Float32Array, dy: Float32Array, s: State, needDx: boolean): Float32Array | null {
    return runNow(this.backwardSteps(pass, x, dy, s, needDx));
  }
}

const ops = backend as unknown as Record<RecurrentOp, (call: RecurrentCall) => void>;

/** Runs a layer's kernel calls on this thread, in order. */
export function runNow<R>(steps: Generator<KernelCall, R, void>): R {
  for (let r = steps.next(); ; r = steps.next()) {
    if (r.done) return r.value;
    ops[r.value.op](r.value.call);
  }
}

/**
 * Runs a layer's kernel calls, those of at least `minFlops` off the main thread (Backend.recurrentAsync), so that
 * the event loop stays free while a long kernel runs.
 */
export async function runAwaiting<R>(steps: Generator<KernelCall, R, void>, minFlops: number): Promise<R> {
  for (let r = steps.next(); ; r = steps.next()) {
    if (r.done) return r.value;
    const { op, call, flops } = r.value;
    if (flops >= minFlops) await backend.recurrentAsync(call, op);
    else ops[op](call);
  }
}

// ---- option checks shared by the layers ----

function checkName(fn: string, value: unknown): string {
  if (typeof value !== 'string') throw typeError(fn, 'name', 'a string', value);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    throw rangeError(fn, 'name', 'letters, digits and underscores, not starting with a digit', `'${value}'`);
  }
  return value;
}

function checkShape(fn: string, value: unknown): Shape {
  const expected = 'an array [features] or [timeSteps, features] of positive integers (timeSteps may be null)';
  if (!Array.isArray(value)) throw typeError(fn, 'inputShape', expected, value);
  const ok =
    (value.length === 1 || value.length === 2) &&
    value.every((d, i) => (Number.isInteger(d) && d > 0) || (d === null && i === 0 && value.length === 2));
  if (!ok) throw rangeError(fn, 'inputShape', expected, `[${value.map(String).join(', ')}]`);
  return [...(value as (number | null)[])];
}

/** Checks a layer's options object against its allowed keys ("did you mean" for a typo). */
export function layerOptions<T extends object>(fn: string, options: unknown, allowed: readonly string[]): T {
  return checkOptions<T>(fn, options, [...COMMON_OPTIONS, ...allowed]) as T;
}

/** A positive integer option. */
export function checkUnits(fn: string, name: string, value: unknown): number {
  if (value === undefined) throw typeError(fn, name, 'a positive integer', value);
  return checkInteger(fn, name, value, 1, 1 << 24);
}

/** Throws unless `input` is a sequence shape (for recurrent layers) and returns its features. */
export function sequenceFeatures(fn: string, input: Shape): number {
  if (!isSequence(input)) {
    throw rangeError(
      fn,
      'input',
      'a sequence [timeSteps, features] (give inputShape: [T, F])',
      `shape [${input.join(', ')}]`,
    );
  }
  return featuresOf(input);
}
