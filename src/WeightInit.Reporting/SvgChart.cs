namespace WeightInit.Reporting;

/// <summary>An SVG chart as written: the markup and the notes about data that could not be drawn.</summary>
/// <param name="Svg">A complete <c>&lt;svg&gt;</c> element, usable inline in HTML or as a file of its own.</param>
/// <param name="Notes">Notes also printed under the chart, e.g. "overflow (±Inf) at layer 12".</param>
/// <param name="Width">Width in CSS pixels.</param>
/// <param name="Height">Height in CSS pixels, notes included.</param>
public sealed record RenderedChart(string Svg, IReadOnlyList<string> Notes, int Width, int Height);

/// <summary>
/// A chart written as a self-contained SVG: line, scatter, error band, histogram and heatmap layers over linear,
/// log or symlog axes, with nice ticks, titles, a legend and a colour bar.
/// </summary>
/// <remarks>
/// <para>The output depends on the data alone: numbers are written with the invariant culture in a fixed format,
/// so the same chart gives the same bytes. It uses no script, no font file and no element ids, so any number of
/// charts can sit inline in one HTML page.</para>
/// <para>Points that cannot be drawn — NaN, ±Inf (e.g. float32 overflow deep in a network) or non-positive values on a
/// log axis — are skipped, break the line, and are listed as notes under the plot; no NaN ever reaches the SVG.</para>
/// <example>
/// <code>
/// var chart = new SvgChart { Title = "Variance per layer", XAxis = AxisOptions.Linear("layer"), YAxis = AxisOptions.Log("Var[h]") }
///     .AddLine("He normal", layers, variances, markers: true)
///     .AddLine("Glorot uniform", layers, glorot, markers: true);
/// string svg = chart.ToSvg();
/// </code>
/// </example>
/// </remarks>
public sealed class SvgChart
{
    /// <summary>Smallest width and height that leave room for the plot area.</summary>
    public const int MinimumSize = 200;

    private readonly List<ChartEntry> _entries = [];
    private readonly Dictionary<string, int> _colorGroups = new(StringComparer.Ordinal);
    private int _nextColor;

    /// <summary>Chart title, drawn above the plot; <see langword="null"/> for none.</summary>
    public string? Title { get; init; }

    /// <summary>Width of the report's text column, the default <see cref="Width"/>: a figure fills the column.</summary>
    public const int DefaultWidth = 940;

    /// <summary>A log-y chart whose drawn values span more than this factor gets a linear zoom panel (see <see cref="LinearZoom"/>).</summary>
    public const double ZoomThreshold = 1e6;

    /// <summary>Width in CSS pixels (at least <see cref="MinimumSize"/>); <see cref="DefaultWidth"/> by default.</summary>
    public int Width { get; init; } = DefaultWidth;

    /// <summary>Height in CSS pixels of the title, plot and x axis (at least <see cref="MinimumSize"/>); 400 by default. The zoom
    /// panel, the legend and the notes, drawn below, add to it.</summary>
    public int Height { get; init; } = 400;

    /// <summary>The horizontal axis.</summary>
    public AxisOptions XAxis { get; init; } = new();

    /// <summary>The vertical axis.</summary>
    public AxisOptions YAxis { get; init; } = new();

    /// <summary>How several histograms share their bins.</summary>
    public HistogramLayout HistogramLayout { get; init; } = HistogramLayout.Overlaid;

    /// <summary>Whether the legend is drawn (below the plot, in columns, so it never covers data nor narrows the plot).</summary>
    public bool ShowLegend { get; init; } = true;

    /// <summary>
    /// Whether a log-y chart whose drawn values span more than <see cref="ZoomThreshold"/> also draws, below it, a
    /// linear-scale panel of the line series whose values stay within a factor 100 (with their bands): on such an axis
    /// the series of moderate size collapse onto one line. True by default; a heatmap chart never zooms.
    /// </summary>
    public bool LinearZoom { get; init; } = true;

    /// <summary>The heatmap layer, drawn beneath every series, or <see langword="null"/>.</summary>
    public Heatmap? Heatmap { get; private set; }

    /// <summary>The series in the order added.</summary>
    public IReadOnlyList<ChartSeries> Series => _entries.Select(e => e.Series).ToList();

    internal IReadOnlyList<ChartEntry> Entries => _entries;

    /// <summary>How each legend entry is drawn — colour, line pattern (null: no line), marker shape (null: none), histogram
    /// bars — in legend order: what a reader tells the series apart by.</summary>
    public IReadOnlyList<SeriesStyle> LegendStyles() => _entries.Where(e => e.InLegend).Select(Style).ToList();

    /// <summary>Every series in drawing order with its style and whether it has a legend entry of its own (a mean ± spread
    /// band has none: its line's entry shows it): what another renderer (e.g. the PNG writer) needs to draw the same chart.</summary>
    public IReadOnlyList<ChartLayer> Layers() => _entries.Select(e => new ChartLayer(e.Series, Style(e), e.InLegend)).ToList();

