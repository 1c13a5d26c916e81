#include "binding/args.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sg::binding {

namespace {

const char* typed_array_name(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array:
      return "Int8Array";
    case napi_uint8_array:
      return "Uint8Array";
    case napi_uint8_clamped_array:
      return "Uint8ClampedArray";
    case napi_int16_array:
      return "Int16Array";
    case napi_uint16_array:
      return "Uint16Array";
    case napi_int32_array:
      return "Int32Array";
    case napi_uint32_array:
      return "Uint32Array";
    case napi_float32_array:
      return "Float32Array";
    case napi_float64_array:
      return "Float64Array";
    case napi_bigint64_array:
      return "BigInt64Array";
    case napi_biguint64_array:
      return "BigUint64Array";
    default:
      return "TypedArray";
  }
}

}  // namespace

std::string describe(const Napi::Value& v) {
  switch (v.Type()) {
    case napi_undefined:
      return "undefined";
    case napi_null:
      return "null";
    case napi_boolean:
      return v.As<Napi::Boolean>().Value() ? "true" : "false";
    case napi_number:
      return v.ToString().Utf8Value();  // JavaScript's own formatting: 2.5, NaN, -Infinity
    case napi_bigint:
      return v.ToString().Utf8Value() + "n";
    case napi_string: {
      std::string s = v.As<Napi::String>().Utf8Value();
      if (s.size() > 40) s = s.substr(0, 37) + "...";
      return "'" + s + "'";
    }
    case napi_symbol:
      return "a symbol";
    case napi_function:
      return "a function";
    default:
      break;
  }
  if (v.IsTypedArray()) {
    Napi::TypedArray t = v.As<Napi::TypedArray>();
    return std::string(typed_array_name(t.TypedArrayType())) + "(" + std::to_string(t.ElementLength()) + ")";
  }
  if (v.IsArray()) return "Array(" + std::to_string(v.As<Napi::Array>().Length()) + ")";
  return "an object";
}

Args::Args(const Napi::CallbackInfo& info, const char* function) : info_(info), function_(function) {}

void Args::type_error(const std::string& name, const std::string& expected, const Napi::Value& v) const {
  throw Napi::TypeError::New(env(), function_ + ": " + name + " must be " + expected + ", received " + describe(v));
}

void Args::range_error(const std::string& name, const std::string& expected, const Napi::Value& v) const {
  range_error(name, expected, describe(v));
}

void Args::range_error(const std::string& name, const std::string& expected, const std::string& received) const {
  throw Napi::RangeError::New(env(), function_ + ": " + name + " must be " + expected + ", received " + received);
}

bool Args::transpose(size_t i, const char* name) const {
  const Napi::Value v = info_[i];
  const char* expected = "a boolean or 'N' or 'T'";
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value();
  if (!v.IsString()) type_error(name, expected, v);
  const std::string s = v.As<Napi::String>().Utf8Value();
  if (s == "N") return false;
  if (s == "T") return true;
  range_error(name, expected, v);
}

int64_t Args::integer(size_t i, const char* name, int64_t lo, int64_t hi, const char* why) const {
  return integer_value(info_[i], name, lo, hi, why);
}

int64_t Args::integer_value(const Napi::Value& v, const std::string& name, int64_t lo, int64_t hi,
                            const char* why) const {
  double d = 0;
  const napi_status status = napi_get_value_double(env(), v, &d);
  if (status == napi_ok && d >= double(lo) && d <= double(hi) && std::floor(d) == d) return static_cast<int64_t>(d);
  // The message is built only on failure: this runs for every argument of every call.
  std::string expected = "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (why != nullptr) expected += std::string(" (") + why + ")";
  if (status != napi_ok) type_error(name, expected, v);
  range_error(name, expected, v);
}

float Args::finite_float(size_t i, const char* name) const {
  const Napi::Value v = info_[i];
  double d = 0;
  if (napi_get_value_double(env(), v, &d) != napi_ok) type_error(name, "a finite number", v);
  if (!std::isfinite(static_cast<float>(d))) range_error(name, "a finite number", v);
  return static_cast<float>(d);
}

Float32View Args::float32_array(size_t i, const char* name) const {
  return float32_value(info_[i], name, "a Float32Array");
}

