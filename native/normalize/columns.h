// Column statistics and per-column affine transforms of a row-major rows x cols matrix of float or double: the
// passes over the data that the normalization API (src/normalize/) makes. NaN is a missing value and is skipped by
// the statistics. Everything accumulates in double, in row order, with the same operations as the js backend's
// twin (src/backend/js/columns.ts), so both give bit-identical results on x86-64. Single-threaded: each pass reads
// the data once and is bound by memory bandwidth.
#pragma once

#include <cstdint>

namespace sg::columns {

// The index of the first element that is +-Infinity, or -1. (NaN is allowed: it means a missing value.)
template <class T>
int64_t first_infinite(const T* x, int64_t count);

// Per column j: n[j] non-NaN values, their mean[j], and m2[j] = sum of squared deviations from the mean (two
// passes, with the usual correction for the rounding of the mean). x: (rows, cols); outputs: (cols).
template <class T>
void moments(const T* x, int64_t rows, int64_t cols, double* n, double* mean, double* m2);

// Per column j: min[j], max[j] and max_abs[j] of the non-NaN values (+Infinity, -Infinity and 0 when there is
// none). x: (rows, cols); outputs: (cols).
template <class T>
void extrema(const T* x, int64_t rows, int64_t cols, double* min, double* max, double* max_abs);

// Forward: y = (x - center[j]) / scale[j]. Backward (its inverse): y = x * scale[j] + center[j].
// x, y: (rows, cols), y may be x; center, scale: (cols), scale nonzero.
template <class In, class Out>
void affine_forward(const In* x, int64_t rows, int64_t cols, const double* center, const double* scale, Out* y);
template <class In, class Out>
void affine_backward(const In* x, int64_t rows, int64_t cols, const double* center, const double* scale, Out* y);

}  // namespace sg::columns
