// Every SIMD kernel compiled for plain scalar code (1 lane), the portable fallback: kernels/kernels-inl.h, inside
// namespace sg::scalar and this ISA's target region. System and project headers come first, outside both.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>

#include "kernels/kernels.h"
#include "ops/rows.h"
#include "rnn/sequence.h"

namespace sg::scalar {
constexpr int kLanes = 1;
#include "kernels/kernels-inl.h"
}  // namespace sg::scalar

namespace sg {
extern const Kernels* const kernels_scalar = &scalar::kernels;
}  // namespace sg