Float32View Args::float32_value(const Napi::Value& v, const std::string& name, const std::string& expected) const {
  bool is_typed_array = false;
  napi_typedarray_type type = napi_int8_array;
  size_t length = 0;
  void* data = nullptr;
  if (napi_is_typedarray(env(), v, &is_typed_array) != napi_ok || !is_typed_array ||
      napi_get_typedarray_info(env(), v, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float32_array) {
    type_error(name, expected, v);
  }
  // A detached buffer reports length 0 (and may report a null pointer), which the length checks then reject.
  return Float32View{static_cast<float*>(data), static_cast<int64_t>(length), v};
}

int64_t matrix_span(int64_t rows, int64_t cols, int64_t ld) {
  return rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;
}

void Args::check_matrix_length(const Float32View& view, const char* name, int64_t rows, int64_t cols, int64_t ld,
                               int64_t offset, const char* ld_name, const char* offset_name) const {
  const int64_t span = matrix_span(rows, cols, ld);
  if (span == 0) return;
  const int64_t needed = offset + span;
  if (view.length >= needed) return;
  range_error(name,
              "of length >= " + std::to_string(needed) + " (" + offset_name + " + (rows - 1) * " + ld_name +
                  " + cols with " + std::to_string(rows) + " rows, " + std::to_string(cols) + " cols, " + ld_name +
                  " = " + std::to_string(ld) + ", " + offset_name + " = " + std::to_string(offset) + ")",
              view.value);
}

void Args::check_no_overlap(const Float32View& a, const char* a_name, int64_t offset_a, int64_t length_a,
                            const Float32View& b, const char* b_name, int64_t offset_b, int64_t length_b) const {
  if (length_a == 0 || length_b == 0) return;
  const uintptr_t a0 = reinterpret_cast<uintptr_t>(a.data + offset_a);
  const uintptr_t b0 = reinterpret_cast<uintptr_t>(b.data + offset_b);
  const uintptr_t a1 = a0 + sizeof(float) * static_cast<uintptr_t>(length_a);
  const uintptr_t b1 = b0 + sizeof(float) * static_cast<uintptr_t>(length_b);
  if (a0 < b1 && b0 < a1) {
    range_error(a_name, std::string("memory that does not overlap ") + b_name, "views that overlap");
  }
}

namespace {

std::string length_text(double length) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.0f", length);
  return buffer;
}

}  // namespace

Fields::Fields(const Napi::CallbackInfo& info, const char* function) : args_(info, function) {
  const Napi::Value v = info[0];
  if (!v.IsObject() || v.IsArray() || v.IsTypedArray() || v.IsFunction()) {
    args_.type_error("options", "an object", v);
  }
  object_ = v.As<Napi::Object>();
}

int64_t Fields::integer(Field field, int64_t lo, int64_t hi) const {
  return args_.integer_value(get(field), field.label, lo, hi);
}

bool Fields::boolean(Field field) const {
  const Napi::Value v = get(field);
  if (!v.IsBoolean()) args_.type_error(field.label, "a boolean", v);
  return v.As<Napi::Boolean>().Value();
}

int Fields::choice(Field field, std::initializer_list<const char*> choices) const {
  const Napi::Value v = get(field);
  std::string expected = "one of";
  for (const char* c : choices) expected += std::string(expected == "one of" ? " '" : ", '") + c + "'";
  if (!v.IsString()) args_.type_error(field.label, expected, v);
  const std::string s = v.As<Napi::String>().Utf8Value();
  int index = 0;
  for (const char* c : choices) {
    if (s == c) return index;
    ++index;
  }
  args_.range_error(field.label, expected, v);
}

Float32View Fields::float32_array(Field field, const Napi::Value& v, double length, const char* shape) const {
  const std::string expected = std::string("a Float32Array of length ") + shape + " = " + length_text(length);
  const Float32View view = args_.float32_value(v, field.label, expected);
  if (double(view.length) != length) args_.range_error(field.label, expected, v);
  return view;
}

const float* Fields::input(Field field, double length, const char* shape, bool optional) const {
  const Napi::Value v = get(field);
  if (optional && (v.IsUndefined() || v.IsNull())) return nullptr;
  return float32_array(field, v, length, shape).data;
}

float* Fields::output(Field field, double length, const char* shape, bool optional) const {
  const Napi::Value v = get(field);
  if (optional && (v.IsUndefined() || v.IsNull())) return nullptr;
  return float32_array(field, v, length, shape).data;
}

const int32_t* Fields::lengths(Field field, int64_t count, int64_t max) const {
  const Napi::Value v = get(field);
  if (v.IsUndefined() || v.IsNull()) return nullptr;
  const std::string expected = "an Int32Array or an array of numbers of length B = " + std::to_string(count);
  const bool is_list = v.IsArray() || v.IsTypedArray();  // a DataView is neither
  if (!is_list) args_.type_error(field.label, expected, v);
  const int64_t size = v.IsArray() ? v.As<Napi::Array>().Length() : v.As<Napi::TypedArray>().ElementLength();
  if (size != count) args_.range_error(field.label, expected, v);
  const std::string in_range = "an integer in [0, " + std::to_string(max) + "]";
  const auto element_name = [&](int64_t b) { return std::string(field.label) + "[" + std::to_string(b) + "]"; };

  if (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_int32_array) {
    const int32_t* data = v.As<Napi::Int32Array>().Data();
    for (int64_t b = 0; b < count; ++b) {
      if (data[b] < 0 || data[b] > max) args_.range_error(element_name(b), in_range, std::to_string(data[b]));
    }
    return data;
  }
  // Any other list: element by element, as the public API reads it (a bigint counts as its number).
  const Napi::Object list = v.As<Napi::Object>();
  lengths_copy_.assign(static_cast<size_t>(count), 0);
  for (int64_t b = 0; b < count; ++b) {
    Napi::Value e = list.Get(static_cast<uint32_t>(b));
    if (e.IsBigInt()) {
      bool lossless = false;
      e = Napi::Number::New(args_.env(), static_cast<double>(e.As<Napi::BigInt>().Int64Value(&lossless)));
    }
    if (!e.IsNumber()) args_.type_error(element_name(b), in_range, e);
    const double d = e.As<Napi::Number>().DoubleValue();
    if (!(d >= 0 && d <= double(max) && std::floor(d) == d)) args_.range_error(element_name(b), in_range, e);
    lengths_copy_[static_cast<size_t>(b)] = static_cast<int32_t>(d);
  }
  return lengths_copy_.data();
}

}  // namespace sg::binding
