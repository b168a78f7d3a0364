using System.Globalization;
using System.Text;

namespace WeightInit.Reporting;

/// <summary>Lays out one <see cref="SvgChart"/> and writes its SVG.</summary>
internal sealed class SvgChartRenderer
{
    private const double FontSize = 12;
    private const double TitleFontSize = 15;
    private const double NoteFontSize = 11;
    private const double NoteLineHeight = 15;

    /// <summary>Average advance of a sans-serif glyph as a share of the font size; used to size margins for labels.</summary>
    private const double GlyphWidthRatio = 0.6;

    private const double LegendRowHeight = 18;
    private const double LegendSwatchWidth = 24;
    private const double LegendColumnGap = 20;
    private const double ColorBarWidth = 14;
    private const int ColorBarSteps = 64;
    private const double MarkerRadius = 3.5;
    private const double HistogramFillOpacity = 0.35;
    private const double BandFillOpacity = 0.2;
    private const int MaxListedLocations = 6;

    /// <summary>Fraction of the data's span (of its log span on a log axis) added at each end of an x axis that ends at the data.</summary>
    private const double AxisEndPadding = 0.02;

    /// <summary>Like <see cref="AxisEndPadding"/> for a y axis (plots are shorter than wide, so a marker takes more of the span).</summary>
    private const double AxisYPadding = 0.04;

    /// <summary>Height of the zoom panel's plot as a share of the main plot's.</summary>
    private const double ZoomHeightShare = 0.6;

    /// <summary>Room above the zoom panel for its title.</summary>
    private const double ZoomTitleHeight = 26;

    /// <summary>A line whose drawn values stay within this factor is redrawn in the zoom panel.</summary>
    internal const double ZoomStableSpan = 100;

    /// <summary>Stroke width of overlaid histograms drawn as step outlines.</summary>
    private const double StepStrokeWidth = 1.75;

    private static readonly string[] MarkerShapes = ["circle", "square", "triangle", "diamond", "triangle-down", "pentagon", "plus", "star"];

    /// <summary>The marker of colour slot <paramref name="color"/>: slots a palette cycle apart get different shapes, so colour and
    /// marker together are unique for the first palette size × shapes series.</summary>
    internal static string MarkerShape(int color) =>
        MarkerShapes[(color % ChartColors.OkabeIto.Count + color / ChartColors.OkabeIto.Count) % MarkerShapes.Length];

    /// <summary>A line in a second palette cycle always gets markers, so that it differs from the line of the same colour.</summary>
    internal static bool HasMarkers(LineSeries line, int color) => line.ShowMarkers || color >= ChartColors.OkabeIto.Count;

    private readonly SvgChart _chart;
    private readonly List<string> _notes = [];
    private readonly StringBuilder _svg = new();

    public SvgChartRenderer(SvgChart chart) => _chart = chart;

