# OpenBLAS sgemm through numpy, on the shapes given as arguments, for `npm run bench -- --only gemm`.
# usage: OPENBLAS_NUM_THREADS=1 [OPENBLAS_CORETYPE=Haswell] python3 bench/openblas_gemm.py NN:128:256:784 TN:784:256:128
# Each argument is op:M:N:K with op one of NN, NT, TN, TT (transposes of A and B, row-major as in steadygrad's
# sgemm). numpy hands a transposed view to BLAS as a transpose flag, without copying, and writes into a
# preallocated C, so the time is OpenBLAS's plus numpy's call overhead (about a microsecond).
# Prints one line of OpenBLAS's version and kernel, then one line per shape: "op M N K gflops=<median>".
import ctypes
import glob
import os
import sys
import time

import numpy as np


def openblas_info():
    """OpenBLAS's version and the kernel it runs (its 'core'), read from the library numpy loaded."""
    roots = [os.path.dirname(np.__file__), os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs")]
    for root in roots:
        for lib in glob.glob(os.path.join(root, "**", "*openblas*.so*"), recursive=True):
            try:
                handle = ctypes.CDLL(lib)
            except OSError:
                continue
            found = {}
            for key, names in [("core", ["openblas_get_corename", "openblas_get_corename64_", "scipy_openblas_get_corename64_"]),
                               ("config", ["openblas_get_config", "openblas_get_config64_", "scipy_openblas_get_config64_"])]:
                for name in names:
                    fn = getattr(handle, name, None)
                    if fn is not None:
                        fn.restype = ctypes.c_char_p
                        found[key] = fn().decode()
                        break
            if found:
                return found.get("config", "OpenBLAS"), found.get("core", "unknown")
    return "unknown BLAS", "unknown"


def gflops(op, m, n, k):
    rng = np.random.default_rng(0)
    a = rng.random((k, m) if op[0] == "T" else (m, k), dtype=np.float32)
    b = rng.random((n, k) if op[1] == "T" else (k, n), dtype=np.float32)
    a_op = a.T if op[0] == "T" else a
    b_op = b.T if op[1] == "T" else b
    c = np.empty((m, n), dtype=np.float32)
    flop = 2.0 * m * n * k
    reps = max(1, int(2e7 / flop))  # about 2e7 flop (a fraction of a millisecond to a few) per sample
    np.matmul(a_op, b_op, out=c)
    samples = []
    deadline = time.perf_counter() + 0.3
    while len(samples) < 5 or time.perf_counter() < deadline:
        t = time.perf_counter()
        for _ in range(reps):
            np.matmul(a_op, b_op, out=c)
        samples.append((time.perf_counter() - t) / reps)
    samples.sort()
    return flop / samples[len(samples) // 2] / 1e9


config, core = openblas_info()
print(f"openblas {config.strip()} core={core}", flush=True)
for spec in sys.argv[1:]:
    op, m, n, k = spec.split(":")
    print(f"{op} {m} {n} {k} gflops={gflops(op, int(m), int(n), int(k)):.2f}", flush=True)
