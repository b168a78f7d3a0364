using Microsoft.Playwright;

namespace WeightInit.Reporting.Tests;

/// <summary>Opens a report in Debian's chromium through Playwright and checks that every figure renders, with no console error and no request but the page.</summary>
public static class BrowserCheck
{
    /// <summary>Debian's chromium.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Width of the browser window for the layout checks (issue 15: "plot areas are 230–390 px wide in a 1400 px window").</summary>
    public const int ViewportWidth = 1400;

    /// <summary>Loads <paramref name="path"/> and asserts that <paramref name="expectedFigures"/> SVG figures render with drawn content, without problems.</summary>
    /// <param name="path">The HTML report.</param>
    /// <param name="expectedFigures">How many figures it holds.</param>
    /// <param name="checkLayout">Also measure every figure as laid out at <see cref="ViewportWidth"/> px (see <see cref="LayoutScript"/>) and fail on any problem found.</param>
    /// <param name="screenshotDirectory">Where to save a screenshot of every figure (figure-NN.png), or null for none.</param>
    public static async Task AssertRendersAsync(string path, int expectedFigures, bool checkLayout = false, string? screenshotDirectory = null)
    {
        Assert.True(File.Exists(ChromiumPath),
            $"{ChromiumPath} is missing but CI=true: the CI machine must install Debian's chromium package.");
        string driver = Path.Combine(AppContext.BaseDirectory, ".playwright", "package", "cli.js");
        Assert.True(File.Exists(driver), $"Playwright's driver is missing from the test output ({driver}); the Microsoft.Playwright package ships it.");
        // The browser is Debian's; Playwright must never try to fetch one.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        string url = new Uri(path).AbsoluteUri;
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = ViewportWidth, Height = 900 } });
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

        if (screenshotDirectory is not null)
        {
            Directory.CreateDirectory(screenshotDirectory);
            for (int i = 0; i < expectedFigures; i++)
            {
                await page.Locator("figure").Nth(i).ScreenshotAsync(new LocatorScreenshotOptions
                {
                    Path = Path.Combine(screenshotDirectory, $"figure-{i + 1:D2}.png"),
                });
            }

            Console.WriteLine($"screenshots of {expectedFigures} figures at {ViewportWidth} px: {screenshotDirectory}");
        }

        if (checkLayout)
        {
            string[] layout = await page.EvaluateAsync<string[]>(LayoutScript);
            Assert.True(layout.Length == 0, $"{layout.Length} layout problems at {ViewportWidth} px:\n" + string.Join("\n", layout));
        }

        Assert.Empty(problems);
        Assert.Equal([url], requests);
    }

    /// <summary>Starts Debian's chromium headless (after checking that it and Playwright's driver are there).</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            Timeout = 60_000,
        });
    }

    /// <summary>
    /// Measures every <c>figure &gt; svg</c> as the browser laid it out (getBoundingClientRect of the drawn elements, not the
    /// renderer's numbers) and lists what is wrong: a plot area (<c>.plot-area</c>) narrower than two-thirds of the column
    /// the figure sits in; two series (<c>.series</c>, with their <c>.markers</c>) with the same computed colour, dash
    /// and marker; a legend (<c>.legend</c>) over any data mark; a data mark cut by its panel's clip (the <c>.plot-area</c> of its <c>svg.plot</c>'s <c>data-panel</c>); a
    /// text element outside the figure, over another text, or shortened with "…".
    /// </summary>
    public const string LayoutScript = """
        () => {
          const out = [];
          const box = e => e.getBoundingClientRect();
          const overlap = (a, b) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left))
            * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
          const inside = (a, b, tol) => a.left >= b.left - tol && a.right <= b.right + tol && a.top >= b.top - tol && a.bottom <= b.bottom + tol;
          const clip = (a, b) => new DOMRect(Math.max(a.left, b.left), Math.max(a.top, b.top),
            Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)), Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top)));
          const fmt = r => `[${r.left.toFixed(0)}, ${r.top.toFixed(0)}, ${r.width.toFixed(0)} × ${r.height.toFixed(0)}]`;
          document.querySelectorAll('figure').forEach((fig, i) => {
            const svg = fig.querySelector(':scope > svg');
            const name = `figure ${i + 1} ('${svg.querySelector('title')?.textContent ?? ''}')`;
            const column = fig.getBoundingClientRect().width;
            const plots = Array.from(svg.querySelectorAll('.plot-area'));
            if (plots.length === 0) out.push(`${name}: no .plot-area`);
            for (const p of plots) {
              const w = box(p).width;
              if (w < column * 2 / 3) out.push(`${name}: plot area ${w.toFixed(0)} px wide in a ${column.toFixed(0)} px column (under 2/3)`);
            }
            const looks = new Map();
            for (const g of svg.querySelectorAll('.series')) {
              const style = getComputedStyle(g);
              const markers = g.nextElementSibling?.classList.contains('markers') ? g.nextElementSibling : null;
              const look = g.classList.contains('histogram')
                ? `bars ${style.stroke}`
                : `line ${style.stroke} dash ${style.strokeDasharray} marker ${markers?.getAttribute('data-marker') ?? 'none'} ${markers ? getComputedStyle(markers).fill : ''}`;
              const series = g.getAttribute('data-series');
              const key = `${g.closest('svg.plot')?.getAttribute('data-panel') ?? ''} ${look}`;
              if (looks.has(key)) out.push(`${name}: '${looks.get(key)}' and '${series}' look alike (${look})`);
              else looks.set(key, series);
            }
            const marks = Array.from(svg.querySelectorAll('svg.plot .series *, svg.plot .band *, svg.plot .markers *'))
              .filter(e => e.children.length === 0);
            const legend = svg.querySelector('.legend');
            for (const m of marks) {
              // The clip is the panel's frame: a nested svg's own box can grow to what it holds.
              const panel = m.closest('svg.plot').getAttribute('data-panel');
              const plot = box(svg.querySelector(`.plot-area[data-panel="${panel}"]`) ?? m.closest('svg.plot'));
              const b = box(m);
              if (!m.closest('.band') && !inside(b, plot, 1)) out.push(`${name}: a mark of '${m.closest('[data-series]')?.getAttribute('data-series')}' ${fmt(b)} is cut by its plot ${fmt(plot)}`);
              // A straight line's box has no height (or width): grown by the stroke's half-width it still has an area to meet.
              const drawn = clip(new DOMRect(b.left - 1, b.top - 1, b.width + 2, b.height + 2), plot);
              if (legend && overlap(box(legend), drawn) > 0) out.push(`${name}: the legend ${fmt(box(legend))} covers a mark of '${m.closest('[data-series]')?.getAttribute('data-series')}' ${fmt(drawn)}`);
            }
            const frame = box(svg);
            const texts = Array.from(svg.querySelectorAll('text')).filter(t => t.textContent.trim().length > 0);
            const boxes = texts.map(box);
            texts.forEach((t, k) => {
              if (!inside(boxes[k], frame, 0.5)) out.push(`${name}: text '${t.textContent}' ${fmt(boxes[k])} is cut by the figure ${fmt(frame)}`);
              if (!t.classList.contains('note') && t.textContent.trim().endsWith('…')) out.push(`${name}: text '${t.textContent}' is shortened`);
              for (let j = 0; j < k; j++)
                if (overlap(boxes[j], boxes[k]) > 1) out.push(`${name}: text '${texts[j].textContent}' and '${t.textContent}' overlap`);
            });
          });
          return out;
        }
        """;
}
