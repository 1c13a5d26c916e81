// The Q factor of a QR decomposition, for the orthogonal initializer: blocked Householder QR (LAPACK's dgeqrf then
// dorgqr, with the compact WY form of Schreiber and Van Loan). Each panel of NB columns is factored in float64 here;
// the updates of the rest of the matrix, where nearly all the work is, are GEMMs on the backend's sgemm (float32),
// so a 1024 x 1024 matrix takes tens of milliseconds on the native backend instead of seconds in a scalar loop.
//
// Everything is row-major. A is m x n with m >= n. The result has orthonormal columns, to float32 precision.
import { backend } from '../backend/index.js';

const NB = 32; // panel width

interface Panel {
  k: number; // first column
  b: number; // width
  v: Float32Array; // (m - k) x b, unit lower trapezoidal Householder vectors
  t: Float32Array; // b x b upper triangular: H_k ... H_{k+b-1} = I - V T V^T
}

/**
 * Q (m x n, row-major) of A = QR for A (m x n, m >= n, row-major; overwritten), with each column j multiplied by
 * the sign of R[j][j], as Keras' Orthogonal does (so the result does not depend on the sign convention).
 */
export function orthonormalColumns(a: Float32Array, m: number, n: number): Float32Array {
  const panels: Panel[] = [];
  const signs = new Float64Array(n);
  for (let k = 0; k < n; k += NB) {
    const b = Math.min(NB, n - k);
    const rows = m - k;
    // The panel A[k:m, k:k+b] in float64, column-major (each column contiguous), factored column by column.
    const p = new Float64Array(rows * b);
    for (let i = 0; i < rows; i++) for (let j = 0; j < b; j++) p[j * rows + i] = a[(k + i) * n + k + j];
    const tau = new Float64Array(b);
    for (let j = 0; j < b; j++) {
      const col = j * rows;
      let norm2 = 0;
      for (let i = j; i < rows; i++) norm2 += p[col + i] * p[col + i];
      const alpha = p[col + j];
      const norm = Math.sqrt(norm2);
      if (norm === 0) {
        tau[j] = 0;
        signs[k + j] = 1;
        p[col + j] = 1;
        continue;
      }
      const beta = alpha >= 0 ? -norm : norm; // R[j][j]
      signs[k + j] = beta < 0 ? -1 : 1;
      tau[j] = (beta - alpha) / beta;
      const scale = 1 / (alpha - beta);
      for (let i = j + 1; i < rows; i++) p[col + i] *= scale;
      p[col + j] = 1; // v = [1, x[1:] / (alpha - beta)]
      // Apply H_j = I - tau v v^T to the panel's remaining columns.
      for (let c = j + 1; c < b; c++) {
        const other = c * rows;
        let dot = 0;
        for (let i = j; i < rows; i++) dot += p[col + i] * p[other + i];
        const w = tau[j] * dot;
        for (let i = j; i < rows; i++) p[other + i] -= w * p[col + i];
      }
    }
    // V (unit lower trapezoidal, row-major for the GEMMs) and T (dlarft, forward and column-wise):
    // T[0:j, j] = -tau_j T[0:j, 0:j] V^T v_j.
    const v = new Float32Array(rows * b);
    for (let j = 0; j < b; j++) {
      v[j * b + j] = 1;
      for (let i = j + 1; i < rows; i++) v[i * b + j] = p[j * rows + i];
    }
    const t64 = new Float64Array(b * b);
    const vtv = new Float64Array(b);
    for (let j = 0; j < b; j++) {
      t64[j * b + j] = tau[j];
      for (let c = 0; c < j; c++) {
        // v_c . v_j over rows >= j, where v_j is nonzero (v_j[j] = 1)
        let s = p[c * rows + j];
        for (let i = j + 1; i < rows; i++) s += p[c * rows + i] * p[j * rows + i];
        vtv[c] = s;
      }
      for (let r = 0; r < j; r++) {
        let s = 0;
        for (let c = r; c < j; c++) s += t64[r * b + c] * vtv[c];
        t64[r * b + j] = -tau[j] * s;
      }
    }
    const panel = { k, b, v, t: Float32Array.from(t64) };
    panels.push(panel);
    // The trailing columns: A[k:m, k+b:n] = (I - V T^T V^T) A[k:m, k+b:n].
    if (k + b < n) applyBlock(panel, a, n, m, k + b, n - k - b, true);
  }
  // Q = Q_1 Q_2 ... [I; 0], accumulated from the last block back.
  const q = new Float32Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let i = panels.length - 1; i >= 0; i--) {
    const panel = panels[i];
    applyBlock(panel, q, n, m, panel.k, n - panel.k, false);
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j] *= signs[j];
  return q;
}

// C[k:m, c0:c0+cols] = (I - V op(T) V^T) C[k:m, c0:c0+cols] for C with row stride ld, op(T) = T^T if `transposeT`.
function applyBlock(
  panel: Panel,
  c: Float32Array,
  ld: number,
  m: number,
  c0: number,
  cols: number,
  transposeT: boolean,
) {
  const { k, b, v, t } = panel;
  const rows = m - k;
  const w = new Float32Array(b * cols);
  const tw = new Float32Array(b * cols);
  const offset = k * ld + c0;
  backend.sgemm(true, false, b, cols, rows, 1, v, b, c, ld, 0, w, cols, 0, offset, 0); // W = V^T C
  backend.sgemm(transposeT, false, b, cols, b, 1, t, b, w, cols, 0, tw, cols, 0, 0, 0); // op(T) W
  backend.sgemm(false, false, rows, cols, b, -1, v, b, tw, cols, 1, c, ld, 0, 0, offset); // C -= V (op(T) W)
}
