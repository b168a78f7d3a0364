using System.Globalization;

namespace WeightInit.Reporting;

/// <summary>
/// The content of a report — title, summary table, sections of paragraphs, tables and figures — written by
/// <see cref="HtmlReport"/> as one self-contained index.html and by <see cref="MarkdownReport"/> as report.md.
/// </summary>
/// <example>
/// <code>
/// var report = new ReportDocument("Signal propagation at initialization") { Summary = summary };
/// report.AddSection("Variance per layer")
///     .AddParagraph("Var[h] of the pre-activations at each depth, 10 000 inputs.")
///     .AddFigure(chart, "Variance per layer, log scale.");
/// HtmlReport.Write(report, outputDirectory);
/// MarkdownReport.Write(report, outputDirectory);
/// </code>
/// </example>
public sealed class ReportDocument
{
    private readonly List<ReportSection> _sections = [];

    /// <summary>Creates an empty report.</summary>
    /// <param name="title">The report title.</param>
    /// <exception cref="ArgumentException">The title is empty.</exception>
    public ReportDocument(string title)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        Title = title;
    }

    /// <summary>The report title.</summary>
    public string Title { get; }

    /// <summary>A line under the title (e.g. the configuration), or <see langword="null"/>.</summary>
    public string? Subtitle { get; init; }

    /// <summary>The summary table shown first, before the contents, or <see langword="null"/>.</summary>
    public ReportTable? Summary { get; set; }

    /// <summary>The sections in order.</summary>
    public IReadOnlyList<ReportSection> Sections => _sections;

    /// <summary>Appends a section.</summary>
    /// <param name="heading">The section heading, listed in the table of contents.</param>
    /// <returns>The new section, to add content to.</returns>
    public ReportSection AddSection(string heading)
    {
        var section = new ReportSection(heading);
        _sections.Add(section);
        return section;
    }
}

/// <summary>A headed section of a report: paragraphs, tables and figures in order.</summary>
public sealed class ReportSection
{
    private readonly List<ReportBlock> _blocks = [];

    /// <summary>Creates an empty section.</summary>
    /// <param name="heading">The heading.</param>
    /// <exception cref="ArgumentException">The heading is empty.</exception>
    public ReportSection(string heading)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(heading);
        Heading = heading;
    }

    /// <summary>The heading.</summary>
    public string Heading { get; }

    /// <summary>The content blocks in order.</summary>
    public IReadOnlyList<ReportBlock> Blocks => _blocks;

    /// <summary>Appends a paragraph of plain text (escaped when written, so markup characters show literally).</summary>
    /// <param name="text">The text.</param>
    /// <returns>This section.</returns>
    public ReportSection AddParagraph(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _blocks.Add(new ReportParagraph(text));
        return this;
    }

    /// <summary>Appends a table.</summary>
    /// <param name="table">The table.</param>
    /// <param name="caption">Caption shown above it, or <see langword="null"/>.</param>
    /// <returns>This section.</returns>
    public ReportSection AddTable(ReportTable table, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        _blocks.Add(new ReportTableBlock(table, caption));
        return this;
    }

    /// <summary>Appends a chart as a numbered figure; its notes about undrawn data go under the caption in report.md.</summary>
    /// <param name="chart">The chart, rendered now.</param>
    /// <param name="caption">The caption.</param>
    /// <returns>This section.</returns>
    public ReportSection AddFigure(SvgChart chart, string caption)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var rendered = chart.Render();
        return AddFigure(rendered, caption);
    }

    /// <summary>Appends an already rendered chart as a numbered figure.</summary>
    /// <param name="chart">The rendered chart.</param>
    /// <param name="caption">The caption.</param>
    /// <returns>This section.</returns>
    public ReportSection AddFigure(RenderedChart chart, string caption)
    {
        ArgumentNullException.ThrowIfNull(chart);
        ArgumentNullException.ThrowIfNull(caption);
        _blocks.Add(new ReportFigure(chart.Svg, caption, chart.Notes));
        return this;
    }
}

/// <summary>A block of report content.</summary>
public abstract record ReportBlock;

/// <summary>A paragraph of plain text.</summary>
/// <param name="Text">The text, unescaped.</param>
public sealed record ReportParagraph(string Text) : ReportBlock;

/// <summary>A table with an optional caption.</summary>
/// <param name="Table">The table.</param>
/// <param name="Caption">Caption, or <see langword="null"/>.</param>
public sealed record ReportTableBlock(ReportTable Table, string? Caption) : ReportBlock;

/// <summary>An SVG figure with its caption.</summary>
/// <param name="Svg">The <c>&lt;svg&gt;</c> element, embedded as is.</param>
/// <param name="Caption">The caption, unescaped.</param>
/// <param name="Notes">Notes about data the chart could not draw.</param>
public sealed record ReportFigure(string Svg, string Caption, IReadOnlyList<string> Notes) : ReportBlock;

/// <summary>A table of text cells: a header row and data rows of the same width.</summary>
/// <remarks>
/// A column whose non-empty cells all read as numbers (invariant culture, including NaN and ±Inf) is numeric and is
/// right-aligned in both HTML and Markdown.
/// </remarks>
public sealed class ReportTable
{
    private readonly List<IReadOnlyList<string>> _rows = [];

    /// <summary>Creates a table with the given column headers.</summary>
    /// <param name="header">Column headers, at least one.</param>
    /// <exception cref="ArgumentException">No header is given.</exception>
    public ReportTable(params string[] header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (header.Length == 0)
        {
            throw new ArgumentException("A table needs at least one column header.", nameof(header));
        }

        Header = header.Select(h => h ?? string.Empty).ToArray();
    }

    /// <summary>Column headers.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>Data rows, each as wide as the header.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows => _rows;

    /// <summary>
    /// Appends a row. Cells are written culture-independently: <see cref="double"/> and <see cref="float"/> with
    /// <see cref="ChartFormat.Number"/> (4 significant digits), integers as they are, <see langword="null"/> as empty.
    /// </summary>
    /// <param name="cells">One cell per column.</param>
    /// <returns>This table.</returns>
    /// <exception cref="ArgumentException">The row is not as wide as the header.</exception>
    public ReportTable AddRow(params object?[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length != Header.Count)
        {
            throw new ArgumentException($"The table has {Header.Count} columns ({string.Join(", ", Header)}) but the row has {cells.Length} cells.", nameof(cells));
        }

        _rows.Add(cells.Select(FormatCell).ToArray());
        return this;
    }

    /// <summary>Whether column <paramref name="column"/> is numeric (and so right-aligned).</summary>
    /// <param name="column">Zero-based column index.</param>
    /// <returns>True when it has at least one non-empty cell and every non-empty cell reads as a number.</returns>
    public bool IsNumericColumn(int column)
    {
        if (column < 0 || column >= Header.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(column), column, $"Column index must be in 0..{Header.Count - 1}.");
        }

        bool any = false;
        foreach (var row in _rows)
        {
            string cell = row[column].Trim();
            if (cell.Length == 0)
            {
                continue;
            }

            if (!IsNumber(cell))
            {
                return false;
            }

            any = true;
        }

        return any;
    }

    private static bool IsNumber(string cell) =>
        cell is "NaN" or "+Inf" or "-Inf" or "Inf" or "∞" or "-∞" or "+∞"
        || double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static string FormatCell(object? cell) => cell switch
    {
        null => string.Empty,
        string s => s,
        double d => ChartFormat.Number(d),
        float f => ChartFormat.Number(f),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? string.Empty,
    };
}
