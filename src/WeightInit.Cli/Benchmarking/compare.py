"""Times NumPy or PyTorch fills for `weightinit bench --compare`; prints one JSON object on stdout.

Usage: compare.py LIBRARY SIZE THREADS REPETITIONS DTYPE   (LIBRARY: numpy | torch; DTYPE: f32 | f64 | f16 | bf16)
Each case: one warm-up call, then the best of REPETITIONS timed calls (time.perf_counter), on a buffer filled once
before timing so that its pages are touched. A case that fails reports its error instead of a time.
"""
import json
import sys
import time

ORTHOGONAL_SIZE = 2048


def best_of(fn, repetitions):
    fn()
    best = float("inf")
    for _ in range(repetitions):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def case(name, call, elements, fn, repetitions):
    try:
        return {"case": name, "call": call, "elements": elements, "seconds": best_of(fn, repetitions), "error": None}
    except Exception as e:  # report and go on: one unsupported dtype must not hide the other cases
        return {"case": name, "call": call, "elements": elements, "seconds": None, "error": f"{type(e).__name__}: {e}"}


def numpy_cases(n, threads, repetitions, dtype):
    import numpy as np
    notes = ["NumPy's Generator is single-threaded"]
    np_dtype = {"f32": np.float32, "f64": np.float64}.get(dtype)
    if np_dtype is None:
        np_dtype = np.float32
        notes.append(f"NumPy's Generator has no {dtype} output: float32 measured")
    rng = np.random.default_rng(0)  # PCG64
    buf = np.empty(n, dtype=np_dtype)
    buf.fill(0)
    name = np.dtype(np_dtype).name
    results = [
        case("memset", "buf.fill(0)", n, lambda: buf.fill(0), repetitions),
        case("uniform", f"rng.random(dtype={name}, out=buf)", n, lambda: rng.random(dtype=np_dtype, out=buf), repetitions),
        case("normal", f"rng.standard_normal(dtype={name}, out=buf)", n, lambda: rng.standard_normal(dtype=np_dtype, out=buf), repetitions),
    ]
    return {"library": "numpy", "version": np.__version__, "threads": 1, "dtype": "f64" if np_dtype is np.float64 else "f32",
            "note": "; ".join(notes), "results": results}


def torch_cases(n, threads, repetitions, dtype):
    import torch
    torch.set_num_threads(threads)
    torch_dtype = {"f32": torch.float32, "f64": torch.float64, "f16": torch.float16, "bf16": torch.bfloat16}[dtype]
    t = torch.empty(n, dtype=torch_dtype)
    t.zero_()
    w = torch.empty(ORTHOGONAL_SIZE, ORTHOGONAL_SIZE, dtype=torch.float32)
    w.zero_()
    results = [
        case("memset", "t.zero_()", n, lambda: t.zero_(), repetitions),
        case("uniform", "t.uniform_()", n, lambda: t.uniform_(), repetitions),
        case("normal", "t.normal_()", n, lambda: t.normal_(), repetitions),
        case("truncated_normal", "torch.nn.init.trunc_normal_(t)", n, lambda: torch.nn.init.trunc_normal_(t), repetitions),
        case("orthogonal", f"torch.nn.init.orthogonal_(w) on {ORTHOGONAL_SIZE}x{ORTHOGONAL_SIZE} float32", ORTHOGONAL_SIZE * ORTHOGONAL_SIZE,
             lambda: torch.nn.init.orthogonal_(w), min(repetitions, 3)),
    ]
    return {"library": "torch", "version": torch.__version__, "threads": torch.get_num_threads(), "dtype": dtype,
            "note": None, "results": results}


def main():
    library, n, threads, repetitions, dtype = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    run = {"numpy": numpy_cases, "torch": torch_cases}[library]
    try:
        report = run(n, threads, repetitions, dtype)
    except ImportError as e:
        report = {"library": library, "version": None, "threads": None, "dtype": None, "note": f"not importable: {e}", "results": []}
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
