// layerNorm: PyTorch's LayerNorm over the last axis (the features of each example, or of each step of a sequence):
// y = (x - mean) / sqrt(var + epsilon) * weight + bias, with the biased variance. Parameters `weight` (ones) and
// `bias` (zeros), as PyTorch names them (Keras' gamma and beta). epsilon defaults to PyTorch's 1e-5 (Keras: 1e-3).
import { backend } from '../backend/index.js';
import { type InitializerSpec, checkInitializer } from '../model/initializers.js';
import { checkBoolean, checkFinite, rangeError } from '../validate.js';
import {
  type BuildContext,
  Layer,
  type Parameter,
  type Pass,
  type Shape,
  featuresOf,
  isSequence,
  layerOptions,
} from './layer.js';

export interface LayerNormOptions {
  /** Added to the variance; default 1e-5. */
  epsilon?: number;
  /** Learn a scale (`weight`); default true. */
  scale?: boolean;
  /** Learn an offset (`bias`); default true. */
  center?: boolean;
  gammaInitializer?: InitializerSpec;
  betaInitializer?: InitializerSpec;
  name?: string;
  inputShape?: (number | null)[];
}

interface LayerNormState {
  rows: number;
  y: Float32Array;
  mean: Float32Array;
  rstd: Float32Array;
  dx: Float32Array | null;
}

const FN = 'layers.layerNorm';

export class LayerNorm extends Layer<LayerNormState> {
  static override readonly typeName = 'layer_norm';
  readonly epsilon: number;
  readonly scale: boolean;
  readonly center: boolean;
  readonly gammaInitializer: InitializerSpec;
  readonly betaInitializer: InitializerSpec;
  private weight: Parameter | null = null;
  private bias: Parameter | null = null;
  private features = 0;

  constructor(options: LayerNormOptions = {}) {
    const o = layerOptions<LayerNormOptions>(FN, options, [
      'epsilon',
      'scale',
      'center',
      'gammaInitializer',
      'betaInitializer',
    ]);
    super(FN, o);
    this.epsilon = o.epsilon === undefined ? 1e-5 : checkFinite(FN, 'epsilon', o.epsilon);
    if (!(this.epsilon > 0)) throw rangeError(FN, 'epsilon', 'a positive number', String(this.epsilon));
    this.scale = o.scale === undefined ? true : checkBoolean(FN, 'scale', o.scale);
    this.center = o.center === undefined ? true : checkBoolean(FN, 'center', o.center);
    this.gammaInitializer =
      o.gammaInitializer === undefined ? 'ones' : checkInitializer(FN, 'gammaInitializer', o.gammaInitializer);
    this.betaInitializer =
      o.betaInitializer === undefined ? 'zeros' : checkInitializer(FN, 'betaInitializer', o.betaInitializer);
  }

  get defaultName(): string {
    return 'layer_normalization';
  }

  protected buildLayer(input: Shape, ctx: BuildContext): Shape {
    const C = featuresOf(input);
    this.features = C;
    const target = { fanIn: C, fanOut: C, pytorchBound: 0 };
    if (this.scale) this.weight = this.addParam('weight', [C], this.gammaInitializer, target, ctx);
    if (this.center) this.bias = this.addParam('bias', [C], this.betaInitializer, target, ctx);
    return input;
  }

  allocate(B: number, T: number, training: boolean): LayerNormState {
    const rows = isSequence(this.inputShapeBuilt) ? T * B : B;
    const n = rows * this.features;
    return {
      rows,
      y: new Float32Array(n),
      mean: new Float32Array(rows),
      rstd: new Float32Array(rows),
      dx: training ? new Float32Array(n) : null,
    };
  }

  forward(_pass: Pass, x: Float32Array, s: LayerNormState): Float32Array {
    backend.layerNormForward(
      x,
      this.weight?.value ?? null,
      this.bias?.value ?? null,
      s.y,
      s.mean,
      s.rstd,
      s.rows,
      this.features,
      this.epsilon,
    );
    return s.y;
  }

  backward(_pass: Pass, x: Float32Array, dy: Float32Array, s: LayerNormState): Float32Array | null {
    const dx = s.dx as Float32Array; // the parameter gradients need the pass even when dx is not wanted
    backend.layerNormBackward(
      x,
      this.weight?.value ?? null,
      s.mean,
      s.rstd,
      dy,
      dx,
      this.weight?.grad ?? null,
      this.bias?.grad ?? null,
      s.rows,
      this.features,
    );
    return dx;
  }

  protected layerConfig(): Record<string, unknown> {
    return {
      epsilon: this.epsilon,
      scale: this.scale,
      center: this.center,
      gammaInitializer: this.gammaInitializer,
      betaInitializer: this.betaInitializer,
    };
  }
}
