// What gradient monitors (src/diagnostics/) ask of the addon, on Float32Arrays:
//   squaredDistance(a, b) -> number      sum (a - b)^2 in double; b must have a's length
// Single-threaded, as the clipping passes (optim_binding.cc): one stream over two arrays, bound by memory.
#include <string>

#include "binding/args.h"
#include "binding/bindings.h"
#include "kernels/kernels.h"
#include "runtime.h"

namespace sg::binding {

Napi::Value SquaredDistance(const Napi::CallbackInfo& info) {
  Args args(info, "squaredDistance");
  const Float32View a = args.float32_array(0, "a");
  const Float32View b = args.float32_array(1, "b");
  if (b.length != a.length) {
    args.range_error("b", "a Float32Array of a's length " + std::to_string(a.length), b.value);
  }
  const Job job = Runtime::instance().job();
  return Napi::Number::New(info.Env(), kernels_for(job.isa).squared_distance(a.data, b.data, a.length));
}

}  // namespace sg::binding
