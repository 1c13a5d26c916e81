// Pure-TypeScript sgemm: the js backend's GEMM, and the reference the native kernels are tested against.
//
// The same design as the native frame (native/gemm/sgemm.cc), in plain JavaScript: blocks of A and B are packed
// into k-major micro-panels held in Float64Arrays (reading float64 saves a float32-to-float64 conversion per load
// in the hot loop), and a 4 x 8 register-blocked kernel accumulates each tile in 32 local doubles. Sums are
// accumulated in float64 and rounded to float32 once per KC block, so this is at least as accurate as the native
// kernels. Nothing is allocated per call once the scratch buffers have grown.

const MR = 4; // tile rows
const NR = 8; // tile columns
const KC = 256; // k block
const NC = 512; // columns of the packed B block (KC x NC doubles = 1 MiB)
const MC = 1024; // rows of the packed A block

let packedA = new Float64Array(MC * KC);
let packedB = new Float64Array(NC * KC);
const tile = new Float64Array(MR * NR);

/** C = alpha * op(A) * op(B) + beta * C, row-major, arguments already checked (see src/gemm.ts). */
export function sgemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  lda: number,
  b: Float32Array,
  ldb: number,
  beta: number,
  c: Float32Array,
  ldc: number,
  offsetA: number,
  offsetB: number,
  offsetC: number,
): void {
  if (m === 0 || n === 0) return;
  if (k === 0 || alpha === 0) {
    scaleC(m, n, beta, c, ldc, offsetC);
    return;
  }
  // K is cut into equal blocks of at most KC (K = 320 is two blocks of 160, not 256 + 64), as in the native frame.
  const kcMax = Math.ceil(k / Math.ceil(k / KC));
  const mcMax = Math.min(MC, roundUp(m, MR));
  const ncMax = Math.min(NC, roundUp(n, NR));
  if (packedA.length < mcMax * kcMax) packedA = new Float64Array(mcMax * kcMax);
  if (packedB.length < ncMax * kcMax) packedB = new Float64Array(ncMax * kcMax);
  const ap = packedA;
  const bp = packedB;

  for (let ic = 0; ic < m; ic += MC) {
    const mc = Math.min(MC, m - ic);
    for (let pc = 0; pc < k; pc += kcMax) {
      const kc = Math.min(kcMax, k - pc);
      const aStart = transA ? offsetA + pc * lda + ic : offsetA + ic * lda + pc;
      packA(transA, a, aStart, lda, mc, kc, ap);
      const blockBeta = pc === 0 ? beta : 1;
      for (let jc = 0; jc < n; jc += NC) {
        const nc = Math.min(NC, n - jc);
        const bStart = transB ? offsetB + jc * ldb + pc : offsetB + pc * ldb + jc;
        packB(transB, b, bStart, ldb, kc, nc, bp, 0);
        macroKernel(mc, nc, kc, alpha, blockBeta, ap, bp, 0, c, offsetC + ic * ldc + jc, ldc);
      }
    }
  }
}

/**
 * op(B), K x N, packed once into the kernel's panels and reused by many products, as a recurrent layer does with
 * its weights at every step. K blocks as sgemm cuts them; block pc holds ceil(N / NR) panels of kc x NR.
 */
export interface PackedMatrix {
  k: number;
  n: number;
  kc: number;
  data: Float64Array;
}

export function packMatrix(trans: boolean, b: Float32Array, offset: number, ldb: number, k: number, n: number) {
  const kc = Math.ceil(k / Math.ceil(k / KC));
  const panels = Math.ceil(n / NR);
  const data = new Float64Array(k * panels * NR);
  for (let pc = 0; pc < k; pc += kc) {
    packB(trans, b, trans ? offset + pc : offset + pc * ldb, ldb, Math.min(kc, k - pc), n, data, pc * panels * NR);
  }
  return { k, n, kc, data };
}

/** C = alpha * op(A) * B + beta * C with B packed beforehand; op(A) is M x K. Same results as sgemm. */
export function sgemmPacked(
  transA: boolean,
  m: number,
  alpha: number,
  a: Float32Array,
  lda: number,
  offsetA: number,
  b: PackedMatrix,
  beta: number,
  c: Float32Array,
  ldc: number,
  offsetC: number,
): void {
  const { k, n } = b;
  if (m === 0 || n === 0) return;
  if (k === 0 || alpha === 0) {
    scaleC(m, n, beta, c, ldc, offsetC);
    return;
  }
  const mcMax = Math.min(MC, roundUp(m, MR));
  if (packedA.length < mcMax * b.kc) packedA = new Float64Array(mcMax * b.kc);
  const ap = packedA;
  const panels = Math.ceil(n / NR);
  for (let ic = 0; ic < m; ic += MC) {
    const mc = Math.min(MC, m - ic);
    for (let pc = 0; pc < k; pc += b.kc) {
      const kc = Math.min(b.kc, k - pc);
      packA(transA, a, transA ? offsetA + pc * lda + ic : offsetA + ic * lda + pc, lda, mc, kc, ap);
      macroKernel(mc, n, kc, alpha, pc === 0 ? beta : 1, ap, b.data, pc * panels * NR, c, offsetC + ic * ldc, ldc);
    }
  }
}