    public RenderedChart Render()
    {
        Validate();
        var x = _chart.XAxis;
        var y = _chart.YAxis;
        CollectRanges(out var xRange, out var yRange);
        CollectNotes();
        var zoom = ZoomPanel(yRange);

        // Vertical layout first: the y ticks need the plot height, the left margin needs the y labels.
        double top = _chart.Title is null ? 12 : 38;
        double axisBlock = 30 + (x.Title is null ? 0 : 20);
        double plotHeight = _chart.Height - top - axisBlock;
        // Histogram bars stand on zero: a linear y axis under them starts there instead of below it.
        bool floorAtZero = y.Scale == AxisScale.Linear && yRange.Min == 0 && _chart.Entries.Any(e => e.Series is HistogramSeries);
        var yTicks = AxisTicks.ForAxis(EndAtData(HeatmapFitted(y, _chart.Heatmap?.YEdges), yRange, AxisYPadding, floorAtZero), yRange.Min, yRange.Max, Math.Clamp((int)(plotHeight / 60), 2, 8));
        double zoomHeight = Math.Max(120, Math.Round(plotHeight * ZoomHeightShare));
        var zoomAxis = AxisOptions.Linear(y.Title is null ? "linear scale" : y.Title + " (linear)");
        var zoomTicks = zoom is null ? null : AxisTicks.ForAxis(EndAtData(zoomAxis, zoom.Y, AxisYPadding), zoom.Y.Min, zoom.Y.Max, Math.Clamp((int)(zoomHeight / 50), 2, 6));
        double yLabelWidth = yTicks.MajorTicks.Concat(zoomTicks?.MajorTicks ?? []).Select(t => LabelWidth(t, FontSize)).DefaultIfEmpty(0).Max();
        double left = 10 + (y.Title is null ? 0 : 20) + yLabelWidth + 8;

        var colorScale = BuildColorScale(plotHeight);
        double colorBarSpace = colorScale is null ? 0 : 16 + ColorBarWidth + 6
            + colorScale.Ticks.MajorTicks.Select(t => LabelWidth(t, FontSize)).DefaultIfEmpty(0).Max()
            + (_chart.Heatmap!.ColorTitle is null ? 0 : 22);
        double right = 16 + colorBarSpace;
        double plotWidth = _chart.Width - left - right;
        if (plotWidth < 80 || plotHeight < 60)
        {
            throw new ArgumentException(
                $"A chart of {_chart.Width} × {_chart.Height} px leaves too little room for the plot ({plotWidth:F0} × {plotHeight:F0} px) beside its labels; make it larger or shorten the labels.");
        }

        var xTicks = AxisTicks.ForAxis(EndAtData(HeatmapFitted(x, _chart.Heatmap?.XEdges), xRange, AxisEndPadding), xRange.Min, xRange.Max, Math.Clamp((int)(plotWidth / 90), 2, 10));
        var xMap = new AxisMap(x, xTicks.Min, xTicks.Max, 0, plotWidth);
        var yMap = new AxisMap(y, yTicks.Min, yTicks.Max, plotHeight, 0);

        // Below the plot: the zoom panel (if any), then the legend in as many columns as fit, then the notes.
        double bottom = top + plotHeight + axisBlock;
        double zoomTop = bottom + ZoomTitleHeight;
        if (zoom is not null)
        {
            bottom = zoomTop + zoomHeight + axisBlock;
        }

        var legend = BuildLegend();
        var legendLayout = LayOutLegend(legend, left, _chart.Width - left - 10);
        double legendTop = bottom + 4;
        if (legend.Count > 0)
        {
            bottom = legendTop + legendLayout.Rows * LegendRowHeight + 4;
        }

        var noteLines = WrapNotes(_chart.Width - 20);
        double height = bottom + (noteLines.Count == 0 ? 0 : noteLines.Count * NoteLineHeight + 6);

        Line($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{_chart.Width.ToString(CultureInfo.InvariantCulture)}\" height=\"{F(height)}\" viewBox=\"0 0 {_chart.Width.ToString(CultureInfo.InvariantCulture)} {F(height)}\" font-family=\"sans-serif\" font-size=\"{F(FontSize)}\" role=\"img\" class=\"chart\">");
        Line($"<title>{TextEscaping.Xml(_chart.Title ?? "Chart")}</title>");
        Line($"<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
        if (_chart.Title is not null)
        {
            Line($"<text x=\"{F(_chart.Width / 2.0)}\" y=\"24\" text-anchor=\"middle\" font-size=\"{F(TitleFontSize)}\" font-weight=\"bold\">{TextEscaping.Xml(_chart.Title)}</text>");
        }

        WritePanel("main", _chart.Entries, x, y, xTicks, yTicks, xMap, yMap, left, top, plotWidth, plotHeight, colorScale);
        if (zoom is not null && zoomTicks is not null)
        {
            Line($"<text class=\"zoom-title\" x=\"{F(left)}\" y=\"{F(zoomTop - 8)}\" font-size=\"{F(FontSize)}\" fill=\"#222222\">Linear scale: the series that stay within a factor {F(ZoomStableSpan)} (colours and markers as above)</text>");
            var zoomMap = new AxisMap(zoomAxis, zoomTicks.Min, zoomTicks.Max, zoomHeight, 0);
            WritePanel("zoom", zoom.Entries, x, zoomAxis, xTicks, zoomTicks, xMap, zoomMap, left, zoomTop, plotWidth, zoomHeight, null);
        }

        if (colorScale is not null)
        {
            WriteColorBar(colorScale, left + plotWidth + 16, top, plotHeight);
        }

        if (legend.Count > 0)
        {
            WriteLegend(legend, legendLayout, legendTop);
        }

        double noteY = bottom + 4;
        foreach (string line in noteLines)
        {
            noteY += NoteLineHeight;
            Line($"<text class=\"note\" x=\"10\" y=\"{F(noteY - 4)}\" font-size=\"{F(NoteFontSize)}\" fill=\"#555555\">{TextEscaping.Xml(line)}</text>");
        }

        Line("</svg>");
        return new RenderedChart(_svg.ToString(), _notes.Distinct(StringComparer.Ordinal).ToList(), _chart.Width, (int)Math.Ceiling(height));
    }

    /// <summary>One plot area: grid, clipped data layers, frame and both axes.</summary>
    private void WritePanel(string panel, IReadOnlyList<ChartEntry> entries, AxisOptions x, AxisOptions y, AxisTickSet xTicks, AxisTickSet yTicks,
        AxisMap xMap, AxisMap yMap, double left, double top, double plotWidth, double plotHeight, ColorScale? colorScale)
    {
        WriteGrid(xTicks, yTicks, xMap, yMap, left, top, plotWidth, plotHeight);

        // A nested <svg> clips its content to the plot area without the ids a clipPath would need.
        Line($"<svg class=\"plot\" data-panel=\"{panel}\" x=\"{F(left)}\" y=\"{F(top)}\" width=\"{F(plotWidth)}\" height=\"{F(plotHeight)}\" viewBox=\"0 0 {F(plotWidth)} {F(plotHeight)}\" overflow=\"hidden\">");
        if (_chart.Heatmap is not null && colorScale is not null)
        {
            WriteHeatmap(_chart.Heatmap, colorScale, xMap, yMap);
        }

        WriteHistograms(entries, x, y, xMap, yMap, plotHeight);
        foreach (var entry in entries)
        {
            if (entry.Series is BandSeries band)
            {
                WriteBand(band, entry.Color, x, y, xMap, yMap);
            }
        }

        foreach (var entry in entries)
        {
            if (entry.Series is LineSeries line)
            {
                WriteLine(line, entry.Color, x, y, xMap, yMap);
            }
        }

        Line("</svg>");
        Line($"<rect class=\"plot-area\" data-panel=\"{panel}\" x=\"{F(left)}\" y=\"{F(top)}\" width=\"{F(plotWidth)}\" height=\"{F(plotHeight)}\" fill=\"none\" stroke=\"#444444\"/>");
        WriteXAxis(xTicks, xMap, left, top + plotHeight, plotWidth);
        WriteYAxis(y, yTicks, yMap, left, top, plotHeight);
    }

    // ---- the linear zoom panel -------------------------------------------------------------------------------

    private sealed record Zoom(IReadOnlyList<ChartEntry> Entries, Range Y);

    /// <summary>
    /// A log-y chart whose drawn values span more than <see cref="SvgChart.ZoomThreshold"/> squeezes every series of
    /// moderate size onto one line; the zoom panel redraws on a linear axis the line series whose drawn values stay within
    /// a factor <see cref="ZoomStableSpan"/> (with their bands), so that they can be told apart.
    /// </summary>
    /// <summary>The series the zoom panel draws (none when the chart gets no zoom panel), for other renderers.</summary>
    internal IReadOnlyList<ChartEntry> ZoomEntries()
    {
        CollectRanges(out _, out var yRange);
        return ZoomPanel(yRange)?.Entries ?? [];
    }

    private Zoom? ZoomPanel(Range yRange)
    {
        if (!_chart.LinearZoom || _chart.YAxis.Scale != AxisScale.Log10 || _chart.Heatmap is not null
            || !(yRange.Min > 0 && yRange.Max / yRange.Min > SvgChart.ZoomThreshold))
        {
            return null;
        }

        var stable = _chart.Entries.Where(e => e.Series is LineSeries line && IsStable(line)).ToList();
        if (stable.Count == 0)
        {
            return null;
        }

        var names = stable.Select(e => (e.Series.Name, e.Color)).ToHashSet();
        var entries = _chart.Entries.Where(e => stable.Contains(e) || e.Series is BandSeries && names.Contains((e.Series.Name, e.Color))).ToList();
        var values = new List<double>();
        foreach (var entry in entries)
        {
            var (xs, ys) = entry.Series switch
            {
                LineSeries l => (l.X, new[] { l.Y }),
                BandSeries b => (b.X, new[] { b.Lower, b.Upper }),
                _ => (Array.Empty<double>(), Array.Empty<IReadOnlyList<double>>()),
            };
            for (int i = 0; i < xs.Count; i++)
            {
                if (_chart.XAxis.CanShow(xs[i]) && ys.All(s => double.IsFinite(s[i])))
                {
                    values.AddRange(ys.Select(s => s[i]));
                }
            }
        }

        return new Zoom(entries, new Range(values.Min(), values.Max()));
    }

    /// <summary>Whether a line's drawn values (finite, positive) exist and stay within a factor <see cref="ZoomStableSpan"/>.</summary>
    private bool IsStable(LineSeries line)
    {
        double min = double.PositiveInfinity, max = 0;
        for (int i = 0; i < line.X.Count; i++)
        {
            if (_chart.XAxis.CanShow(line.X[i]) && _chart.YAxis.CanShow(line.Y[i]))
            {
                min = Math.Min(min, line.Y[i]);
                max = Math.Max(max, line.Y[i]);
            }
        }

        return max > 0 && max / min <= ZoomStableSpan;
    }


    private void Validate()
    {
        if (_chart.Width < SvgChart.MinimumSize || _chart.Height < SvgChart.MinimumSize)
        {
            throw new ArgumentException($"Chart size {_chart.Width} × {_chart.Height} px is too small; width and height must be at least {SvgChart.MinimumSize} px.");
        }

        _chart.XAxis.Validate("x");
        _chart.YAxis.Validate("y");
        if (_chart.Heatmap is { } heatmap && heatmap.ColorMin is { } cMin && heatmap.ColorMax is { } cMax && !(cMin < cMax))
        {
            throw new ArgumentException($"Heatmap ColorMin ({cMin}) must be less than ColorMax ({cMax}).");
        }

        if (_chart.HistogramLayout == HistogramLayout.SideBySide)
        {
            var histograms = _chart.Entries.Select(e => e.Series).OfType<HistogramSeries>().ToList();
            foreach (var h in histograms.Skip(1))
            {
                if (!h.Edges.SequenceEqual(histograms[0].Edges))
                {
                    throw new ArgumentException(
                        $"Side-by-side histograms must share their bin edges, but '{h.Name}' differs from '{histograms[0].Name}'; use HistogramLayout.Overlaid or the same edges.");
                }
            }
        }
    }

    // ---- data ranges and notes -------------------------------------------------------------------------------

    private readonly record struct Range(double Min, double Max);

    private void CollectRanges(out Range xRange, out Range yRange)
    {
        var x = _chart.XAxis;
        var y = _chart.YAxis;
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var entry in _chart.Entries)
        {
            switch (entry.Series)
            {
                case LineSeries line:
                    for (int i = 0; i < line.X.Count; i++)
                    {
                        if (x.CanShow(line.X[i]) && y.CanShow(line.Y[i]))
                        {
                            xs.Add(line.X[i]);
                            ys.Add(line.Y[i]);
                        }
                    }

                    break;
                case BandSeries band:
                    for (int i = 0; i < band.X.Count; i++)
                    {
                        if (x.CanShow(band.X[i]) && y.CanShow(band.Lower[i]) && y.CanShow(band.Upper[i]))
                        {
                            xs.Add(band.X[i]);
                            ys.Add(band.Lower[i]);
                            ys.Add(band.Upper[i]);
                        }
                    }

                    break;
                case HistogramSeries histogram:
                    for (int i = 0; i < histogram.Heights.Count; i++)
                    {
                        if (x.CanShow(histogram.Edges[i]) && x.CanShow(histogram.Edges[i + 1]) && y.CanShow(histogram.Heights[i]))
                        {
                            xs.Add(histogram.Edges[i]);
                            xs.Add(histogram.Edges[i + 1]);
                            ys.Add(histogram.Heights[i]);
                        }
                    }

                    // Bars stand on zero, so a linear axis must show it.
                    if (y.Scale != AxisScale.Log10)
                    {
                        ys.Add(0);
                    }

                    break;
            }
        }

        if (_chart.Heatmap is { } heatmap)
        {
            xs.AddRange(heatmap.XEdges.Where(x.CanShow));
            ys.AddRange(heatmap.YEdges.Where(y.CanShow));
        }

        xRange = RangeOf(xs, x);
        yRange = RangeOf(ys, y);
        if (xs.Count == 0 && ys.Count == 0 && _chart.Entries.Count + (_chart.Heatmap is null ? 0 : 1) > 0)
        {
            _notes.Add("No data point could be drawn.");
        }
    }

