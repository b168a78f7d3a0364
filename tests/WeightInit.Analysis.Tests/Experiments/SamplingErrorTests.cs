using WeightInit.Analysis.Experiments;

namespace WeightInit.Analysis.Tests.Experiments;

/// <summary>The summary's relative errors beside their expected sampling error: z against the normal or Student t point.</summary>
public class SamplingErrorTests
{
    [Fact]
    public void WithRuns_StandardErrorIsSpreadOverRootRuns_AndZIsJudgedByStudentT()
    {
        // 4 runs, spread 2: SE 1; measured 10 against theory 4 gives z = 6, within t(3)'s 0.1 % point 12.924 (mpmath).
        var c = new Comparison("q", 4, 10).WithRuns(2, 4);
        Assert.Equal(1.0, c.StandardError);
        Assert.Equal(3, c.DegreesOfFreedom);
        Assert.Equal(6.0, c.Z);
        Assert.Equal(0.25, c.RelativeStandardError);
        Assert.Equal(12.923978636687483, c.CriticalZ, 1e-9);
        Assert.False(c.BeyondSamplingError);
        // The same z with a known standard error (normal law, 0.1 % point 3.2905) is beyond.
        var known = new Comparison("q", 4, 10) { StandardError = 1 };
        Assert.Equal(3.2905267314918948, known.CriticalZ, 1e-12); // √2·erfinv(0.999), mpmath
        Assert.True(known.BeyondSamplingError);
    }

    [Fact]
    public void NoEstimate_OrOneRun_IsNotJudged()
    {
        var single = new Comparison("q", 1, 2).WithRuns(0.5, 1);
        Assert.True(double.IsNaN(single.Z));
        Assert.False(single.BeyondSamplingError);
        var overflow = new Comparison("q", 1, double.PositiveInfinity).WithRuns(0, 3);
        Assert.True(double.IsNaN(overflow.Z));
    }

    [Fact]
    public void Summary_PutsTheWorstErrorBesideItsSamplingError_AndCountsOnlyWhatTheSampleSizeDoesNotExplain()
    {
        var r = new ExperimentResult("x", "X") { Headline = "h" };
        r.Comparisons.Add(new Comparison("noisy", 1, 1.5).WithRuns(0.4, 2));          // 50 %, SE 0.283: z = 1.8, t(1) point 636.6
        r.Comparisons.Add(new Comparison("wrong", 1, 1.1) { StandardError = 0.01 });     // 10 %, z = 10 > 3.29
        r.Comparisons.Add(new Comparison("unknown", 1, 1.2));
        var summary = ReportBuilder.Build([r], new ExperimentSettings(), "t").Summary!;

        var row = Assert.Single(summary.Rows);
        Assert.Equal("50 %", row[2]);
        Assert.Equal("±28 %, z = 1.8", row[3]);
        Assert.Equal("1 of 2: wrong", row[4]);
        Assert.Equal("±1 %, z = 10.0 †", ReportBuilder.ExpectedError(r.Comparisons[1]));
        Assert.Equal("not estimated", ReportBuilder.ExpectedError(r.Comparisons[2]));
    }

    [Fact]
    public void QuickReport_EveryMeanOfSeveralNetworksCarriesItsStandardError()
    {
        foreach (var c in QuickReport.Results.SelectMany(r => r.Comparisons).Where(c => c.Note.StartsWith("mean of ", StringComparison.Ordinal) && double.IsFinite(c.Measured)))
            Assert.True(double.IsFinite(c.StandardError), $"{c.Quantity}: {c.Note} has no standard error");
        // Caffe's blobs: the relative SE of a sample variance √((κ − 1)/N), as the note says.
        var caffe = QuickReport.Results.Single(r => r.Name == "caffe-fans").Comparisons.First();
        Assert.Equal(0, caffe.DegreesOfFreedom);
        Assert.Contains($"expected relative SE {100 * caffe.RelativeStandardError:G2} %", caffe.Note);
    }
}
