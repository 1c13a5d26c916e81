// The layer ops (native/ops/layers.h) on Float32Arrays, with positional arguments (a model calls them once per
// layer and batch, so there is no options object to read). Signatures, in the order src/backend/types.ts gives them:
//
//   denseForward(act, param1, param2, x, w, b, z, y, N, I, U)
//   denseBackward(act, param1, param2, x, w, z, y, dy, dz, dx, dw, db, N, I, U)
//   activationForward(act, param1, param2, x, y, N, C)
//   activationBackward(act, param1, param2, x, y, dy, dx, N, C)
//   layerNormForward(x, gamma, beta, y, mean, rstd, N, C, eps)
//   layerNormBackward(x, gamma, mean, rstd, dy, dx, dgamma, dbeta, N, C)
//   loss(kind, pred, target, grad, N, C, mask, scale, param) -> number
//   swapAxes(x, y, A, B, F)
//   reverseSequences(x, y, T, B, F, lengths, accumulate)
//   mergeForward(mode, a, b, y, N, H)
//   mergeBackward(mode, a, b, dy, da, db, N, H)
//   multiply(a, b, y)
//   gather(src, indices, start, count, T, F, dst, timeMajor)
//   firstNonFinite(x) -> number
//
// Every array's type and exact length is checked here, and so is every index the C++ would follow (class targets,
// gather indices, lengths), so a wrong call throws instead of reading out of bounds. Values are not scanned for NaN.
#include <cmath>
#include <new>
#include <string>

#include "binding/args.h"
#include "binding/bindings.h"
#include "ops/layers.h"
#include "runtime.h"

