// Instruction-set detection and choice.
//
// steadygrad compiles every SIMD kernel for its own instruction set inside a target region (never with
// -march=native), then picks one set at load time: the best the CPU supports, or the one STEADYGRAD_ISA names.
#pragma once

#include <string>
#include <vector>

namespace sg {

// Ordered from best to most portable: the first supported one is the default.
enum class Isa { avx512, avx2, neon, scalar };

const char* isa_name(Isa isa);

// True when this build holds kernels for `isa` and the CPU (and OS) can run them.
bool isa_supported(Isa isa);

// Every Isa this build and CPU can run, best first. Always ends with Isa::scalar.
std::vector<Isa> supported_isas();

// Resolves the STEADYGRAD_ISA setting: an empty string picks the best supported Isa. Returns false, and explains
// why in *error, for an unknown name or an Isa this build or CPU cannot run.
bool choose_isa(const std::string& requested, Isa* out, std::string* error);

}  // namespace sg
