// Argument checking for the N-API layer.
//
// The native layer never trusts JavaScript: every function re-checks what the TypeScript layer already checked,
// and throws the same TypeError (wrong type) or RangeError (bad value) with the same message, built as
//   "<function>: <argument> must be <expectation>, received <what was passed>"
// The "received" part is describe(value), which matches describe() in src/validate.ts.
#pragma once

#include <napi.h>

#include <cstdint>
#include <initializer_list>
#include <new>
#include <string>
#include <vector>

#include "runtime.h"

namespace sg::binding {

constexpr int64_t kMaxDim = 2147483647;                // 2^31 - 1: largest M, N, K, leading dimension
constexpr int64_t kMaxSafeInteger = 9007199254740991;  // 2^53 - 1: largest offset

std::string describe(const Napi::Value& value);

// A Float32Array argument: where its elements start (its byteOffset applied) and how many it has.
struct Float32View {
  float* data;
  int64_t length;
  Napi::Value value;
};

class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* function);

  // true/false, or 'T'/'N' (BLAS style).
  bool transpose(size_t i, const char* name) const;
  // An integer number in [lo, hi]; `why`, if given, explains the lower bound, e.g. "at least N".
  int64_t integer(size_t i, const char* name, int64_t lo, int64_t hi, const char* why = nullptr) const;
  // A finite number, narrowed to float.
  float finite_float(size_t i, const char* name) const;
  Float32View float32_array(size_t i, const char* name) const;
  // The same checks on a value that is not a positional argument (a field of an object argument); `expected` is
  // what a type error says the value must be.
  int64_t integer_value(const Napi::Value& v, const std::string& name, int64_t lo, int64_t hi,
                        const char* why = nullptr) const;
  Float32View float32_value(const Napi::Value& v, const std::string& name, const std::string& expected) const;

  // Checks that `view` holds a rows x cols matrix with row stride ld, starting `offset` elements in.
  void check_matrix_length(const Float32View& view, const char* name, int64_t rows, int64_t cols, int64_t ld,
                           int64_t offset, const char* ld_name, const char* offset_name) const;
  // Checks that the elements [offset_a, offset_a + length_a) of `a` and those of `b` do not share memory.
  void check_no_overlap(const Float32View& a, const char* a_name, int64_t offset_a, int64_t length_a,
                        const Float32View& b, const char* b_name, int64_t offset_b, int64_t length_b) const;

  [[noreturn]] void type_error(const std::string& name, const std::string& expected, const Napi::Value& v) const;
  [[noreturn]] void range_error(const std::string& name, const std::string& expected, const Napi::Value& v) const;
  [[noreturn]] void range_error(const std::string& name, const std::string& expected,
                                const std::string& received) const;

  Napi::Env env() const { return info_.Env(); }
  Napi::Value operator[](size_t i) const { return info_[i]; }

 private:
  const Napi::CallbackInfo& info_;
  std::string function_;
};

// The number of elements a rows x cols matrix with row stride ld occupies from its first element (0 if empty).
int64_t matrix_span(int64_t rows, int64_t cols, int64_t ld);

// A field of the one object argument: its key, and the name messages give it. The public API nests some fields that
// the backend call holds flat ("saved.h" for h, "grads.wIh" for dWIh); messages use the public name, so that both
// layers say the same thing about the same mistake.
struct Field {
  const char* key;
  const char* label;
  Field(const char* key) : key(key), label(key) {}  // NOLINT(google-explicit-constructor): a plain name converts
  Field(const char* key, const char* label) : key(key), label(label) {}
};

// The named fields of the one object argument the recurrent kernels take. Same messages as Args, with the field's
// label as the argument's name ("lstmForward: wHh must be ...").
class Fields {
 public:
  Fields(const Napi::CallbackInfo& info, const char* function);

  int64_t integer(Field field, int64_t lo, int64_t hi) const;
  bool boolean(Field field) const;
  // One of `choices` (a string field); returns its index.
  int choice(Field field, std::initializer_list<const char*> choices) const;
  // A Float32Array of exactly `length` elements (`shape` spells the length out, e.g. "T*B*I"). An optional field
  // may be absent (undefined or null): then it returns nullptr. Values are not scanned: NaN cannot make a kernel
  // read out of bounds, and finiteness is checked where data enters (the public API, a model's fit), not per call.
  const float* input(Field field, double length, const char* shape, bool optional = false) const;
  // An output buffer; an optional one may be absent (undefined or null), and then it returns nullptr.
  float* output(Field field, double length, const char* shape, bool optional = false) const;
  // Per-example lengths, or nullptr when absent: `count` integers in [0, max], as an Int32Array (used in place) or
  // an array or other typed array of numbers (copied into storage this object owns), as the public API accepts.
  const int32_t* lengths(Field field, int64_t count, int64_t max) const;

  [[noreturn]] void range_error(const std::string& name, const std::string& expected,
                                const std::string& received) const {
    args_.range_error(name, expected, received);
  }

 private:
  Napi::Value get(Field field) const { return object_.Get(field.key); }
  Float32View float32_array(Field field, const Napi::Value& v, double length, const char* shape) const;

  Args args_;
  Napi::Object object_;
  mutable std::vector<int32_t> lengths_copy_;
};

// Runs fn(job) on a snapshot of the runtime and returns undefined; a failed allocation becomes a JavaScript Error
// naming `function`, never a crash.
template <class Fn>
Napi::Value run_job(const Napi::CallbackInfo& info, const char* function, Fn fn) {
  try {
    fn(Runtime::instance().job());
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(info.Env(), std::string(function) + ": out of memory");
  }
  return info.Env().Undefined();
}

}  // namespace sg::binding
