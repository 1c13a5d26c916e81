// Training through the model API (issue 8's targets): whole steps of small models, an LSTM inside fit against the
// bare kernels, predict, and the event loop's delay while fit runs. The js backend's rows come from a child process
// (the backend is chosen at import), run with `node bench/train.js --child`, which prints JSON.
import { execFileSync } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Adam, backendInfo, clipGradNorm, layers, sequential, setThreads } from '../dist/index.js';
import { backend } from '../dist/backend/index.js';
import { initialize } from '../dist/model/initializers.js';
import { Random } from '../dist/model/random.js';
import { median } from './anchors.js';

const filled = (n, seed = 1, scale = 0.5) => {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 12.9898 + seed) * scale;
  return a;
};

/** Median ms of `reps` calls of fn (each timed alone), after `warmup` calls. */
function timeMs(fn, reps, warmup = 3) {
  for (let i = 0; i < warmup; i++) fn();
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** us per call of fn, timed over blocks of `inner` calls (for steps far below a millisecond). */
function timeUs(fn, blocks, inner) {
  for (let i = 0; i < inner * 5; i++) fn();
  return (
    timeMs(() => {
      for (let i = 0; i < inner; i++) fn();
    }, blocks) *
    (1000 / inner)
  );
}

// The 2-10-1 sigmoid MLP of train_torch.py, batch 32, mse: one Adam step with clipping to norm 1, in the custom loop
// (zeroGrad, forwardBackward, clipGradNorm, step) and through trainOnBatch (Adam with globalClipNorm).
export function tinyMlp({ quick }) {
  const make = () =>
    sequential([layers.dense({ units: 10, activation: 'sigmoid', inputShape: [2] }), layers.dense({ units: 1 })], {
      seed: 1,
    });
  const x = { data: filled(64), shape: [32, 2] };
  const y = { data: filled(32, 2), shape: [32, 1] };
  const m = make();
  const params = m.parameters();
  const opt = new Adam(params, { lr: 1e-3 });
  const custom = () => {
    m.zeroGrad();
    m.forwardBackward(x, y, { loss: 'mse' });
    clipGradNorm(params, 1.0);
    opt.step();
  };
  const m2 = make();
  m2.compile({ optimizer: new Adam({ lr: 1e-3, globalClipNorm: 1 }), loss: 'mse' });
  const blocks = quick ? 7 : 21;
  return { customUs: timeUs(custom, blocks, 1000), trainOnBatchUs: timeUs(() => m2.trainOnBatch(x, y), blocks, 1000) };
}

// 784-256-256-10 ReLU MLP, batch 128, CrossEntropyLoss (sparse, from logits), Adam with clipping to norm 1.
export function mnistMlp({ reps }) {
  const m = sequential(
    [
      layers.dense({ units: 256, activation: 'relu', inputShape: [784] }),
      layers.dense({ units: 256, activation: 'relu' }),
      layers.dense({ units: 10 }),
    ],
    { seed: 1 },
  );
  m.compile({
    optimizer: new Adam({ lr: 1e-3, globalClipNorm: 1 }),
    loss: { name: 'sparseCategoricalCrossentropy', fromLogits: true },
  });
  const x = { data: filled(128 * 784), shape: [128, 784] };
  const y = { data: Float32Array.from({ length: 128 }, (_, i) => i % 10), shape: [128] };
  return timeMs(() => m.trainOnBatch(x, y), reps);
}

// train_torch.py's forecaster: LSTM(8 -> 64) over T = 24, batch 32, its last output through Linear(64, 1), mse.
export function forecaster({ reps }) {
  const m = sequential([layers.lstm({ units: 64, inputShape: [24, 8] }), layers.dense({ units: 1 })], { seed: 1 });
  m.compile({ optimizer: new Adam({ lr: 1e-3, globalClipNorm: 1 }), loss: 'mse' });
  const x = { data: filled(32 * 24 * 8), shape: [32, 24, 8] };
  const y = { data: filled(32, 3), shape: [32, 1] };
  return timeMs(() => m.trainOnBatch(x, y), reps);
}

const LSTM_B = { B: 64, T: 100, I: 64, H: 256 };

function lstmB() {
  const { T, I, H } = LSTM_B;
  const m = sequential([layers.lstm({ units: H, inputShape: [T, I] }), layers.dense({ units: 1 })], { seed: 1 });
  m.compile({ optimizer: new Adam({ lr: 1e-3, globalClipNorm: 1 }), loss: 'mse' });
  return m;
}

// The bare kernels of one LSTM B step, through the backend with preallocated buffers: what fit's step is compared to.
function bareLstmStep(m) {
  const { B, T, I, H } = LSTM_B;
  const [wIh, wHh, bIh, bHh] = m.parameters();
  const x = filled(T * B * I);
  const f = {
    T,
    B,
    I,
    H,
    x,
    wIh: wIh.value,
    wHh: wHh.value,
    bIh: bIh.value,
    bHh: bHh.value,
    h0: null,
    c0: null,
    lengths: null,
  };
  Object.assign(f, {
    y: new Float32Array(T * B * H),
    hT: new Float32Array(B * H),
    cT: new Float32Array(B * H),
    h: new Float32Array((T + 1) * B * H),
    c: new Float32Array((T + 1) * B * H),
    gates: new Float32Array(T * B * 4 * H),
  });
  const b = {
    T,
    B,
    I,
    H,
    x,
    wIh: wIh.value,
    wHh: wHh.value,
    lengths: null,
    h: f.h,
    c: f.c,
    gates: f.gates,
    dy: null,
    dhT: filled(B * H),
    dcT: null,
    dx: new Float32Array(T * B * I),
    dh0: new Float32Array(B * H),
    dc0: new Float32Array(B * H),
    dWIh: wIh.grad,
    dWHh: wHh.grad,
    dBIh: bIh.grad,
    dBHh: bHh.grad,
  };
  return () => {
    backend.lstmForward(f);
    backend.lstmBackward(b);
  };
}

// LSTM B (B64 T100 I64 H256) + dense inside fit: ms per step (from onBatchEnd timestamps) interleaved with the bare
// kernels' step, and the event loop's delay (p99, max) over the fit, sampled every 1 ms; plus predict on one batch.
export async function lstmInFit({ quick }) {
  const { B, T, I } = LSTM_B;
  const m = lstmB();
  const batches = quick ? 3 : 6;
  const N = B * batches;
  const x = { data: filled(N * T * I), shape: [N, T, I] };
  const y = { data: filled(N, 3), shape: [N, 1] };
  const bare = bareLstmStep(m);
  await m.fit(x, y, { epochs: 1, batchSize: B, verbose: 0 }); // warm-up
  const fitSteps = [];
  const bareSteps = [];
  const delays = [];
  for (let round = 0; round < (quick ? 1 : 2); round++) {
    const h = monitorEventLoopDelay({ resolution: 1 });
    let t = performance.now();
    h.enable();
    await m.fit(x, y, {
      epochs: 1,
      batchSize: B,
      verbose: 0,
      shuffle: false,
      callbacks: [
        {
          onBatchEnd: () => {
            const now = performance.now();
            fitSteps.push(now - t);
            t = now;
          },
        },
      ],
    });
    h.disable();
    delays.push({ p99: h.percentile(99) / 1e6, max: h.max / 1e6 });
    for (let i = 0; i < batches; i++) bareSteps.push(timeMs(bare, 1, 0));
  }
  const xb = { data: x.data.subarray(0, B * T * I), shape: [B, T, I] };
  const predictMs = timeMs(() => m.predict(xb), quick ? 3 : 7, 1);
  // What fit adds to the kernels in a step, timed on its own (steadier than a difference of two noisy steps): the
  // batch gather, zeroGrad, the finiteness checks of every gradient, and the optimizer step with clipping.
  const params = m.parameters();
  const opt = new Adam(params, { lr: 1e-3, globalClipNorm: 1 });
  const order = Int32Array.from({ length: B }, (_, i) => i);
  const dst = new Float32Array(T * B * I);
  const overheadMs = timeMs(() => {
    backend.gather(x.data, order, 0, B, T, I, dst, true);
    m.zeroGrad();
    for (const p of params) backend.firstNonFinite(p.grad);
    opt.step();
  }, 20);
  return {
    fitMs: median(fitSteps),
    bareMs: median(bareSteps),
    p99: Math.max(...delays.map((d) => d.p99)),
    maxDelay: Math.max(...delays.map((d) => d.max)),
    predictMs,
    overheadMs,
  };
}

/** ms to draw an orthogonal (rows, cols) weight: Keras' Orthogonal through the blocked Householder QR. */
export function orthogonalMs(rows, cols, reps) {
  const out = new Float32Array(rows * cols);
  return timeMs(
    () =>
      initialize('orthogonal', { shape: [rows, cols], fanIn: cols, fanOut: rows, pytorchBound: 0 }, new Random(1), out),
    reps,
    1,
  );
}

/** The native rows (this process): 1 thread and all threads, interleaved. */
export async function benchTrain({ quick = false, log = () => {} } = {}) {
  const info = backendInfo();
  const threads = info.cores;
  const rounds = quick ? 1 : 3;
  const result = { tiny: null, mnist1: [], mnistAll: [], fc1: [], fcAll: [], fit: null };
  setThreads(1);
  log('  tiny MLP step (1 thread)');
  result.tiny = tinyMlp({ quick });
  for (let r = 0; r < rounds; r++) {
    log(`  784-256-256-10 MLP and LSTM forecaster, round ${r + 1}/${rounds}`);
    setThreads(1);
    result.mnist1.push(mnistMlp({ reps: quick ? 5 : 15 }));
    result.fc1.push(forecaster({ reps: quick ? 5 : 15 }));
    setThreads(threads);
    result.mnistAll.push(mnistMlp({ reps: quick ? 5 : 15 }));
    result.fcAll.push(forecaster({ reps: quick ? 5 : 15 }));
  }
  log(`  LSTM B inside fit (${threads} threads), with the event loop monitored`);
  setThreads(threads);
  result.fit = await lstmInFit({ quick });
  setThreads(1);
  result.fit1 = await lstmInFit({ quick });
  const orthogonal = {
    square: orthogonalMs(1024, 1024, quick ? 1 : 3),
    lstmH1024: orthogonalMs(4096, 1024, quick ? 1 : 3),
  };
  setThreads(threads);
  return {
    orthogonal,
    tiny: result.tiny,
    mnist1: median(result.mnist1),
    mnistAll: median(result.mnistAll),
    forecaster1: median(result.fc1),
    forecasterAll: median(result.fcAll),
    fit: result.fit,
    fit1: result.fit1,
  };
}

/** The js backend's rows, from a child process. */
export function benchTrainJs({ quick = false } = {}) {
  const script = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, [script, '--child', quick ? 'quick' : 'full'], {
    encoding: 'utf8',
    env: { ...process.env, STEADYGRAD_BACKEND: 'js' },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop());
}

if (process.argv[2] === '--child') {
  const quick = process.argv[3] === 'quick';
  const tiny = tinyMlp({ quick });
  const mnist = mnistMlp({ reps: quick ? 2 : 5 });
  const fc = forecaster({ reps: quick ? 3 : 7 });
  const orthogonal = { square: orthogonalMs(1024, 1024, 1) };
  console.log(JSON.stringify({ tiny, mnist, forecaster: fc, orthogonal }));
}
