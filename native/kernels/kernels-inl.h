// Every SIMD kernel of one instruction set, and its table. A per-ISA source file (kernels_<isa>.cc) includes this
// inside namespace sg::<isa> and that ISA's target region, after defining `constexpr int kLanes`. The kernels'
// argument types live in sg::rnn and sg::ops; the using-directives let the *-inl.h files name them unqualified.
// The order of the includes matters: the vector type and math first, then the kernels that use them.
using namespace ::sg::ops;
using namespace ::sg::rnn;
using namespace ::sg::optim;

// clang-format off
#include "simd/vec-inl.h"
#include "ops/pointwise-inl.h"
#include "ops/activation-inl.h"
#include "ops/layer_norm-inl.h"
#include "rnn/rnn-inl.h"
#include "rnn/lstm-inl.h"
#include "rnn/gru-inl.h"
#include "optim/update-inl.h"
#include "optim/norms-inl.h"
// clang-format on

// clang-format off
const ::sg::Kernels kernels = {
    rnn_forward, rnn_backward, lstm_forward, lstm_backward, gru_forward, gru_backward,  // rnn/
    pointwise,                                                                          // ops/
    activation_rows_forward, activation_rows_backward,                                  // ops/activation-inl.h
    layer_norm_rows_forward, layer_norm_rows_backward,                                  // ops/layer_norm-inl.h
    sgd_update, adam_update, rmsprop_update, adagrad_update,                            // optim/: updates
    norm_partial, all_finite, scale_in_place, clamp_in_place,                           // optim/: clipping
    squared_distance,                                                                   // diagnostics
};
// clang-format on
