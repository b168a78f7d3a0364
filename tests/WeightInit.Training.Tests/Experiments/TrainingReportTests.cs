using ExperimentSettings = WeightInit.Analysis.Experiments.ExperimentSettings;
using ReportRunner = WeightInit.Analysis.Experiments.ReportRunner;
using ReportBuilder = WeightInit.Analysis.Experiments.ReportBuilder;
using WeightInit.Reporting.Tests;
using WeightInit.Training.Experiments;
using WeightInit.Tests.Oracles;

namespace WeightInit.Training.Tests.Experiments;

public class TrainingReportTests
{
    private static readonly TrainingSettings Tiny = new("shapeset", Seed: 3, Updates: 4, Width: 8, Depths: [3], BatchSize: 4, TestExamples: 20, Threads: 1);

    [Fact]
    public void Load_ReadsTheRunsTrainWrote()
    {
        string dir = Path.Combine(Path.GetTempPath(), "weightinit-training-report-" + Guid.NewGuid().ToString("N"));
        try
        {
            new HeDepthTrainingExperiment().RunAndWrite(Tiny, Path.Combine(dir, "he-depth"));
            var result = Assert.Single(TrainingReport.Load(dir));
            Assert.Equal("training-he-depth", result.Name);
            Assert.Equal(4, Assert.Single(result.Tables).Table.Rows.Count);
            Assert.Equal(2, result.Figures.Count);
            Assert.Empty(result.Comparisons);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Load_RebuildsTheResultTrainWrote_SameTablesFiguresAndData()
    {
        string dir = Path.Combine(Path.GetTempPath(), "weightinit-training-report-" + Guid.NewGuid().ToString("N"));
        try
        {
            var written = new InitComparisonExperiment("lsuv", "relu").RunAndWrite(Tiny, Path.Combine(dir, "lsuv"));
            var loaded = Assert.Single(TrainingReport.Load(dir));
            var settings = new ExperimentSettings(Seed: 3, Quick: true, Threads: 1);
            Assert.Equal(ReportBuilder.ResultsJson([written], settings, "0"), ReportBuilder.ResultsJson([loaded], settings, "0"));
            Assert.Equal(written.Figures.Select(f => f.Chart.ToSvg()), loaded.Figures.Select(f => f.Chart.ToSvg()));
            // The report's section is summary.md's page plus one paragraph saying where the runs are.
            Assert.Equal(written.Paragraphs, loaded.Paragraphs.Skip(1));
            Assert.Equal(File.ReadAllText(Path.Combine(dir, "lsuv", "summary.md")), ReportBuilder.Page(written));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [OracleFact(Oracle.Chromium)]
    public async Task ReportWithTrainingSection_InChromium_EveryFigureRenders()
    {
        string dir = Path.Combine(Path.GetTempPath(), "weightinit-training-browser-" + Guid.NewGuid().ToString("N"));
        try
        {
            new HeDepthTrainingExperiment().RunAndWrite(Tiny, Path.Combine(dir, "train", "he-depth"));
            var training = TrainingReport.Load(Path.Combine(dir, "train"));
            var files = ReportRunner.Write(training, new ExperimentSettings(Seed: 3, Quick: true, Threads: 1), "0.0.0", Path.Combine(dir, "report"));
            await BrowserCheck.AssertRendersAsync(files.Single(f => f.EndsWith("index.html", StringComparison.Ordinal)), 2, checkLayout: true);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
