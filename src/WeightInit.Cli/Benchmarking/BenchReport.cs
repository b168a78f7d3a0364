using System.Text.Json.Serialization;

namespace WeightInit.Cli.Benchmarking;

// The JSON written by `weightinit bench --json` (schema "weightinit-bench/1", documented in docs/cli.md).
// Every rate is in 10^9 values per second; a field that could not be measured is null and Error says why.

/// <summary>A whole benchmark run.</summary>
/// <param name="Schema">Always <see cref="SchemaName"/>.</param>
/// <param name="Machine">Where it ran.</param>
/// <param name="Configuration">What was asked.</param>
/// <param name="Ceiling">Filling the same buffer with zeros (Span.Fill on the same threads): the memory-bandwidth ceiling.</param>
/// <param name="Distributions">The three samplers filling the buffer.</param>
/// <param name="Initializers">Every registry initializer filling a tensor of the same size.</param>
/// <param name="Comparison">NumPy and PyTorch on the same size and threads (null without --compare).</param>
internal sealed record BenchReport(
    string Schema, BenchMachine Machine, BenchConfiguration Configuration, BenchResult Ceiling,
    IReadOnlyList<BenchResult> Distributions, IReadOnlyList<BenchResult> Initializers, BenchComparison? Comparison)
{
    /// <summary>The schema name and version.</summary>
    public const string SchemaName = "weightinit-bench/1";
}

/// <summary>The machine a run measured.</summary>
/// <param name="Os">Operating system description.</param>
/// <param name="Runtime">.NET runtime description.</param>
/// <param name="Architecture">Process architecture.</param>
/// <param name="CpuModel">The CPU model from /proc/cpuinfo, when readable.</param>
/// <param name="ProcessorCount">Logical processors visible to the process.</param>
/// <param name="VectorWidthBits">The widest hardware-accelerated vector (512, 256, 128, or 0 for scalar).</param>
internal sealed record BenchMachine(string Os, string Runtime, string Architecture, string? CpuModel, int ProcessorCount, int VectorWidthBits);

/// <summary>The settings of a run.</summary>
/// <param name="Size">Elements per fill.</param>
/// <param name="Threads">Threads given to every fill (and to PyTorch).</param>
/// <param name="DType">Element type: f32, f64, f16 or bf16.</param>
/// <param name="ElementBytes">Bytes per element.</param>
/// <param name="Repetitions">Timed repetitions per case after the warm-up (2 when one call took over 2 s).</param>
/// <param name="WarmUpSeconds">Untimed running time per case before timing.</param>
/// <param name="Optimized">False when WeightInit was built without optimization (Debug): its rates are then not representative.</param>
internal sealed record BenchConfiguration(
    long Size, int Threads, [property: JsonPropertyName("dtype")] string DType, int ElementBytes, int Repetitions, double WarmUpSeconds, bool Optimized);

/// <summary>One measured case.</summary>
/// <param name="Name">The case: a distribution or registry name.</param>
/// <param name="Spec">The initializer spec that ran (null for a distribution or the ceiling).</param>
/// <param name="Shape">The tensor shape that ran (null for a flat buffer).</param>
/// <param name="Elements">Elements written per repetition.</param>
/// <param name="Repetitions">Timed repetitions.</param>
/// <param name="BestSeconds">The fastest repetition, in seconds.</param>
/// <param name="GValuesPerSecond">Elements / <paramref name="BestSeconds"/> / 10^9.</param>
/// <param name="GigabytesPerSecond">Bytes written / <paramref name="BestSeconds"/> / 10^9.</param>
/// <param name="FractionOfCeiling">This rate over the ceiling's rate.</param>
/// <param name="Error">Why the case did not run (then the measurements are null).</param>
internal sealed record BenchResult(
    string Name, string? Spec, string? Shape, long Elements, int Repetitions, double? BestSeconds,
    double? GValuesPerSecond, double? GigabytesPerSecond, double? FractionOfCeiling, string? Error);

/// <summary>The outside libraries measured by --compare.</summary>
/// <param name="Python">The interpreter used.</param>
/// <param name="Libraries">What was found.</param>
/// <param name="Rows">One row per case, WeightInit beside each library.</param>
internal sealed record BenchComparison(string Python, IReadOnlyList<ExternalLibrary> Libraries, IReadOnlyList<ComparisonRow> Rows);

/// <summary>An outside library as found.</summary>
/// <param name="Name">numpy or torch.</param>
/// <param name="Available">Whether it could be imported and run.</param>
/// <param name="Version">Its version.</param>
/// <param name="Threads">Threads it used.</param>
/// <param name="DType">The element type it was measured in.</param>
/// <param name="Note">Why it is missing, or what differs from the WeightInit run.</param>
internal sealed record ExternalLibrary(string Name, bool Available, string? Version, int? Threads, string? DType, string? Note);

/// <summary>One comparison case.</summary>
/// <param name="Case">memset, uniform, normal, truncated_normal or orthogonal.</param>
/// <param name="Elements">Elements per fill.</param>
/// <param name="WeightInitGValuesPerSecond">WeightInit's rate (null when it has no such case).</param>
/// <param name="WeightInitNote">Why WeightInit has no rate, when it has none.</param>
/// <param name="Others">Each library's rate and the ratio.</param>
internal sealed record ComparisonRow(string Case, long Elements, double? WeightInitGValuesPerSecond, string? WeightInitNote, IReadOnlyList<ExternalMeasurement> Others);

/// <summary>One library's measurement of a case.</summary>
/// <param name="Library">numpy or torch.</param>
/// <param name="Call">The call timed.</param>
/// <param name="BestSeconds">The fastest repetition, in seconds.</param>
/// <param name="GValuesPerSecond">Elements / best seconds / 10^9.</param>
/// <param name="Ratio">WeightInit's rate over this one (above 1: WeightInit is faster).</param>
/// <param name="Error">Why it was not measured.</param>
internal sealed record ExternalMeasurement(string Library, string? Call, double? BestSeconds, double? GValuesPerSecond, double? Ratio, string? Error);
