// Issue 8's contract block, verbatim between the markers, with the data it names made up in front of it.
// test/model-contract.test.ts runs this file as a child process, importing the package by its name.
import { sequential, layers, Adam, clipGradNorm } from 'steadygrad';

// The data the block uses: 200 sequences of 24 steps of 8 features, and a target that depends on the last steps.
const N = 200;
const x = {
  data: new Float32Array(N * 24 * 8).map((_, i) => Math.sin(i * 0.37 + Math.floor(i / 192) * 1.3)),
  shape: [N, 24, 8],
};
const y = {
  data: new Float32Array(N).map((_, n) => 0.5 * x.data[n * 192 + 23 * 8] - 0.3 * x.data[n * 192 + 22 * 8 + 3]),
  shape: [N, 1],
};
const xNew = { data: x.data.subarray(0, 5 * 24 * 8), shape: [5, 24, 8] };
const xb = { data: x.data.subarray(0, 32 * 24 * 8), shape: [32, 24, 8] };
const yb = { data: y.data.subarray(0, 32), shape: [32, 1] };

// ---- contract ----
const model = sequential(
  [
    layers.lstm({ units: 32, inputShape: [24, 8], returnSequences: true }),
    layers.gru({ units: 16 }), // without returnSequences: the output at each example's last valid step
    layers.dense({ units: 1 }),
  ],
  { seed: 7 },
);
model.summary(); // layers, output shapes, parameter counts
model.compile({ optimizer: new Adam({ lr: 1e-3 }), loss: 'mse', metrics: ['mae'] });
const history = await model.fit(x, y, { epochs: 20, batchSize: 32, validationSplit: 0.1 });
const yhat = model.predict(xNew); // { data: Float32Array, shape: [N, 1] }

// the same model in a custom loop, the PyTorch way
const params = model.parameters(); // [{ name, shape, value: Float32Array, grad: Float32Array }, ...]
const opt = new Adam(params, { lr: 1e-3 });
model.zeroGrad();
const { loss } = model.forwardBackward(xb, yb); // synchronous; gradients accumulate into param.grad
clipGradNorm(params, 1.0);
opt.step();
// ---- end of contract ----

console.log(
  JSON.stringify({
    epochs: history.epoch.length,
    keys: Object.keys(history.history).sort(),
    firstLoss: history.history.loss[0],
    lastLoss: history.history.loss[19],
    yhatShape: yhat.shape,
    yhatIsFloat32: yhat.data instanceof Float32Array,
    names: params.map((p) => p.name),
    shapes: params.map((p) => p.shape),
    loss,
  }),
);
