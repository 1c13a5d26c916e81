#!/usr/bin/env bash
# Builds bench/native/gemm_vs_openblas.cc against this tree's GEMM and runs it against the OpenBLAS library that
# python3's numpy loads (OPENBLAS_CORETYPE=Haswell picks OpenBLAS's AVX2 kernel, as the bench does for ours).
# Usage: bench/native/gemm-vs-openblas.sh [op:M:N:K ...]        env: STEADYGRAD_ISA, ROUNDS, OPENBLAS_CORETYPE
set -euo pipefail
cd "$(dirname "$0")/../.."
lib=$(python3 -c 'import glob, os, numpy
roots = [os.path.dirname(numpy.__file__), os.path.join(os.path.dirname(numpy.__file__), os.pardir, "numpy.libs")]
print(next(iter(sorted(f for r in roots for f in glob.glob(os.path.join(r, "**", "*openblas*.so*"), recursive=True))), ""))')
if [ -z "$lib" ]; then echo "gemm-vs-openblas: no OpenBLAS library found next to python3's numpy" >&2; exit 1; fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# shellcheck disable=SC2046
g++ -std=c++17 -O3 -DNDEBUG -pthread -Inative bench/native/gemm_vs_openblas.cc native/cpu/*.cc native/gemm/*.cc \
  native/threads/thread_pool.cc -o "$out/gemm_vs_openblas" -ldl
"$out/gemm_vs_openblas" "$lib" "$@"
