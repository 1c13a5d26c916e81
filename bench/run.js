#!/usr/bin/env node
// `npm run bench`: steadygrad's benchmarks, native vs pure TypeScript, with anchors measured in the same run.
//
//   npm run bench                    everything, with anchors from ../shared/anchors/ when present
//   npm run bench -- --quick         shorter timings
//   npm run bench -- --only gemm,rnn  some parts only (gemm, rnn, normalize, optim, train, save); gemm includes the
//                                    dense-layer shapes against OpenBLAS (bench/gemm-shapes.js)
//   npm run bench -- --no-anchors    skip the anchor scripts
//   npm run bench -- --anchors DIR   anchor scripts from DIR
//   npm run bench -- --tfjs DIR      TensorFlow.js (pure-JS cpu backend) resolved from DIR (default: here; see
//                                    loadTfjsCpu in bench/anchors.js for how to install it for a run)
//
// The machine is shared and noisy: every number is a median, and each anchor runs before and after ours (median
// of the runs), so a drift in machine speed hits both sides alike.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { backendInfo } from '../dist/index.js';
import { findAnchors, loadTfjsCpu, medianOfRuns, openblasGflops, torchStepMs, torchTrain } from './anchors.js';
import { benchGemm, fmt, gemmCases } from './gemm.js';
import { benchDenseShapes } from './gemm-shapes.js';
import { benchScalers, benchStream } from './normalize.js';
import { CONFIGS, benchRecurrent, fmtMs, tfjsLstmStepMs } from './recurrent.js';
import { benchOptim } from './optim.js';
import { benchTrain, benchTrainJs } from './train.js';
import { benchSave } from './save.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    anchors: { type: 'string' },
    'no-anchors': { type: 'boolean', default: false },
    tfjs: { type: 'string' },
    only: { type: 'string' },
  },
});
const wanted = (part) => !opts.only || opts.only.split(',').includes(part);
const anchorDir = opts['no-anchors'] ? null : findAnchors(opts.anchors, root);
const info = backendInfo();
const log = (line) => console.log(line);
const tf = opts['no-anchors'] ? null : await loadTfjsCpu(opts.tfjs ?? root);

log(
  `steadygrad ${info.version}: ${info.backend} backend, isa ${info.isa}, ${info.cores} cores, kernels ${JSON.stringify(info.kernels)}`,
);
log(
  `node ${process.version}; ${new Date().toISOString()}; anchors: ${anchorDir ?? 'none'}; tfjs: ${tf ? tf.version_core : 'none'}\n`,
);

if (wanted('gemm')) {
  // --- GEMM ---
  log('GEMM (sgemm, row-major, no transpose, beta = 0)');
  const openblasRuns = [];
  if (anchorDir) openblasRuns.push(openblasGflops(anchorDir));
  const gemmRows = benchGemm(gemmCases(), { quick: opts.quick, log, tf });
  if (anchorDir) openblasRuns.push(openblasGflops(anchorDir));
  const openblas = anchorDir ? medianOfRuns(openblasRuns) : null;

  const threads = info.cores;
  console.table(
    gemmRows.map((r) => {
      const ob = openblas?.get(r.key) ?? null;
      return {
        shape: r.key,
        'native 1T GF/s': fmt(r.native1),
        [`native ${threads}T GF/s`]: fmt(r.nativeAll),
        'js GF/s': fmt(r.js, 2),
        [`${threads}T / 1T`]: fmt(r.nativeAll && r.native1 ? r.nativeAll / r.native1 : null, 2),
        'native 1T / js': fmt(r.native1 ? r.native1 / r.js : null, 0),
        'tfjs cpu GF/s': fmt(r.tfjs, 2),
        'js / tfjs': fmt(r.tfjs ? r.js / r.tfjs : null, 1),
        'OpenBLAS 1T GF/s': fmt(ob),
        'native 1T / OpenBLAS': fmt(ob && r.native1 ? r.native1 / ob : null, 2),
      };
    }),
  );

  // The shapes dense-layer training uses, against OpenBLAS in alternating rounds (OpenBLAS's Haswell kernel
  // when ours is AVX2).
  log(`\nGEMM on dense-layer shapes, 1 thread, ${info.isa} kernels, against OpenBLAS in the same run (GFLOP/s)`);
  const dense = benchDenseShapes({ rounds: opts.quick ? 1 : 3, withOpenblas: !opts['no-anchors'], log });
  log(`OpenBLAS: ${dense.openblasInfo ?? 'not available (python3 with numpy not found)'}`);
  console.table(
    dense.rows.map((r) => ({
      'op M N K': r.shape,
      role: r.role,
      'native 1T GF/s': fmt(r.native),
      'OpenBLAS 1T GF/s': fmt(r.openblas),
      'native / OpenBLAS': fmt(r.ratio, 2),
    })),
  );
}

