// simpleRNN: the plain recurrent layer on the backend's RNN kernels (native/rnn/rnn-inl.h), as torch.nn.RNN:
//   h' = act(W_ih x + b_ih + W_hh h + b_hh),  act = 'tanh' (default) or 'relu'
// Options and semantics shared with lstm and gru: recurrent.ts.
import { checkChoice } from '../validate.js';
import { type RecurrentOptions, RecurrentLayer } from './recurrent.js';

export interface SimpleRnnOptions extends RecurrentOptions {
  /** 'tanh' (default) or 'relu', as PyTorch's nonlinearity. */
  activation?: 'tanh' | 'relu';
}

const FN = 'layers.simpleRNN';

export class SimpleRnn extends RecurrentLayer {
  static override readonly typeName = 'simple_rnn';
  readonly cell = 'rnn' as const;
  readonly activation: 'tanh' | 'relu';

  constructor(options: SimpleRnnOptions) {
    super(FN, options, ['activation']);
    this.activation =
      options.activation === undefined
        ? 'tanh'
        : checkChoice(FN, 'activation', options.activation, ['tanh', 'relu'] as const);
  }

  get defaultName(): string {
    return 'simple_rnn';
  }

  protected forwardExtras(): Record<string, unknown> {
    return { activation: this.activation };
  }

  protected backwardExtras(): Record<string, unknown> {
    return { activation: this.activation };
  }

  protected override layerConfig(): Record<string, unknown> {
    return { ...super.layerConfig(), activation: this.activation };
  }
}