    /// <summary>The series that the linear zoom panel redraws (see <see cref="LinearZoom"/>), in drawing order; empty when the
    /// chart gets no zoom panel.</summary>
    public IReadOnlyList<ChartLayer> ZoomLayers() =>
        new SvgChartRenderer(this).ZoomEntries().Select(e => new ChartLayer(e.Series, Style(e), e.InLegend)).ToList();

    private static SeriesStyle Style(ChartEntry e) => e.Series switch
    {
        LineSeries line => new SeriesStyle(line.Name, ChartColors.Series(e.Color), line.ShowLine ? line.Dash : null,
            SvgChartRenderer.HasMarkers(line, e.Color) ? SvgChartRenderer.MarkerShape(e.Color) : null, e.LegendBand, Bars: false),
        HistogramSeries h => new SeriesStyle(h.Name, ChartColors.Series(e.Color), null, null, Band: false, Bars: true),
        var other => new SeriesStyle(other.Name, ChartColors.Series(e.Color), null, null, Band: true, Bars: false),
    };

    /// <summary>Adds a line through (x[i], y[i]); non-finite y values break the line and are noted.</summary>
    /// <param name="name">Legend label.</param>
    /// <param name="x">Horizontal positions.</param>
    /// <param name="y">Vertical positions.</param>
    /// <param name="markers">Whether to mark each point.</param>
    /// <param name="dash">Stroke pattern.</param>
    /// <param name="colorGroup">Series with the same group share one colour (e.g. a theory line and its measurement, told apart
    /// by dash and markers); null: a colour of its own.</param>
    /// <returns>This chart.</returns>
    public SvgChart AddLine(string name, IReadOnlyList<double> x, IReadOnlyList<double> y, bool markers = false, LineDash dash = LineDash.Solid, string? colorGroup = null) =>
        Add(new LineSeries(name, x, y) { ShowMarkers = markers, Dash = dash }, colorGroup);

    /// <summary>Adds a line against 0, 1, 2, … (e.g. layer index or training step).</summary>
    /// <param name="name">Legend label.</param>
    /// <param name="y">Vertical positions; x is the index.</param>
    /// <param name="markers">Whether to mark each point.</param>
    /// <returns>This chart.</returns>
    public SvgChart AddLine(string name, IReadOnlyList<double> y, bool markers = false)
    {
        ArgumentNullException.ThrowIfNull(y);
        return AddLine(name, Enumerable.Range(0, y.Count).Select(i => (double)i).ToArray(), y, markers);
    }

    /// <summary>Adds unconnected markers at (x[i], y[i]).</summary>
    /// <param name="name">Legend label.</param>
    /// <param name="x">Horizontal positions.</param>
    /// <param name="y">Vertical positions.</param>
    /// <param name="colorGroup">Series with the same group share one colour; null: a colour of its own.</param>
    /// <returns>This chart.</returns>
    public SvgChart AddScatter(string name, IReadOnlyList<double> x, IReadOnlyList<double> y, string? colorGroup = null) =>
        Add(new LineSeries(name, x, y) { ShowLine = false, ShowMarkers = true }, colorGroup);

    /// <summary>Adds a shaded band between <paramref name="lower"/> and <paramref name="upper"/>.</summary>
    /// <param name="name">Legend label.</param>
    /// <param name="x">Horizontal positions.</param>
    /// <param name="lower">Lower edge.</param>
    /// <param name="upper">Upper edge.</param>
    /// <returns>This chart.</returns>
    public SvgChart AddBand(string name, IReadOnlyList<double> x, IReadOnlyList<double> lower, IReadOnlyList<double> upper) =>
        Add(new BandSeries(name, x, lower, upper));

    /// <summary>Adds a mean line with a band mean ± spread in the same colour, as one legend entry.</summary>
    /// <param name="name">Legend label.</param>
    /// <param name="x">Horizontal positions.</param>
    /// <param name="mean">Centre line.</param>
    /// <param name="spread">Half-width of the band at each x (e.g. one standard deviation), non-negative.</param>
    /// <param name="markers">Whether to mark each mean point.</param>
    /// <param name="colorGroup">Series with the same group share one colour; null: a colour of its own.</param>
    /// <returns>This chart.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public SvgChart AddMeanWithSpread(string name, IReadOnlyList<double> x, IReadOnlyList<double> mean, IReadOnlyList<double> spread, bool markers = false, string? colorGroup = null)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(spread);
        if (mean.Count != spread.Count)
        {
            throw new ArgumentException($"Series '{name}': mean has {mean.Count} values but spread has {spread.Count}; they must pair up one to one.");
        }

        var lower = new double[mean.Count];
        var upper = new double[mean.Count];
        for (int i = 0; i < mean.Count; i++)
        {
            lower[i] = mean[i] - spread[i];
            upper[i] = mean[i] + spread[i];
        }

