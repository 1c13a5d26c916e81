// The elementwise ops (native/ops/ops.h) on Float32Arrays.
#include <string>

#include "binding/args.h"
#include "binding/bindings.h"
#include "kernels/kernels.h"
#include "runtime.h"

namespace sg::binding {

// pointwise(op: 'sigmoid' | 'tanh' | 'relu', x: Float32Array, y: Float32Array of x's length). y may be x.
Napi::Value Pointwise(const Napi::CallbackInfo& info) {
  Args args(info, "pointwise");
  const Napi::Value op_value = info[0];
  const char* expected_op = "one of 'sigmoid', 'tanh', 'relu'";
  if (!op_value.IsString()) args.type_error("op", expected_op, op_value);
  const std::string op_name = op_value.As<Napi::String>().Utf8Value();
  ops::Pointwise op;
  if (op_name == "sigmoid") {
    op = ops::Pointwise::sigmoid;
  } else if (op_name == "tanh") {
    op = ops::Pointwise::tanh;
  } else if (op_name == "relu") {
    op = ops::Pointwise::relu;
  } else {
    args.range_error("op", expected_op, op_value);
  }
  const Float32View x = args.float32_array(1, "x");
  const Float32View y = args.float32_array(2, "y");
  if (y.length != x.length) {
    args.range_error("y", "a Float32Array of x's length " + std::to_string(x.length), y.value);
  }
  const Job job = Runtime::instance().job();
  kernels_for(job.isa).pointwise(op, x.data, y.data, x.length);
  return info.Env().Undefined();
}

}  // namespace sg::binding