    /// <summary>A heatmap fills the plot: an axis without a fixed range spans exactly the drawable grid edges.</summary>
    private static AxisOptions HeatmapFitted(AxisOptions axis, IReadOnlyList<double>? edges)
    {
        if (edges is null || axis.Min is not null || axis.Max is not null)
        {
            return axis;
        }

        var drawable = edges.Where(axis.CanShow).ToList();
        return drawable.Count < 2 ? axis : axis with { Min = drawable[0], Max = drawable[^1] };
    }

    /// <summary>An axis without set limits ends at the data (widened by <paramref name="padding"/> of its span, so the end
    /// markers are not cut by the plot's clip) instead of at the next nice tick: 50 layers do not run the axis to 60, and
    /// a curve whose top lands on a tick keeps its markers whole.</summary>
    private static AxisOptions EndAtData(AxisOptions axis, Range data, double padding, bool floorAtZero = false)
    {
        if (axis.Min is not null || axis.Max is not null || !(data.Min < data.Max))
        {
            return axis;
        }

        if (axis.Scale == AxisScale.Log10)
        {
            if (!(data.Min > 0))
            {
                return axis;
            }

            double factor = Math.Pow(data.Max / data.Min, padding);
            return axis with { Min = data.Min / factor, Max = data.Max * factor };
        }

        if (axis.Scale != AxisScale.Linear)
        {
            return axis;
        }

        double pad = (data.Max - data.Min) * padding;
        return axis with { Min = floorAtZero ? 0 : data.Min - pad, Max = data.Max + pad };
    }

