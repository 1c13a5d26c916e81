// Compiled for the baseline target only: these loops are bound by memory, and plain double arithmetic (no FMA
// contraction) keeps them bit-identical to the js backend. No floating-point traps are assumed (nothing here reads
// the exception flags), which lets GCC turn the NaN tests into selects and vectorize the loops; results do not
// change.
#pragma GCC optimize("no-trapping-math")

#include "normalize/columns.h"

#include <cmath>
#include <vector>

namespace sg::columns {

template <class T>
int64_t first_infinite(const T* x, int64_t count) {
  // Blocks are checked without a branch per element (which vectorizes), and only a block with an infinity is
  // searched for it.
  constexpr int64_t kBlock = 1024;
  for (int64_t b = 0; b < count; b += kBlock) {
    const int64_t end = b + kBlock < count ? b + kBlock : count;
    int any = 0;
    for (int64_t i = b; i < end; ++i) any |= std::fabs(x[i]) == static_cast<T>(INFINITY);
    if (!any) continue;
    for (int64_t i = b; i < end; ++i) {
      if (std::isinf(x[i])) return i;
    }
  }
  return -1;
}

namespace {

// Statistics are accumulated over blocks of U consecutive rows, U * cols >= 64 values: the inner loop then runs
// over one contiguous block with one accumulator per value ("lane"), without branches, and vectorizes; lane t
// belongs to column t % cols. Each lane adds up its rows in order, and a column's U lanes are added in lane order at
// the end. The js backend (src/backend/js/columns.ts) does exactly the same, in the same order.
int64_t rows_per_block(int64_t cols) {
  return cols >= 64 ? 1 : (64 + cols - 1) / cols;
}

// Sums lane values into per-column values: out[j] = sum over u of lanes[u * cols + j].
void fold(const std::vector<double>& lanes, int64_t u_count, int64_t cols, double* out) {
  for (int64_t j = 0; j < cols; ++j) {
    double s = 0;
    for (int64_t u = 0; u < u_count; ++u) s += lanes[u * cols + j];
    out[j] = s;
  }
}

}  // namespace

template <class T>
void moments(const T* x, int64_t rows, int64_t cols, double* n, double* mean, double* m2) {
  const int64_t U = rows_per_block(cols), L = U * cols, total = rows * cols;
  std::vector<double> count(L, 0.0), sum(L, 0.0);
  for (int64_t k = 0; k < total; k += L) {
    const int64_t lanes = total - k < L ? total - k : L;
    const T* block = x + k;
    for (int64_t t = 0; t < lanes; ++t) {
      const double v = block[t];
      const bool ok = v == v;  // NaN adds nothing and counts nothing
      count[t] += ok ? 1.0 : 0.0;
      sum[t] += ok ? v : 0.0;
    }
  }
  std::vector<double> total_sum(cols);
  fold(count, U, cols, n);
  fold(sum, U, cols, total_sum.data());
  std::vector<double> lane_mean(L);
  for (int64_t j = 0; j < cols; ++j) mean[j] = n[j] > 0 ? total_sum[j] / n[j] : 0.0;
  for (int64_t t = 0; t < L; ++t) lane_mean[t] = mean[t % cols];

  std::vector<double> squares(L, 0.0), deviations(L, 0.0);
  for (int64_t k = 0; k < total; k += L) {
    const int64_t lanes = total - k < L ? total - k : L;
    const T* block = x + k;
    for (int64_t t = 0; t < lanes; ++t) {
      const double v = block[t];
      const double deviation = v - lane_mean[t];
      const double d = v == v ? deviation : 0.0;
      squares[t] += d * d;
      deviations[t] += d;
    }
  }
  std::vector<double> correction(cols);
  fold(squares, U, cols, m2);
  fold(deviations, U, cols, correction.data());
  for (int64_t j = 0; j < cols; ++j) {
    // the usual correction for the rounding of the mean: m2 - (sum of deviations)^2 / n
    const double fixed = n[j] > 0 ? m2[j] - correction[j] * correction[j] / n[j] : 0.0;
    m2[j] = fixed > 0 ? fixed : 0.0;
  }
}

template <class T>
void extrema(const T* x, int64_t rows, int64_t cols, double* min, double* max, double* max_abs) {
  const int64_t U = rows_per_block(cols), L = U * cols, total = rows * cols;
  std::vector<double> lo(L, INFINITY), hi(L, -INFINITY), big(L, 0.0);
  for (int64_t k = 0; k < total; k += L) {
    const int64_t lanes = total - k < L ? total - k : L;
    const T* block = x + k;
    for (int64_t t = 0; t < lanes; ++t) {
      const double v = block[t];
      lo[t] = v < lo[t] ? v : lo[t];  // NaN compares false and is skipped
      hi[t] = v > hi[t] ? v : hi[t];
      const double a = std::fabs(v);
      big[t] = a > big[t] ? a : big[t];
    }
  }
  for (int64_t j = 0; j < cols; ++j) min[j] = INFINITY, max[j] = -INFINITY, max_abs[j] = 0;
  for (int64_t t = 0; t < L; ++t) {
    const int64_t j = t % cols;
    min[j] = lo[t] < min[j] ? lo[t] : min[j];
    max[j] = hi[t] > max[j] ? hi[t] : max[j];
    max_abs[j] = big[t] > max_abs[j] ? big[t] : max_abs[j];
  }
}

template <class In, class Out>
void affine_forward(const In* x, int64_t rows, int64_t cols, const double* center, const double* scale, Out* y) {
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) {
      const int64_t k = i * cols + j;
      y[k] = static_cast<Out>((static_cast<double>(x[k]) - center[j]) / scale[j]);
    }
  }
}

template <class In, class Out>
void affine_backward(const In* x, int64_t rows, int64_t cols, const double* center, const double* scale, Out* y) {
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) {
      const int64_t k = i * cols + j;
      y[k] = static_cast<Out>(static_cast<double>(x[k]) * scale[j] + center[j]);
    }
  }
}

template int64_t first_infinite<float>(const float*, int64_t);
template int64_t first_infinite<double>(const double*, int64_t);
template void moments<float>(const float*, int64_t, int64_t, double*, double*, double*);
template void moments<double>(const double*, int64_t, int64_t, double*, double*, double*);
template void extrema<float>(const float*, int64_t, int64_t, double*, double*, double*);
template void extrema<double>(const double*, int64_t, int64_t, double*, double*, double*);
template void affine_forward<float, float>(const float*, int64_t, int64_t, const double*, const double*, float*);
template void affine_forward<double, double>(const double*, int64_t, int64_t, const double*, const double*, double*);
template void affine_backward<float, float>(const float*, int64_t, int64_t, const double*, const double*, float*);
template void affine_backward<double, double>(const double*, int64_t, int64_t, const double*, const double*, double*);

}  // namespace sg::columns
