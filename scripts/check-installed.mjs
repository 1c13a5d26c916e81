// The GEMM and recurrent checks, run against an installed steadygrad (not the source tree): scripts/check-pack.js
// copies this file into a folder where the packed tarball is installed and runs it there, with the host's Node on
// the linux-x64 prebuild and, under qemu, with an arm64 Node on the linux-arm64 prebuild.
//
//   node check-installed.mjs FIXTURES_DIR EXPECTED_ISA
//
// It checks that the native backend loaded from prebuilds/ with EXPECTED_ISA, then:
// - sgemm against a float64 reference, every transpose, edge shapes, alpha/beta, strides and the dense-layer
//   shapes, within the bound the GEMM tests state: (K + 4) * 2^-24 * (|alpha| sum |a||b| + |beta c|) + 2^-126;
// - RNN, LSTM and GRU forward and backward against PyTorch's golden fixtures (FIXTURES_DIR, test/fixtures/rnn/),
//   within 1e-5 * max(1, max |expected|) per array, as test/backends/recurrent-fixtures.test.ts.
// Prints one line per group and exits 1 on the first failing group.
import fs from 'node:fs';
import path from 'node:path';
import { backendInfo, sgemm } from 'steadygrad';
import { gruBackward, gruForward, lstmBackward, lstmForward, rnnBackward, rnnForward } from 'steadygrad/kernels';

const [fixtures, expectedIsa] = process.argv.slice(2);
const failures = [];
const info = backendInfo();
if (info.backend !== 'native' || info.isa !== expectedIsa) {
  console.error(`check-installed: expected the native backend with ${expectedIsa}, got ${JSON.stringify(info)}`);
  process.exit(1);
}

// --- GEMM ---
let seed = 12345;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
function gemmCase(ta, tb, m, n, k, alpha, beta, pad) {
  const lda = (ta ? m : k) + pad;
  const ldb = (tb ? k : n) + pad;
  const ldc = n + pad;
  const A = Float32Array.from({ length: Math.max(1, (ta ? k : m) * lda) }, random);
  const B = Float32Array.from({ length: Math.max(1, (tb ? n : k) * ldb) }, random);
  const C0 = Float32Array.from({ length: Math.max(1, m * ldc) }, () => (beta === 0 ? NaN : random()));
  const C = C0.slice();
  sgemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        const x = (ta ? A[p * lda + i] : A[i * lda + p]) * (tb ? B[j * ldb + p] : B[p * ldb + j]);
        sum += x;
        abs += Math.abs(x);
      }
      const old = beta === 0 ? 0 : C0[i * ldc + j];
      const want = alpha * sum + beta * old;
      const bound = (k + 4) * 2 ** -24 * (Math.abs(alpha) * abs + Math.abs(beta * old)) + 2 ** -126;
      if (!(Math.abs(C[i * ldc + j] - want) <= bound)) {
        return `${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} M=${m} N=${n} K=${k}: C[${i}][${j}] = ${C[i * ldc + j]}, want ${want}`;
      }
    }
  }
  return null;
}
const shapes = [
  [1, 1, 1],
  [7, 3, 5],
  [8, 12, 16],
  [9, 13, 17],
  [17, 25, 33],
  [33, 10, 70],
  [64, 64, 64],
  [50, 130, 300],
  [128, 10, 256],
];
let gemmRuns = 0;
for (const [m, n, k] of shapes) {
  for (const ta of [false, true]) {
    for (const tb of [false, true]) {
      for (const [alpha, beta, pad] of [
        [1, 0, 0],
        [-0.5, 0.75, 3],
      ]) {
        const failure = gemmCase(ta, tb, m, n, k, alpha, beta, pad);
        gemmRuns++;
        if (failure) failures.push(`sgemm ${failure}`);
      }
    }
  }
}
console.log(`check-installed: sgemm (${info.kernels.sgemm}): ${gemmRuns} products checked against float64`);

// --- recurrent ---
const f32 = (a) => (a ? Float32Array.from(a) : null);
function runCell(c) {
  const G = c.cell === 'lstm' ? 4 : c.cell === 'gru' ? 3 : 1;
  const { T, B, I, H } = c;
  const weights = { wIh: f32(c.wIh), wHh: f32(c.wHh), bIh: f32(c.bIh), bHh: f32(c.bHh) };
  const common = { T, B, I, H, x: f32(c.x), ...weights, h0: f32(c.h0), lengths: c.lengths };
  const grads = {
    wIh: new Float32Array(G * H * I),
    wHh: new Float32Array(G * H * H),
    bIh: new Float32Array(G * H),
    bHh: new Float32Array(G * H),
  };
  const back = { x: common.x, wIh: weights.wIh, wHh: weights.wHh, dy: f32(c.dy), dhT: f32(c.dhT), grads };
  let out;
  if (c.cell === 'lstm') {
    const f = lstmForward({ ...common, c0: f32(c.c0) });
    const b = lstmBackward({ ...back, saved: f.saved, dcT: f32(c.dcT) });
    out = { y: f.y, hT: f.hT, cT: f.cT, dx: b.dx, dh0: b.dh0, dc0: b.dc0 };
  } else if (c.cell === 'gru') {
    const f = gruForward({ ...common, resetAfter: c.resetAfter });
    const b = gruBackward({ ...back, saved: f.saved });
    out = { y: f.y, hT: f.hT, dx: b.dx, dh0: b.dh0 };
  } else {
    const f = rnnForward({ ...common, activation: c.cell === 'rnn_tanh' ? 'tanh' : 'relu' });
    const b = rnnBackward({ ...back, saved: f.saved });
    out = { y: f.y, hT: f.hT, dx: b.dx, dh0: b.dh0 };
  }
  return { ...out, dWIh: grads.wIh, dWHh: grads.wHh, dBIh: grads.bIh, dBHh: grads.bHh };
}
let cells = 0;
for (const file of ['rnn_tanh.json', 'rnn_relu.json', 'lstm.json', 'gru.json']) {
  for (const c of JSON.parse(fs.readFileSync(path.join(fixtures, file), 'utf8')).cases) {
    const out = runCell(c);
    cells++;
    for (const [name, expected] of Object.entries(c.expected)) {
      const actual = out[name];
      const scale = Math.max(1, ...expected.map(Math.abs));
      const bad =
        !actual ||
        actual.length !== expected.length ||
        expected.some((e, i) => !(Math.abs(actual[i] - e) <= 1e-5 * scale));
      if (bad) failures.push(`${c.name} (${c.cell}${c.cell === 'gru' ? ` resetAfter=${c.resetAfter}` : ''}): ${name}`);
    }
  }
}
console.log(`check-installed: recurrent (${info.kernels.recurrent}): ${cells} PyTorch fixtures forward and backward`);

if (failures.length) {
  console.error(`check-installed: ${failures.length} failures:\n  ${failures.slice(0, 20).join('\n  ')}`);
  process.exit(1);
}
console.log(`check-installed: ok on ${process.arch} (${info.isa})`);
