// Every SIMD kernel compiled for NEON (4 lanes; Advanced SIMD is the arm64 baseline): kernels/kernels-inl.h, inside
// namespace sg::neon and this ISA's target region. System and project headers come first, outside both.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>

#include "kernels/kernels.h"
#include "ops/rows.h"
#include "rnn/sequence.h"

#if defined(__aarch64__)

namespace sg::neon {
constexpr int kLanes = 4;
#include "kernels/kernels-inl.h"
}  // namespace sg::neon

namespace sg {
extern const Kernels* const kernels_neon = &neon::kernels;
}  // namespace sg

#else

namespace sg {
extern const Kernels* const kernels_neon = nullptr;
}  // namespace sg

#endif
