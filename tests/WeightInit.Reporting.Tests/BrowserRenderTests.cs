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
            await BrowserCheck.AssertRendersAsync(path, SampleReport.FigureCount, checkLayout: true);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [OracleFact(Oracle.Chromium)]
    public async Task LayoutScript_FindsEachKindOfProblem_InAFigureBuiltToHaveThem()
    {
        // The layout check must be able to fail: one figure with a narrow plot, a legend over a line, two look-alike series,
        // a mark outside its clip, a text past the figure's edge, two overlapping texts and a shortened label.
        const string Html = """
            <!DOCTYPE html><html><body style="margin:0"><div style="width:900px"><figure style="margin:0">
            <svg xmlns="http://www.w3.org/2000/svg" width="900" height="300" viewBox="0 0 900 300" font-size="12"><title>bad</title>
            <svg class="plot" data-panel="main" x="50" y="20" width="400" height="200" viewBox="0 0 400 200" overflow="hidden">
            <g class="series line" data-series="a" stroke="#0072B2" fill="none"><polyline points="0,100 400,100"/></g>
            <g class="series line" data-series="b" stroke="#0072B2" fill="none"><polyline points="0,50 400,50"/></g>
            <g class="series line" data-series="c" stroke="#D55E00" fill="none"><polyline points="0,150 400,150"/></g>
            <g class="markers" data-series="c" data-marker="circle" fill="#D55E00"><circle cx="400" cy="150" r="4"/></g>
            </svg>
            <rect class="plot-area" data-panel="main" x="50" y="20" width="400" height="200" fill="none" stroke="#444"/>
            <g class="legend"><rect x="100" y="110" width="80" height="20" fill="#fff"/><text x="105" y="124">a</text></g>
            <text x="860" y="260">cut off at the right edge</text>
            <text x="10" y="280">overlapping one</text><text x="20" y="282">overlapping two</text>
            <text x="300" y="260">He a=0 (the…</text>
            </svg></figure></div></body></html>
            """;
        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await BrowserCheck.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.SetContentAsync(Html);
        string[] problems = await page.EvaluateAsync<string[]>(BrowserCheck.LayoutScript);
        string all = string.Join("\n", problems);
        Assert.Contains("plot area 400 px wide in a 900 px column (under 2/3)", all);
        Assert.Contains("'a' and 'b' look alike", all);
        Assert.Contains("the legend", all);
        Assert.Contains("covers a mark of 'a'", all);
        Assert.Contains("a mark of 'c'", all);
        Assert.Contains("is cut by its plot", all);
        Assert.Contains("text 'cut off at the right edge'", all);
        Assert.Contains("text 'overlapping one' and 'overlapping two' overlap", all);
        Assert.Contains("text 'He a=0 (the…' is shortened", all);
    }
}