        int color = NextColor(colorGroup);
        _entries.Add(new ChartEntry(new BandSeries(name, x, lower, upper), color, InLegend: false, LegendBand: false));
        _entries.Add(new ChartEntry(new LineSeries(name, x, mean) { ShowMarkers = markers }, color, InLegend: true, LegendBand: true));
        return this;
    }

    /// <summary>Adds a histogram from bin edges and heights.</summary>
    /// <param name="name">Legend label.</param>
    /// <param name="edges">Bin edges (heights + 1, increasing).</param>
    /// <param name="heights">Bar heights.</param>
    /// <returns>This chart.</returns>
    public SvgChart AddHistogram(string name, IReadOnlyList<double> edges, IReadOnlyList<double> heights) =>
        Add(new HistogramSeries(name, edges, heights));

    /// <summary>Adds a series; its colour is the next in <see cref="ChartColors.OkabeIto"/>.</summary>
    /// <param name="series">A <see cref="LineSeries"/>, <see cref="BandSeries"/> or <see cref="HistogramSeries"/>.</param>
    /// <returns>This chart.</returns>
    /// <exception cref="ArgumentException">The series is of another kind.</exception>
    public SvgChart Add(ChartSeries series) => Add(series, null);

    private SvgChart Add(ChartSeries series, string? colorGroup)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series is not (LineSeries or BandSeries or HistogramSeries))
        {
            throw new ArgumentException($"Series of type {series.GetType().Name} cannot be drawn; use LineSeries, BandSeries or HistogramSeries.", nameof(series));
        }

        _entries.Add(new ChartEntry(series, NextColor(colorGroup), InLegend: true, LegendBand: false));
        return this;
    }

    /// <summary>The colour slot of a new series: its group's, or the next unused one.</summary>
    private int NextColor(string? group)
    {
        if (group is null) return _nextColor++;
        if (!_colorGroups.TryGetValue(group, out int color)) _colorGroups[group] = color = _nextColor++;
        return color;
    }

    /// <summary>Sets the heatmap layer (one per chart); line series added afterwards draw over it, e.g. a χ₁ = 1 curve.</summary>
    /// <param name="heatmap">The grid.</param>
    /// <returns>This chart.</returns>
    public SvgChart SetHeatmap(Heatmap heatmap)
    {
        Heatmap = heatmap ?? throw new ArgumentNullException(nameof(heatmap));
        return this;
    }

    /// <summary>Lays out and writes the chart.</summary>
    /// <returns>The SVG markup and the notes about undrawn data.</returns>
    /// <exception cref="ArgumentException">The size or an axis option is invalid, or side-by-side histograms do not share edges.</exception>
    public RenderedChart Render() => new SvgChartRenderer(this).Render();

    /// <summary>The chart as an SVG element (see <see cref="Render"/>).</summary>
    /// <returns>The SVG markup.</returns>
    public string ToSvg() => Render().Svg;

    /// <summary>Writes the chart as a standalone .svg file (UTF-8, no byte-order mark).</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <returns>The notes about undrawn data.</returns>
    public IReadOnlyList<string> WriteFile(string path)
    {
        var rendered = Render();
        File.WriteAllText(path, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + rendered.Svg, new System.Text.UTF8Encoding(false));
        return rendered.Notes;
    }
}

/// <summary>How one legend entry is drawn (see <see cref="SvgChart.LegendStyles"/>).</summary>
/// <param name="Name">The legend label.</param>
/// <param name="Color">The colour, <c>#RRGGBB</c>.</param>
/// <param name="Line">The line's dash pattern, or null when no line is drawn.</param>
/// <param name="Marker">The marker shape, or null when points are not marked.</param>
/// <param name="Band">Whether a shaded band goes with it.</param>
/// <param name="Bars">Whether it is a histogram.</param>
public sealed record SeriesStyle(string Name, string Color, LineDash? Line, string? Marker, bool Band, bool Bars)
{
    /// <summary>What tells it apart from the other entries of its figure: colour, line, marker, bars.</summary>
    public (string Color, LineDash? Line, string? Marker, bool Bars) Look => (Color, Line, Marker, Bars);
}

/// <summary>One series of a chart as drawn (see <see cref="SvgChart.Layers"/>).</summary>
/// <param name="Series">The data.</param>
/// <param name="Style">Colour, line, marker.</param>
/// <param name="InLegend">Whether it has a legend entry of its own.</param>
public sealed record ChartLayer(ChartSeries Series, SeriesStyle Style, bool InLegend);

/// <summary>A series with its colour slot and legend role.</summary>
/// <param name="Series">The data.</param>
/// <param name="Color">Index into the palette.</param>
/// <param name="InLegend">Whether the series has its own legend entry.</param>
/// <param name="LegendBand">Whether the legend swatch shows a band behind the line (mean ± spread).</param>
internal sealed record ChartEntry(ChartSeries Series, int Color, bool InLegend, bool LegendBand);
