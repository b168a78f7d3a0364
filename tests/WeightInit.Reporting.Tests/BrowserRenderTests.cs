using WeightInit.Reporting;
using WeightInit.Tests.Oracles;

namespace WeightInit.Reporting.Tests;

public class BrowserRenderTests
{
    [OracleFact(Oracle.Chromium)]
    public async Task SampleReport_InChromium_EveryFigureRendersWithNoErrorAndNoRequest()
    {
        string directory = Path.Combine(Path.GetTempPath(), "weightinit-browser-" + Guid.NewGuid().ToString("N"));
        try
        {
            string path = HtmlReport.Write(SampleReport.Build(), directory);
            await BrowserCheck.AssertRendersAsync(path, SampleReport.FigureCount);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
