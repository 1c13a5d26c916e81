// gru: the GRU layer on the backend's GRU kernels (native/rnn/gru-inl.h), PyTorch's gate order r, z, n:
//   h' = (1 - z) * n + z * h
//   resetAfter true (default; PyTorch's GRU, Keras' reset_after=True):  n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
//   resetAfter false (Keras' reset_after=False, the original GRU):       n = tanh(W_in x + b_in + W_hn (r * h) + b_hn)
// Options and semantics shared with simpleRNN and lstm: recurrent.ts.
import { checkBoolean } from '../validate.js';
import { type RecurrentOptions, RecurrentLayer } from './recurrent.js';

export interface GruOptions extends RecurrentOptions {
  /** Default true (PyTorch's GRU). */
  resetAfter?: boolean;
}

const FN = 'layers.gru';

export class Gru extends RecurrentLayer {
  static override readonly typeName = 'gru';
  readonly cell = 'gru' as const;
  readonly resetAfter: boolean;

  constructor(options: GruOptions) {
    super(FN, options, ['resetAfter']);
    this.resetAfter = options.resetAfter === undefined ? true : checkBoolean(FN, 'resetAfter', options.resetAfter);
  }

  get defaultName(): string {
    return 'gru';
  }

  protected forwardExtras(T: number, B: number, H: number): Record<string, unknown> {
    return { resetAfter: this.resetAfter, gates: new Float32Array(T * B * 3 * H), hn: new Float32Array(T * B * H) };
  }

  protected backwardExtras(forward: Record<string, unknown>): Record<string, unknown> {
    return { resetAfter: this.resetAfter, gates: forward.gates, hn: forward.hn };
  }

  protected override layerConfig(): Record<string, unknown> {
    return { ...super.layerConfig(), resetAfter: this.resetAfter };
  }
}
