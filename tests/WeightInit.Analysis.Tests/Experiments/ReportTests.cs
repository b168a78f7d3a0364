using System.Text.Json;
using WeightInit.Analysis.Experiments;
using WeightInit.Reporting;
using WeightInit.Reporting.Tests;
using WeightInit.Tests.Oracles;

namespace WeightInit.Analysis.Tests.Experiments;

/// <summary>The main job's report: every experiment runs (quick), the outputs are well formed, deterministic, and render in a browser.</summary>
public class ExperimentReportTests
{
    private static readonly ExperimentSettings Quick = QuickReport.Settings;

    [Fact]
    public void EveryExperiment_Quick_ProducesComparisonsAndFigures()
    {
        foreach (var r in QuickReport.Results)
        {
            Assert.NotEmpty(r.Paragraphs);
            Assert.NotEmpty(r.Headline);
            Assert.True(r.Comparisons.Count > 0, $"{r.Name} compares nothing");
            Assert.True(r.Figures.Count + r.Tables.Count > 0, $"{r.Name} has neither a figure nor a table");
        }
        Assert.Equal(ReportRunner.Experiments.Select(e => e.Name), QuickReport.Results.Select(r => r.Name));
    }

    [Fact]
    public void Experiments_TheoryAgreesWithMeasurement_WhereTheoryIsExact()
    {
        // Spot checks with generous margins (quick sizes): the mean-field χ₁ and q*, the Glorot gradient ratios, Caffe variances.
        foreach (var c in QuickReport.Results.Where(r => r.Name is "mean-field" or "glorot" or "caffe-fans").SelectMany(r => r.Comparisons))
            Assert.True(c.RelativeError < 0.15, $"{c.Quantity}: theory {c.Theory}, measured {c.Measured}");
        var symmetry = QuickReport.Results.Single(r => r.Name == "symmetry");
        Assert.All(symmetry.Comparisons, c => Assert.Equal(0.0, c.Measured));
        var deep = QuickReport.Results.Single(r => r.Name == "deep-matmul");
        Assert.Contains(deep.Comparisons, c => c.Quantity.Contains("50 layers, N(0,1)") && double.IsInfinity(c.Measured) && c.Note.Contains("overflow"));
    }

    [Fact]
    public void EveryFigure_NoTwoLegendEntriesLookAlike()
    {
        // Colour, line pattern, marker and bars together tell each series of a figure apart (issue 15: Figs 9/10 had two
        // orange squares); a theory line and its measurement share a colour and differ by dash and marker.
        foreach (var r in QuickReport.Results)
            foreach (var (chart, caption) in r.Figures)
            {
                var looks = chart.LegendStyles().Select(s => s.Look).ToList();
                Assert.True(looks.Count == looks.Distinct().Count(), $"{r.Name}, '{chart.Title}': two series look alike");
            }
    }

    [Fact]
    public void EveryLogFigure_SpanningMoreThan10To6_HasALinearZoomPanel_AndNoOtherFigureHasOne()
    {
        // Issue 15: on log axes spanning 10³⁰–10⁶⁰ LeCun, He and Xavier (Figs 1, 2, 9, 10) and 1/√L vs 1/√(2L) (Fig 15)
        // collapse onto one line. The span is taken here from the series' own data: every finite positive y (lines, band edges).
        var zoomed = new List<string>();
        foreach (var r in QuickReport.Results)
            foreach (var (chart, _) in r.Figures)
            {
                var ys = chart.Series.SelectMany(s => s switch
                {
                    LineSeries l => l.Y.Where((_, i) => double.IsFinite(l.X[i])),
                    BandSeries b => b.Lower.Concat(b.Upper).Where((_, i) => double.IsFinite(b.X[i % b.X.Count])),
                    _ => [],
                }).Where(v => double.IsFinite(v) && v > 0).ToList();
                // A zoom needs something to show: a line whose drawn values stay within a factor 100. (The Jacobian spectra span
                // 10⁸ but each curve spans it too, so they are told apart on the log axis and get no zoom.)
                bool anyStable = chart.Series.OfType<LineSeries>().Any(l =>
                {
                    var v = l.Y.Where((y, i) => double.IsFinite(l.X[i]) && double.IsFinite(y) && y > 0).ToList();
                    return v.Count > 0 && v.Max() / v.Min() <= 100;
                });
                bool spans = chart.YAxis.Scale == AxisScale.Log10 && chart.Heatmap is null && ys.Count > 0 && ys.Max() / ys.Min() > 1e6 && anyStable;
                string svg = chart.ToSvg();
                Assert.True(spans == svg.Contains("data-panel=\"zoom\"", StringComparison.Ordinal), $"{r.Name}, '{chart.Title}': spans > 10⁶ with a stable curve: {spans}, but the zoom panel is {(spans ? "missing" : "there")}");
                if (spans) zoomed.Add(chart.Title!);
            }

        Assert.Equal(["10 layers: std of activations per layer", "50 layers: std of activations per layer", "22 layers: E[x²] of activations per layer",
            "30 layers: E[x²] of activations per layer", "Output variance / input variance against depth"], zoomed);

        // What the zoom is for: the stable curves are in it, the exploding one is not.
        var residual = QuickReport.Results.Single(r => r.Name == "residual").Figures.Single().Chart;
        var zoom = System.Xml.Linq.XDocument.Parse(residual.ToSvg()).Descendants().Single(e => (string?)e.Attribute("data-panel") == "zoom" && e.Name.LocalName == "svg");
        var inZoom = zoom.Descendants().Select(e => (string?)e.Attribute("data-series")).OfType<string>().ToHashSet();
        Assert.Contains("α = 1/√L", inZoom);
        Assert.Contains("α = 1/√(2L)", inZoom);
        Assert.DoesNotContain("α = 1", inZoom);
    }

