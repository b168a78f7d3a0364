using Microsoft.Playwright;

namespace WeightInit.Reporting.Tests;

/// <summary>Opens a report in Debian's chromium through Playwright and checks that every figure renders, with no console error and no request but the page.</summary>
public static class BrowserCheck
{
    /// <summary>Debian's chromium.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Loads <paramref name="path"/> and asserts that <paramref name="expectedFigures"/> SVG figures render with drawn content, without problems.</summary>
    public static async Task AssertRendersAsync(string path, int expectedFigures)
    {
        Assert.True(File.Exists(ChromiumPath),
            $"{ChromiumPath} is missing but CI=true: the CI machine must install Debian's chromium package.");
        string driver = Path.Combine(AppContext.BaseDirectory, ".playwright", "package", "cli.js");
        Assert.True(File.Exists(driver), $"Playwright's driver is missing from the test output ({driver}); the Microsoft.Playwright package ships it.");
        // The browser is Debian's; Playwright must never try to fetch one.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        string url = new Uri(path).AbsoluteUri;
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            Timeout = 60_000,
        });
        var page = await browser.NewPageAsync();
        var problems = new List<string>();
        var requests = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                problems.Add($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems.Add("page error: " + error);
        page.RequestFailed += (_, request) => problems.Add($"request failed: {request.Url} ({request.Failure})");
        page.Request += (_, request) => requests.Add(request.Url);

        var response = await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load, Timeout = 30_000 });
        Assert.NotNull(response);
        Assert.True(response.Ok, $"loading {url} gave status {response.Status}");

        var figures = page.Locator("figure > svg");
        Assert.Equal(expectedFigures, await figures.CountAsync());
        for (int i = 0; i < expectedFigures; i++)
        {
            var box = await figures.Nth(i).BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.True(box.Width > 100 && box.Height > 100, $"figure {i + 1} is laid out as {box.Width} × {box.Height} px");
        }

        // getBBox measures what the SVG actually drew (text, axes, data), not just the element's box.
        var drawn = await page.EvaluateAsync<double[][]>(
            "() => Array.from(document.querySelectorAll('figure > svg')).map(s => { const b = s.getBBox(); return [b.width, b.height]; })");
        Assert.Equal(expectedFigures, drawn.Length);
        Assert.All(drawn, size => Assert.True(size[0] > 100 && size[1] > 100, $"drawn content measures {size[0]} × {size[1]}"));

        Assert.Empty(problems);
        Assert.Equal([url], requests);
    }
}
