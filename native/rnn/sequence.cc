#include "rnn/sequence.h"

#include <algorithm>
#include <cstring>

namespace sg::rnn {

void fill_rows(float* out, int64_t rows, int64_t cols, const float* bias_a, const float* bias_b) {
  float* first = out;
  for (int64_t j = 0; j < cols; ++j) first[j] = bias_a[j] + (bias_b ? bias_b[j] : 0.0f);
  for (int64_t r = 1; r < rows; ++r) std::memcpy(out + r * cols, first, sizeof(float) * cols);
}

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

void ColumnSums::add(const float* m, int64_t rows, int64_t ld) {
  const int64_t n = static_cast<int64_t>(sums_.size());
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = m + r * ld;
    for (int64_t j = 0; j < n; ++j) sums_[j] += row[j];
  }
}

void ColumnSums::add_to(float* out) const {
  for (size_t j = 0; j < sums_.size(); ++j) out[j] += static_cast<float>(sums_[j]);
}

void initial_state(const float* h0, int64_t B, int64_t H, float* h) {
  if (h0 != nullptr) {
    std::memcpy(h, h0, sizeof(float) * B * H);
  } else {
    std::fill(h, h + B * H, 0.0f);
  }
}

}  // namespace sg::rnn

namespace sg::rnn {

extern const Kernels* const kernels_avx512;
extern const Kernels* const kernels_avx2;
extern const Kernels* const kernels_neon;
extern const Kernels* const kernels_scalar;

const Kernels& kernels_for(Isa isa) {
  const Kernels* k = nullptr;
  switch (isa) {
    case Isa::avx512:
      k = kernels_avx512;
      break;
    case Isa::avx2:
      k = kernels_avx2;
      break;
    case Isa::neon:
      k = kernels_neon;
      break;
    case Isa::scalar:
      k = kernels_scalar;
      break;
  }
  return k != nullptr ? *k : *kernels_scalar;
}

}  // namespace sg::rnn
