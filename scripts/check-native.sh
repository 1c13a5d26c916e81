#!/usr/bin/env bash
# Builds the standalone native checks for this machine with AddressSanitizer + UndefinedBehaviorSanitizer and runs
# them: test/native/sgemm_check.cc (every sgemm microkernel this CPU runs against float64, and every packing plan,
# thread count and pre-packed B bit-identical to each other; plans are not reachable from JavaScript) and
# test/native/recurrent_check.cc (the recurrent kernels of every ISA against the scalar ones). When SIMDe
# (libsimde-dev) is installed, sgemm_check runs once more with the AVX-512 microkernel compiled on SIMDe's portable
# intrinsics (test/native/avx512-emulation.h), so its logic is checked on CPUs without AVX-512 too.
# Usage: scripts/check-native.sh [sgemm cases]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
core="native/cpu/*.cc native/gemm/*.cc native/threads/thread_pool.cc"
flags="-std=c++17 -O1 -g -Wall -Wextra -pthread -Inative -fsanitize=address,undefined -fno-sanitize-recover=undefined"
# shellcheck disable=SC2086
g++ $flags test/native/sgemm_check.cc $core -o "$out/sgemm_check"
# shellcheck disable=SC2086
g++ $flags test/native/recurrent_check.cc native/rnn/*.cc native/ops/*.cc native/kernels/*.cc $core -o "$out/recurrent_check"
ASAN_OPTIONS=detect_leaks=1 "$out/sgemm_check" "${1:-200}"
ASAN_OPTIONS=detect_leaks=1 "$out/recurrent_check"
if [ -f /usr/include/simde/x86/avx512.h ]; then
  # shellcheck disable=SC2086
  g++ $flags -Wno-psabi -Itest/native -DSTEADYGRAD_AVX512_EMULATION='"avx512-emulation.h"' test/native/sgemm_check.cc $core \
    -o "$out/sgemm_check_avx512_emulated"
  ASAN_OPTIONS=detect_leaks=1 "$out/sgemm_check_avx512_emulated" "${1:-200}"
else
  echo "check-native: SIMDe not installed (libsimde-dev): the AVX-512 kernel is not emulated"
fi
