// Layer types by name: the factories behind `layers.*` and the registry that rebuilds a layer from its config
// ({ type, config }, as model.getConfig() writes it). Every config is plain JSON.
import { rangeError, suggest, typeError } from '../validate.js';
import { type ActivationOptions, ActivationLayer } from './activation.js';
import { type DenseOptions, Dense } from './dense.js';
import { type DropoutOptions, Dropout } from './dropout.js';
import { type GruOptions, Gru } from './gru.js';
import type { Layer } from './layer.js';
import { type LayerNormOptions, LayerNorm } from './layer-norm.js';
import { type LstmOptions, Lstm } from './lstm.js';
import type { RecurrentLayer } from './recurrent.js';
import { type SimpleRnnOptions, SimpleRnn } from './simple-rnn.js';

/** Every layer type, by its typeName. */
export const LAYER_TYPES: Record<string, (config: never) => Layer> = {
  [Dense.typeName]: (c: DenseOptions) => new Dense(c),
  [ActivationLayer.typeName]: (c: ActivationOptions) => new ActivationLayer(c),
  [Dropout.typeName]: (c: DropoutOptions) => new Dropout(c),
  [LayerNorm.typeName]: (c: LayerNormOptions) => new LayerNorm(c),
  [SimpleRnn.typeName]: (c: SimpleRnnOptions) => new SimpleRnn(c),
  [Lstm.typeName]: (c: LstmOptions) => new Lstm(c),
  [Gru.typeName]: (c: GruOptions) => new Gru(c),
};

/** A layer rebuilt from { type, config }. */
export function layerFromConfig(where: string, value: unknown): Layer {
  const [fn, name] = where.split(': ');
  if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
    throw typeError(fn, name, '{ type, config }', value);
  }
  const { type, config } = value as { type: string; config?: unknown };
  const make = LAYER_TYPES[type];
  if (!make)
    throw rangeError(
      fn,
      `${name}.type`,
      `one of ${Object.keys(LAYER_TYPES).join(', ')}`,
      suggest(type, Object.keys(LAYER_TYPES)),
    );
  return make((config ?? {}) as never);
}

/** The layers, as functions of their options (Keras' names in camelCase). */
export const layers = {
  dense: (options: DenseOptions) => new Dense(options),
  activation: (options: ActivationOptions) => new ActivationLayer(options),
  dropout: (options: DropoutOptions) => new Dropout(options),
  layerNorm: (options?: LayerNormOptions) => new LayerNorm(options),
  simpleRNN: (options: SimpleRnnOptions) => new SimpleRnn(options),
  lstm: (options: LstmOptions) => new Lstm(options),
  gru: (options: GruOptions) => new Gru(options),
  /**
   * Keras' Bidirectional wrapper: the same recurrent layer with `bidirectional: true` (and `mergeMode`), e.g.
   * layers.bidirectional(layers.lstm({ units: 32 }), { mergeMode: 'sum' }).
   */
  bidirectional(layer: RecurrentLayer, options: { mergeMode?: 'concat' | 'sum' | 'mul' | 'ave' } = {}): RecurrentLayer {
    const fn = 'layers.bidirectional';
    const make = layer && typeof layer === 'object' ? LAYER_TYPES[(layer as Layer).type] : undefined;
    if (!make || !('bidirectional' in layer))
      throw typeError(fn, 'layer', 'a recurrent layer (simpleRNN, lstm or gru)', layer);
    if (layer.built) throw rangeError(fn, 'layer', 'a layer not yet in a model', `layer '${layer.name}'`);
    const config = { ...layer.getConfig(), bidirectional: true, ...options };
    if (config.name === '') delete config.name;
    return make(config as never) as RecurrentLayer;
  },
};
