#!/usr/bin/env node
// `npm run bench`: steadygrad's benchmarks, native vs pure TypeScript, with anchors measured in the same run.
//
//   npm run bench                    everything, with anchors from ../shared/anchors/ when present
//   npm run bench -- --quick         shorter timings
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
import { findAnchors, loadTfjsCpu, medianOfRuns, openblasGflops } from './anchors.js';
import { benchGemm, fmt, gemmCases } from './gemm.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    anchors: { type: 'string' },
    'no-anchors': { type: 'boolean', default: false },
    tfjs: { type: 'string' },
  },
});
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
