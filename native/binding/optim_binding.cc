// The optimizer updates and clipping passes (native/optim/optim.h) on Float32Arrays. Positional arguments, no
// option objects: a training step makes one call per parameter, so each call must cost well under a microsecond.
//
//   sgdUpdate(param, grad, buf | null, lr, momentum, dampening, nesterov, firstStep,
//             weightDecay, maximize, gradScale, clipValue)
//   adamUpdate(param, grad, expAvg, expAvgSq, maxExpAvgSq | null, lr, beta1, beta2, eps, decoupledDecay, step,
//              weightDecay, maximize, gradScale, clipValue)
//   rmspropUpdate(param, grad, squareAvg, gradAvg | null, buf | null, lr, alpha, eps, momentum,
//                 weightDecay, maximize, gradScale, clipValue)
//   adagradUpdate(param, grad, sum, lr, lrDecay, eps, step, weightDecay, maximize, gradScale, clipValue)
//   normPartial(x, ord) -> number        ord 1, 2 or Infinity: sum |x|, sum x^2 or max |x|
//   allFinite(x) -> boolean
//   scaleInPlace(x, s)                   x *= s
//   clampInPlace(x, c)                   x = clamp(x, -c, c)
// Every state array has param's length; the last four arguments of an update are the gradient's preparation
// (optim::GradPrep). The values are not scanned: finiteness is the TypeScript layer's check, once per step.
// Single-threaded, as the normalization passes: each pass streams its arrays once and is bound by memory bandwidth
// (on a 2-core VM shared with other work, splitting it between two threads measured 2-3x slower, not faster).
#include <cmath>
#include <string>

#include "binding/args.h"
#include "binding/bindings.h"
#include "kernels/kernels.h"
#include "runtime.h"

