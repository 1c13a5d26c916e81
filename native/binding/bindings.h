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

// recurrent_binding.cc
Napi::Value RnnForward(const Napi::CallbackInfo& info);
Napi::Value RnnBackward(const Napi::CallbackInfo& info);
Napi::Value LstmForward(const Napi::CallbackInfo& info);
Napi::Value LstmBackward(const Napi::CallbackInfo& info);
Napi::Value GruForward(const Napi::CallbackInfo& info);
Napi::Value GruBackward(const Napi::CallbackInfo& info);
Napi::Value Pointwise(const Napi::CallbackInfo& info);

// columns_binding.cc
Napi::Value FindInfinite(const Napi::CallbackInfo& info);
Napi::Value ColumnMoments(const Napi::CallbackInfo& info);
Napi::Value ColumnExtrema(const Napi::CallbackInfo& info);
Napi::Value Affine(const Napi::CallbackInfo& info);

}  // namespace sg::binding
