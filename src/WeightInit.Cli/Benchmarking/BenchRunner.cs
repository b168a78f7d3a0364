using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using WeightInit.IO;
using WeightInit.Initializers;
using WeightInit.Numerics;
using WeightInit.Random;
using WeightInit.Sampling;
using WeightInit.Shapes;

namespace WeightInit.Cli.Benchmarking;

/// <summary>The settings of one benchmark run.</summary>
/// <param name="Size">Elements per fill.</param>
/// <param name="Threads">Threads for every fill.</param>
/// <param name="Type">Element type of the buffer.</param>
/// <param name="Repetitions">Timed repetitions per case after the warm-up.</param>
/// <param name="WarmUpSeconds">Each case runs untimed until this much time has passed (at least once), so that the JIT's tiered compilation has promoted the hot loops before timing.</param>
internal sealed record BenchSettings(int Size, int Threads, TensorDType Type, int Repetitions, double WarmUpSeconds);

/// <summary>The fastest of several timed runs of one case.</summary>
/// <param name="BestSeconds">The fastest run.</param>
/// <param name="Repetitions">How many runs were timed.</param>
internal readonly record struct Timing(double BestSeconds, int Repetitions);

/// <summary>Runs the WeightInit side of <c>weightinit bench</c>: the memory ceiling, the three samplers and every registry initializer.</summary>
internal sealed class BenchRunner
{
    /// <summary>A warm-up slower than this (seconds) cuts the timed repetitions to <see cref="SlowRepetitions"/>, so that slow structured initializers do not dominate the run.</summary>
    private const double SlowWarmUpSeconds = 2.0;

    /// <summary>Timed repetitions of a case whose warm-up was slow.</summary>
    private const int SlowRepetitions = 2;

    /// <summary>Side of the square matrix the orthogonal comparison uses (PyTorch's case is the same).</summary>
    public const int OrthogonalSize = 2048;

    /// <summary>Arguments for registry entries that have a required parameter.</summary>
    private static readonly Dictionary<string, string> SpecsWithRequiredArguments = new()
    {
        ["sparse"] = "sparse(sparsity=0.1)",
        ["pytorch_bias"] = "pytorch_bias(fan_in=1024)", // the owning weight's fan_in, which a bench shape does not carry; the cost does not depend on it
    };

    private readonly BenchSettings _settings;
    private readonly SamplingOptions _options;
    private readonly ElementBuffer _buffer;
    private readonly Action<string> _progress;

    /// <summary>Allocates the buffer and touches every page once (on the same threads the fills use).</summary>
    public BenchRunner(BenchSettings settings, Action<string> progress)
    {
        _settings = settings;
        _progress = progress;
        _options = new SamplingOptions { MaxThreads = settings.Threads };
        _buffer = new ElementBuffer(settings.Type, settings.Size);
        _buffer.Clear(settings.Threads);
    }

    /// <summary>Times <paramref name="run"/>: untimed calls for <paramref name="warmUpSeconds"/> (at least one), then the best of
    /// <paramref name="repetitions"/> timed calls (or of <see cref="SlowRepetitions"/> when one call took over <see cref="SlowWarmUpSeconds"/>).</summary>
    public static Timing Measure(Action run, int repetitions, double warmUpSeconds)
    {
        long start = Stopwatch.GetTimestamp();
        run();
        double first = Stopwatch.GetElapsedTime(start).TotalSeconds;
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < warmUpSeconds) run();
        int count = first > SlowWarmUpSeconds ? Math.Min(repetitions, SlowRepetitions) : repetitions;
        double best = double.PositiveInfinity;
        for (int i = 0; i < count; i++)
        {
            start = Stopwatch.GetTimestamp();
            run();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return new Timing(best, count);
    }

    /// <summary>Filling the buffer with zeros: the rate no fill of this buffer can beat.</summary>
    public BenchResult Ceiling()
    {
        _progress("memset");
        var timing = Measure(() => _buffer.Clear(_settings.Threads), _settings.Repetitions, _settings.WarmUpSeconds);
        return Result("memset (Span.Fill)", null, null, _settings.Size, timing, null);
    }

