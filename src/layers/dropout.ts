// dropout: during training, each element is zeroed with probability `rate` and the others scaled by 1 / (1 - rate)
// (inverted dropout, as PyTorch and Keras); at inference it passes its input through untouched. The masks come
// from the model's seeded dropout stream (src/model/random.ts), so they are the same on every backend.
import { backend } from '../backend/index.js';
import { checkFinite, rangeError } from '../validate.js';
import { Layer, type Pass, type Shape, featuresOf, isSequence, layerOptions } from './layer.js';

export interface DropoutOptions {
  /** The probability of dropping each element, in [0, 1). */
  rate: number;
  name?: string;
  inputShape?: (number | null)[];
}

interface DropoutState {
  mask: Float32Array | null; // 0 or 1 / (1 - rate), training only
  y: Float32Array | null;
  dx: Float32Array | null;
}

const FN = 'layers.dropout';

export class Dropout extends Layer<DropoutState> {
  static override readonly typeName = 'dropout';
  readonly rate: number;
  private features = 0;

  constructor(options: DropoutOptions) {
    const o = layerOptions<DropoutOptions>(FN, options, ['rate']);
    super(FN, o);
    this.rate = checkFinite(FN, 'rate', o.rate);
    if (!(this.rate >= 0 && this.rate < 1)) throw rangeError(FN, 'rate', 'a number in [0, 1)', String(this.rate));
  }

  get defaultName(): string {
    return 'dropout';
  }

  protected buildLayer(input: Shape): Shape {
    this.features = featuresOf(input);
    return input;
  }

  allocate(B: number, T: number, training: boolean): DropoutState {
    if (!training) return { mask: null, y: null, dx: null };
    const n = (isSequence(this.inputShapeBuilt) ? T * B : B) * this.features;
    return { mask: new Float32Array(n), y: new Float32Array(n), dx: new Float32Array(n) };
  }

  forward(pass: Pass, x: Float32Array, s: DropoutState): Float32Array {
    if (!pass.training || this.rate === 0 || !s.mask || !s.y) return x;
    const keep = 1 / (1 - this.rate);
    const mask = s.mask;
    for (let i = 0; i < mask.length; i++) mask[i] = pass.random.uniform() < this.rate ? 0 : keep;
    backend.multiply(x, mask, s.y);
    return s.y;
  }

  backward(pass: Pass, _x: Float32Array, dy: Float32Array, s: DropoutState, needDx: boolean): Float32Array | null {
    if (!needDx) return null;
    if (!pass.training || this.rate === 0 || !s.mask || !s.dx) return dy;
    backend.multiply(dy, s.mask, s.dx);
    return s.dx;
  }

  protected layerConfig(): Record<string, unknown> {
    return { rate: this.rate };
  }
}
