#!/usr/bin/env bash
# Cross-compiles the standalone sgemm check (test/native/sgemm_check.cc) for arm64 and runs it under qemu, so that
# the NEON microkernel is tested on an x86-64 machine. Needs g++-aarch64-linux-gnu and qemu-user (CI installs
# them). Usage: scripts/check-neon.sh [cases]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
aarch64-linux-gnu-g++ -std=c++17 -O2 -Wall -Wextra -static -pthread -Inative \
  test/native/sgemm_check.cc native/cpu/isa.cc native/gemm/*.cc native/threads/thread_pool.cc -o "$out/sgemm_check"
qemu-aarch64 "$out/sgemm_check" "${1:-60}"
