// The steadygrad addon's entry point. Built with NAPI_CPP_EXCEPTIONS: argument errors are thrown as
// Napi::TypeError / Napi::RangeError and surface in JavaScript as TypeError / RangeError.
#include <napi.h>

#include "binding/bindings.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("configure", Napi::Function::New(env, sg::binding::Configure, "configure"));
  exports.Set("info", Napi::Function::New(env, sg::binding::Info, "info"));
  exports.Set("setThreads", Napi::Function::New(env, sg::binding::SetThreads, "setThreads"));
  exports.Set("sgemm", Napi::Function::New(env, sg::binding::Sgemm, "sgemm"));
  return exports;
}

}  // namespace

NODE_API_MODULE(steadygrad, Init)
