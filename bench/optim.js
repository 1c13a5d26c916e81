// Optimizer and clipping throughput on 10 million float32 parameters in 10 tensors of 1 million, as
// ../shared/anchors/train_torch.py measures PyTorch: an Adam step, an SGD-momentum step, clip_grad_norm_. Also the
// machine's copy bandwidth in the same run (the memory-traffic limit: Adam moves 28 bytes per parameter), and the
// per-step cost on a tiny model (4 tensors, 41 parameters), where call overhead is everything.
import path from 'node:path';
import { Adam, SGD, clipGradNorm, setThreads } from '../dist/index.js';
import { backend } from '../dist/backend/index.js';
import { createJsBackend } from '../dist/backend/js/index.js';
import { median, medianOfRuns, runScript } from './anchors.js';
import { fmt } from './gemm.js';
import { fmtMs } from './recurrent.js';

const TENSORS = 10;
const SIZE = 1_000_000;

function filled(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    a[i] = s / 2147483648 - 1;
  }
  return a;
}

function parameters(tensors, size, seed = 1) {
  return Array.from({ length: tensors }, (_, t) => ({
    name: `w${t}`,
    shape: [size],
    value: filled(size, seed + 2 * t),
    grad: filled(size, seed + 2 * t + 1),
  }));
}

/**
 * Median ms of each case over `rounds` interleaved rounds (after one warm-up call each); with `best`, also the
 * fastest round of each in best[name] (train_torch.py reports PyTorch's fastest round, so the ratios compare
 * fastest with fastest).
 */
function interleaved(cases, rounds, best = null) {
  const names = Object.keys(cases);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) cases[n]();
  for (let r = 0; r < rounds; r++) {
    for (const n of names) {
      const t = performance.now();
      cases[n]();
      times[n].push(performance.now() - t);
    }
  }
  if (best) for (const n of names) best[n] = Math.min(...times[n]);
  return Object.fromEntries(names.map((n) => [n, median(times[n])]));
}

// What Optimizer.step does for Adam (the finiteness check of every gradient, then one fused update per
// parameter), on a given backend: the js backend is timed this way, in the same process as the native one.
function adamStepOn(b, ps) {
  const state = ps.map((p) => ({ m: new Float32Array(p.value.length), v: new Float32Array(p.value.length) }));
  let step = 0;
  return () => {
    step++;
    for (const p of ps) if (!b.allFinite(p.grad)) throw new Error('non-finite gradient');
    ps.forEach((p, i) => {
      b.adamUpdate(
        p.value,
        p.grad,
        state[i].m,
        state[i].v,
        null,
        1e-3,
        0.9,
        0.999,
        1e-8,
        0,
        step,
        0,
        false,
        1,
        Infinity,
      );
    });
  };
}

/** PyTorch's optimizer lines of train_torch.py: { adam_foreach, adam_loop, sgd_momentum, clip_grad_norm } in ms. */
export function torchOptimMs(dir) {
  const lines = runScript('/usr/bin/python3', path.join(dir, 'train_torch.py'), ['1']);
  if (!lines) return null;
  const out = new Map();
  for (const line of lines) {
    const m = /^(adam_foreach|adam_loop|sgd_momentum|clip_grad_norm) 10M params (?:step_)?ms=([\d.]+)/.exec(line);
    if (m) out.set(m[1], Number(m[2]));
  }
  return out;
}

/**
 * Sets up the 10M-parameter cases (native on 1 thread through the public API, js through the same calls), the copy
 * bandwidth and a tiny model, and returns measure(): one interleaved timing of all of them, as
 * { ms: {...}, copyGBs, tiny: {...}, backend } with times in ms (tiny in microseconds per step). run.js alternates
 * measure() with PyTorch's anchor, so that both sides see the same moments of a noisy machine.
 */
