// The versions of a model the kill test (test/save-kill.test.ts) saves over and over: version v has weights and
// Adam state that are functions of v alone, so that whoever loads the folder can tell which version it holds and
// whether every part of it (weights and optimizer state) is of that one version. Plain functions of plain data:
// both the child process (on dist/) and the test (on src/) use them.

/** The model both sides build: 0.5 MB of weights (and twice that of Adam state), written in a few milliseconds. */
export const LAYERS = [
  { type: 'dense', config: { units: 128, activation: 'tanh', inputShape: [1000] } },
  { type: 'dense', config: { units: 8 } },
];

/** Version v's value of element i of parameter j: a hash of (v, j, i), in [-0.5, 0.5). */
const value = (v, j, i) => {
  let h = Math.imul(v + 1, 0x9e3779b1) ^ Math.imul(j + 1, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return ((h ^ (h >>> 13)) >>> 8) / 16777216 - 0.5;
};

/** Version v's weights, as setWeights takes them: { name: { data, shape } } for the given parameters. */
export function weightsOf(v, params) {
  return Object.fromEntries(
    params.map((p, j) => [p.name, { data: Float32Array.from(p.value, (_, i) => value(v, j, i)), shape: p.shape }]),
  );
}

/** Version v's Adam state dict for an optimizer over `params` (one group, default hyperparameters but lr). */
export function stateOf(v, params) {
  const state = {};
  params.forEach((p, j) => {
    const m = Float32Array.from(p.value, (_, i) => value(v + 1000003, j, i));
    state[j] = { step: v, expAvg: m, expAvgSq: m.map((x) => x * x) };
  });
  return {
    type: 'Adam',
    state,
    paramGroups: [
      {
        lr: 1e-3 * (1 + (v % 7)),
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0,
        amsgrad: false,
        maximize: false,
        params: params.map((_, j) => j),
      },
    ],
    steps: v,
    skippedSteps: 0,
  };
}
