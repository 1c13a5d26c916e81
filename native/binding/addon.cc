// The steadygrad addon's entry point: exports every function binding/ops.h lists. Built with NAPI_CPP_EXCEPTIONS:
// argument errors are thrown as Napi::TypeError / Napi::RangeError and surface in JavaScript as TypeError /
// RangeError.
#include <napi.h>

#include "binding/bindings.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
#define STEADYGRAD_EXPORT(js_name, CppName) \
  exports.Set(#js_name, Napi::Function::New(env, sg::binding::CppName, #js_name));
  STEADYGRAD_RUNTIME_FUNCTIONS(STEADYGRAD_EXPORT)
  STEADYGRAD_OPS(STEADYGRAD_EXPORT)
#undef STEADYGRAD_EXPORT
  return exports;
}

}  // namespace

NODE_API_MODULE(steadygrad, Init)
