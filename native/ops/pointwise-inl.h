// Elementwise activations over an array, with the vectorized functions of simd/vec-inl.h. Compiled once per ISA
// (see kernels/kernels_<isa>.cc); y may be x.
inline void pointwise(Pointwise op, const float* x, float* y, int64_t n) {
  for_each_lanes(n, [&](int64_t j, auto l) {
    const VecF v = l.load(x + j);
    switch (op) {
      case Pointwise::sigmoid:
        l.store(y + j, sigmoid(v));
        break;
      case Pointwise::tanh:
        l.store(y + j, vtanh(v));
        break;
      case Pointwise::relu:
        l.store(y + j, relu(v));
        break;
    }
  });
}