    [Fact]
    public void Write_EveryFigure_AlsoAsItsSvgAndADecodablePngOfItsSize()
    {
        string directory = Path.Combine(Path.GetTempPath(), "weightinit-figures-" + Guid.NewGuid().ToString("N"));
        try
        {
            ReportRunner.Write(QuickReport.Results, Quick, "test", directory);
            var charts = QuickReport.Results.SelectMany(r => r.Figures).Select(f => f.Chart).ToList();
            string folder = Path.Combine(directory, "figures");
            Assert.Equal(charts.Count * 2, Directory.GetFiles(folder).Length);
            for (int i = 0; i < charts.Count; i++)
            {
                string name = $"figure-{i + 1:D2}";
                Assert.Equal("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + charts[i].ToSvg(), File.ReadAllText(Path.Combine(folder, name + ".svg")));
                byte[] png = File.ReadAllBytes(Path.Combine(folder, name + ".png"));
                // PNG: the 8-byte signature, then the IHDR chunk (length 13) with width and height, big-endian.
                Assert.True(png.Length > 1000, $"{name}.png has {png.Length} bytes");
                Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
                Assert.Equal(new byte[] { 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' }, png[8..16]);
                Assert.Equal(charts[i].Width, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
                // A chart with a linear zoom panel has it below the main one in the PNG too.
                bool zoomed = charts[i].ToSvg().Contains("data-panel=\"zoom\"", StringComparison.Ordinal);
                Assert.Equal(charts[i].Height + (zoomed ? (int)Math.Round(charts[i].Height * WeightInit.Reporting.Png.PngChart.ZoomHeightShare) : 0),
                    System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
                Assert.Equal("IEND", System.Text.Encoding.ASCII.GetString(png, png.Length - 8, 4));
            }
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Png_SameChartTwice_SameBytesOnThisMachine()
    {
        // Reproducible within one machine (same ScottPlot, SkiaSharp, fonts); across machines the fonts may differ, so the PNG is
        // outside the report's byte-identical guarantees (docs/reporting.md).
        var chart = QuickReport.Results.SelectMany(r => r.Figures).First().Chart;
        Assert.Equal(WeightInit.Reporting.Png.PngChart.Render(chart), WeightInit.Reporting.Png.PngChart.Render(chart));
    }

    [Fact]
    public void ResultsJson_SameSeed_ByteIdentical_AndWellFormed()
    {
        var names = new[] { "symmetry", "caffe-fans", "residual" };
        string Run() => ReportBuilder.ResultsJson(ReportRunner.Select(names).Select(e => e.Run(Quick)).ToList(), Quick, "test");
        string first = Run();
        Assert.Equal(first, Run());
        using var doc = JsonDocument.Parse(first);
        Assert.Equal(7UL, doc.RootElement.GetProperty("seed").GetUInt64());
        Assert.Equal(names, doc.RootElement.GetProperty("experiments").EnumerateArray().Select(e => e.GetProperty("name").GetString()));
    }

    [Fact]
    public void Select_UnknownExperiment_ListsValidNames() =>
        Assert.Contains("Valid experiments: symmetry, deep-matmul", Assert.Throws<ArgumentException>(() => ReportRunner.Select(["nope"])).Message);

    [OracleFact(Oracle.Chromium)]
    public async Task FullQuickReport_InChromium_EveryFigureRendersAndIsLaidOutCleanlyAt1400px()
    {
        string directory = Path.Combine(Path.GetTempPath(), "weightinit-report-" + Guid.NewGuid().ToString("N"));
        try
        {
            var files = ReportRunner.Write(QuickReport.Results, Quick, "test", directory);
            Assert.Equal(["index.html", "report.md", "results.json"], files.Select(Path.GetFileName));
            Assert.Equal(["figures"], Directory.GetDirectories(directory).Select(Path.GetFileName)); // the staging folder is gone
            int figures = QuickReport.Results.Sum(r => r.Figures.Count);
            // Screenshots go to the test output (bin/…/figures-1400px), never to the repository; look at them.
            await BrowserCheck.AssertRendersAsync(files[0], figures, checkLayout: true,
                screenshotDirectory: Path.Combine(AppContext.BaseDirectory, "figures-1400px"));
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }
}