    private static Range RangeOf(List<double> values, AxisOptions axis)
    {
        if (values.Count == 0)
        {
            return axis.Scale == AxisScale.Log10 ? new Range(1, 10) : new Range(0, 1);
        }

        return new Range(values.Min(), values.Max());
    }

    private void CollectNotes()
    {
        var x = _chart.XAxis;
        var y = _chart.YAxis;
        var entries = _chart.Entries;
        for (int e = 0; e < entries.Count; e++)
        {
            var entry = entries[e];
            switch (entry.Series)
            {
                case LineSeries line:
                    NotePoints(line.Name, line.X, [line.Y]);
                    break;
                case BandSeries band:
                    // A mean ± spread band (added just before its mean line) is not noted where its mean line already is.
                    var mean = e + 1 < entries.Count && entries[e + 1] is { LegendBand: true, Series: LineSeries m } next && next.Color == entry.Color ? m : null;
                    NotePoints(band.Name + " (band)", band.X, [band.Lower, band.Upper], i => mean is not null && i < mean.Y.Count && !double.IsFinite(mean.Y[i]));
                    break;
                case HistogramSeries histogram:
                    NoteHistogram(histogram);
                    break;
            }
        }

        if (_chart.Heatmap is { } heatmap)
        {
            int nonFinite = 0;
            foreach (double v in heatmap.Values)
            {
                if (!double.IsFinite(v))
                {
                    nonFinite++;
                }
            }

            if (nonFinite > 0)
            {
                _notes.Add($"Heatmap: {Count(nonFinite, "cell")} not finite (NaN/±Inf, e.g. overflow), left blank.");
            }

            if (heatmap.XEdges.Any(e => !x.CanShow(e)) || heatmap.YEdges.Any(e => !y.CanShow(e)))
            {
                _notes.Add("Heatmap: cells with non-positive edges on a log axis are not drawn.");
            }
        }

        void NotePoints(string name, IReadOnlyList<double> xs, IReadOnlyList<double>[] ySets, Func<int, bool>? notedElsewhere = null)
        {
            var overflow = new List<string>();
            var nan = new List<string>();
            var nonPositive = new List<string>();
            string[] axesNonPositive = new string[2];
            for (int i = 0; i < xs.Count; i++)
            {
                if (notedElsewhere?.Invoke(i) == true)
                {
                    continue;
                }

                string where = double.IsFinite(xs[i]) ? ChartFormat.Number(xs[i], 6) : $"point #{i}";
                bool xBad = !double.IsFinite(xs[i]);
                if (xBad)
                {
                    (double.IsNaN(xs[i]) ? nan : overflow).Add(where);
                    continue;
                }

                bool yNonFinite = ySets.Any(s => !double.IsFinite(s[i]));
                if (yNonFinite)
                {
                    (ySets.Any(s => double.IsInfinity(s[i])) ? overflow : nan).Add(where);
                    continue;
                }

                if (!x.CanShow(xs[i]))
                {
                    nonPositive.Add(where);
                    axesNonPositive[0] = "x";
                }
                else if (ySets.Any(s => !y.CanShow(s[i])))
                {
                    nonPositive.Add(where);
                    axesNonPositive[1] = "y";
                }
            }

            if (overflow.Count > 0)
            {
                _notes.Add($"{name}: overflow (±Inf) at {Locations(overflow)}; not drawn.");
            }

            if (nan.Count > 0)
            {
                _notes.Add($"{name}: NaN at {Locations(nan)}; not drawn.");
            }

            if (nonPositive.Count > 0)
            {
                string axes = string.Join(" and ", axesNonPositive.Where(a => a is not null));
                _notes.Add($"{name}: non-positive at {Locations(nonPositive)}; skipped on the log {axes} axis.");
            }
        }

        void NoteHistogram(HistogramSeries histogram)
        {
            int nonFinite = histogram.Heights.Count(h => !double.IsFinite(h));
            if (nonFinite > 0)
            {
                _notes.Add($"{histogram.Name}: {Count(nonFinite, "bin height")} not finite (NaN/±Inf); not drawn.");
            }

            int nonPositive = histogram.Heights.Count(h => double.IsFinite(h) && !y.CanShow(h));
            if (nonPositive > 0)
            {
                _notes.Add($"{histogram.Name}: {Count(nonPositive, "empty or negative bin")} skipped on the log y axis.");
            }

            if (!x.CanShow(histogram.Edges[0]))
            {
                _notes.Add($"{histogram.Name}: bins with non-positive edges skipped on the log x axis.");
            }

            if (histogram.NonFiniteSampleCount > 0 || histogram.OutOfRangeSampleCount > 0)
            {
                var parts = new List<string>();
                if (histogram.NonFiniteSampleCount > 0)
                {
                    parts.Add($"{Count(histogram.NonFiniteSampleCount, "non-finite sample")} (NaN/±Inf, e.g. overflow)");
                }

                if (histogram.OutOfRangeSampleCount > 0)
                {
                    parts.Add($"{Count(histogram.OutOfRangeSampleCount, "sample")} outside [{ChartFormat.Number(histogram.Edges[0])}, {ChartFormat.Number(histogram.Edges[^1])}]");
                }

                _notes.Add($"{histogram.Name}: {string.Join(" and ", parts)} not counted.");
            }
        }
    }

    private string Locations(List<string> values)
    {
        string prefix = _chart.XAxis.Title is { Length: > 0 } title ? title + " " : "x = ";
        string listed = string.Join(", ", values.Take(MaxListedLocations));
        return values.Count > MaxListedLocations
            ? $"{prefix}{listed}, … ({values.Count.ToString(CultureInfo.InvariantCulture)} points)"
            : prefix + listed;
    }

    private static string Count(int n, string noun) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + noun + (n == 1 ? string.Empty : "s");

    private List<string> WrapNotes(double width)
    {
        int maxChars = Math.Max(20, (int)(width / (NoteFontSize * GlyphWidthRatio)));
        var lines = new List<string>();
        foreach (string note in _notes.Distinct(StringComparer.Ordinal))
        {
            var current = new StringBuilder("Note: ");
            foreach (string word in note.Split(' '))
            {
                if (current.Length + word.Length + 1 > maxChars && current.Length > 8)
                {
                    lines.Add(current.ToString().TrimEnd());
                    current.Clear().Append("  ");
                }

                current.Append(word).Append(' ');
            }

            lines.Add(current.ToString().TrimEnd());
        }

        return lines;
    }

