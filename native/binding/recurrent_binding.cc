// rnnForward/rnnBackward, lstmForward/lstmBackward, gruForward/gruBackward({...}).
//
// Each recurrent function takes one object whose fields are those of src/backend/recurrent-calls.ts: dimensions T,
// B, I, H; inputs; outputs, which the caller allocates; and the forward pass's saved buffers. Every field's type and
// length is checked here again, with the messages of src/kernels/recurrent.ts, before anything runs. Shapes and
// semantics: native/rnn/recurrent.h.
#include <functional>
#include <initializer_list>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "binding/args.h"
#include "binding/bindings.h"
#include "kernels/kernels.h"
#include "rnn/recurrent.h"
#include "runtime.h"

namespace sg::binding {

namespace {

constexpr int64_t kMaxSize = 2147483647;

struct Common {
  rnn::Dims d;
  std::string g;  // "4*" for LSTM: the gate count as it appears in shapes ("" for RNN)
  double TBI, TBH, BH, GHI, GHH, GH;
};

// Every buffer size must fit in 2^53 - 1 (exact in a double, and far beyond any real array): checked with the exact
// product, so that the message never prints a rounded size.
void check_size(const Fields& f, const std::string& name, std::initializer_list<int64_t> factors) {
  constexpr unsigned __int128 kMax = 9007199254740991;
  unsigned __int128 product = 1;
  for (int64_t x : factors) product *= static_cast<unsigned __int128>(x);  // each factor < 2^32: no overflow
  if (product <= kMax) return;
  std::string digits;
  for (unsigned __int128 p = product; p > 0; p /= 10) digits.insert(digits.begin(), char('0' + int(p % 10)));
  f.range_error(name, "at most 9007199254740991", digits);
}

// The dimensions; a backward pass takes them from the saved state, so the public API names them "saved.T" etc.
Common read_common(const Fields& f, int gates, bool backward = false) {
  Common c;
  c.d.T = f.integer({"T", backward ? "saved.T" : "T"}, 1, kMaxSize);
  c.d.B = f.integer({"B", backward ? "saved.B" : "B"}, 1, kMaxSize);
  c.d.I = f.integer({"I", backward ? "saved.I" : "I"}, 1, kMaxSize);
  c.d.H = f.integer({"H", backward ? "saved.H" : "H"}, 1, kMaxSize);
  c.g = gates == 1 ? "" : std::to_string(gates) + "*";
  const int64_t T = c.d.T, B = c.d.B, I = c.d.I, H = c.d.H;
  check_size(f, "T*B*I", {T, B, I});
  check_size(f, "(T+1)*B*H", {T + 1, B, H});
  check_size(f, "T*B*" + c.g + "H", {T, B, gates, H});
  check_size(f, c.g + "H*I", {gates, H, I});
  check_size(f, c.g + "H*H", {gates, H, H});
  // Below 2^53 these products are exact in double, which is how the length checks compare them.
  const double dT = double(T), dB = double(B), dI = double(I), dH = double(H), G = double(gates);
  c.TBI = dT * dB * dI, c.TBH = dT * dB * dH, c.BH = dB * dH, c.GHI = G * dH * dI, c.GHH = G * dH * dH, c.GH = G * dH;
  return c;
}

std::string shape(const Common& c, const char* rest) {
  return c.g + rest;
}

// The fields every forward pass has (the ForwardCommon part of a cell's arguments).
void read_forward(const Fields& f, const Common& c, rnn::ForwardCommon* a) {
  a->d = c.d;
  a->x = f.input("x", c.TBI, "T*B*I");
  a->w_ih = f.input("wIh", c.GHI, shape(c, "H*I").c_str());
  a->w_hh = f.input("wHh", c.GHH, shape(c, "H*H").c_str());
  a->b_ih = f.input("bIh", c.GH, shape(c, "H").c_str());
  a->b_hh = f.input("bHh", c.GH, shape(c, "H").c_str());
  a->h0 = f.input("h0", c.BH, "B*H", /*optional=*/true);
  a->lengths = f.lengths("lengths", c.d.B, c.d.T);
  a->y = f.output("y", c.TBH, "T*B*H");
  a->h_n = f.output("hT", c.BH, "B*H");
  a->h = f.output("h", c.TBH + c.BH, "(T+1)*B*H");
}

// The fields every backward pass has (BackwardCommon), named in messages as the public API nests them: the forward
// pass's saved state under "saved.", the weight gradients under "grads.".
void read_backward(const Fields& f, const Common& c, rnn::BackwardCommon* a) {
  a->d = c.d;
  a->x = f.input("x", c.TBI, "T*B*I");
  a->w_ih = f.input("wIh", c.GHI, shape(c, "H*I").c_str());
  a->w_hh = f.input("wHh", c.GHH, shape(c, "H*H").c_str());
  a->lengths = f.lengths({"lengths", "saved.lengths"}, c.d.B, c.d.T);
  a->h = f.output({"h", "saved.h"}, c.TBH + c.BH, "(T+1)*B*H");
  a->dy = f.input("dy", c.TBH, "T*B*H", /*optional=*/true);
  a->dh_n = f.input("dhT", c.BH, "B*H", /*optional=*/true);
  a->dx = f.output("dx", c.TBI, "T*B*I");
  a->dh0 = f.output("dh0", c.BH, "B*H");
  a->dw_ih = f.output({"dWIh", "grads.wIh"}, c.GHI, shape(c, "H*I").c_str());
  a->dw_hh = f.output({"dWHh", "grads.wHh"}, c.GHH, shape(c, "H*H").c_str());
  a->db_ih = f.output({"dBIh", "grads.bIh"}, c.GH, shape(c, "H").c_str());
  a->db_hh = f.output({"dBHh", "grads.bHh"}, c.GH, shape(c, "H").c_str());
  a->dh_norms = f.output("dhNorms", double(c.d.T), "T", /*optional=*/true);
}

rnn::Activation activation(const Fields& f, bool backward) {
  const Field field{"activation", backward ? "saved.activation" : "activation"};
  return f.choice(field, {"tanh", "relu"}) == 0 ? rnn::Activation::tanh : rnn::Activation::relu;
}

// Each call's fields, read and checked: the work a kernel call does, as a function of the Job it runs with. The
// pointers it holds belong to the call object's typed arrays, which the caller keeps alive until it has run.
using Work = std::function<void(const Job&)>;

// The Work for the kernel arguments `a`. Lengths given as a plain array are a copy that lives in the Fields they were
// read with, so the Work keeps its own copy of them.
template <class A, class Kernel>
Work make_work(A a, Kernel kernel) {
  std::shared_ptr<std::vector<int32_t>> lengths;
  if (a.lengths != nullptr) {
    lengths = std::make_shared<std::vector<int32_t>>(a.lengths, a.lengths + a.d.B);
    a.lengths = lengths->data();
  }
  return [a, lengths, kernel](const Job& job) { kernel(job, a); };
}

Work read_rnn_forward(const Fields& f) {
  rnn::RnnForward a{};
  const Common c = read_common(f, 1);
  a.act = activation(f, /*backward=*/false);
  read_forward(f, c, &a);
  return make_work(a, [](const Job& job, const auto& args) { kernels_for(job.isa).rnn_forward(job, args); });
}

Work read_rnn_backward(const Fields& f) {
  rnn::RnnBackward a{};
  const Common c = read_common(f, 1, /*backward=*/true);
  a.act = activation(f, /*backward=*/true);
  read_backward(f, c, &a);
  return make_work(a, [](const Job& job, const auto& args) { kernels_for(job.isa).rnn_backward(job, args); });
}

Work read_lstm_forward(const Fields& f) {
  const Common c = read_common(f, 4);
  rnn::LstmForward a{};
  read_forward(f, c, &a);
  a.c0 = f.input("c0", c.BH, "B*H", /*optional=*/true);
  a.c_n = f.output("cT", c.BH, "B*H");
  a.gates = f.output("gates", 4 * c.TBH, "T*B*4*H");
  a.c = f.output("c", c.TBH + c.BH, "(T+1)*B*H");
  return make_work(a, [](const Job& job, const auto& args) { kernels_for(job.isa).lstm_forward(job, args); });
}

Work read_lstm_backward(const Fields& f) {
  const Common c = read_common(f, 4, /*backward=*/true);
  rnn::LstmBackward a{};
  read_backward(f, c, &a);
  a.gates = f.output({"gates", "saved.gates"}, 4 * c.TBH, "T*B*4*H");
  a.c = f.output({"c", "saved.c"}, c.TBH + c.BH, "(T+1)*B*H");
  a.dc_n = f.input("dcT", c.BH, "B*H", /*optional=*/true);
  a.dc0 = f.output("dc0", c.BH, "B*H");
  return make_work(a, [](const Job& job, const auto& args) { kernels_for(job.isa).lstm_backward(job, args); });
}

Work read_gru_forward(const Fields& f) {
  const Common c = read_common(f, 3);
  rnn::GruForward a{};
  a.reset_after = f.boolean("resetAfter");
  read_forward(f, c, &a);
  a.gates = f.output("gates", 3 * c.TBH, "T*B*3*H");
  a.hn = f.output("hn", c.TBH, "T*B*H");
  return make_work(a, [](const Job& job, const auto& args) { kernels_for(job.isa).gru_forward(job, args); });
}

Work read_gru_backward(const Fields& f) {
  const Common c = read_common(f, 3, /*backward=*/true);
  rnn::GruBackward a{};
  a.reset_after = f.boolean({"resetAfter", "saved.resetAfter"});
  read_backward(f, c, &a);
  a.gates = f.output({"gates", "saved.gates"}, 3 * c.TBH, "T*B*3*H");
  a.hn = f.output({"hn", "saved.hn"}, c.TBH, "T*B*H");
  return make_work(a, [](const Job& job, const auto& args) { kernels_for(job.isa).gru_backward(job, args); });
}

// Runs a recurrent call on the calling thread.
Napi::Value run_now(const Napi::CallbackInfo& info, const char* function, Work (*read)(const Fields&)) {
  const Work work = read(Fields(info, function));
  return run_job(info, function, [&](const Job& job) { work(job); });
}

// A recurrent call run on a libuv worker thread; its promise settles on the main thread. The call object stays
// referenced until then, so its typed arrays cannot be collected while the kernel uses them.
class RecurrentWorker : public Napi::AsyncWorker {
 public:
  RecurrentWorker(Napi::Env env, const Napi::Object& call, Work work, std::string function)
      : Napi::AsyncWorker(env, "steadygrad.recurrentAsync"),
        deferred_(Napi::Promise::Deferred::New(env)),
        call_(Napi::Persistent(call)),
        work_(std::move(work)),
        function_(std::move(function)),
        job_(Runtime::instance().job()) {}

  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute() override {
    try {
      work_(job_);
    } catch (const std::bad_alloc&) {
      SetError(function_ + ": out of memory");
    }
  }
  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference call_;
  Work work_;
  std::string function_;
  Job job_;
};

}  // namespace

Napi::Value RnnForward(const Napi::CallbackInfo& info) {
  return run_now(info, "rnnForward", read_rnn_forward);
}
Napi::Value RnnBackward(const Napi::CallbackInfo& info) {
  return run_now(info, "rnnBackward", read_rnn_backward);
}
Napi::Value LstmForward(const Napi::CallbackInfo& info) {
  return run_now(info, "lstmForward", read_lstm_forward);
}
Napi::Value LstmBackward(const Napi::CallbackInfo& info) {
  return run_now(info, "lstmBackward", read_lstm_backward);
}
Napi::Value GruForward(const Napi::CallbackInfo& info) {
  return run_now(info, "gruForward", read_gru_forward);
}
Napi::Value GruBackward(const Napi::CallbackInfo& info) {
  return run_now(info, "gruBackward", read_gru_backward);
}

// recurrentAsync(call, op) -> Promise<void>: the recurrent op named `op` ('lstmForward', ...) on `call`, checked here
// on the main thread and run on a libuv worker thread, so that a long kernel does not block the event loop. The
// caller must not touch the call's arrays until the promise settles. Bad arguments throw at once (nothing is queued).
Napi::Value RecurrentAsync(const Napi::CallbackInfo& info) {
  Args args(info, "recurrentAsync");
  static const struct {
    const char* name;
    Work (*read)(const Fields&);
  } kOps[] = {
      {"rnnForward", read_rnn_forward},     {"rnnBackward", read_rnn_backward}, {"lstmForward", read_lstm_forward},
      {"lstmBackward", read_lstm_backward}, {"gruForward", read_gru_forward},   {"gruBackward", read_gru_backward},
  };
  const char* expected =
      "one of 'rnnForward', 'rnnBackward', 'lstmForward', 'lstmBackward', 'gruForward', 'gruBackward'";
  if (!info[1].IsString()) args.type_error("op", expected, info[1]);
  const std::string op = info[1].As<Napi::String>().Utf8Value();
  for (const auto& entry : kOps) {
    if (op != entry.name) continue;
    Work work = entry.read(Fields(info, entry.name));
    auto* worker = new RecurrentWorker(info.Env(), info[0].As<Napi::Object>(), std::move(work), entry.name);
    const Napi::Promise promise = worker->promise();
    worker->Queue();  // the worker deletes itself once it has settled the promise
    return promise;
  }
  args.range_error("op", expected, info[1]);
}

}  // namespace sg::binding
