// The functions the addon exports (binding/ops.h lists them), each defined in one of the *_binding.cc files.
#pragma once

#include <napi.h>

#include "binding/ops.h"

namespace sg::binding {

#define STEADYGRAD_DECLARE(js_name, CppName) Napi::Value CppName(const Napi::CallbackInfo& info);
STEADYGRAD_RUNTIME_FUNCTIONS(STEADYGRAD_DECLARE)
STEADYGRAD_OPS(STEADYGRAD_DECLARE)
#undef STEADYGRAD_DECLARE

}  // namespace sg::binding
