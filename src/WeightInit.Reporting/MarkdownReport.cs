using System.Globalization;
using System.Text;

namespace WeightInit.Reporting;

/// <summary>Writes a <see cref="ReportDocument"/> as GitHub-flavoured Markdown.</summary>
/// <remarks>
/// Same content as <see cref="HtmlReport"/>: tables become pipe tables (numeric columns right-aligned), and a figure
/// becomes its numbered caption with a pointer to index.html, followed by the chart's notes. Same document, same bytes.
/// </remarks>
public static class MarkdownReport
{
    /// <summary>File name written by <see cref="Write"/>.</summary>
    public const string FileName = "report.md";

    /// <summary>Writes the report as Markdown text.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The Markdown document.</returns>
    public static string Render(ReportDocument report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');

        Line("# " + TextEscaping.Markdown(report.Title));
        Line();
        if (report.Subtitle is not null)
        {
            Line(TextEscaping.Markdown(report.Subtitle));
            Line();
        }

        if (report.Summary is not null)
        {
            Line("## Summary");
            Line();
            WriteTable(md, report.Summary);
            Line();
        }

        var headings = report.Sections
            .Select((s, i) => $"{(i + 1).ToString(CultureInfo.InvariantCulture)}. {s.Heading}")
            .ToList();
        if (report.Sections.Count > 0)
        {
            Line("## Contents");
            Line();
            var used = new Dictionary<string, int>(StringComparer.Ordinal) { ["summary"] = 1, ["contents"] = 1 };
            for (int s = 0; s < headings.Count; s++)
            {
                Line($"{(s + 1).ToString(CultureInfo.InvariantCulture)}. [{TextEscaping.Markdown(report.Sections[s].Heading)}](#{UniqueSlug(headings[s], used)})");
            }

            Line();
        }

        var numbers = new Numbering();
        for (int s = 0; s < report.Sections.Count; s++)
        {
            Line("## " + TextEscaping.Markdown(headings[s]));
            Line();
            WriteBlocks(md, report.Sections[s], numbers, _ => $"chart in {HtmlReport.FileName}");
        }

        return md.ToString();
    }

    /// <summary>Writes one section as a Markdown page of its own: the heading as the title ("# …"), then its blocks as
    /// <see cref="Render"/> writes them, a figure pointing to the file <paramref name="figureLocation"/> names.</summary>
    /// <param name="section">The section.</param>
    /// <param name="figureLocation">For the section's figure i (from 0), where its chart is, e.g. "error.svg".</param>
    /// <returns>The Markdown page.</returns>
    public static string RenderPage(ReportSection section, Func<int, string> figureLocation)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(figureLocation);
        var md = new StringBuilder();
        md.Append("# ").Append(TextEscaping.Markdown(section.Heading)).Append("\n\n");
        WriteBlocks(md, section, new Numbering(), figureLocation);
        return md.ToString();
    }

    private sealed class Numbering
    {
        public int Figures { get; set; }

        public int Tables { get; set; }
    }

    // figureLocation: for the section's figure i (from 0), the text in parentheses after its caption.
    private static void WriteBlocks(StringBuilder md, ReportSection section, Numbering numbers, Func<int, string> figureLocation)
    {
        void Line(string text = "") => md.Append(text).Append('\n');
        int sectionFigure = 0;
        foreach (var block in section.Blocks)
        {
            switch (block)
            {
                case ReportParagraph paragraph:
                    Line(TextEscaping.Markdown(paragraph.Text));
                    Line();
                    break;
                case ReportTableBlock table:
                    if (table.Caption is not null)
                    {
                        Line($"**Table {(++numbers.Tables).ToString(CultureInfo.InvariantCulture)}.** {TextEscaping.Markdown(table.Caption)}");
                        Line();
                    }

                    WriteTable(md, table.Table);
                    Line();
                    break;
                case ReportFigure figure:
                    Line($"**Figure {(++numbers.Figures).ToString(CultureInfo.InvariantCulture)}.** {TextEscaping.Markdown(figure.Caption)} ({TextEscaping.Markdown(figureLocation(sectionFigure++))})");
                    Line();
                    foreach (string note in figure.Notes)
                    {
                        Line("- Note: " + TextEscaping.Markdown(note));
                    }

                    if (figure.Notes.Count > 0)
                    {
                        Line();
                    }

                    break;
            }
        }
    }

    /// <summary>Writes <c>report.md</c> into <paramref name="directory"/>, creating the directory if needed.</summary>
    /// <param name="report">The report.</param>
    /// <param name="directory">The output directory.</param>
    /// <returns>The path of the written file.</returns>
    public static string Write(ReportDocument report, string directory) => ReportFile.Write(directory, FileName, Render(report));

    /// <summary>
    /// The anchor GitHub gives a heading: lower case, punctuation and symbols dropped (letters, marks, numbers such as '²', '-' and '_' kept),
    /// spaces as '-'; a repeated anchor gets "-1", "-2", ….
    /// </summary>
    internal static string UniqueSlug(string heading, Dictionary<string, int> used)
    {
        var slug = new StringBuilder();
        foreach (char c in heading.ToLowerInvariant())
        {
            if (char.IsLetter(c) || char.IsNumber(c) || IsMark(c) || c is '-' or '_')
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }

        string baseSlug = slug.ToString();
        if (!used.TryGetValue(baseSlug, out int count))
        {
            used[baseSlug] = 1;
            return baseSlug;
        }

        used[baseSlug] = count + 1;
        return baseSlug + "-" + count.ToString(CultureInfo.InvariantCulture);
    }

    private static bool IsMark(char c) => char.GetUnicodeCategory(c)
        is System.Globalization.UnicodeCategory.NonSpacingMark
        or System.Globalization.UnicodeCategory.SpacingCombiningMark
        or System.Globalization.UnicodeCategory.EnclosingMark;

    private static void WriteTable(StringBuilder md, ReportTable table)
    {
        var numeric = Enumerable.Range(0, table.Header.Count).Select(table.IsNumericColumn).ToArray();
        md.Append("| ").Append(string.Join(" | ", table.Header.Select(Cell))).Append(" |\n");
        md.Append("| ").Append(string.Join(" | ", numeric.Select(n => n ? "---:" : "---"))).Append(" |\n");
        foreach (var row in table.Rows)
        {
            md.Append("| ").Append(string.Join(" | ", row.Select(Cell))).Append(" |\n");
        }
    }

    private static string Cell(string text) => TextEscaping.Markdown(text);
}
