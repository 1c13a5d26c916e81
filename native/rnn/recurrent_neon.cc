// The recurrent kernels compiled for NEON (4 lanes; Advanced SIMD is the arm64 baseline): rnn/kernels-inl.h, inside
// this ISA's namespace and target region. System headers come first, outside both.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>

#include "gemm/sgemm.h"
#include "rnn/recurrent.h"
#include "rnn/sequence.h"

#if defined(__aarch64__)

namespace sg::rnn::neon {
constexpr int kLanes = 4;
#include "rnn/kernels-inl.h"
}  // namespace sg::rnn::neon

namespace sg::rnn {
extern const Kernels* const kernels_neon = &neon::kernels;
}  // namespace sg::rnn

#else

namespace sg::rnn {
extern const Kernels* const kernels_neon = nullptr;
}  // namespace sg::rnn

#endif
