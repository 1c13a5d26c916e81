// lstm: the LSTM layer on the backend's LSTM kernels (native/rnn/lstm-inl.h), PyTorch's gate order i, f, g, o:
//   c' = f * c + i * g,  h' = o * tanh(c'),  i, f, o = sigmoid(.), g = tanh(.)
// Options and semantics shared with simpleRNN and gru: recurrent.ts. Its own: unitForgetBias (Keras' default true
// with Keras initializers; false with PyTorch's).
import type { BuildContext } from './layer.js';
import { checkBoolean } from '../validate.js';
import { type RecurrentOptions, RecurrentLayer } from './recurrent.js';

export interface LstmOptions extends RecurrentOptions {
  /** Start the forget gate's bias at 1 (Keras). Default: true with Keras initializers, false with PyTorch's. */
  unitForgetBias?: boolean;
}

const FN = 'layers.lstm';

export class Lstm extends RecurrentLayer {
  static override readonly typeName = 'lstm';
  readonly cell = 'lstm' as const;
  readonly unitForgetBiasOption: boolean | null;

  constructor(options: LstmOptions) {
    super(FN, options, ['unitForgetBias']);
    const o = options.unitForgetBias;
    this.unitForgetBiasOption = o === undefined ? null : checkBoolean(FN, 'unitForgetBias', o);
  }

  get defaultName(): string {
    return 'lstm';
  }

  protected override unitForgetBias(ctx: BuildContext): boolean {
    return this.unitForgetBiasOption ?? ctx.initializers === 'keras';
  }

  protected forwardExtras(T: number, B: number, H: number): Record<string, unknown> {
    return {
      c0: null,
      cT: new Float32Array(B * H),
      gates: new Float32Array(T * B * 4 * H),
      c: new Float32Array((T + 1) * B * H),
    };
  }

  protected backwardExtras(forward: Record<string, unknown>, B: number, H: number): Record<string, unknown> {
    return { gates: forward.gates, c: forward.c, dcT: null, dc0: new Float32Array(B * H) };
  }

  protected override layerConfig(): Record<string, unknown> {
    const c = super.layerConfig();
    if (this.unitForgetBiasOption !== null) c.unitForgetBias = this.unitForgetBiasOption;
    return c;
  }
}
