// The recurrent kernels compiled for plain scalar code (1 lane), the portable reference: rnn/kernels-inl.h, inside this
// ISA's namespace and target region. System headers come first, outside both.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>

#include "gemm/sgemm.h"
#include "rnn/recurrent.h"
#include "rnn/sequence.h"

namespace sg::rnn::scalar {
constexpr int kLanes = 1;
#include "rnn/kernels-inl.h"
}  // namespace sg::rnn::scalar

namespace sg::rnn {
extern const Kernels* const kernels_scalar = &scalar::kernels;
}  // namespace sg::rnn
