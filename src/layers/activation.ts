// activation: an activation function as a layer of its own (the same functions as dense's `activation` option,
// see activations.ts). No parameters.
import { backend } from '../backend/index.js';
import { type Activation, type ActivationSpec, resolveActivation } from './activations.js';
import { Layer, type Pass, type Shape, featuresOf, isSequence, layerOptions } from './layer.js';

export interface ActivationOptions {
  activation: ActivationSpec;
  name?: string;
  inputShape?: (number | null)[];
}

interface ActivationState {
  rows: number;
  x: Float32Array | null; // the input of the last forward pass (the logits of a fused loss)
  y: Float32Array;
  dx: Float32Array | null;
}

const FN = 'layers.activation';

export class ActivationLayer extends Layer<ActivationState> {
  static override readonly typeName = 'activation';
  readonly activation: Activation;
  private features = 0;

  constructor(options: ActivationOptions) {
    const o = layerOptions<ActivationOptions>(FN, options, ['activation']);
    super(FN, o);
    this.activation = resolveActivation(FN, 'activation', o.activation);
  }

  get defaultName(): string {
    return 'activation';
  }

  protected buildLayer(input: Shape): Shape {
    this.features = featuresOf(input);
    return input;
  }

  allocate(B: number, T: number, training: boolean): ActivationState {
    const rows = isSequence(this.inputShapeBuilt) ? T * B : B;
    const n = rows * this.features;
    return { rows, x: null, y: new Float32Array(n), dx: training ? new Float32Array(n) : null };
  }

  forward(_pass: Pass, x: Float32Array, s: ActivationState): Float32Array {
    const a = this.activation;
    s.x = x;
    backend.activationForward(a.code, a.param1, a.param2, x, s.y, s.rows, this.features);
    return s.y;
  }

  backward(
    _pass: Pass,
    x: Float32Array,
    dy: Float32Array,
    s: ActivationState,
    needDx: boolean,
    logitGrad: boolean,
  ): Float32Array | null {
    if (!needDx) return null;
    if (logitGrad) return dy; // a fused loss already gives the gradient of this layer's input
    const a = this.activation;
    const dx = s.dx as Float32Array;
    backend.activationBackward(a.code, a.param1, a.param2, x, s.y, dy, dx, s.rows, this.features);
    return dx;
  }

  override finalActivation(): string | null {
    return this.activation.kind === 'sigmoid' || this.activation.kind === 'softmax' ? this.activation.kind : null;
  }

  override logits(s: ActivationState): Float32Array {
    return s.x as Float32Array;
  }

  protected layerConfig(): Record<string, unknown> {
    return { activation: this.activation.spec };
  }
}
