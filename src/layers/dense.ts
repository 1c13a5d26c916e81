// dense: y = act(x W^T + b), as torch.nn.Linear followed by an activation. On a sequence (B, T, F) it applies to
// every step (time-distributed). Parameters: `weight` (units, inputFeatures) and `bias` (units).
// Defaults: Keras' glorotUniform weight and zero bias, or PyTorch's U(-1/sqrt(in), 1/sqrt(in)) for both.
import { backend } from '../backend/index.js';
import { type InitializerSpec, checkInitializer } from '../model/initializers.js';
import { checkBoolean } from '../validate.js';
import { type Activation, type ActivationSpec, resolveActivation } from './activations.js';
import {
  type BuildContext,
  Layer,
  type Parameter,
  type Pass,
  type Shape,
  checkUnits,
  featuresOf,
  isSequence,
  layerOptions,
} from './layer.js';

export interface DenseOptions {
  units: number;
  /** Default 'linear'. */
  activation?: ActivationSpec;
  /** Default true. */
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  name?: string;
  inputShape?: (number | null)[];
}

interface DenseState {
  rows: number;
  z: Float32Array; // (rows, units): x W^T + b; the same array as y when the activation is linear
  y: Float32Array; // (rows, units)
  dz: Float32Array | null; // (rows, units), training only
  dx: Float32Array | null; // (rows, in), training only
}

const FN = 'layers.dense';

export class Dense extends Layer<DenseState> {
  static override readonly typeName = 'dense';
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerSpec | null;
  readonly biasInitializer: InitializerSpec | null;
  private weight!: Parameter;
  private bias: Parameter | null = null;
  private inFeatures = 0;

  constructor(options: DenseOptions) {
    const o = layerOptions<DenseOptions>(FN, options, [
      'units',
      'activation',
      'useBias',
      'kernelInitializer',
      'biasInitializer',
    ]);
    super(FN, o);
    this.units = checkUnits(FN, 'units', o.units);
    this.activation = resolveActivation(FN, 'activation', o.activation ?? 'linear');
    this.useBias = o.useBias === undefined ? true : checkBoolean(FN, 'useBias', o.useBias);
    this.kernelInitializer =
      o.kernelInitializer === undefined ? null : checkInitializer(FN, 'kernelInitializer', o.kernelInitializer);
    this.biasInitializer =
      o.biasInitializer === undefined ? null : checkInitializer(FN, 'biasInitializer', o.biasInitializer);
  }

  get defaultName(): string {
    return 'dense';
  }

  protected buildLayer(input: Shape, ctx: BuildContext): Shape {
    const I = featuresOf(input);
    this.inFeatures = I;
    const keras = ctx.initializers === 'keras';
    const target = { fanIn: I, fanOut: this.units, pytorchBound: 1 / Math.sqrt(I) };
    this.weight = this.addParam(
      'weight',
      [this.units, I],
      this.kernelInitializer ?? (keras ? 'glorotUniform' : 'pytorchDefault'),
      target,
      ctx,
    );
    if (this.useBias) {
      this.bias = this.addParam(
        'bias',
        [this.units],
        this.biasInitializer ?? (keras ? 'zeros' : 'pytorchDefault'),
        target,
        ctx,
      );
    }
    return isSequence(input) ? [input[0], this.units] : [this.units];
  }

  allocate(B: number, T: number, training: boolean): DenseState {
    const rows = isSequence(this.inputShapeBuilt) ? T * B : B;
    const linear = this.activation.kind === 'linear';
    const y = new Float32Array(rows * this.units);
    return {
      rows,
      y,
      z: linear ? y : new Float32Array(rows * this.units),
      dz: training && !linear ? new Float32Array(rows * this.units) : null,
      dx: training ? new Float32Array(rows * this.inFeatures) : null,
    };
  }

  forward(_pass: Pass, x: Float32Array, s: DenseState): Float32Array {
    const a = this.activation;
    backend.denseForward(
      a.code,
      a.param1,
      a.param2,
      x,
      this.weight.value,
      this.bias?.value ?? null,
      s.z,
      s.y,
      s.rows,
      this.inFeatures,
      this.units,
    );
    return s.y;
  }

  backward(
    _pass: Pass,
    x: Float32Array,
    dy: Float32Array,
    s: DenseState,
    needDx: boolean,
    logitGrad: boolean,
  ): Float32Array | null {
    const a = this.activation;
    const code = logitGrad ? 0 : a.code; // a fused loss gives the gradient of z itself
    const dz = code === 0 ? dy : (s.dz as Float32Array);
    const dx = needDx ? s.dx : null;
    backend.denseBackward(
      code,
      a.param1,
      a.param2,
      x,
      this.weight.value,
      s.z,
      s.y,
      dy,
      dz,
      dx,
      this.weight.grad,
      this.bias?.grad ?? null,
      s.rows,
      this.inFeatures,
      this.units,
    );
    return dx;
  }

  override finalActivation(): string | null {
    return this.activation.kind === 'sigmoid' || this.activation.kind === 'softmax' ? this.activation.kind : null;
  }

  override logits(s: DenseState): Float32Array {
    return s.z;
  }

  protected layerConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = { units: this.units, activation: this.activation.spec, useBias: this.useBias };
    if (this.kernelInitializer) c.kernelInitializer = this.kernelInitializer;
    if (this.biasInitializer) c.biasInitializer = this.biasInitializer;
    return c;
  }
}