export function optimBench({ quick = false, log = () => {} } = {}) {
  const rounds = quick ? 3 : 7;
  if (backend.name === 'native') setThreads(1);
  const adamPs = parameters(TENSORS, SIZE, 1);
  const sgdPs = parameters(TENSORS, SIZE, 101);
  const clipPs = parameters(TENSORS, SIZE, 201);
  const jsPs = parameters(TENSORS, SIZE, 301);
  const adam = new Adam(adamPs, { lr: 1e-3 });
  const sgd = new SGD(sgdPs, { lr: 1e-3, momentum: 0.9 });
  // copy bandwidth: 280 MB read and written, the size of Adam's traffic
  const src = filled((28 * TENSORS * SIZE) / 8, 7);
  const dst = new Float32Array(src.length);
  const js = createJsBackend('bench', 1, null);
  const jsAdam = adamStepOn(js, jsPs);
  const nativeAdam = adamStepOn(backend, adamPs);

  // a tiny model: the per-step overhead of the calls themselves
  const shapes = [[10, 2], [10], [1, 10], [1]];
  const tinyPs = shapes.map((s, i) => {
    const n = s[0] * (s[1] ?? 1);
    return { name: `t${i}`, shape: s, value: filled(n, 400 + i), grad: filled(n, 500 + i) };
  });
  const tinyAdam = new Adam(tinyPs, { lr: 1e-3 });
  const tinySgd = new SGD(
    tinyPs.map((p) => ({ ...p, value: p.value.slice() })),
    { lr: 1e-3, momentum: 0.9 },
  );
  const reps = 2000;

  return function measure() {
    log(`  timing Adam, SGD momentum, clipGradNorm, copy (${backend.name}, ${rounds} interleaved rounds)`);
    const best = {};
    const ms = interleaved(
      {
        adam: () => adam.step(),
        sgdMomentum: () => sgd.step(),
        clipGradNorm: () => clipGradNorm(clipPs, 1e9), // the norm; nothing to scale, as in train_torch.py
        clipGradNormScaling: () => clipGradNorm(clipPs, 1e-3), // a second pass that scales every gradient
        copy: () => dst.set(src),
      },
      rounds,
      best,
    );
    log('  timing the js backend on Adam, interleaved with the same calls on native');
    const jsTimes = interleaved({ jsAdam, nativeAdam }, quick ? 1 : 2);
    ms.jsAdam = jsTimes.jsAdam;
    ms.nativeAdamKernels = jsTimes.nativeAdam;
    const tiny = interleaved(
      {
        adam: () => {
          for (let i = 0; i < reps; i++) tinyAdam.step();
        },
        adamClip: () => {
          for (let i = 0; i < reps; i++) {
            clipGradNorm(tinyPs, 1e9);
            tinyAdam.step();
          }
        },
        sgd: () => {
          for (let i = 0; i < reps; i++) tinySgd.step();
        },
      },
      rounds,
    );
    for (const k of Object.keys(tiny)) tiny[k] = (tiny[k] * 1000) / reps;
    return { ms, best, copyGBs: (2 * src.byteLength) / (ms.copy / 1000) / 1e9, tiny, backend: backend.name };
  };
}