    // ---- layers ----------------------------------------------------------------------------------------------

    private sealed record ColorScale(AxisScale Scale, AxisTickSet Ticks)
    {
        public double Fraction(double value)
        {
            double t(double v) => Scale == AxisScale.Log10 ? Math.Log10(v) : v;
            double lo = t(Ticks.Min), hi = t(Ticks.Max);
            return hi == lo ? 0.5 : Math.Clamp((t(value) / 2 - lo / 2) / (hi / 2 - lo / 2), 0, 1);
        }
    }

    private ColorScale? BuildColorScale(double plotHeight)
    {
        if (_chart.Heatmap is not { } heatmap)
        {
            return null;
        }

        var scale = heatmap.ColorScale == AxisScale.Log10 ? AxisScale.Log10 : AxisScale.Linear;
        var usable = new List<double>();
        int nonPositive = 0;
        foreach (double v in heatmap.Values)
        {
            if (!double.IsFinite(v))
            {
                continue;
            }

            if (scale == AxisScale.Log10 && v <= 0)
            {
                nonPositive++;
                continue;
            }

            usable.Add(v);
        }

        if (nonPositive > 0)
        {
            _notes.Add($"Heatmap: {Count(nonPositive, "non-positive cell")} left blank on the log colour scale.");
        }

        if (scale == AxisScale.Log10 && (heatmap.ColorMin is <= 0 || heatmap.ColorMax is <= 0))
        {
            throw new ArgumentException("Heatmap colour scale is logarithmic, so ColorMin and ColorMax must be positive.");
        }

        if (usable.Count == 0 && (heatmap.ColorMin is null || heatmap.ColorMax is null))
        {
            _notes.Add("Heatmap: no finite cell value to colour.");
            return null;
        }

        double min = heatmap.ColorMin ?? usable.Min();
        double max = heatmap.ColorMax ?? usable.Max();
        if (min > max)
        {
            (min, max) = (max, min);
        }

        int intervals = Math.Clamp((int)(plotHeight / 60), 2, 8);
        var ticks = scale == AxisScale.Log10
            ? AxisTicks.Log10(min, max, intervals + 1, fixedRange: min < max)
            : AxisTicks.Linear(min, max, intervals, fixedRange: min < max);
        return new ColorScale(scale, ticks);
    }

    private void WriteHeatmap(Heatmap heatmap, ColorScale colors, AxisMap xMap, AxisMap yMap)
    {
        Line("<g shape-rendering=\"crispEdges\">");
        for (int row = 0; row < heatmap.Values.GetLength(0); row++)
        {
            double y0 = heatmap.YEdges[row], y1 = heatmap.YEdges[row + 1];
            if (!_chart.YAxis.CanShow(y0) || !_chart.YAxis.CanShow(y1))
            {
                continue;
            }

            for (int col = 0; col < heatmap.Values.GetLength(1); col++)
            {
                double x0 = heatmap.XEdges[col], x1 = heatmap.XEdges[col + 1];
                double v = heatmap.Values[row, col];
                if (!_chart.XAxis.CanShow(x0) || !_chart.XAxis.CanShow(x1) || !double.IsFinite(v) || (colors.Scale == AxisScale.Log10 && v <= 0))
                {
                    continue;
                }

                Rect(xMap.Pixel(x0), yMap.Pixel(y0), xMap.Pixel(x1), yMap.Pixel(y1),
                    $"fill=\"{ChartColors.Viridis(colors.Fraction(v))}\"");
            }
        }

        Line("</g>");
    }

    /// <summary>Whether histograms are drawn as unfilled step outlines: several overlaid ones, whose translucent fills would blend.</summary>
    private bool StepHistograms => _chart.HistogramLayout == HistogramLayout.Overlaid && _chart.Entries.Count(e => e.Series is HistogramSeries) > 1;

    private void WriteHistograms(IReadOnlyList<ChartEntry> entries, AxisOptions xAxis, AxisOptions yAxis, AxisMap xMap, AxisMap yMap, double plotHeight)
    {
        var histograms = entries.Where(e => e.Series is HistogramSeries).ToList();
        double baseline = yAxis.Scale == AxisScale.Log10 ? plotHeight : yMap.Pixel(0);
        for (int h = 0; h < histograms.Count; h++)
        {
            var series = (HistogramSeries)histograms[h].Series;
            string color = ChartColors.Series(histograms[h].Color);
            if (StepHistograms)
            {
                WriteStepOutline(series, color, xAxis, yAxis, xMap, yMap, baseline);
                continue;
            }

            Line($"<g class=\"series histogram\" data-series=\"{TextEscaping.Xml(series.Name)}\" fill=\"{color}\" fill-opacity=\"{F(HistogramFillOpacity)}\" stroke=\"{color}\" stroke-width=\"1\">");
            for (int i = 0; i < series.Heights.Count; i++)
            {
                double left = series.Edges[i], right = series.Edges[i + 1], height = series.Heights[i];
                if (!xAxis.CanShow(left) || !xAxis.CanShow(right) || !yAxis.CanShow(height))
                {
                    continue;
                }

                if (height == 0)
                {
                    continue;
                }

                double px0 = xMap.Pixel(left), px1 = xMap.Pixel(right);
                if (_chart.HistogramLayout == HistogramLayout.SideBySide)
                {
                    double slot = (px1 - px0) / histograms.Count;
                    (px0, px1) = (px0 + slot * h, px0 + slot * (h + 1));
                }

                Rect(px0, baseline, px1, yMap.Pixel(height), string.Empty);
            }

            Line("</g>");
        }
    }

    /// <summary>A histogram as its outline: one path per run of drawable bins, up from the baseline, across each bin, and down.</summary>
    private void WriteStepOutline(HistogramSeries series, string color, AxisOptions xAxis, AxisOptions yAxis, AxisMap xMap, AxisMap yMap, double baseline)
    {
        Line($"<g class=\"series histogram\" data-series=\"{TextEscaping.Xml(series.Name)}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{F(StepStrokeWidth)}\" stroke-linejoin=\"miter\">");
        var path = new StringBuilder();
        for (int i = 0; i <= series.Heights.Count; i++)
        {
            bool drawable = i < series.Heights.Count && xAxis.CanShow(series.Edges[i]) && xAxis.CanShow(series.Edges[i + 1]) && yAxis.CanShow(series.Heights[i]);
            if (drawable)
            {
                if (path.Length == 0)
                {
                    path.Append('M').Append(F(xMap.Pixel(series.Edges[i]))).Append(' ').Append(F(baseline));
                }

                double py = yMap.Pixel(series.Heights[i]);
                path.Append('V').Append(F(py)).Append('H').Append(F(xMap.Pixel(series.Edges[i + 1])));
                continue;
            }

            if (path.Length > 0)
            {
                path.Append('V').Append(F(baseline));
                Line($"<path d=\"{path}\"/>");
                path.Clear();
            }
        }

        Line("</g>");
    }