namespace sg::binding {

namespace {

// A number in [lo, hi] (either may be infinite); NaN is refused.
double number(const Args& args, size_t i, const char* name, double lo, double hi, const char* expected) {
  const Napi::Value v = args[i];
  double d = 0;
  if (napi_get_value_double(args.env(), v, &d) != napi_ok) args.type_error(name, expected, v);
  if (!(d >= lo && d <= hi)) args.range_error(name, expected, v);
  return d;
}

double finite(const Args& args, size_t i, const char* name) {
  return number(args, i, name, -HUGE_VAL, HUGE_VAL, "a finite number");
}

bool boolean(const Args& args, size_t i, const char* name) {
  const Napi::Value v = args[i];
  bool b = false;
  if (napi_get_value_bool(args.env(), v, &b) != napi_ok) args.type_error(name, "a boolean", v);
  return b;
}

// A Float32Array of param's length n; or nullptr when `optional` and the argument is null or undefined.
float* state(const Args& args, size_t i, const char* name, int64_t n, bool optional = false) {
  if (optional) {
    const Napi::Value v = args[i];
    if (v.IsNull() || v.IsUndefined()) return nullptr;
  }
  const Float32View view = args.float32_array(i, name);
  if (view.length != n) {
    args.range_error(name, "a Float32Array of param's length " + std::to_string(n), view.value);
  }
  return view.data;
}

// The gradient's preparation: weightDecay, maximize, gradScale, clipValue from argument `first` on.
optim::GradPrep grad_prep(const Args& args, size_t first) {
  optim::GradPrep p{};
  p.weight_decay = finite(args, first, "weightDecay");
  p.maximize = boolean(args, first + 1, "maximize");
  p.scale = finite(args, first + 2, "gradScale");
  p.clip = number(args, first + 3, "clipValue", 0, HUGE_VAL, "a number >= 0 (Infinity: no clipping)");
  return p;
}

// param and grad, which set n.
struct ParamGrad {
  float* param;
  const float* grad;
  int64_t n;
};

ParamGrad param_grad(const Args& args) {
  const Float32View param = args.float32_array(0, "param");
  const float* grad = state(args, 1, "grad", param.length);
  return ParamGrad{param.data, grad, param.length};
}

const Kernels& kernels() {
  return kernels_for(Runtime::instance().job().isa);
}

}  // namespace

Napi::Value SgdUpdate(const Napi::CallbackInfo& info) {
  Args args(info, "sgdUpdate");
  const ParamGrad pg = param_grad(args);
  optim::SgdStep s{};
  s.lr = finite(args, 3, "lr");
  s.momentum = finite(args, 4, "momentum");
  s.dampening = finite(args, 5, "dampening");
  s.nesterov = boolean(args, 6, "nesterov");
  s.first_step = boolean(args, 7, "firstStep");
  s.prep = grad_prep(args, 8);
  float* buf = state(args, 2, "buf", pg.n, s.momentum == 0);
  kernels().sgd_update(s, pg.param, pg.grad, buf, pg.n);
  return info.Env().Undefined();
}

Napi::Value AdamUpdate(const Napi::CallbackInfo& info) {
  Args args(info, "adamUpdate");
  const ParamGrad pg = param_grad(args);
  float* exp_avg = state(args, 2, "expAvg", pg.n);
  float* exp_avg_sq = state(args, 3, "expAvgSq", pg.n);
  float* max_exp_avg_sq = state(args, 4, "maxExpAvgSq", pg.n, true);
  optim::AdamStep s{};
  s.lr = finite(args, 5, "lr");
  s.beta1 = finite(args, 6, "beta1");
  s.beta2 = finite(args, 7, "beta2");
  s.eps = finite(args, 8, "eps");
  s.decoupled_decay = finite(args, 9, "decoupledDecay");
  s.step = static_cast<double>(args.integer(10, "step", 1, kMaxSafeInteger));
  s.prep = grad_prep(args, 11);
  kernels().adam_update(s, pg.param, pg.grad, exp_avg, exp_avg_sq, max_exp_avg_sq, pg.n);
  return info.Env().Undefined();
}

Napi::Value RmspropUpdate(const Napi::CallbackInfo& info) {
  Args args(info, "rmspropUpdate");
  const ParamGrad pg = param_grad(args);
  float* square_avg = state(args, 2, "squareAvg", pg.n);
  float* grad_avg = state(args, 3, "gradAvg", pg.n, true);
  optim::RmspropStep s{};
  s.lr = finite(args, 5, "lr");
  s.alpha = finite(args, 6, "alpha");
  s.eps = finite(args, 7, "eps");
  s.momentum = finite(args, 8, "momentum");
  s.prep = grad_prep(args, 9);
  float* buf = state(args, 4, "buf", pg.n, !(s.momentum > 0));
  kernels().rmsprop_update(s, pg.param, pg.grad, square_avg, grad_avg, buf, pg.n);
  return info.Env().Undefined();
}

Napi::Value AdagradUpdate(const Napi::CallbackInfo& info) {
  Args args(info, "adagradUpdate");
  const ParamGrad pg = param_grad(args);
  float* sum = state(args, 2, "sum", pg.n);
  optim::AdagradStep s{};
  s.lr = finite(args, 3, "lr");
  s.lr_decay = finite(args, 4, "lrDecay");
  s.eps = finite(args, 5, "eps");
  s.step = static_cast<double>(args.integer(6, "step", 1, kMaxSafeInteger));
  s.prep = grad_prep(args, 7);
  kernels().adagrad_update(s, pg.param, pg.grad, sum, pg.n);
  return info.Env().Undefined();
}

Napi::Value NormPartial(const Napi::CallbackInfo& info) {
  Args args(info, "normPartial");
  const Float32View x = args.float32_array(0, "x");
  const Napi::Value ord_value = args[1];
  const char* expected = "1, 2 or Infinity";
  double ord_number = 0;
  if (napi_get_value_double(args.env(), ord_value, &ord_number) != napi_ok) {
    args.type_error("ord", expected, ord_value);
  }
  optim::NormOrd ord;
  if (ord_number == 1) {
    ord = optim::NormOrd::l1;
  } else if (ord_number == 2) {
    ord = optim::NormOrd::l2;
  } else if (ord_number == HUGE_VAL) {
    ord = optim::NormOrd::inf;
  } else {
    args.range_error("ord", expected, ord_value);
  }
  return Napi::Number::New(info.Env(), kernels().norm_partial(ord, x.data, x.length));
}

Napi::Value AllFinite(const Napi::CallbackInfo& info) {
  Args args(info, "allFinite");
  const Float32View x = args.float32_array(0, "x");
  return Napi::Boolean::New(info.Env(), kernels().all_finite(x.data, x.length));
}

Napi::Value ScaleInPlace(const Napi::CallbackInfo& info) {
  Args args(info, "scaleInPlace");
  const Float32View x = args.float32_array(0, "x");
  const Napi::Value s_value = args[1];
  double s = 0;  // any number: clip_grad_norm_ scales by NaN when the norm is NaN and no error was asked for
  if (napi_get_value_double(args.env(), s_value, &s) != napi_ok) args.type_error("s", "a number", s_value);
  kernels().scale_in_place(x.data, x.length, static_cast<float>(s));
  return info.Env().Undefined();
}

Napi::Value ClampInPlace(const Napi::CallbackInfo& info) {
  Args args(info, "clampInPlace");
  const Float32View x = args.float32_array(0, "x");
  const float c = static_cast<float>(number(args, 1, "c", 0, HUGE_VAL, "a number >= 0"));
  kernels().clamp_in_place(x.data, x.length, c);
  return info.Env().Undefined();
}

}  // namespace sg::binding
