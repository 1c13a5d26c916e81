// Optimizer and clipping throughput on 10 million float32 parameters in 10 tensors of 1 million, as
// ../shared/anchors/train_torch.py measures PyTorch: an Adam step, an SGD-momentum step, clip_grad_norm_. Also the
// machine's copy bandwidth in the same run (the memory-traffic limit: Adam moves 28 bytes per parameter), and the
// per-step cost on a tiny model (4 tensors, 41 parameters), where call overhead is everything.
import path from 'node:path';
import { Adam, SGD, clipGradNorm, setThreads } from '../dist/index.js';
import { backend } from '../dist/backend/index.js';
import { createJsBackend } from '../dist/backend/js/index.js';
import { median, runScript } from './anchors.js';

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

/** Median ms of each case over `rounds` interleaved rounds (after one warm-up call each). */
function interleaved(cases, rounds) {
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
 * Times the 10M-parameter cases (native on 1 thread through the public API, js through the same calls) and the
 * copy bandwidth, interleaved. Returns { ms: {...}, copyGBs, tiny: {...} } with times in ms (tiny in microseconds).
 */
export function benchOptim({ quick = false, log = () => {} } = {}) {
  const rounds = quick ? 5 : 11;
  const native = backend.name === 'native';
  if (native) setThreads(1);
  const adamPs = parameters(TENSORS, SIZE, 1);
  const sgdPs = parameters(TENSORS, SIZE, 101);
  const clipPs = parameters(TENSORS, SIZE, 201);
  const jsPs = parameters(TENSORS, SIZE, 301);
  const adam = new Adam(adamPs, { lr: 1e-3 });
  const sgd = new SGD(sgdPs, { lr: 1e-3, momentum: 0.9 });
  // copy bandwidth: 280 MB read and written, the size of Adam's traffic
  const src = filled((28 * TENSORS * SIZE) / 8, 7);
  const dst = new Float32Array(src.length);
  const cases = {
    adam: () => adam.step(),
    sgdMomentum: () => sgd.step(),
    clipGradNorm: () => clipGradNorm(clipPs, 1e9), // measures the norm; nothing to scale, as in train_torch.py
    copy: () => dst.set(src),
  };
  log(`  timing ${Object.keys(cases).join(', ')} (${backend.name}, ${rounds} interleaved rounds)`);
  const ms = interleaved(cases, rounds);
  // clipping that actually scales (a second pass over the gradients), for completeness
  ms.clipGradNormScaling = interleaved({ clip: () => clipGradNorm(clipPs, 1e-3) }, rounds).clip;
  const js = createJsBackend('bench', 1, null);
  log('  timing the js backend on Adam, interleaved with the same calls on native');
  const jsRounds = quick ? 2 : 3;
  const jsTimes = interleaved({ jsAdam: adamStepOn(js, jsPs), nativeAdam: adamStepOn(backend, adamPs) }, jsRounds);
  ms.jsAdam = jsTimes.jsAdam;
  ms.nativeAdamKernels = jsTimes.nativeAdam;
  const copyGBs = (2 * src.byteLength) / (ms.copy / 1000) / 1e9;

  // a tiny model: the per-step overhead of the calls themselves
  const shapes = [[10, 2], [10], [1, 10], [1]];
  const tinyPs = shapes.map((s, i) => ({
    name: `t${i}`,
    shape: s,
    value: filled(s[0] * (s[1] ?? 1), 400 + i),
    grad: filled(s[0] * (s[1] ?? 1), 500 + i),
  }));
  const tinyAdam = new Adam(tinyPs, { lr: 1e-3 });
  const tinySgd = new SGD(
    tinyPs.map((p) => ({ ...p, value: p.value.slice() })),
    { lr: 1e-3, momentum: 0.9 },
  );
  const reps = 2000;
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
  return { ms, copyGBs, tiny, backend: backend.name };
}