// C[0:mc, 0:nc] (from c[cStart]) = alpha * (packed A block) * (B panels from bp[bStart]) + beta * C.
function macroKernel(
  mc: number,
  nc: number,
  kc: number,
  alpha: number,
  beta: number,
  ap: Float64Array,
  bp: Float64Array,
  bStart: number,
  c: Float32Array,
  cStart: number,
  ldc: number,
) {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = Math.min(MR, mc - ir);
    for (let jr = 0; jr < nc; jr += NR) {
      kernel4x8(kc, ap, ir * kc, bp, bStart + jr * kc, tile);
      storeTile(rows, Math.min(NR, nc - jr), alpha, beta, c, cStart + ir * ldc + jr, ldc);
    }
  }
}

function roundUp(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}

// C = beta * C: the whole result when alpha == 0 or K == 0. With beta == 0, C is overwritten without being read.
function scaleC(m: number, n: number, beta: number, c: Float32Array, ldc: number, offsetC: number): void {
  for (let i = 0; i < m; i++) {
    const row = offsetC + i * ldc;
    if (beta === 0) c.fill(0, row, row + n);
    else if (beta !== 1) for (let j = row; j < row + n; j++) c[j] *= beta;
  }
}

// Packs op(A)[0:mc, 0:kc] (starting at a[start]) into MR-row micro-panels, kc x MR each, k-major, zero-padded.
function packA(trans: boolean, a: Float32Array, start: number, lda: number, mc: number, kc: number, out: Float64Array) {
  let o = 0;
  for (let r = 0; r < mc; r += MR) {
    const rows = Math.min(MR, mc - r);
    for (let p = 0; p < kc; p++) {
      for (let i = 0; i < MR; i++, o++) {
        out[o] = i >= rows ? 0 : trans ? a[start + p * lda + r + i] : a[start + (r + i) * lda + p];
      }
    }
  }
}

// Packs op(B)[0:kc, 0:nc] (starting at b[start]) into NR-column micro-panels, kc x NR each, k-major, zero-padded,
// from out[o] on.
function packB(
  trans: boolean,
  b: Float32Array,
  start: number,
  ldb: number,
  kc: number,
  nc: number,
  out: Float64Array,
  o: number,
) {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const cols = Math.min(NR, nc - j0);
    for (let p = 0; p < kc; p++) {
      for (let j = 0; j < NR; j++, o++) {
        out[o] = j >= cols ? 0 : trans ? b[start + (j0 + j) * ldb + p] : b[start + p * ldb + j0 + j];
      }
    }
  }
}

// C[0:rows, 0:cols] (from c[start], row stride ldc) = alpha * tile + beta * C; C is not read when beta == 0.
function storeTile(
  rows: number,
  cols: number,
  alpha: number,
  beta: number,
  c: Float32Array,
  start: number,
  ldc: number,
) {
  for (let i = 0; i < rows; i++) {
    const row = start + i * ldc;
    for (let j = 0; j < cols; j++) {
      const v = alpha * tile[i * NR + j];
      c[row + j] = beta === 0 ? v : v + beta * c[row + j];
    }
  }
}

// The 4 x 8 tile: tile[i*8 + j] = sum over p < kc of ap[ao + 4p + i] * bp[bo + 8p + j], in 32 local accumulators.
function kernel4x8(kc: number, ap: Float64Array, ao: number, bp: Float64Array, bo: number, out: Float64Array) {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0,
    c04 = 0,
    c05 = 0,
    c06 = 0,
    c07 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0,
    c14 = 0,
    c15 = 0,
    c16 = 0,
    c17 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0,
    c24 = 0,
    c25 = 0,
    c26 = 0,
    c27 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0,
    c34 = 0,
    c35 = 0,
    c36 = 0,
    c37 = 0;
  for (let p = 0; p < kc; p++, ao += 4, bo += 8) {
    const a0 = ap[ao],
      a1 = ap[ao + 1],
      a2 = ap[ao + 2],
      a3 = ap[ao + 3];
    const b0 = bp[bo],
      b1 = bp[bo + 1],
      b2 = bp[bo + 2],
      b3 = bp[bo + 3];
    const b4 = bp[bo + 4],
      b5 = bp[bo + 5],
      b6 = bp[bo + 6],
      b7 = bp[bo + 7];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c04 += a0 * b4;
    c05 += a0 * b5;
    c06 += a0 * b6;
    c07 += a0 * b7;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c14 += a1 * b4;
    c15 += a1 * b5;
    c16 += a1 * b6;
    c17 += a1 * b7;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c24 += a2 * b4;
    c25 += a2 * b5;
    c26 += a2 * b6;
    c27 += a2 * b7;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    c34 += a3 * b4;
    c35 += a3 * b5;
    c36 += a3 * b6;
    c37 += a3 * b7;
  }
  out[0] = c00;
  out[1] = c01;
  out[2] = c02;
  out[3] = c03;
  out[4] = c04;
  out[5] = c05;
  out[6] = c06;
  out[7] = c07;
  out[8] = c10;
  out[9] = c11;
  out[10] = c12;
  out[11] = c13;
  out[12] = c14;
  out[13] = c15;
  out[14] = c16;
  out[15] = c17;
  out[16] = c20;
  out[17] = c21;
  out[18] = c22;
  out[19] = c23;
  out[20] = c24;
  out[21] = c25;
  out[22] = c26;
  out[23] = c27;
  out[24] = c30;
  out[25] = c31;
  out[26] = c32;
  out[27] = c33;
  out[28] = c34;
  out[29] = c35;
  out[30] = c36;
  out[31] = c37;
}
