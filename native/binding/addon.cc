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
  exports.Set("rnnForward", Napi::Function::New(env, sg::binding::RnnForward, "rnnForward"));
  exports.Set("rnnBackward", Napi::Function::New(env, sg::binding::RnnBackward, "rnnBackward"));
  exports.Set("lstmForward", Napi::Function::New(env, sg::binding::LstmForward, "lstmForward"));
  exports.Set("lstmBackward", Napi::Function::New(env, sg::binding::LstmBackward, "lstmBackward"));
  exports.Set("gruForward", Napi::Function::New(env, sg::binding::GruForward, "gruForward"));
  exports.Set("gruBackward", Napi::Function::New(env, sg::binding::GruBackward, "gruBackward"));
  exports.Set("pointwise", Napi::Function::New(env, sg::binding::Pointwise, "pointwise"));
  exports.Set("findInfinite", Napi::Function::New(env, sg::binding::FindInfinite, "findInfinite"));
  exports.Set("columnMoments", Napi::Function::New(env, sg::binding::ColumnMoments, "columnMoments"));
  exports.Set("columnExtrema", Napi::Function::New(env, sg::binding::ColumnExtrema, "columnExtrema"));
  exports.Set("affine", Napi::Function::New(env, sg::binding::Affine, "affine"));
  return exports;
}

}  // namespace

NODE_API_MODULE(steadygrad, Init)
