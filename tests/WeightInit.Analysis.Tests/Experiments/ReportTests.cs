using System.Text.Json;
using WeightInit.Analysis.Experiments;
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
    public async Task FullQuickReport_InChromium_EveryFigureRenders()
    {
        string directory = Path.Combine(Path.GetTempPath(), "weightinit-report-" + Guid.NewGuid().ToString("N"));
        try
        {
            var files = ReportRunner.Write(QuickReport.Results, Quick, "test", directory);
            Assert.Equal(["index.html", "report.md", "results.json"], files.Select(Path.GetFileName));
            Assert.Empty(Directory.GetDirectories(directory)); // the staging folder is gone
            int figures = QuickReport.Results.Sum(r => r.Figures.Count);
            await BrowserCheck.AssertRendersAsync(files[0], figures);
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }
}
