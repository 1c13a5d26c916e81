// The reductions and in-place passes of gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_) and
// of the optimizers' non-finite check, compiled once per ISA (kernels/kernels-inl.h). x holds n floats.

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"  // vector arguments of internal functions: no ABI to keep

// Half a float vector widened to doubles: one register of doubles per half of a VecF (one lane when kLanes is 1).
constexpr int kHalfLanes = kLanes > 1 ? kLanes / 2 : 1;
typedef float VecFHalf __attribute__((vector_size(4 * kHalfLanes)));
typedef double VecDHalf __attribute__((vector_size(8 * kHalfLanes)));

// sum |x| (kSquares false) or sum x^2 (true) in double: four accumulators of kHalfLanes doubles over blocks of
// 4 kHalfLanes elements, then the rest one by one.
template <bool kSquares>
inline double sum_of_terms(const float* x, int64_t n) {
  const auto term = [](const float* p) {
    VecFHalf f;
    std::memcpy(&f, p, sizeof f);
    const VecDHalf d = __builtin_convertvector(f, VecDHalf);
    if constexpr (kSquares) {
      return d * d;
    } else {
      return d < 0.0 ? -d : d;
    }
  };
  VecDHalf a0 = {}, a1 = {}, a2 = {}, a3 = {};
  int64_t j = 0;
  for (; j + 4 * kHalfLanes <= n; j += 4 * kHalfLanes) {
    a0 += term(x + j);
    a1 += term(x + j + kHalfLanes);
    a2 += term(x + j + 2 * kHalfLanes);
    a3 += term(x + j + 3 * kHalfLanes);
  }
  const VecDHalf a = (a0 + a1) + (a2 + a3);
  double out = 0;
  for (int i = 0; i < kHalfLanes; ++i) out += a[i];
  for (; j < n; ++j) {
    const double d = x[j];
    out += kSquares ? d * d : std::fabs(d);
  }
  return out;
}

// sum |x| (l1), sum x^2 (l2) or max |x| (inf) of x, in double: a sum of squares of finite floats cannot overflow
// a double, so the result is finite exactly when every element is. NaN anywhere gives NaN, also for max.
inline double norm_partial(NormOrd ord, const float* x, int64_t n) {
  if (ord == NormOrd::l1) return sum_of_terms<false>(x, n);
  if (ord == NormOrd::l2) return sum_of_terms<true>(x, n);
  VecF big = splat(0.0f);
  VecI nan = VecI{};
  for_each_lanes(n, [&](int64_t j, auto l) {
    const VecF v = l.load(x + j);
    const VecF a = v < 0.0f ? -v : v;
    big = a > big ? a : big;  // NaN compares false and is skipped here, and counted below
    nan = nan | (v != v);
  });
  float out = 0.0f;
  bool any_nan = false;
  for (int i = 0; i < kLanes; ++i) {
    out = big[i] > out ? big[i] : out;
    any_nan = any_nan || nan[i] != 0;
  }
  return any_nan ? NAN : static_cast<double>(out);
}

// true when every element of x is finite: x * 0 is 0 for finite x and NaN for NaN or +-Infinity. Four independent
// sums, so that the adds do not wait for each other (the pass is then bound by memory reads).
inline bool all_finite(const float* x, int64_t n) {
  VecF a0 = splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
  int64_t j = 0;
  for (; j + 4 * kLanes <= n; j += 4 * kLanes) {
    a0 = a0 + FullLanes::load(x + j) * 0.0f;
    a1 = a1 + FullLanes::load(x + j + kLanes) * 0.0f;
    a2 = a2 + FullLanes::load(x + j + 2 * kLanes) * 0.0f;
    a3 = a3 + FullLanes::load(x + j + 3 * kLanes) * 0.0f;
  }
  for_each_lanes(n - j, [&](int64_t k, auto l) { a0 = a0 + l.load(x + j + k) * 0.0f; });
  const VecF acc = (a0 + a1) + (a2 + a3);
  bool ok = true;
  for (int i = 0; i < kLanes; ++i) ok = ok && acc[i] == 0.0f;
  return ok;
}

// x *= s (clip_grad_norm_'s scaling, in float as PyTorch's mul_).
inline void scale_in_place(float* x, int64_t n, float s) {
  for_each_lanes(n, [&](int64_t j, auto l) { l.store(x + j, l.load(x + j) * s); });
}

// x = clamp(x, -c, c) (clip_grad_value_); NaN stays NaN.
inline void clamp_in_place(float* x, int64_t n, float c) {
  for_each_lanes(n, [&](int64_t j, auto l) { l.store(x + j, clamp(l.load(x + j), -c, c)); });
}

#pragma GCC diagnostic pop