    private void WriteBand(BandSeries band, int color, AxisOptions xAxis, AxisOptions yAxis, AxisMap xMap, AxisMap yMap)
    {
        var segment = new List<int>();
        Line($"<g class=\"band\" data-series=\"{TextEscaping.Xml(band.Name)}\" fill=\"{ChartColors.Series(color)}\" fill-opacity=\"{F(BandFillOpacity)}\" stroke=\"none\">");
        for (int i = 0; i <= band.X.Count; i++)
        {
            bool drawable = i < band.X.Count && xAxis.CanShow(band.X[i])
                && yAxis.CanShow(band.Lower[i]) && yAxis.CanShow(band.Upper[i]);
            if (drawable)
            {
                segment.Add(i);
                continue;
            }

            if (segment.Count >= 2)
            {
                var points = new StringBuilder();
                foreach (int k in segment)
                {
                    AppendPoint(points, xMap.Pixel(band.X[k]), yMap.Pixel(band.Upper[k]));
                }

                for (int j = segment.Count - 1; j >= 0; j--)
                {
                    AppendPoint(points, xMap.Pixel(band.X[segment[j]]), yMap.Pixel(band.Lower[segment[j]]));
                }

                Line($"<polygon points=\"{points.ToString().TrimEnd()}\"/>");
            }

            segment.Clear();
        }

        Line("</g>");
    }

    private void WriteLine(LineSeries line, int color, AxisOptions xAxis, AxisOptions yAxis, AxisMap xMap, AxisMap yMap)
    {
        string stroke = ChartColors.Series(color);
        var polylines = new List<string>();
        var segment = new List<(double X, double Y)>();
        var isolated = new List<(double X, double Y)>();
        var all = new List<(double X, double Y)>();
        for (int i = 0; i <= line.X.Count; i++)
        {
            bool drawable = i < line.X.Count && xAxis.CanShow(line.X[i]) && yAxis.CanShow(line.Y[i]);
            if (drawable)
            {
                var point = (xMap.Pixel(line.X[i]), yMap.Pixel(line.Y[i]));
                segment.Add(point);
                all.Add(point);
                continue;
            }

            if (line.ShowLine && segment.Count >= 2)
            {
                var points = new StringBuilder();
                foreach (var (px, py) in segment)
                {
                    AppendPoint(points, px, py);
                }

                polylines.Add($"<polyline points=\"{points.ToString().TrimEnd()}\"/>");
            }
            else if (segment.Count == 1)
            {
                isolated.Add(segment[0]);
            }

            segment.Clear();
        }

        // Over a heatmap a white casing keeps the line readable on every colour of the scale.
        if (_chart.Heatmap is not null && polylines.Count > 0)
        {
            Line("<g class=\"casing\" fill=\"none\" stroke=\"#ffffff\" stroke-width=\"5\" stroke-linejoin=\"round\">");
            polylines.ForEach(Line);
            Line("</g>");
        }

        Line($"<g class=\"series line\" data-series=\"{TextEscaping.Xml(line.Name)}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"2\" stroke-linejoin=\"round\"{DashAttribute(line.Dash)}>");
        polylines.ForEach(Line);
        Line("</g>");

        // A point cut off from both neighbours would vanish without a marker, so it always gets one.
        var markers = HasMarkers(line, color) ? all : isolated;
        if (markers.Count > 0)
        {
            Line($"<g class=\"markers\" data-series=\"{TextEscaping.Xml(line.Name)}\" data-marker=\"{MarkerShape(color)}\" fill=\"{stroke}\" stroke=\"#ffffff\" stroke-width=\"0.75\">");
            foreach (var (px, py) in markers)
            {
                Line(Marker(MarkerShape(color), px, py, MarkerRadius));
            }

            Line("</g>");
        }
    }

    // ---- axes, colour bar, legend ----------------------------------------------------------------------------

    private void WriteGrid(AxisTickSet xTicks, AxisTickSet yTicks, AxisMap xMap, AxisMap yMap, double left, double top, double width, double height)
    {
        Line("<g stroke=\"#e6e6e6\" stroke-width=\"1\">");
        foreach (var tick in xTicks.MajorTicks)
        {
            double px = left + xMap.Pixel(tick.Value);
            Line($"<line x1=\"{F(px)}\" y1=\"{F(top)}\" x2=\"{F(px)}\" y2=\"{F(top + height)}\"/>");
        }

        foreach (var tick in yTicks.MajorTicks)
        {
            double py = top + yMap.Pixel(tick.Value);
            Line($"<line x1=\"{F(left)}\" y1=\"{F(py)}\" x2=\"{F(left + width)}\" y2=\"{F(py)}\"/>");
        }

        Line("</g>");
    }

    private void WriteXAxis(AxisTickSet ticks, AxisMap map, double left, double axisY, double width)
    {
        Line("<g stroke=\"#444444\" stroke-width=\"1\">");
        foreach (var tick in ticks.Ticks)
        {
            double px = left + map.Pixel(tick.Value);
            Line($"<line x1=\"{F(px)}\" y1=\"{F(axisY)}\" x2=\"{F(px)}\" y2=\"{F(axisY + (tick.IsMajor ? 5 : 3))}\"/>");
        }

        Line("</g>");
        Line("<g text-anchor=\"middle\" fill=\"#222222\">");
        foreach (var tick in ticks.MajorTicks)
        {
            Line($"<text x=\"{F(left + map.Pixel(tick.Value))}\" y=\"{F(axisY + 18)}\">{TickLabel(tick)}</text>");
        }

        Line("</g>");
        if (_chart.XAxis.Title is { } title)
        {
            Line($"<text x=\"{F(left + width / 2)}\" y=\"{F(axisY + 38)}\" text-anchor=\"middle\">{TextEscaping.Xml(title)}</text>");
        }
    }

