using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using WeightInit.LinearAlgebra;

namespace WeightInit.Cli.Benchmarking;

/// <summary>One GEMM measurement: C ← A·B, n × n float32, at a thread count, beside NumPy's (OpenBLAS sgemm) at the same thread count.</summary>
/// <param name="N">Matrix side.</param>
/// <param name="Threads">Threads for both libraries.</param>
/// <param name="GFlops">WeightInit's rate, 2n³ flops over the best time.</param>
/// <param name="NumpyGFlops">NumPy's rate, or null when it could not be measured.</param>
/// <param name="Ratio">WeightInit / NumPy, or null.</param>
/// <param name="NumpyNote">NumPy's version and BLAS, or why it was not measured.</param>
internal sealed record GemmBenchRow(int N, int Threads, double GFlops, double? NumpyGFlops, double? Ratio, string NumpyNote);

/// <summary><c>weightinit bench --gemm</c>: square float32 GEMM GFLOP/s of <see cref="Gemm"/> against NumPy's matmul (OpenBLAS sgemm) at 1 and 2 threads.</summary>
/// <remarks>Each case is warmed up (one call, then calls for the warm-up time), then timed over the repetitions; the best time counts.
/// NumPy runs in a fresh interpreter per thread count with OPENBLAS_NUM_THREADS set before the import (OpenBLAS reads it once).</remarks>
internal static class GemmBench
{
    private const string Script = """
        import json, os, sys, time
        n, reps, warm = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
        import numpy as np
        rng = np.random.default_rng(1)
        a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
        b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
        c = np.empty((n, n), dtype=np.float32)
        np.matmul(a, b, out=c)
        end = time.perf_counter() + warm
        while time.perf_counter() < end:
            np.matmul(a, b, out=c)
        best = float("inf")
        for _ in range(reps):
            t = time.perf_counter()
            np.matmul(a, b, out=c)
            best = min(best, time.perf_counter() - t)
        blas = sorted({line.split()[-1].rsplit("/", 1)[-1] for line in open("/proc/self/maps") if "blas" in line.lower() and "/" in line})
        print(json.dumps({"seconds": best, "version": np.__version__, "blas": blas}))
        """;

    /// <summary>Measures every size at every thread count.</summary>
    public static List<GemmBenchRow> Run(IReadOnlyList<int> sizes, IReadOnlyList<int> threads, int repetitions, double warmUpSeconds, string python, Action<string> progress)
    {
        var rows = new List<GemmBenchRow>();
        foreach (int n in sizes)
            foreach (int t in threads)
            {
                progress($"gemm {n}³, {t} thread(s)");
                double seconds = TimeOurs(n, t, repetitions, warmUpSeconds);
                double flops = 2.0 * n * n * n;
                var (numpySeconds, note) = TimeNumpy(python, n, t, repetitions, warmUpSeconds);
                double ours = flops / seconds / 1e9;
                double? theirs = numpySeconds is { } s ? flops / s / 1e9 : null;
                rows.Add(new GemmBenchRow(n, t, ours, theirs, theirs is { } r ? ours / r : null, note));
            }
        return rows;
    }

    private static double TimeOurs(int n, int threads, int repetitions, double warmUpSeconds)
    {
        var random = new System.Random(1);
        var a = new float[n * n];
        var b = new float[n * n];
        var c = new float[n * n];
        for (int i = 0; i < a.Length; i++) { a[i] = (float)(2 * random.NextDouble() - 1); b[i] = (float)(2 * random.NextDouble() - 1); }
        void Call() => Gemm.Multiply(Transpose.None, Transpose.None, n, n, n, 1f, a, n, b, n, 0f, c, n, threads);
        Call();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < warmUpSeconds) Call();
        double best = double.PositiveInfinity;
        for (int r = 0; r < repetitions; r++)
        {
            long start = Stopwatch.GetTimestamp();
            Call();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return best;
    }

    /// <summary>Debian's OpenBLAS (pthread build) directory holding its libblas.so.3, or null.</summary>
    private static string? OpenBlasDirectory()
    {
        if (!Directory.Exists("/usr/lib")) return null;
        return Directory.EnumerateDirectories("/usr/lib").Select(d => Path.Combine(d, "openblas-pthread"))
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "libblas.so.3")));
    }

    private static (double? Seconds, string Note) TimeNumpy(string python, int n, int threads, int repetitions, double warmUpSeconds)
    {
        string count = threads.ToString(CultureInfo.InvariantCulture);
        var environment = new Dictionary<string, string> { ["OPENBLAS_NUM_THREADS"] = count, ["OMP_NUM_THREADS"] = count, ["MKL_NUM_THREADS"] = count };
        // Debian's NumPy loads libblas.so.3, whichever implementation the alternatives system selects (reference BLAS
        // unless OpenBLAS is chosen); put OpenBLAS's copy first when libopenblas0-pthread is installed.
        if (OpenBlasDirectory() is { } openblas)
            environment["LD_LIBRARY_PATH"] = openblas + (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") is { Length: > 0 } old ? ":" + old : "");
        var run = PythonScript.Run(python, Script,
            [n.ToString(CultureInfo.InvariantCulture), repetitions.ToString(CultureInfo.InvariantCulture), warmUpSeconds.ToString("R", CultureInfo.InvariantCulture)],
            environment, TimeSpan.FromMinutes(5));
        if (run.Output is null) return (null, $"numpy: {run.Problem}");
        try
        {
            using var doc = JsonDocument.Parse(run.Output);
            var root = doc.RootElement;
            string blas = string.Join(", ", root.GetProperty("blas").EnumerateArray().Select(e => e.GetString()));
            return (root.GetProperty("seconds").GetDouble(), $"numpy {root.GetProperty("version").GetString()} ({(blas.Length == 0 ? "no BLAS library found in the process maps" : blas)})");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return (null, $"{e.GetType().Name}: {e.Message}");
        }
    }
}