/** The optimizer part of `npm run bench`: prints the table and the lines the README quotes. */
export function benchOptim({ anchorDir, quick, log }) {
  const opts = { quick };
  log('\nOptimizers and clipping: 10 million float32 parameters in 10 tensors, native on 1 thread, ms per step');
  log('(median and fastest of our interleaved rounds; PyTorch is its fastest round, as train_torch.py reports it)');
  // PyTorch and ours alternate (torch, ours, torch, ours, torch): each ratio pairs a run of ours with the median of
  // the PyTorch runs on either side of it, so both sides see the same moments of a noisy machine.
  const measure = optimBench({ quick: opts.quick, log });
  const pairs = opts.quick ? 1 : 2;
  const torchRuns = [];
  const ours = [];
  if (anchorDir) torchRuns.push(torchOptimMs(anchorDir));
  for (let i = 0; i < pairs; i++) {
    ours.push(measure());
    if (anchorDir) torchRuns.push(torchOptimMs(anchorDir));
  }
  const med = (f) => median(ours.map(f));
  const torchAt = (i, key) => {
    const around = [torchRuns[i], torchRuns[i + 1]].filter(Boolean).map((r) => r.get(key));
    return around.length ? median(around) : null;
  };
  const pairRatio = (key, f) => (anchorDir ? median(ours.map((r, i) => torchAt(i, key) / f(r))) : null);
  const torch = anchorDir ? medianOfRuns(torchRuns) : null;
  const t = (key) => torch?.get(key) ?? null;
  const r = { backend: ours[0].backend, copyGBs: med((o) => o.copyGBs) };
  // the memory-traffic limit: Adam reads param, grad, m, v and writes param, m, v (28 bytes per parameter)
  const limitMs = (o) => ((28 * 1e7) / (o.copyGBs * 1e9)) * 1000;
  const ours1 = (key) => med((o) => o.ms[key]);
  const oursBest = (key) => Math.min(...ours.map((o) => o.best[key]));
  console.table([
    {
      step: 'Adam',
      [`${r.backend} ms`]: fmtMs(ours1('adam')),
      [`${r.backend} best ms`]: fmtMs(oursBest('adam')),
      'torch best ms': fmtMs(t('adam_loop')),
      'torch foreach best ms': fmtMs(t('adam_foreach')),
      'torch / ours (best)': fmt(
        pairRatio('adam_loop', (o) => o.best.adam),
        2,
      ),
      target: '>= 3',
    },
    {
      step: 'SGD momentum',
      [`${r.backend} ms`]: fmtMs(ours1('sgdMomentum')),
      [`${r.backend} best ms`]: fmtMs(oursBest('sgdMomentum')),
      'torch best ms': fmtMs(t('sgd_momentum')),
      'torch / ours (best)': fmt(
        pairRatio('sgd_momentum', (o) => o.best.sgdMomentum),
        2,
      ),
      target: '>= 1',
    },
    {
      step: 'clipGradNorm (norm only)',
      [`${r.backend} ms`]: fmtMs(ours1('clipGradNorm')),
      [`${r.backend} best ms`]: fmtMs(oursBest('clipGradNorm')),
      'torch best ms': fmtMs(t('clip_grad_norm')),
      'torch / ours (best)': fmt(
        pairRatio('clip_grad_norm', (o) => o.best.clipGradNorm),
        2,
      ),
      target: '>= 1',
    },
    { step: 'clipGradNorm (scaling too)', [`${r.backend} ms`]: fmtMs(ours1('clipGradNormScaling')) },
  ]);
  log(
    `copy bandwidth ${fmt(r.copyGBs, 1)} GB/s (280 MB copied, read + write counted): Adam's 28 bytes per parameter ` +
      `take ${fmtMs(limitMs(r))} ms at that rate; Adam / limit = ${fmt(
        med((o) => o.ms.adam / limitMs(o)),
        2,
      )} ` +
      '(target <= 1.5; the step also reads every gradient once more for the non-finite check, 32 bytes in all)',
  );
  log(
    `js backend Adam ${fmtMs(ours1('jsAdam'))} ms vs native ${fmtMs(ours1('nativeAdamKernels'))} ms (same calls, ` +
      `interleaved): js / native speed = ${fmt(
        med((o) => o.ms.nativeAdamKernels / o.ms.jsAdam),
        3,
      )} (target >= 0.33)`,
  );
  log(
    `tiny model (4 tensors, 41 parameters), microseconds per step: Adam ${fmt(
      med((o) => o.tiny.adam),
      2,
    )}, ` +
      `clipGradNorm + Adam ${fmt(
        med((o) => o.tiny.adamClip),
        2,
      )}, SGD momentum ${fmt(
        med((o) => o.tiny.sgd),
        2,
      )}`,
  );
  if (torch)
    log(
      `PyTorch 1 thread, median of ${torchRuns.filter(Boolean).length} runs: ${[...torch].map(([k, v]) => `${k} ${v} ms`).join(', ')}`,
    );
}
