// Elementwise and row operations on float arrays, the building blocks of layers. Their SIMD bodies are in
// ops/*-inl.h, compiled once per instruction set into the kernel table (kernels/kernels.h).
#pragma once

namespace sg::ops {

// Elementwise activations on n floats (y may be x): the vectorized functions the recurrent cells use, for testing
// them and for the elementwise API.
enum class Pointwise { sigmoid, tanh, relu };

}  // namespace sg::ops
