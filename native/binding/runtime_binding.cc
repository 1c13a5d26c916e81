// configure(isa, threads), info(), setThreads(threads): the runtime's settings, seen from JavaScript.
#include "binding/args.h"
#include "binding/bindings.h"
#include "runtime.h"

#ifndef STEADYGRAD_VERSION
#define STEADYGRAD_VERSION "unknown"
#endif

namespace sg::binding {

// configure(isa: string | null, threads: number | null). null keeps the default (the best ISA; one thread per
// available core). Called once by the loader with STEADYGRAD_ISA and STEADYGRAD_THREADS.
Napi::Value Configure(const Napi::CallbackInfo& info) {
  Args args(info, "configure");
  Napi::Value isa_value = info[0];
  if (!isa_value.IsNull() && !isa_value.IsUndefined()) {
    if (!isa_value.IsString()) args.type_error("isa", "a string", isa_value);
    Isa isa;
    std::string error;
    if (!choose_isa(isa_value.As<Napi::String>().Utf8Value(), &isa, &error)) {
      throw Napi::RangeError::New(info.Env(), error);
    }
    Runtime::instance().set_isa(isa);
  }
  if (!info[1].IsNull() && !info[1].IsUndefined()) {
    Runtime::instance().set_threads(static_cast<int>(args.integer(1, "threads", 1, Runtime::kMaxThreads)));
  }
  return info.Env().Undefined();
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  Args args(info, "setThreads");
  Runtime::instance().set_threads(static_cast<int>(args.integer(0, "threads", 1, Runtime::kMaxThreads)));
  return info.Env().Undefined();
}

// info() -> { version, isa, isas, threads, cores, kernels: { sgemm, recurrent }, parallelRuns }
Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Job job = Runtime::instance().job();
  Napi::Object out = Napi::Object::New(env);
  out.Set("version", STEADYGRAD_VERSION);
  out.Set("isa", isa_name(job.isa));
  Napi::Array isas = Napi::Array::New(env);
  for (Isa isa : supported_isas()) isas.Set(isas.Length(), isa_name(isa));
  out.Set("isas", isas);
  out.Set("threads", job.pool->threads());
  out.Set("cores", Runtime::available_cores());
  Napi::Object kernels = Napi::Object::New(env);
  kernels.Set("sgemm", job.sgemm->name);
  kernels.Set("recurrent", std::string("recurrent_") + isa_name(job.isa));
  out.Set("kernels", kernels);
  out.Set("parallelRuns", static_cast<double>(job.pool->parallel_runs()));
  return out;
}

}  // namespace sg::binding