    /// <summary>U[0, 1), N(0, 1) and N(0, 1) truncated to ±2σ filling the buffer.</summary>
    public IReadOnlyList<BenchResult> Distributions(BenchResult ceiling)
    {
        var key = PhiloxKey.FromSeed(0).Fold("bench");
        (string Name, Distribution Distribution)[] cases =
        [
            ("uniform", new UniformDistribution(0, 1)),
            ("normal", new NormalDistribution(0, 1)),
            ("truncated_normal", new TruncatedNormalDistribution(0, 1, -2, 2)),
        ];
        // Many short untimed fills first, so that tiered compilation has promoted every sampler's kernels before any case is
        // timed: otherwise the first case's warm-up, a few dozen long fills, can end before the optimized code is in place
        // (seen at 2 threads on 2 cores, where the background compiler competes with the fill's own threads).
        var small = new ElementBuffer(_settings.Type, Math.Min(_settings.Size, 1 << 16));
        foreach (var c in cases)
        {
            long start = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(start).TotalSeconds < Math.Min(_settings.WarmUpSeconds, 0.3)) small.Fill(c.Distribution, key, _options);
        }
        return cases.Select(c =>
        {
            _progress(c.Name);
            var timing = Measure(() => _buffer.Fill(c.Distribution, key, _options), _settings.Repetitions, _settings.WarmUpSeconds);
            return Result(c.Name, null, null, _settings.Size, timing, ceiling);
        }).ToList();
    }

    /// <summary>Every registry initializer filling a tensor of the buffer's size: a matrix, or a 4-D convolution weight for those that need one.</summary>
    public IReadOnlyList<BenchResult> Initializers(BenchResult ceiling)
    {
        var key = PhiloxKey.FromSeed(0).Fold("bench.weight");
        WeightShape[] shapes = [BenchShapes.Matrix(_settings.Size), BenchShapes.Convolution(_settings.Size)];
        var results = new List<BenchResult>();
        foreach (var info in InitializerRegistry.All)
        {
            _progress(info.Name);
            string spec = SpecsWithRequiredArguments.GetValueOrDefault(info.Name, info.Name);
            var initializer = InitializerRegistry.Parse(spec);
            string? lastError = null;
            BenchResult? result = null;
            foreach (var shape in shapes)
            {
                try
                {
                    // A new key per call: structured initializers cache their matrix per key, and a cache hit is not a fill.
                    ulong call = 0;
                    var timing = Measure(() => _buffer.Fill(initializer, key.Fold(call++), shape, 0, _options), _settings.Repetitions, _settings.WarmUpSeconds);
                    result = Result(info.Name, initializer.Spec, shape.ToString(), _settings.Size, timing, ceiling);
                    break;
                }
                catch (ArgumentException e)
                {
                    // The initializer rejects this shape (identity and sparse need 2-D, dirac and bilinear 4-D): try the next.
                    lastError = e.Message;
                }
            }
            results.Add(result ?? new BenchResult(info.Name, initializer.Spec, null, _settings.Size, 0, null, null, null, null, lastError));
        }
        return results;
    }

    /// <summary>The registry's orthogonal initializer on a <see cref="OrthogonalSize"/>² float32 matrix, or why there is none.</summary>
    public (double? GValuesPerSecond, string? Note) Orthogonal()
    {
        Initializer initializer;
        try
        {
            initializer = InitializerRegistry.Parse("orthogonal");
        }
        catch (ArgumentException)
        {
            return (null, "no orthogonal initializer in the registry");
        }
        _progress("orthogonal");
        var shape = WeightShape.OutIn(OrthogonalSize, OrthogonalSize);
        var matrix = new float[OrthogonalSize * OrthogonalSize];
        // A new key per call, so that every timed call computes a QR (the initializer caches the matrix of the last key).
        var key = PhiloxKey.FromSeed(0).Fold("bench.orthogonal");
        ulong call = 0;
        var timing = Measure(() => initializer.Fill(key.Fold(call++), shape, matrix, 0, _options), Math.Min(_settings.Repetitions, 3), _settings.WarmUpSeconds);
        return (matrix.Length / timing.BestSeconds / 1e9, null);
    }

    private BenchResult Result(string name, string? spec, string? shape, long elements, Timing timing, BenchResult? ceiling)
    {
        double rate = elements / timing.BestSeconds / 1e9;
        double bytesRate = elements * (double)_settings.Type.ElementSize() / timing.BestSeconds / 1e9;
        double? fraction = ceiling?.GValuesPerSecond is { } c ? rate / c : null;
        return new BenchResult(name, spec, shape, elements, timing.Repetitions, timing.BestSeconds, rate, bytesRate, fraction, null);
    }

    /// <summary>False when the library was compiled without optimization (a Debug build): its rates then mean nothing.</summary>
    public static bool LibraryOptimized =>
        typeof(Initializer).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false) is not [DebuggableAttribute { IsJITOptimizerDisabled: true }];

    /// <summary>The machine description for the report.</summary>
    public static BenchMachine Machine() => new(
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.ProcessArchitecture.ToString(),
        CpuModel(),
        Environment.ProcessorCount,
        VectorWidth.Bits);

    private static string? CpuModel()
    {
        try
        {
            return File.Exists("/proc/cpuinfo")
                ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}

/// <summary>Tensor shapes with exactly a given number of elements.</summary>
internal static class BenchShapes
{
    /// <summary>[rows, cols] with rows·cols = <paramref name="size"/> and cols the largest divisor not above √size (as square as the size allows).</summary>
    public static WeightShape Matrix(int size)
    {
        var (rows, cols) = NearSquare(size);
        return WeightShape.OutIn(rows, cols);
    }

    /// <summary>[out, in, k, k] with k = 4 when 16 divides <paramref name="size"/> (else 2 or 1) and out·in as square as possible.</summary>
    public static WeightShape Convolution(int size)
    {
        int k = size % 16 == 0 ? 4 : size % 4 == 0 ? 2 : 1;
        var (o, i) = NearSquare(size / (k * k));
        return WeightShape.OutIn(o, i, k, k);
    }

    private static (int Larger, int Smaller) NearSquare(int size)
    {
        int d = (int)Math.Sqrt(size);
        while (d > 1 && size % d != 0) d--;
        d = Math.Max(d, 1);
        return (size / d, d);
    }
}