    private void WriteYAxis(AxisOptions axis, AxisTickSet ticks, AxisMap map, double left, double top, double height)
    {
        Line("<g stroke=\"#444444\" stroke-width=\"1\">");
        foreach (var tick in ticks.Ticks)
        {
            double py = top + map.Pixel(tick.Value);
            Line($"<line x1=\"{F(left - (tick.IsMajor ? 5 : 3))}\" y1=\"{F(py)}\" x2=\"{F(left)}\" y2=\"{F(py)}\"/>");
        }

        Line("</g>");
        Line("<g text-anchor=\"end\" fill=\"#222222\">");
        foreach (var tick in ticks.MajorTicks)
        {
            Line($"<text x=\"{F(left - 8)}\" y=\"{F(top + map.Pixel(tick.Value) + 4)}\">{TickLabel(tick)}</text>");
        }

        Line("</g>");
        if (axis.Title is { } title)
        {
            double cy = top + height / 2;
            Line($"<text x=\"16\" y=\"{F(cy)}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {F(cy)})\">{TextEscaping.Xml(title)}</text>");
        }
    }

    private void WriteColorBar(ColorScale scale, double x, double top, double height)
    {
        Line("<g shape-rendering=\"crispEdges\">");
        double step = height / ColorBarSteps;
        for (int i = 0; i < ColorBarSteps; i++)
        {
            double y1 = top + height - i * step;
            Rect(x, y1, x + ColorBarWidth, y1 - step - 0.5, $"fill=\"{ChartColors.Viridis((i + 0.5) / ColorBarSteps)}\"");
        }

        Line("</g>");
        Line($"<rect x=\"{F(x)}\" y=\"{F(top)}\" width=\"{F(ColorBarWidth)}\" height=\"{F(height)}\" fill=\"none\" stroke=\"#444444\"/>");
        var map = new AxisMap(new AxisOptions { Scale = scale.Scale }, scale.Ticks.Min, scale.Ticks.Max, top + height, top);
        double labelWidth = 0;
        Line("<g fill=\"#222222\">");
        foreach (var tick in scale.Ticks.MajorTicks)
        {
            double py = map.Pixel(tick.Value);
            Line($"<line x1=\"{F(x + ColorBarWidth)}\" y1=\"{F(py)}\" x2=\"{F(x + ColorBarWidth + 4)}\" y2=\"{F(py)}\" stroke=\"#444444\"/>");
            Line($"<text x=\"{F(x + ColorBarWidth + 6)}\" y=\"{F(py + 4)}\">{TickLabel(tick)}</text>");
            labelWidth = Math.Max(labelWidth, LabelWidth(tick, FontSize));
        }

        Line("</g>");
        if (_chart.Heatmap?.ColorTitle is { } title)
        {
            double tx = x + ColorBarWidth + 6 + labelWidth + 14;
            double cy = top + height / 2;
            Line($"<text x=\"{F(tx)}\" y=\"{F(cy)}\" text-anchor=\"middle\" transform=\"rotate(-90 {F(tx)} {F(cy)})\">{TextEscaping.Xml(title)}</text>");
        }
    }

    private sealed record LegendItem(string Label, ChartEntry Entry);

    private List<LegendItem> BuildLegend()
    {
        if (!_chart.ShowLegend)
        {
            return [];
        }

        var items = _chart.Entries.Where(e => e.InLegend).Select(e => new LegendItem(e.Series.Name, e)).ToList();

        // A single unnamed series needs no legend.
        return items.Count == 1 && string.IsNullOrWhiteSpace(items[0].Label) ? [] : items;
    }

    /// <summary>Where the legend goes: below the plot, in as many equal columns as the widest entry allows, filled row by row.</summary>
    private sealed record LegendLayout(double Left, double ColumnWidth, int Columns, int Rows);

    private static LegendLayout LayOutLegend(List<LegendItem> items, double left, double width)
    {
        if (items.Count == 0)
        {
            return new LegendLayout(left, width, 1, 0);
        }

        double column = LegendSwatchWidth + 6 + items.Max(e => TextWidth(e.Label, FontSize)) + LegendColumnGap;
        int columns = Math.Clamp((int)(width / column), 1, items.Count);
        return new LegendLayout(left, width / columns, columns, (items.Count + columns - 1) / columns);
    }

    private void WriteLegend(List<LegendItem> items, LegendLayout layout, double top)
    {
        Line("<g class=\"legend\">");
        for (int i = 0; i < items.Count; i++)
        {
            var entry = items[i].Entry;
            Line($"<g class=\"legend-entry\" data-series=\"{TextEscaping.Xml(entry.Series.Name)}\">");
            string color = ChartColors.Series(entry.Color);
            double x = layout.Left + (i % layout.Columns) * layout.ColumnWidth;
            double cy = top + 9 + (i / layout.Columns) * LegendRowHeight;
            switch (entry.Series)
            {
                case HistogramSeries when StepHistograms:
                    Line($"<rect x=\"{F(x + 4)}\" y=\"{F(cy - 6)}\" width=\"{F(LegendSwatchWidth - 8)}\" height=\"12\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{F(StepStrokeWidth)}\"/>");
                    break;
                case HistogramSeries:
                    Line($"<rect x=\"{F(x + 4)}\" y=\"{F(cy - 6)}\" width=\"{F(LegendSwatchWidth - 8)}\" height=\"12\" fill=\"{color}\" fill-opacity=\"{F(HistogramFillOpacity)}\" stroke=\"{color}\"/>");
                    break;
                case BandSeries:
                    Line($"<rect x=\"{F(x)}\" y=\"{F(cy - 6)}\" width=\"{F(LegendSwatchWidth)}\" height=\"12\" fill=\"{color}\" fill-opacity=\"{F(BandFillOpacity)}\"/>");
                    break;
                case LineSeries line:
                    if (entry.LegendBand)
                    {
                        Line($"<rect x=\"{F(x)}\" y=\"{F(cy - 6)}\" width=\"{F(LegendSwatchWidth)}\" height=\"12\" fill=\"{color}\" fill-opacity=\"{F(BandFillOpacity)}\"/>");
                    }

                    if (line.ShowLine)
                    {
                        Line($"<line x1=\"{F(x)}\" y1=\"{F(cy)}\" x2=\"{F(x + LegendSwatchWidth)}\" y2=\"{F(cy)}\" stroke=\"{color}\" stroke-width=\"2\"{DashAttribute(line.Dash)}/>");
                    }

                    if (HasMarkers(line, entry.Color))
                    {
                        Line($"<g fill=\"{color}\" stroke=\"#ffffff\" stroke-width=\"0.75\">{Marker(MarkerShape(entry.Color), x + LegendSwatchWidth / 2, cy, MarkerRadius)}</g>");
                    }

                    break;
            }

            Line($"<text x=\"{F(x + LegendSwatchWidth + 6)}\" y=\"{F(cy + 4)}\">{TextEscaping.Xml(items[i].Label)}</text>");
            Line("</g>");
        }

        Line("</g>");
    }

