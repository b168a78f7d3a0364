using WeightInit.Analysis.Reporting;

namespace WeightInit.Analysis.Tests.Reporting;

public class SampleReportWriterTests
{
    [Fact]
    public void Write_SampleReport_WritesBothFiles()
    {
        string dir = Environment.GetEnvironmentVariable("WEIGHTINIT_SAMPLE_REPORT_DIR") ?? Path.Combine(Path.GetTempPath(), "weightinit-sample-" + Guid.NewGuid().ToString("N"));
        var report = SampleReport.Build();
        Assert.True(File.Exists(HtmlReport.Write(report, dir)));
        Assert.True(File.Exists(MarkdownReport.Write(report, dir)));
    }
}
