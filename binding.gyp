{
  "targets": [
    {
      "target_name": "steadygrad",
      "sources": [
        "native/binding/addon.cc",
        "native/binding/args.cc",
        "native/binding/columns_binding.cc",
        "native/binding/gemm_binding.cc",
        "native/binding/recurrent_binding.cc",
        "native/binding/runtime_binding.cc",
        "native/cpu/isa.cc",
        "native/gemm/sgemm.cc",
        "native/gemm/sgemm_avx2.cc",
        "native/gemm/sgemm_avx512.cc",
        "native/gemm/sgemm_neon.cc",
        "native/gemm/sgemm_scalar.cc",
        "native/normalize/columns.cc",
        "native/rnn/recurrent_avx2.cc",
        "native/rnn/recurrent_avx512.cc",
        "native/rnn/recurrent_neon.cc",
        "native/rnn/recurrent_scalar.cc",
        "native/rnn/sequence.cc",
        "native/runtime.cc",
        "native/threads/thread_pool.cc"
      ],
      "include_dirs": ["native"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "defines": [
        "NAPI_VERSION=8",
        "STEADYGRAD_VERSION=\"<!(node -p \"require('./package.json').version\")\""
      ],
      "cflags_cc": ["-std=c++17", "-O3", "-fvisibility=hidden", "-Wall", "-Wextra"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++1y", "-O2"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "GCC_SYMBOLS_PRIVATE_EXTERN": "YES"
      }
    }
  ]
}