    // ---- primitives ------------------------------------------------------------------------------------------

    private static string TickLabel(AxisTick tick) =>
        tick.DecadeExponent is { } k
            ? $"10<tspan dy=\"-6\" font-size=\"{F(FontSize * 0.75)}\">{k.ToString(CultureInfo.InvariantCulture)}</tspan>"
            : TextEscaping.Xml(tick.Label);

    private static double LabelWidth(AxisTick tick, double fontSize) =>
        tick.DecadeExponent is { } k
            ? TextWidth("10", fontSize) + TextWidth(k.ToString(CultureInfo.InvariantCulture), fontSize * 0.75)
            : TextWidth(tick.Label, fontSize);

    private static double TextWidth(string text, double fontSize) => text.Length * fontSize * GlyphWidthRatio;

    private static string DashAttribute(LineDash dash) => dash switch
    {
        LineDash.Dashed => " stroke-dasharray=\"6 3\"",
        LineDash.Dotted => " stroke-dasharray=\"2 2\"",
        _ => string.Empty,
    };

    private static string Marker(string shape, double x, double y, double r) => shape switch
    {
        "square" => $"<rect x=\"{F(x - r * 0.9)}\" y=\"{F(y - r * 0.9)}\" width=\"{F(r * 1.8)}\" height=\"{F(r * 1.8)}\"/>",
        "triangle" => $"<path d=\"M{F(x)} {F(y - r * 1.15)}L{F(x + r)} {F(y + r * 0.6)}L{F(x - r)} {F(y + r * 0.6)}Z\"/>",
        "diamond" => $"<path d=\"M{F(x)} {F(y - r * 1.2)}L{F(x + r)} {F(y)}L{F(x)} {F(y + r * 1.2)}L{F(x - r)} {F(y)}Z\"/>",
        "triangle-down" => $"<path d=\"M{F(x)} {F(y + r * 1.15)}L{F(x + r)} {F(y - r * 0.6)}L{F(x - r)} {F(y - r * 0.6)}Z\"/>",
        "pentagon" => Polygon(x, y, Enumerable.Range(0, 5).Select(k => (r * 1.1, -Math.PI / 2 + k * 2 * Math.PI / 5))),
        "plus" => $"<path d=\"M{F(x - r * 0.35)} {F(y - r * 1.1)}h{F(r * 0.7)}v{F(r * 0.75)}h{F(r * 0.75)}v{F(r * 0.7)}h{F(-r * 0.75)}v{F(r * 0.75)}h{F(-r * 0.7)}v{F(-r * 0.75)}h{F(-r * 0.75)}v{F(-r * 0.7)}h{F(r * 0.75)}Z\"/>",
        "star" => Polygon(x, y, Enumerable.Range(0, 10).Select(k => (k % 2 == 0 ? r * 1.3 : r * 0.55, -Math.PI / 2 + k * Math.PI / 5))),
        _ => $"<circle cx=\"{F(x)}\" cy=\"{F(y)}\" r=\"{F(r)}\"/>",
    };

    /// <summary>A closed path through points at (radius, angle) around (x, y).</summary>
    private static string Polygon(double x, double y, IEnumerable<(double Radius, double Angle)> points) =>
        "<path d=\"" + string.Join("", points.Select((p, i) => $"{(i == 0 ? "M" : "L")}{F(x + p.Radius * Math.Cos(p.Angle))} {F(y + p.Radius * Math.Sin(p.Angle))}")) + "Z\"/>";

    private void Rect(double x0, double y0, double x1, double y1, string attributes)
    {
        double x = Math.Min(x0, x1), y = Math.Min(y0, y1);
        string extra = attributes.Length == 0 ? string.Empty : " " + attributes;
        Line($"<rect x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(Math.Abs(x1 - x0))}\" height=\"{F(Math.Abs(y1 - y0))}\"{extra}/>");
    }

    private static void AppendPoint(StringBuilder builder, double x, double y) =>
        builder.Append(F(x)).Append(',').Append(F(y)).Append(' ');

    private static string F(double value) => ChartFormat.Coordinate(value);

    private void Line(string text) => _svg.Append(text).Append('\n');

    /// <summary>Maps data values on one axis to pixels.</summary>
    private sealed class AxisMap
    {
        private readonly AxisOptions _options;
        private readonly double _t0;
        private readonly double _t1;
        private readonly double _p0;
        private readonly double _p1;

        public AxisMap(AxisOptions options, double min, double max, double pixelAtMin, double pixelAtMax)
        {
            _options = options;
            _t0 = Transform(min);
            _t1 = Transform(max);
            _p0 = pixelAtMin;
            _p1 = pixelAtMax;
        }

        public double Pixel(double value)
        {
            // Halving before subtracting keeps spans near ±double.MaxValue finite.
            double span = _t1 / 2 - _t0 / 2;
            double fraction = span == 0 ? 0.5 : (Transform(value) / 2 - _t0 / 2) / span;
            return _p0 + fraction * (_p1 - _p0);
        }

        private double Transform(double value)
        {
            switch (_options.Scale)
            {
                case AxisScale.Log10:
                    return Math.Log10(value);
                case AxisScale.SymLog:
                    double width = _options.SymLogLinearWidth;
                    double ratio = Math.Abs(value) / width;
                    double magnitude = double.IsFinite(ratio) && ratio < 1e15
                        ? Math.Log10(1 + ratio)
                        : Math.Log10(Math.Abs(value)) - Math.Log10(width);
                    return Math.Sign(value) * magnitude;
                default:
                    return value;
            }
        }
    }
}
