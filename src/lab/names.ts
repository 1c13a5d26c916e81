// The lab's experiments by name, with a line each: what the CLI needs to parse and describe `lab [experiment]`
// without loading the library (the backend is chosen when it loads, after --backend is read).
export const EXPERIMENT_LIST = [
  [
    'normalization',
    'one hidden layer of 10 on a feature in the thousands and one around 1e-3: raw against six scalings',
  ],
  ['activations', 'a 10-layer MLP with sigmoid, tanh and ReLU: gradient norm per layer, first-to-last ratio'],
  [
    'recurrent',
    'the adding problem for a tanh RNN, an LSTM and a GRU: dL/dh_t against t, test MSE against the baseline',
  ],
  ['clipping', 'an RNN set up to explode, without clipping and with clipGradNorm(1.0)'],
  ['optimizers', 'SGD, SGD with momentum, Adam and AdamW on a deep sigmoid MLP, with loss curves'],
  ['forecast', 'an LSTM forecasting Mauna Loa CO2 (bundled data), raw and z-scored, against seasonal naive'],
] as const;

export type ExperimentName = (typeof EXPERIMENT_LIST)[number][0];
export const EXPERIMENT_NAMES: readonly ExperimentName[] = EXPERIMENT_LIST.map(([name]) => name);
