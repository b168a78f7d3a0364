using BenchmarkDotNet.Attributes;
using WeightInit.Analysis.Experiments;
using WeightInit.Reporting;
using WeightInit.Reporting.Png;

namespace WeightInit.Benchmarks;

/// <summary>What the report's charts cost: every figure of the report drawn as SVG (in-house) and as PNG (ScottPlot).</summary>
/// <remarks>The experiments run once in the setup (quick sizes by default, <c>--full</c> sizes with <see cref="Quick"/> = false);
/// only the drawing is timed. Run: <c>dotnet run -c Release --project bench/WeightInit.Benchmarks -- --filter '*Chart*'</c>.</remarks>
[MemoryDiagnoser]
public class ChartBenchmarks
{
    private List<SvgChart> _charts = [];

    /// <summary>Whether the figures come from the quick report (the full one has the same figures with more points).</summary>
    [Params(true, false)]
    public bool Quick { get; set; }

    /// <summary>Runs every experiment of the report once and keeps its figures.</summary>
    [GlobalSetup]
    public void Setup() =>
        _charts = ReportRunner.Experiments.Select(e => e.Run(new ExperimentSettings(Seed: 0, Quick: Quick)))
            .SelectMany(r => r.Figures).Select(f => f.Chart).ToList();

    /// <summary>Every figure as SVG markup.</summary>
    /// <returns>Total characters, so the work is not optimised away.</returns>
    [Benchmark(Baseline = true)]
    public long Svg() => _charts.Sum(c => (long)c.ToSvg().Length);

    /// <summary>Every figure as PNG bytes.</summary>
    /// <returns>Total bytes.</returns>
    [Benchmark]
    public long Png() => _charts.Sum(c => (long)PngChart.Render(c).Length);
}
