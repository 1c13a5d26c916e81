{
  "targets": [
    {
      "target_name": "steadygrad",
      "sources": ["<!@(node scripts/native-sources.js)"],
      "include_dirs": ["native"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "defines": [
        "NAPI_VERSION=8",
        "STEADYGRAD_VERSION=\"<!(node -p \"require('./package.json').version\")\""
      ],
      "cflags_cc": ["-std=c++17", "-O3", "-fvisibility=hidden", "-Wall", "-Wextra", "-fno-math-errno"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++1y", "-O2"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "GCC_SYMBOLS_PRIVATE_EXTERN": "YES"
      }
    }
  ]
}
