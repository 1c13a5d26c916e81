#include "cpu/isa.h"

namespace sg {

namespace {
constexpr Isa kAllIsas[] = {Isa::avx512, Isa::avx2, Isa::neon, Isa::scalar};
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::avx512:
      return "avx512";
    case Isa::avx2:
      return "avx2";
    case Isa::neon:
      return "neon";
    case Isa::scalar:
      return "scalar";
  }
  return "unknown";
}

bool isa_supported(Isa isa) {
  switch (isa) {
#if defined(__x86_64__) || defined(__i386__)
    // __builtin_cpu_supports also checks that the OS saves the wider registers (XSAVE/XCR0).
    case Isa::avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
    case Isa::avx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    case Isa::avx512:
    case Isa::avx2:
      return false;
#endif
#if defined(__aarch64__)
    case Isa::neon:
      return true;  // Advanced SIMD is mandatory on AArch64.
#else
    case Isa::neon:
      return false;
#endif
    case Isa::scalar:
      return true;
  }
  return false;
}

std::vector<Isa> supported_isas() {
  std::vector<Isa> out;
  for (Isa isa : kAllIsas) {
    if (isa_supported(isa)) out.push_back(isa);
  }
  return out;
}

bool choose_isa(const std::string& requested, Isa* out, std::string* error) {
  if (requested.empty()) {
    *out = supported_isas().front();
    return true;
  }
  for (Isa isa : kAllIsas) {
    if (requested != isa_name(isa)) continue;
    if (!isa_supported(isa)) {
      std::string have;
      for (Isa s : supported_isas()) have += std::string(have.empty() ? "" : ", ") + isa_name(s);
      *error = "STEADYGRAD_ISA=" + requested + " is not supported by this CPU or build; supported: " + have;
      return false;
    }
    *out = isa;
    return true;
  }
  *error = "STEADYGRAD_ISA must be one of avx512, avx2, neon, scalar, received '" + requested + "'";
  return false;
}

}  // namespace sg
