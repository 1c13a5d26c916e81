// The normalization passes (native/normalize/columns.h) on Float32Array or Float64Array data:
//   findInfinite(x) -> index of the first +-Infinity, or -1
//   columnMoments(x, rows, cols, n, mean, m2)
//   columnExtrema(x, rows, cols, min, max, maxAbs)
//   affine(x, rows, cols, center, scale, inverse, y)     y = (x - center) / scale, or x * scale + center
// x is row-major rows x cols; the per-column arrays are Float64Arrays of length cols; y has x's type and length.
#include <cmath>
#include <string>
#include <type_traits>

#include "binding/args.h"
#include "binding/bindings.h"
#include "normalize/columns.h"

namespace sg::binding {

namespace {

// A Float32Array or Float64Array argument.
struct Numeric {
  void* data;
  int64_t length;
  bool is_double;
  Napi::Value value;
};

Numeric numeric_array(const Args& args, size_t i, const char* name) {
  const Napi::Value v = args[i];
  if (v.IsTypedArray()) {
    Napi::TypedArray t = v.As<Napi::TypedArray>();
    if (t.TypedArrayType() == napi_float32_array) {
      Napi::Float32Array a = v.As<Napi::Float32Array>();
      return Numeric{a.Data(), static_cast<int64_t>(a.ElementLength()), false, v};
    }
    if (t.TypedArrayType() == napi_float64_array) {
      Napi::Float64Array a = v.As<Napi::Float64Array>();
      return Numeric{a.Data(), static_cast<int64_t>(a.ElementLength()), true, v};
    }
  }
  args.type_error(name, "a Float32Array or a Float64Array", v);
}

double* float64_array(const Args& args, size_t i, const char* name, int64_t length) {
  const Napi::Value v = args[i];
  const std::string expected = "a Float64Array of length cols = " + std::to_string(length);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    args.type_error(name, expected, v);
  }
  Napi::Float64Array a = v.As<Napi::Float64Array>();
  if (static_cast<int64_t>(a.ElementLength()) != length) args.range_error(name, expected, v);
  return a.Data();
}

// Calls fn with the array's elements as const float* or const double*, whichever they are.
template <class Fn>
void visit(const Numeric& x, Fn fn) {
  if (x.is_double) {
    fn(static_cast<const double*>(x.data));
  } else {
    fn(static_cast<const float*>(x.data));
  }
}

// x with rows and cols that multiply to its length.
struct Matrix {
  Numeric x;
  int64_t rows, cols;
};

Matrix matrix(const Args& args) {
  Matrix m{numeric_array(args, 0, "x"), 0, 0};
  m.rows = args.integer(1, "rows", 1, kMaxSafeInteger);
  m.cols = args.integer(2, "cols", 1, kMaxSafeInteger);
  if (double(m.rows) * double(m.cols) != double(m.x.length)) {
    args.range_error("x", "of length rows * cols = " + std::to_string(m.rows) + " * " + std::to_string(m.cols),
                     m.x.value);
  }
  return m;
}

}  // namespace

Napi::Value FindInfinite(const Napi::CallbackInfo& info) {
  Args args(info, "findInfinite");
  const Numeric x = numeric_array(args, 0, "x");
  int64_t at = -1;
  visit(x, [&](const auto* data) { at = columns::first_infinite(data, x.length); });
  return Napi::Number::New(info.Env(), static_cast<double>(at));
}

Napi::Value ColumnMoments(const Napi::CallbackInfo& info) {
  Args args(info, "columnMoments");
  const Matrix m = matrix(args);
  double* n = float64_array(args, 3, "n", m.cols);
  double* mean = float64_array(args, 4, "mean", m.cols);
  double* m2 = float64_array(args, 5, "m2", m.cols);
  visit(m.x, [&](const auto* x) { columns::moments(x, m.rows, m.cols, n, mean, m2); });
  return info.Env().Undefined();
}

Napi::Value ColumnExtrema(const Napi::CallbackInfo& info) {
  Args args(info, "columnExtrema");
  const Matrix m = matrix(args);
  double* min = float64_array(args, 3, "min", m.cols);
  double* max = float64_array(args, 4, "max", m.cols);
  double* max_abs = float64_array(args, 5, "maxAbs", m.cols);
  visit(m.x, [&](const auto* x) { columns::extrema(x, m.rows, m.cols, min, max, max_abs); });
  return info.Env().Undefined();
}

Napi::Value Affine(const Napi::CallbackInfo& info) {
  Args args(info, "affine");
  const Matrix m = matrix(args);
  const double* center = float64_array(args, 3, "center", m.cols);
  const double* scale = float64_array(args, 4, "scale", m.cols);
  for (int64_t j = 0; j < m.cols; ++j) {
    if (!std::isfinite(center[j])) args.range_error("center", "finite numbers only", "a non-finite value");
    if (!std::isfinite(scale[j]) || scale[j] == 0)
      args.range_error("scale", "finite nonzero numbers only", "0 or a non-finite value");
  }
  const Napi::Value inverse_value = args[5];
  if (!inverse_value.IsBoolean()) args.type_error("inverse", "a boolean", inverse_value);
  const bool inverse = inverse_value.As<Napi::Boolean>().Value();
  const Numeric y = numeric_array(args, 6, "y");
  if (y.is_double != m.x.is_double || y.length != m.x.length) {
    args.range_error("y",
                     std::string("a ") + (m.x.is_double ? "Float64Array" : "Float32Array") + " of x's length " +
                         std::to_string(m.x.length),
                     y.value);
  }
  visit(m.x, [&](const auto* x) {
    auto* out = static_cast<std::remove_const_t<std::remove_pointer_t<decltype(x)>>*>(y.data);  // y has x's type
    if (inverse) {
      columns::affine_backward(x, m.rows, m.cols, center, scale, out);
    } else {
      columns::affine_forward(x, m.rows, m.cols, center, scale, out);
    }
  });
  return info.Env().Undefined();
}

}  // namespace sg::binding