namespace sg::binding {

namespace {

constexpr int64_t kMaxSize = 2147483647;

// A typed array argument of exactly `length` elements (`shape` spells it out, e.g. "N*I"); nullptr if optional and
// null or undefined.
template <class T>
T* typed(const Args& args, size_t i, const char* name, napi_typedarray_type type, const char* type_name, double length,
         const std::string& shape, bool optional) {
  const Napi::Value v = args[i];
  if (optional && (v.IsNull() || v.IsUndefined())) return nullptr;
  bool is_typed_array = false;
  napi_typedarray_type actual = napi_int8_array;
  size_t size = 0;
  void* data = nullptr;
  const bool ok = napi_is_typedarray(args.env(), v, &is_typed_array) == napi_ok && is_typed_array &&
                  napi_get_typedarray_info(args.env(), v, &actual, &size, &data, nullptr, nullptr) == napi_ok &&
                  actual == type;
  if (ok && double(size) == length) return static_cast<T*>(data);
  // The message is built only on failure.
  const std::string expected = std::string("a ") + type_name + " of length " + shape + " = " +
                               std::to_string(static_cast<int64_t>(length)) + (optional ? " or null" : "");
  if (!ok) args.type_error(name, expected, v);
  args.range_error(name, expected, v);
}

float* f32(const Args& args, size_t i, const char* name, double length, const std::string& shape,
           bool optional = false) {
  return typed<float>(args, i, name, napi_float32_array, "Float32Array", length, shape, optional);
}

int64_t dim(const Args& args, size_t i, const char* name) {
  return args.integer(i, name, 1, kMaxSize);
}

// Every product of dimensions below 2^53, so that lengths compare exactly as doubles.
void check_product(const Args& args, const char* name, double product) {
  if (product > 9007199254740991.0) args.range_error(name, "at most 9007199254740991 elements", "more");
}

ops::ActParams activation(const Args& args, size_t i) {
  ops::ActParams p;
  p.act = static_cast<ops::Act>(args.integer(i, "act", 0, ops::kActCount - 1));
  p.a = args.finite_float(i + 1, "param1");
  p.b = args.finite_float(i + 2, "param2");
  return p;
}

// Buffers a GEMM writes must not share memory with what it reads.
void check_apart(const Args& args, const char* out_name, const float* out, double out_length, const char* in_name,
                 const float* in, double in_length) {
  if (out == nullptr || in == nullptr) return;
  const float* out_end = out + static_cast<int64_t>(out_length);
  const float* in_end = in + static_cast<int64_t>(in_length);
  if (out < in_end && in < out_end) {
    args.range_error(out_name, std::string("memory that does not overlap ") + in_name, "views that overlap");
  }
}

}  // namespace

Napi::Value DenseForward(const Napi::CallbackInfo& info) {
  Args args(info, "denseForward");
  const ops::ActParams p = activation(args, 0);
  const int64_t N = dim(args, 8, "N"), I = dim(args, 9, "I"), U = dim(args, 10, "U");
  const double NI = double(N) * I, UI = double(U) * I, NU = double(N) * U;
  check_product(args, "N*I", NI), check_product(args, "U*I", UI), check_product(args, "N*U", NU);
  const float* x = f32(args, 3, "x", NI, "N*I");
  const float* w = f32(args, 4, "w", UI, "U*I");
  const float* b = f32(args, 5, "b", U, "U", true);
  float* z = f32(args, 6, "z", NU, "N*U");
  float* y = f32(args, 7, "y", NU, "N*U");
  if (z == y && p.act != ops::Act::linear) args.range_error("y", "a different array from z unless act is linear", "z");
  check_apart(args, "z", z, NU, "x", x, NI);
  check_apart(args, "z", z, NU, "w", w, UI);
  return run_job(info, "denseForward", [&](const Job& job) { ops::dense_forward(job, p, x, w, b, z, y, N, I, U); });
}

Napi::Value DenseBackward(const Napi::CallbackInfo& info) {
  Args args(info, "denseBackward");
  const ops::ActParams p = activation(args, 0);
  const int64_t N = dim(args, 12, "N"), I = dim(args, 13, "I"), U = dim(args, 14, "U");
  const double NI = double(N) * I, UI = double(U) * I, NU = double(N) * U;
  check_product(args, "N*I", NI), check_product(args, "U*I", UI), check_product(args, "N*U", NU);
  const float* x = f32(args, 3, "x", NI, "N*I");
  const float* w = f32(args, 4, "w", UI, "U*I");
  const float* z = f32(args, 5, "z", NU, "N*U");
  const float* y = f32(args, 6, "y", NU, "N*U");
  const float* dy = f32(args, 7, "dy", NU, "N*U");
  float* dz = f32(args, 8, "dz", NU, "N*U");
  float* dx = f32(args, 9, "dx", NI, "N*I", true);
  float* dw = f32(args, 10, "dw", UI, "U*I");
  float* db = f32(args, 11, "db", U, "U", true);
  const float* g = p.act == ops::Act::linear ? dy : dz;
  check_apart(args, "dw", dw, UI, "dz", g, NU);
  check_apart(args, "dw", dw, UI, "x", x, NI);
  check_apart(args, "dx", dx, NI, "dz", g, NU);
  check_apart(args, "dx", dx, NI, "w", w, UI);
  return run_job(info, "denseBackward",
                 [&](const Job& job) { ops::dense_backward(job, p, x, w, z, y, dy, dz, dx, dw, db, N, I, U); });
}

Napi::Value ActivationForward(const Napi::CallbackInfo& info) {
  Args args(info, "activationForward");
  const ops::ActParams p = activation(args, 0);
  const int64_t N = dim(args, 5, "N"), C = dim(args, 6, "C");
  const double NC = double(N) * C;
  check_product(args, "N*C", NC);
  const float* x = f32(args, 3, "x", NC, "N*C");
  float* y = f32(args, 4, "y", NC, "N*C");
  return run_job(info, "activationForward", [&](const Job& job) { ops::activation_forward(job, p, x, y, N, C); });
}

Napi::Value ActivationBackward(const Napi::CallbackInfo& info) {
  Args args(info, "activationBackward");
  const ops::ActParams p = activation(args, 0);
  const int64_t N = dim(args, 7, "N"), C = dim(args, 8, "C");
  const double NC = double(N) * C;
  check_product(args, "N*C", NC);
  const float* x = f32(args, 3, "x", NC, "N*C");
  const float* y = f32(args, 4, "y", NC, "N*C");
  const float* dy = f32(args, 5, "dy", NC, "N*C");
  float* dx = f32(args, 6, "dx", NC, "N*C");
  return run_job(info, "activationBackward",
                 [&](const Job& job) { ops::activation_backward(job, p, x, y, dy, dx, N, C); });
}

Napi::Value LayerNormForward(const Napi::CallbackInfo& info) {
  Args args(info, "layerNormForward");
  const int64_t N = dim(args, 6, "N"), C = dim(args, 7, "C");
  const double NC = double(N) * C;
  check_product(args, "N*C", NC);
  const float eps = args.finite_float(8, "eps");
  if (!(eps > 0)) args.range_error("eps", "a positive number", args[8]);
  const float* x = f32(args, 0, "x", NC, "N*C");
  const float* gamma = f32(args, 1, "gamma", C, "C", true);
  const float* beta = f32(args, 2, "beta", C, "C", true);
  float* y = f32(args, 3, "y", NC, "N*C");
  float* mean = f32(args, 4, "mean", N, "N");
  float* rstd = f32(args, 5, "rstd", N, "N");
  return run_job(info, "layerNormForward",
                 [&](const Job& job) { ops::layer_norm_forward(job, x, gamma, beta, y, mean, rstd, N, C, eps); });
}

Napi::Value LayerNormBackward(const Napi::CallbackInfo& info) {
  Args args(info, "layerNormBackward");
  const int64_t N = dim(args, 8, "N"), C = dim(args, 9, "C");
  const double NC = double(N) * C;
  check_product(args, "N*C", NC);
  const float* x = f32(args, 0, "x", NC, "N*C");
  const float* gamma = f32(args, 1, "gamma", C, "C", true);
  const float* mean = f32(args, 2, "mean", N, "N");
  const float* rstd = f32(args, 3, "rstd", N, "N");
  const float* dy = f32(args, 4, "dy", NC, "N*C");
  float* dx = f32(args, 5, "dx", NC, "N*C");
  float* dgamma = f32(args, 6, "dgamma", C, "C", true);
  float* dbeta = f32(args, 7, "dbeta", C, "C", true);
  return run_job(info, "layerNormBackward", [&](const Job& job) {
    ops::layer_norm_backward(job, x, gamma, mean, rstd, dy, dx, dgamma, dbeta, N, C);
  });
}

Napi::Value Loss(const Napi::CallbackInfo& info) {
  Args args(info, "loss");
  const auto kind = static_cast<ops::Loss>(args.integer(0, "kind", 0, ops::kLossCount - 1));
  const int64_t N = dim(args, 4, "N"), C = dim(args, 5, "C");
  const double NC = double(N) * C;
  check_product(args, "N*C", NC);
  const float* pred = f32(args, 1, "pred", NC, "N*C");
  const bool sparse = ops::sparse_target(kind);
  const float* target = f32(args, 2, "target", sparse ? double(N) : NC, sparse ? "N" : "N*C");
  float* grad = f32(args, 3, "grad", NC, "N*C", true);
  const uint8_t* mask = typed<uint8_t>(args, 6, "mask", napi_uint8_array, "Uint8Array", N, "N", true);
  const float scale = args.finite_float(7, "scale");
  const float param = args.finite_float(8, "param");
  if (grad != nullptr && !ops::has_gradient(kind)) args.range_error("grad", "null for an accuracy", args[3]);
  if (sparse) {
    for (int64_t r = 0; r < N; ++r) {
      const float k = target[r];
      if (!(k >= 0 && k < float(C) && std::floor(k) == k)) {
        args.range_error("target[" + std::to_string(r) + "]", "a class index in [0, " + std::to_string(C - 1) + "]",
                         Napi::Number::New(info.Env(), k).ToString().Utf8Value());
      }
    }
  }
  const double total = ops::loss(kind, pred, target, grad, N, C, mask, scale, param);
  return Napi::Number::New(info.Env(), total);
}

Napi::Value SwapAxes(const Napi::CallbackInfo& info) {
  Args args(info, "swapAxes");
  const int64_t A = dim(args, 2, "A"), B = dim(args, 3, "B"), F = dim(args, 4, "F");
  const double n = double(A) * B * F;
  check_product(args, "A*B*F", n);
  const float* x = f32(args, 0, "x", n, "A*B*F");
  float* y = f32(args, 1, "y", n, "A*B*F");
  check_apart(args, "y", y, n, "x", x, n);
  ops::swap_axes(x, y, A, B, F);
  return info.Env().Undefined();
}

Napi::Value ReverseSequences(const Napi::CallbackInfo& info) {
  Args args(info, "reverseSequences");
  const int64_t T = dim(args, 2, "T"), B = dim(args, 3, "B"), F = dim(args, 4, "F");
  const double n = double(T) * B * F;
  check_product(args, "T*B*F", n);
  const float* x = f32(args, 0, "x", n, "T*B*F");
  float* y = f32(args, 1, "y", n, "T*B*F");
  check_apart(args, "y", y, n, "x", x, n);
  const int32_t* lengths = typed<int32_t>(args, 5, "lengths", napi_int32_array, "Int32Array", B, "B", true);
  if (lengths != nullptr) {
    for (int64_t b = 0; b < B; ++b) {
      if (lengths[b] < 0 || lengths[b] > T) {
        args.range_error("lengths[" + std::to_string(b) + "]", "an integer in [0, " + std::to_string(T) + "]",
                         std::to_string(lengths[b]));
      }
    }
  }
  if (!args[6].IsBoolean()) args.type_error("accumulate", "a boolean", args[6]);
  ops::reverse_sequences(x, y, T, B, F, lengths, args[6].As<Napi::Boolean>().Value());
  return info.Env().Undefined();
}

Napi::Value MergeForward(const Napi::CallbackInfo& info) {
  Args args(info, "mergeForward");
  const auto mode = static_cast<ops::Merge>(args.integer(0, "mode", 0, 3));
  const int64_t N = dim(args, 4, "N"), H = dim(args, 5, "H");
  const double NH = double(N) * H;
  check_product(args, "N*2*H", 2 * NH);
  const float* a = f32(args, 1, "a", NH, "N*H");
  const float* b = f32(args, 2, "b", NH, "N*H");
  const bool concat = mode == ops::Merge::concat;
  float* y = f32(args, 3, "y", concat ? 2 * NH : NH, concat ? "N*2*H" : "N*H");
  ops::merge_forward(mode, a, b, y, N, H);
  return info.Env().Undefined();
}

Napi::Value MergeBackward(const Napi::CallbackInfo& info) {
  Args args(info, "mergeBackward");
  const auto mode = static_cast<ops::Merge>(args.integer(0, "mode", 0, 3));
  const int64_t N = dim(args, 6, "N"), H = dim(args, 7, "H");
  const double NH = double(N) * H;
  check_product(args, "N*2*H", 2 * NH);
  const bool concat = mode == ops::Merge::concat;
  const float* a = f32(args, 1, "a", NH, "N*H");
  const float* b = f32(args, 2, "b", NH, "N*H");
  const float* dy = f32(args, 3, "dy", concat ? 2 * NH : NH, concat ? "N*2*H" : "N*H");
  float* da = f32(args, 4, "da", NH, "N*H");
  float* db = f32(args, 5, "db", NH, "N*H");
  ops::merge_backward(mode, a, b, dy, da, db, N, H);
  return info.Env().Undefined();
}

Napi::Value Multiply(const Napi::CallbackInfo& info) {
  Args args(info, "multiply");
  const Float32View a = args.float32_array(0, "a");
  const double n = double(a.length);
  const float* b = f32(args, 1, "b", n, "a.length");
  float* y = f32(args, 2, "y", n, "a.length");
  ops::multiply(a.data, b, y, a.length);
  return info.Env().Undefined();
}

Napi::Value Gather(const Napi::CallbackInfo& info) {
  Args args(info, "gather");
  const Float32View src = args.float32_array(0, "src");
  const Napi::Value iv = args[1];
  if (!iv.IsTypedArray() || iv.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    args.type_error("indices", "an Int32Array", iv);
  }
  const Napi::Int32Array indices = iv.As<Napi::Int32Array>();
  const int64_t n_indices = static_cast<int64_t>(indices.ElementLength());
  const int64_t start = args.integer(2, "start", 0, n_indices);
  const int64_t count = args.integer(3, "count", 1, n_indices - start, "at most indices.length - start");
  const int64_t T = dim(args, 4, "T"), F = dim(args, 5, "F");
  const double row = double(T) * F;
  check_product(args, "count*T*F", row * count);
  if (std::fmod(double(src.length), row) != 0) {
    args.range_error("src", "a whole number of rows of T*F = " + std::to_string(int64_t(row)) + " values", src.value);
  }
  const int64_t rows = static_cast<int64_t>(double(src.length) / row);
  const int32_t* idx = indices.Data();
  for (int64_t i = start; i < start + count; ++i) {
    if (idx[i] < 0 || idx[i] >= rows) {
      args.range_error("indices[" + std::to_string(i) + "]", "a row of src in [0, " + std::to_string(rows - 1) + "]",
                       std::to_string(idx[i]));
    }
  }
  float* dst = f32(args, 6, "dst", row * count, "count*T*F");
  check_apart(args, "dst", dst, row * count, "src", src.data, double(src.length));
  if (!args[7].IsBoolean()) args.type_error("timeMajor", "a boolean", args[7]);
  ops::gather(src.data, idx, start, count, T, F, dst, args[7].As<Napi::Boolean>().Value());
  return info.Env().Undefined();
}

Napi::Value FirstNonFinite(const Napi::CallbackInfo& info) {
  Args args(info, "firstNonFinite");
  const Float32View x = args.float32_array(0, "x");
  return Napi::Number::New(info.Env(), static_cast<double>(ops::first_non_finite(x.data, x.length)));
}

}  // namespace sg::binding