// --- recurrent layers ---
if (wanted('rnn')) {
  log('\nRecurrent training step (forward + backward through time, weight gradients included), ms per step');
  const torchRuns = [];
  if (anchorDir) torchRuns.push(torchStepMs(anchorDir));
  const rows = benchRecurrent({ quick: opts.quick, log });
  const tfjsLstm = tf ? await tfjsLstmStepMs(tf, opts.tfjs ?? root, { quick: opts.quick }) : null;
  if (anchorDir) torchRuns.push(torchStepMs(anchorDir));
  const torch = anchorDir ? medianOfRuns(torchRuns) : null;
  const threads = info.cores;
  console.table(
    rows.map((r) => {
      const c = r.config;
      const t = torch?.get(`${r.cell} B=${c.B} T=${c.T} I=${c.I} H=${c.H}`) ?? null;
      const tfjsMs = r.cell === 'lstm' && c === CONFIGS[0] ? tfjsLstm : null;
      const gf = (ms) => (ms ? fmt(r.flops / ms / 1e6) : '-');
      return {
        step: `${r.cell} ${c.name} (B${c.B} T${c.T} I${c.I} H${c.H})`,
        'native 1T ms': fmtMs(r.native1),
        [`native ${threads}T ms`]: fmtMs(r.nativeAll),
        'js ms': fmtMs(r.js),
        [`seq/s ${threads}T`]: r.nativeAll ? fmt((c.B * 1000) / r.nativeAll, 0) : '-',
        'GF/s 1T': gf(r.native1),
        [`GF/s ${threads}T`]: gf(r.nativeAll),
        'torch 1T ms': fmtMs(t),
        'torch / native 1T': fmt(t && r.native1 ? t / r.native1 : null, 2),
        [`torch / native ${threads}T`]: fmt(t && r.nativeAll ? t / r.nativeAll : null, 2),
        'tfjs ms': fmtMs(tfjsMs),
        'tfjs / js': fmt(tfjsMs ? tfjsMs / r.js : null, 1),
      };
    }),
  );
}

// --- normalization ---
if (wanted('normalize')) {
  log('\nNormalization: fit + transform of 1e6 x 10 float32 values (10 million), ms per pass');
  const rows = benchScalers({ quick: opts.quick, log });
  const stream = await benchStream({ quick: opts.quick });
  console.table(
    rows.map((r) => ({
      'fit + transform': r.name,
      ms: r.ms.toFixed(1),
      'M values/s': fmt(r.valuesPerSecond / 1e6, 0),
    })),
  );
  log(
    `StandardScaler.transformStream(): ${stream.rows} rows of 10 numbers in ${stream.ms.toFixed(0)} ms = ${fmt(stream.rowsPerSecond / 1e3, 0)} thousand rows/s`,
  );
}

// --- optimizers and clipping ---
if (wanted('optim')) benchOptim({ anchorDir, quick: opts.quick, log });

