// The functions the addon exports, one per file in native/binding/.
#pragma once

#include <napi.h>

namespace sg::binding {

// runtime_binding.cc
Napi::Value Configure(const Napi::CallbackInfo& info);
Napi::Value Info(const Napi::CallbackInfo& info);
Napi::Value SetThreads(const Napi::CallbackInfo& info);

// gemm_binding.cc
Napi::Value Sgemm(const Napi::CallbackInfo& info);

}  // namespace sg::binding
