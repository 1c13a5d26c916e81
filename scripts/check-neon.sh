#!/usr/bin/env bash
# Cross-compiles the standalone native checks for arm64 and runs them under qemu, so that the NEON code is tested on
# an x86-64 machine: test/native/sgemm_check.cc (every sgemm microkernel against float64) and
# test/native/recurrent_check.cc (the recurrent kernels of every ISA against the scalar ones) and
# test/native/optim_check.cc (the optimizer and clipping kernels of every ISA against the scalar ones) and
# test/native/layers_check.cc (the activation and layer-norm kernels of every ISA against the scalar ones). Needs
# g++-aarch64-linux-gnu and qemu-user (CI installs them). Usage: scripts/check-neon.sh [sgemm cases]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
core="native/cpu/*.cc native/gemm/*.cc native/threads/thread_pool.cc"
flags="-std=c++17 -O2 -Wall -Wextra -static -pthread -Inative"
# shellcheck disable=SC2086
aarch64-linux-gnu-g++ $flags test/native/sgemm_check.cc $core -o "$out/sgemm_check"
# shellcheck disable=SC2086
aarch64-linux-gnu-g++ $flags test/native/recurrent_check.cc native/rnn/*.cc native/ops/*.cc native/kernels/*.cc $core -o "$out/recurrent_check"
# shellcheck disable=SC2086
aarch64-linux-gnu-g++ $flags test/native/optim_check.cc native/rnn/*.cc native/ops/*.cc native/kernels/*.cc $core -o "$out/optim_check"
# shellcheck disable=SC2086
aarch64-linux-gnu-g++ $flags test/native/layers_check.cc native/rnn/*.cc native/ops/*.cc native/kernels/*.cc $core -o "$out/layers_check"
qemu-aarch64 "$out/sgemm_check" "${1:-60}"
qemu-aarch64 "$out/recurrent_check"
qemu-aarch64 "$out/optim_check"
qemu-aarch64 "$out/layers_check"
