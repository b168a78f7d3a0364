using System.Globalization;
using System.Text.RegularExpressions;
using WeightInit.Reporting;

namespace WeightInit.Reporting.Tests;

public partial class ReportTests
{
    [GeneratedRegex("href=\"#([^\"]+)\"")]
    private static partial Regex InternalLink();

    [Fact]
    public void MarkdownRenderPage_OneSection_TitleBlocksAndFigureFiles()
    {
        var section = new ReportSection("Training: a_b")
            .AddParagraph("First *paragraph*.")
            .AddTable(new ReportTable("init", "error").AddRow("he fan_in", "12.5% ± 1.0%"), "Final values.")
            .AddFigure(new SvgChart { Title = "t" }.AddLine("x", [0.0, 1.0], [1.0, 2.0]), "Loss.")
            .AddFigure(new SvgChart { Title = "u" }.AddLine("y", [0.0, 1.0], [1.0, 2.0]), "Error.");
        var files = new[] { "loss.svg", "error.svg" };

        string page = MarkdownReport.RenderPage(section, i => files[i]);

        Assert.Equal(
            "# Training: a\\_b\n\nFirst \\*paragraph\\*.\n\n**Table 1.** Final values.\n\n| init | error |\n| --- | --- |\n| he fan\\_in | 12.5% ± 1.0% |\n\n" +
            "**Figure 1.** Loss. (loss.svg)\n\n**Figure 2.** Error. (error.svg)\n\n", page);
    }

    [Fact]
    public void HtmlRender_SampleReport_LoadsNothingFromOutside()
    {
        string html = HtmlReport.Render(SampleReport.Build());

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link rel=\"stylesheet\"", html, StringComparison.OrdinalIgnoreCase);
        // The only URL is the SVG namespace name, which is an identifier, never fetched.
        string withoutNamespace = html.Replace("xmlns=\"http://www.w3.org/2000/svg\"", string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("http:", withoutNamespace, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https:", withoutNamespace, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Content-Security-Policy\" content=\"default-src 'none'", html);
    }

    [Fact]
    public void HtmlRender_SampleReport_SummaryContentsAndEveryFigure()
    {
        string html = HtmlReport.Render(SampleReport.Build());

        Assert.True(html.IndexOf("<h2>Summary</h2>", StringComparison.Ordinal) < html.IndexOf("<h2>Contents</h2>", StringComparison.Ordinal));
        Assert.Equal(SampleReport.FigureCount, Regex.Count(html, "<figure id=\"figure-"));
        Assert.Equal(SampleReport.FigureCount, Regex.Count(html, "<svg xmlns="));
        Assert.Contains("<strong>Figure 8.</strong>", html);
        foreach (Match link in InternalLink().Matches(html))
        {
            Assert.Contains($"id=\"{link.Groups[1].Value}\"", html);
        }
    }

    [Fact]
    public void HtmlRender_TextWithMarkup_Escaped()
    {
        var report = new ReportDocument("A <b>bold</b> & title");
        report.AddSection("S <1>").AddParagraph("x < y && \"quoted\"");
        string html = HtmlReport.Render(report);

        Assert.Contains("<title>A &lt;b&gt;bold&lt;/b&gt; &amp; title</title>", html);
        Assert.Contains("<p>x &lt; y &amp;&amp; &quot;quoted&quot;</p>", html);
        Assert.Contains(">S &lt;1&gt;</a>", html);
        Assert.DoesNotContain("<b>", html);
    }

    [Fact]
    public void HtmlRender_NumericColumn_RightAligned()
    {
        var report = new ReportDocument("t") { Summary = new ReportTable("name", "value").AddRow("a", 1.5).AddRow("b", double.NaN) };
        string html = HtmlReport.Render(report);

        Assert.Contains("<th scope=\"col\">name</th><th scope=\"col\" class=\"num\">value</th>", html);
        Assert.Contains("<tr><td>a</td><td class=\"num\">1.5</td></tr>", html);
        Assert.Contains("<tr><td>b</td><td class=\"num\">NaN</td></tr>", html);
    }

