#include "ops/rows.h"

#include <algorithm>
#include <cstring>

namespace sg {

void fill_rows(float* out, int64_t rows, int64_t cols, const float* bias_a, const float* bias_b) {
  float* first = out;
  for (int64_t j = 0; j < cols; ++j) first[j] = bias_a[j] + (bias_b ? bias_b[j] : 0.0f);
  for (int64_t r = 1; r < rows; ++r) std::memcpy(out + r * cols, first, sizeof(float) * cols);
}

void copy_or_zero(const float* src, int64_t n, float* out) {
  if (src != nullptr) {
    std::memcpy(out, src, sizeof(float) * n);
  } else {
    std::fill(out, out + n, 0.0f);
  }
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

}  // namespace sg
