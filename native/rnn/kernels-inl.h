// All recurrent kernels of one instruction set, and their table. A per-ISA source file includes this inside its
// namespace and target region after defining `constexpr int kLanes` (see recurrent_avx512.cc and its siblings).
// The order of the includes matters: the vector type and math first, then the cells that use them.
// clang-format off
#include "simd/vec-inl.h"
#include "rnn/pointwise-inl.h"
#include "rnn/rnn-inl.h"
#include "rnn/lstm-inl.h"
#include "rnn/gru-inl.h"
// clang-format on

const Kernels kernels = {rnn_forward, rnn_backward, lstm_forward, lstm_backward, gru_forward, gru_backward, pointwise};