// --- training through the model API ---
if (wanted('train')) {
  log('\nTraining through the model API (one optimizer step = forward, loss, backward, clipping to norm 1, Adam)');
  const torchRuns = [];
  const torchLstmB = [];
  if (anchorDir) {
    torchRuns.push(torchTrain(anchorDir));
    torchLstmB.push(torchStepMs(anchorDir));
  }
  const ours = await benchTrain({ quick: opts.quick, log });
  log('  js backend (child process)');
  const js = benchTrainJs({ quick: opts.quick });
  if (anchorDir) {
    torchRuns.push(torchTrain(anchorDir));
    torchLstmB.push(torchStepMs(anchorDir));
  }
  const torch = anchorDir ? medianOfRuns(torchRuns) : null;
  const torchB = anchorDir ? (medianOfRuns(torchLstmB)?.get('lstm B=64 T=100 I=64 H=256') ?? null) : null;
  const threads = info.cores;
  const t = (key) => torch?.get(key) ?? null;
  const ratio = (theirs, mine) => (theirs && mine ? fmt(theirs / mine, 2) : '-');
  const us = (v) => (v === null ? '-' : v.toFixed(1));
  const f = ours.fit;
  console.table([
    {
      step: 'tiny 2-10-1 MLP, batch 32 (us): custom loop',
      'native 1T': us(ours.tiny.customUs),
      [`native ${threads}T`]: '-',
      js: us(js.tiny.customUs),
      'torch 1T': us(t('mlp_tiny')),
      'torch / native': ratio(t('mlp_tiny'), ours.tiny.customUs),
      'torch / js': ratio(t('mlp_tiny'), js.tiny.customUs),
    },
    {
      step: 'tiny 2-10-1 MLP, batch 32 (us): trainOnBatch',
      'native 1T': us(ours.tiny.trainOnBatchUs),
      [`native ${threads}T`]: '-',
      js: us(js.tiny.trainOnBatchUs),
      'torch 1T': us(t('mlp_tiny')),
      'torch / native': ratio(t('mlp_tiny'), ours.tiny.trainOnBatchUs),
      'torch / js': ratio(t('mlp_tiny'), js.tiny.trainOnBatchUs),
    },
    {
      step: '784-256-256-10 MLP, batch 128 (ms)',
      'native 1T': fmtMs(ours.mnist1),
      [`native ${threads}T`]: fmtMs(ours.mnistAll),
      js: fmtMs(js.mnist),
      'torch 1T': fmtMs(t('mlp_mnist')),
      'torch / native': `${ratio(t('mlp_mnist'), ours.mnist1)} (1T), ${ratio(t('mlp_mnist'), ours.mnistAll)} (${threads}T)`,
      'torch / js': ratio(t('mlp_mnist'), js.mnist),
    },
    {
      step: 'LSTM(8->64) T24 B32 + dense (ms)',
      'native 1T': fmtMs(ours.forecaster1),
      [`native ${threads}T`]: fmtMs(ours.forecasterAll),
      js: fmtMs(js.forecaster),
      'torch 1T': fmtMs(t('lstm_forecast')),
      'torch / native': `${ratio(t('lstm_forecast'), ours.forecaster1)} (1T), ${ratio(t('lstm_forecast'), ours.forecasterAll)} (${threads}T)`,
      'torch / js': ratio(t('lstm_forecast'), js.forecaster),
    },
    {
      step: 'LSTM B + dense inside fit (ms per step)',
      'native 1T': fmtMs(ours.fit1.fitMs),
      [`native ${threads}T`]: fmtMs(f.fitMs),
      js: '-',
      'torch 1T': fmtMs(torchB),
      'torch / native': `${ratio(torchB, ours.fit1.fitMs)} (1T), ${ratio(torchB, f.fitMs)} (${threads}T)`,
      'torch / js': '-',
    },
    {
      step: 'predict, LSTM B + dense, one batch of 64 (ms)',
      'native 1T': fmtMs(ours.fit1.predictMs),
      [`native ${threads}T`]: fmtMs(f.predictMs),
      js: '-',
      'torch 1T': fmtMs(t('lstm_predict')),
      'torch / native': `${ratio(t('lstm_predict'), ours.fit1.predictMs)} (1T), ${ratio(t('lstm_predict'), f.predictMs)} (${threads}T)`,
      'torch / js': '-',
    },
  ]);
  log(
    `fit vs the bare LSTM kernels (forward + backward, same buffers), LSTM B: ${fmtMs(f.fitMs)} vs ${fmtMs(f.bareMs)} ms ` +
      `(${threads}T, fit / bare = ${fmt(f.fitMs / f.bareMs, 3)}); ${fmtMs(ours.fit1.fitMs)} vs ${fmtMs(ours.fit1.bareMs)} ms (1T, ` +
      `${fmt(ours.fit1.fitMs / ours.fit1.bareMs, 3)}); fit's own work per step outside the kernels (gather, zeroGrad, ` +
      `finiteness checks, clipped Adam): ${f.overheadMs.toFixed(2)} ms`,
  );
  log(
    `orthogonal initializer (blocked Householder QR): 1024 x 1024 in ${fmtMs(ours.orthogonal.square)} ms, the ` +
      `(4096, 1024) weight_hh of an LSTM with H = 1024 in ${fmtMs(ours.orthogonal.lstmH1024)} ms (native 1T); ` +
      `1024 x 1024 in ${fmtMs(js.orthogonal.square)} ms on the js backend`,
  );
  log(
    `event-loop delay while fit trains LSTM B (monitorEventLoopDelay, 1 ms resolution): p99 ${f.p99.toFixed(1)} ms, ` +
      `max ${f.maxDelay.toFixed(1)} ms (${threads}T); p99 ${ours.fit1.p99.toFixed(1)} ms, max ${ours.fit1.maxDelay.toFixed(1)} ms (1T)`,
  );
}

if (wanted('save')) {
  // --- saving and loading ---
  const r = await benchSave({ quick: opts.quick });
  const mib = (x) => `${x.toFixed(1)} MiB`;
  const rate = (x, ms) => `${Math.round(x / (ms / 1000))} MiB/s`;
  log(
    `\nsave/load, ${(r.parameters / 1e6).toFixed(2)} M parameters with Adam state (${mib(r.folderMiB)} on disk): ` +
      `model.save ${fmtMs(r.ms.save)} ms (${rate(r.folderMiB, r.ms.save)}), loadModel ${fmtMs(r.ms.load)} ms ` +
      `(${rate(r.folderMiB, r.ms.load)}); the weights alone (${mib(r.weightsMiB)}): saveWeights ` +
      `${fmtMs(r.ms.saveWeights)} ms, loadWeights ${fmtMs(r.ms.loadWeights)} ms (medians)`,
  );
}
