using System.Globalization;
using System.Text;

namespace WeightInit.Reporting;

/// <summary>Writes a <see cref="ReportDocument"/> as one self-contained HTML page.</summary>
/// <remarks>
/// The page embeds its CSS and its SVG figures; it loads no script, font, style sheet or image, and a
/// Content-Security-Policy of <c>default-src 'none'</c> makes the browser refuse any such request. The same document
/// gives the same bytes (UTF-8, no byte-order mark, LF line ends).
/// </remarks>
public static class HtmlReport
{
    /// <summary>File name written by <see cref="Write"/>.</summary>
    public const string FileName = "index.html";

    private const string Css = """
        :root { color-scheme: light; }
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1a1a1a; background: #ffffff; margin: 0; line-height: 1.5; }
        .page { max-width: 980px; margin: 0 auto; padding: 24px 20px 48px; }
        h1 { font-size: 1.75rem; margin: 0 0 4px; }
        h2 { font-size: 1.3rem; margin: 36px 0 12px; border-bottom: 1px solid #dddddd; padding-bottom: 4px; }
        .subtitle { color: #555555; margin: 0 0 16px; }
        table { border-collapse: collapse; margin: 12px 0 20px; font-size: 0.92rem; }
        caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: 6px; }
        th, td { border: 1px solid #d0d0d0; padding: 4px 10px; text-align: left; vertical-align: top; }
        th { background: #f3f3f3; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        nav.toc ol { margin: 4px 0 0; padding-left: 22px; }
        nav.toc a { color: #0b5cad; text-decoration: none; }
        nav.toc a:hover { text-decoration: underline; }
        figure { margin: 16px 0 28px; }
        figure svg { max-width: 100%; height: auto; display: block; }
        figcaption { color: #333333; font-size: 0.92rem; margin-top: 6px; }
        footer { color: #777777; font-size: 0.85rem; margin-top: 40px; }
        """;

    /// <summary>Writes the report as HTML text.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The complete HTML document.</returns>
    public static string Render(ReportDocument report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder();
        void Line(string text) => html.Append(text).Append('\n');

        Line("<!DOCTYPE html>");
        Line("<html lang=\"en\">");
        Line("<head>");
        Line("<meta charset=\"utf-8\">");
        Line("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        Line("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
        Line("<link rel=\"icon\" href=\"data:,\">");
        Line($"<title>{E(report.Title)}</title>");
        Line("<style>");
        Line(Css.TrimEnd());
        Line("</style>");
        Line("</head>");
        Line("<body>");
        Line("<div class=\"page\">");
        Line("<header>");
        Line($"<h1>{E(report.Title)}</h1>");
        if (report.Subtitle is not null)
        {
            Line($"<p class=\"subtitle\">{E(report.Subtitle)}</p>");
        }

        Line("</header>");
        if (report.Summary is not null)
        {
            Line("<section id=\"summary\">");
            Line("<h2>Summary</h2>");
            WriteTable(html, report.Summary, null);
            Line("</section>");
        }

        if (report.Sections.Count > 0)
        {
            Line("<nav class=\"toc\" aria-label=\"Contents\">");
            Line("<h2>Contents</h2>");
            Line("<ol>");
            for (int s = 0; s < report.Sections.Count; s++)
            {
                Line($"<li><a href=\"#{SectionId(s)}\">{E(report.Sections[s].Heading)}</a></li>");
            }

            Line("</ol>");
            Line("</nav>");
        }

        Line("<main>");
        int figureNumber = 0, tableNumber = 0;
        for (int s = 0; s < report.Sections.Count; s++)
        {
            var section = report.Sections[s];
            Line($"<section id=\"{SectionId(s)}\">");
            Line($"<h2>{(s + 1).ToString(CultureInfo.InvariantCulture)}. {E(section.Heading)}</h2>");
            foreach (var block in section.Blocks)
            {
                switch (block)
                {
                    case ReportParagraph paragraph:
                        Line($"<p>{E(paragraph.Text)}</p>");
                        break;
                    case ReportTableBlock table:
                        string? caption = table.Caption is null ? null
                            : $"Table {(++tableNumber).ToString(CultureInfo.InvariantCulture)}. {table.Caption}";
                        WriteTable(html, table.Table, caption);
                        break;
                    case ReportFigure figure:
                        figureNumber++;
                        Line($"<figure id=\"figure-{figureNumber.ToString(CultureInfo.InvariantCulture)}\">");
                        html.Append(figure.Svg.TrimEnd()).Append('\n');
                        Line($"<figcaption><strong>Figure {figureNumber.ToString(CultureInfo.InvariantCulture)}.</strong> {E(figure.Caption)}</figcaption>");
                        Line("</figure>");
                        break;
                }
            }

            Line("</section>");
        }

        Line("</main>");
        Line("<footer>Written by WeightInit.</footer>");
        Line("</div>");
        Line("</body>");
        Line("</html>");
        return html.ToString();
    }

    /// <summary>Writes <c>index.html</c> into <paramref name="directory"/>, creating the directory if needed.</summary>
    /// <param name="report">The report.</param>
    /// <param name="directory">The output directory.</param>
    /// <returns>The path of the written file.</returns>
    public static string Write(ReportDocument report, string directory) => ReportFile.Write(directory, FileName, Render(report));

    private static string SectionId(int index) => "section-" + (index + 1).ToString(CultureInfo.InvariantCulture);

    private static string E(string text) => TextEscaping.Xml(text);

    private static void WriteTable(StringBuilder html, ReportTable table, string? caption)
    {
        var numeric = Enumerable.Range(0, table.Header.Count).Select(table.IsNumericColumn).ToArray();
        html.Append("<table>\n");
        if (caption is not null)
        {
            html.Append("<caption>").Append(E(caption)).Append("</caption>\n");
        }

        html.Append("<thead><tr>");
        for (int c = 0; c < table.Header.Count; c++)
        {
            html.Append(numeric[c] ? "<th scope=\"col\" class=\"num\">" : "<th scope=\"col\">").Append(E(table.Header[c])).Append("</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in table.Rows)
        {
            html.Append("<tr>");
            for (int c = 0; c < row.Count; c++)
            {
                html.Append(numeric[c] ? "<td class=\"num\">" : "<td>").Append(E(row[c])).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }
}
