#include "kernels/kernels.h"

namespace sg {

// Defined in kernels_<isa>.cc; null where this build has no kernels for that ISA.
extern const Kernels* const kernels_avx512;
extern const Kernels* const kernels_avx2;
extern const Kernels* const kernels_neon;
extern const Kernels* const kernels_scalar;

const Kernels& kernels_for(Isa isa) {
  const Kernels* k = nullptr;
  switch (isa) {
    case Isa::avx512:
      k = kernels_avx512;
      break;
    case Isa::avx2:
      k = kernels_avx2;
      break;
    case Isa::neon:
      k = kernels_neon;
      break;
    case Isa::scalar:
      k = kernels_scalar;
      break;
  }
  return k != nullptr ? *k : *kernels_scalar;
}

}  // namespace sg
