#include "rnn/sequence.h"

#include <cmath>

namespace sg::rnn {

namespace {

// C (m x n, row stride ldc) = op(A) * op(B) + beta * C, BLAS-style, on the job's microkernel and threads.
void gemm(const Job& job, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
          const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  SgemmArgs g;
  g.trans_a = trans_a, g.trans_b = trans_b;
  g.m = m, g.n = n, g.k = k;
  g.a = a, g.lda = lda;
  g.b = b, g.ldb = ldb;
  g.beta = beta;
  g.c = c, g.ldc = ldc;
  sgemm(*job.sgemm, *job.pool, g);
}

}  // namespace

void project_inputs(const Job& job, const Dims& d, int64_t n, const float* x, const float* w, float* out, float beta) {
  gemm(job, false, true, d.T * d.B, n, d.I, x, d.I, w, d.I, beta, out, n);  // x * w^T
}

void input_side_gradients(const Job& job, const Dims& d, int64_t n, const float* dg, const float* x, const float* w_ih,
                          float* dx, float* dw_ih) {
  const int64_t rows = d.T * d.B;
  gemm(job, false, false, rows, d.I, n, dg, n, w_ih, d.I, 0.0f, dx, d.I);  // dx = dg * w_ih
  gemm(job, true, false, n, d.I, rows, dg, n, x, d.I, 1.0f, dw_ih, d.I);   // dw_ih += dg^T * x
}

void hidden_side_gradients(const Job& job, const Dims& d, int64_t n, const float* dg, int64_t ldg, const float* hin,
                           float* dw) {
  gemm(job, true, false, n, d.H, d.T * d.B, dg, ldg, hin, d.H, 1.0f, dw, d.H);  // dw += dg^T * hin
}

float state_gradient_norm(const Dims& d, int64_t t, const int32_t* lengths, const float* dh, const float* dy) {
  double sum = 0;
  for (int64_t b = 0; b < d.B; ++b) {
    if (!active(lengths, b, t)) continue;
    const float* g = dh + b * d.H;
    const float* e = dy ? dy + b * d.H : nullptr;
    for (int64_t j = 0; j < d.H; ++j) {
      const double v = double(g[j]) + (e ? double(e[j]) : 0.0);
      sum += v * v;
    }
  }
  return static_cast<float>(std::sqrt(sum));
}

}  // namespace sg::rnn