    [Fact]
    public void HtmlRender_SameContentTwice_SameBytes()
    {
        Assert.Equal(HtmlReport.Render(SampleReport.Build()), HtmlReport.Render(SampleReport.Build()));
    }

    [Fact]
    public void Render_CommaDecimalCulture_SameBytes()
    {
        string html = HtmlReport.Render(SampleReport.Build());
        string markdown = MarkdownReport.Render(SampleReport.Build());
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("fr-FR");
            Assert.Equal(html, HtmlReport.Render(SampleReport.Build()));
            Assert.Equal(markdown, MarkdownReport.Render(SampleReport.Build()));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Write_BothReports_Utf8WithoutByteOrderMarkAndLineFeeds()
    {
        string directory = Path.Combine(Path.GetTempPath(), "weightinit-report-" + Guid.NewGuid().ToString("N"));
        try
        {
            var report = SampleReport.Build();
            byte[] html = File.ReadAllBytes(HtmlReport.Write(report, directory));
            byte[] markdown = File.ReadAllBytes(MarkdownReport.Write(report, directory));

            Assert.Equal("<!DOCTYPE html>"u8.ToArray(), html[..15]);
            Assert.Equal((byte)'#', markdown[0]);
            Assert.DoesNotContain((byte)'\r', html);
            Assert.DoesNotContain((byte)'\r', markdown);
            Assert.Equal(HtmlReport.Render(report), System.Text.Encoding.UTF8.GetString(html));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void MarkdownRender_SampleReport_TablesFiguresAndNotes()
    {
        string markdown = MarkdownReport.Render(SampleReport.Build());

        Assert.Contains("| Initializer | Var\\[h\\] at layer 10 | Overflow layer |\n| --- | ---: | ---: |\n", markdown);
        Assert.Contains("| N(0, 1) \\| no scaling | +Inf | 12 |\n", markdown);
        Assert.Contains("**Figure 1.** Variance of the pre-activations per layer. (chart in index.html)\n", markdown);
        Assert.Contains("- Note: N(0, 1): overflow (±Inf) at layer 12, 13, 14, 15, 17, 18, … (8 points); not drawn.\n", markdown);
        Assert.Contains("1. [Variance per layer](#1-variance-per-layer)\n", markdown);
        Assert.Contains("## 1. Variance per layer\n", markdown);
        Assert.DoesNotContain("<svg", markdown);
    }

    [Fact]
    public void UniqueSlug_RepeatedHeading_NumberedLikeGitHub()
    {
        var used = new Dictionary<string, int>(StringComparer.Ordinal);
        Assert.Equal("variance-σ_w²", MarkdownReport.UniqueSlug("Variance (σ_w²)", used));
        Assert.Equal("variance-σ_w²-1", MarkdownReport.UniqueSlug("Variance (σ_w²)", used));
        Assert.Equal("variance-σ_w²-2", MarkdownReport.UniqueSlug("Variance: σ_w²", used));
    }

    [Fact]
    public void AddRow_WrongWidth_ThrowsNamingColumns()
    {
        var error = Assert.Throws<ArgumentException>(() => new ReportTable("a", "b").AddRow(1));
        Assert.Contains("2 columns (a, b)", error.Message);
    }

    [Fact]
    public void AddRow_MixedCells_FormattedInvariantly()
    {
        var table = new ReportTable("a", "b", "c", "d", "e").AddRow(1.23456789, 42, 1e-9f, null, "text");
        Assert.Equal(new[] { "1.235", "42", "1e-9", string.Empty, "text" }, table.Rows[0]);
        Assert.True(table.IsNumericColumn(0));
        Assert.True(table.IsNumericColumn(2));
        Assert.False(table.IsNumericColumn(3));
        Assert.False(table.IsNumericColumn(4));
    }
}
