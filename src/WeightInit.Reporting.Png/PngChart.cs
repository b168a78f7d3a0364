using ScottPlot;
using WeightInit.Reporting;

namespace WeightInit.Reporting.Png;

/// <summary>
/// Draws an <see cref="SvgChart"/> as a PNG with ScottPlot 5: the same series, colours, dashes, markers, axes (log and
/// symlog axes as log10 / symlog-transformed values with matching tick labels), bands, step-outline histograms and heatmap
/// with colour bar, legend below the plot, and the linear zoom panel below that where the SVG has one.
/// </summary>
/// <remarks>
/// <para>What the PNG leaves out: the notes under the chart (they are in the SVG and the report's text); the linear zoom
/// panel is drawn below the main one, as in the SVG. A log colour scale is drawn as the colour of log10 of the value, its colour bar titled so.</para>
/// <para>The bytes are reproducible on one machine (same ScottPlot, SkiaSharp and fonts), but text is rasterised with the
/// fonts found at run time, so they are not promised to be identical across machines; the byte-identical guarantees of
/// the report (results.json, the SVG) do not cover the PNG.</para>
/// </remarks>
public static class PngChart
{
    /// <summary>The PNG file signature, the first eight bytes of every PNG.</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Height of the zoom panel's image as a share of <see cref="SvgChart.Height"/>.</summary>
    public const double ZoomHeightShare = 0.6;

    /// <summary>Draws <paramref name="chart"/> at its own width and height; a chart with a linear zoom panel
    /// (<see cref="SvgChart.ZoomLayers"/>) gets it below, <see cref="ZoomHeightShare"/> of that height more.</summary>
    /// <param name="chart">The chart.</param>
    /// <returns>The PNG bytes.</returns>
    public static byte[] Render(SvgChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        using var plot = Build(chart, chart.Layers(), chart.YAxis, chart.Title, withHeatmap: true);
        var zoomLayers = chart.ZoomLayers();
        if (zoomLayers.Count == 0)
        {
            return plot.GetImageBytes(chart.Width, chart.Height, ImageFormat.Png);
        }

        int zoomHeight = (int)Math.Round(chart.Height * ZoomHeightShare);
        using var top = SkiaSharp.SKBitmap.Decode(plot.GetImageBytes(chart.Width, chart.Height, ImageFormat.Png));

        // The zoom shares the main panel's x range and data-area edges (so the two x axes line up); its legend is the one above.
        var zoomAxis = AxisOptions.Linear("linear scale");
        using var zoom = Build(chart, zoomLayers, zoomAxis, "Linear scale: the series that stay within a factor 100", withHeatmap: false, legend: false);
        zoom.Axes.SetLimitsX(plot.Axes.GetLimits().Left, plot.Axes.GetLimits().Right);
        var dataRect = plot.RenderManager.LastRender.DataRect;
        zoom.Layout.Fixed(new PixelPadding(dataRect.Left, chart.Width - dataRect.Right, 50, 36));
        using var bottom = SkiaSharp.SKBitmap.Decode(zoom.GetImageBytes(chart.Width, zoomHeight, ImageFormat.Png));
        using var surface = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(chart.Width, chart.Height + zoomHeight));
        surface.Canvas.Clear(SkiaSharp.SKColors.White);
        surface.Canvas.DrawBitmap(top, 0, 0);
        surface.Canvas.DrawBitmap(bottom, 0, chart.Height);
        using var image = surface.Snapshot();
        using var data = image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Writes <paramref name="chart"/> as a PNG file.</summary>
    /// <param name="chart">The chart.</param>
    /// <param name="path">The file to create or replace.</param>
    public static void Write(SvgChart chart, string path) => File.WriteAllBytes(path, Render(chart));

    /// <summary>One panel: <paramref name="layers"/> of <paramref name="chart"/> over its x axis and <paramref name="yAxis"/>.</summary>
    private static Plot Build(SvgChart chart, IReadOnlyList<ChartLayer> layers, AxisOptions yAxis, string? title, bool withHeatmap, bool legend = true)
    {
        var plot = new Plot();
        plot.Font.Automatic();
        var axes = new Axes(chart.XAxis, yAxis);
        if (title is not null) plot.Title(title);
        if (chart.XAxis.Title is not null) plot.XLabel(chart.XAxis.Title);
        if (yAxis.Title is not null) plot.YLabel(yAxis.Title);

        if (withHeatmap && chart.Heatmap is { } heatmap) AddHeatmap(plot, axes, heatmap);

        foreach (var layer in layers)
        {
            switch (layer.Series)
            {
                case BandSeries band: AddBand(plot, axes, band, layer.Style); break;
            }
        }

        foreach (var layer in layers)
        {
            switch (layer.Series)
            {
                case LineSeries line: AddLine(plot, axes, line, layer); break;
                case HistogramSeries histogram: AddHistogram(plot, axes, histogram, layer); break;
            }
        }

        Ticks(plot.Axes.Bottom, chart.XAxis);
        Ticks(plot.Axes.Left, yAxis);
        plot.Axes.Margins(horizontal: 0.02, vertical: 0.05);
        plot.Axes.AutoScale();
        var limits = plot.Axes.GetLimits();
        plot.Axes.SetLimits(
            chart.XAxis.Min is { } x0 ? Transform(chart.XAxis, x0) : limits.Left, chart.XAxis.Max is { } x1 ? Transform(chart.XAxis, x1) : limits.Right,
            yAxis.Min is { } y0 ? Transform(yAxis, y0) : limits.Bottom, yAxis.Max is { } y1 ? Transform(yAxis, y1) : limits.Top);
        if (legend && chart.ShowLegend && layers.Count(l => l.InLegend) > 1) plot.ShowLegend(Edge.Bottom);
        else plot.HideLegend();
        return plot;
    }

    /// <summary>The two axes a panel draws against (the zoom panel has its own y axis).</summary>
    private sealed record Axes(AxisOptions XAxis, AxisOptions YAxis);

    private static double Transform(AxisOptions axis, double value) => axis.Scale switch
    {
        AxisScale.Log10 => Math.Log10(value),
        AxisScale.SymLog => Math.Sign(value) * Math.Log10(1 + Math.Abs(value) / axis.SymLogLinearWidth),
        _ => value,
    };

    private static double Inverse(AxisOptions axis, double t) => axis.Scale switch
    {
        AxisScale.Log10 => Math.Pow(10, t),
        AxisScale.SymLog => Math.Sign(t) * (Math.Pow(10, Math.Abs(t)) - 1) * axis.SymLogLinearWidth,
        _ => t,
    };

    /// <summary>Log and symlog axes carry transformed values; their ticks sit at whole decades and are labelled in data units.</summary>
    private static void Ticks(ScottPlot.IAxis axis, AxisOptions options)
    {
        if (options.Scale == AxisScale.Linear) return;
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = t => ChartFormat.Number(Inverse(options, t)),
        };
    }

    /// <summary>The points of a series that its axes can show, split where one cannot (a gap, as in the SVG).</summary>
    private static List<(double[] X, double[] Y)> Segments(Axes chart, IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        var segments = new List<(double[] X, double[] Y)>();
        var x = new List<double>();
        var y = new List<double>();
        for (int i = 0; i <= xs.Count; i++)
        {
            if (i < xs.Count && Drawable(chart.XAxis, xs[i]) && Drawable(chart.YAxis, ys[i]))
            {
                x.Add(Transform(chart.XAxis, xs[i]));
                y.Add(Transform(chart.YAxis, ys[i]));
                continue;
            }

            if (x.Count > 0) segments.Add((x.ToArray(), y.ToArray()));
            x.Clear();
            y.Clear();
        }

        return segments;
    }

    private static bool Drawable(AxisOptions axis, double value) => double.IsFinite(value) && (axis.Scale != AxisScale.Log10 || value > 0);

    private static void AddLine(Plot plot, Axes chart, LineSeries line, ChartLayer layer)
    {
        var color = Color.FromHex(layer.Style.Color);
        bool first = true;
        foreach (var (x, y) in Segments(chart, line.X, line.Y))
        {
            var scatter = plot.Add.Scatter(x, y, color);
            scatter.LineWidth = layer.Style.Line is null ? 0 : 2;
            scatter.LinePattern = layer.Style.Line switch
            {
                LineDash.Dashed => LinePattern.Dashed,
                LineDash.Dotted => LinePattern.Dotted,
                _ => LinePattern.Solid,
            };
            // A point cut off from both neighbours always gets a marker, as in the SVG.
            scatter.MarkerShape = layer.Style.Marker is { } m ? Marker(m) : x.Length == 1 ? MarkerShape.FilledCircle : MarkerShape.None;
            scatter.MarkerSize = 7;
            if (first && layer.InLegend) scatter.LegendText = line.Name;
            first = false;
        }
    }

    private static MarkerShape Marker(string shape) => shape switch
    {
        "square" => MarkerShape.FilledSquare,
        "triangle" => MarkerShape.FilledTriangleUp,
        "diamond" => MarkerShape.FilledDiamond,
        "triangle-down" => MarkerShape.FilledTriangleDown,
        "pentagon" => MarkerShape.OpenCircle,
        "plus" => MarkerShape.Cross,
        "star" => MarkerShape.Asterisk,
        _ => MarkerShape.FilledCircle,
    };

    private static void AddBand(Plot plot, Axes chart, BandSeries band, SeriesStyle style)
    {
        var color = Color.FromHex(style.Color).WithAlpha(0.2);
        var lower = Segments(chart, band.X, band.Lower);
        var upper = Segments(chart, band.X, band.Upper);
        for (int s = 0; s < Math.Min(lower.Count, upper.Count); s++)
        {
            if (lower[s].X.Length != upper[s].X.Length || lower[s].X.Length < 2) continue;
            var fill = plot.Add.FillY(lower[s].X, upper[s].Y, lower[s].Y);
            fill.FillColor = color;
            fill.LineWidth = 0;
        }
    }

    /// <summary>A histogram as its step outline (no fill to blend with the others).</summary>
    private static void AddHistogram(Plot plot, Axes chart, HistogramSeries histogram, ChartLayer layer)
    {
        var x = new List<double>();
        var y = new List<double>();
        double baseline = chart.YAxis.Scale == AxisScale.Log10 ? Transform(chart.YAxis, histogram.Heights.Where(h => h > 0).DefaultIfEmpty(1).Min()) : 0;
        for (int i = 0; i < histogram.Heights.Count; i++)
        {
            double h = histogram.Heights[i];
            if (!Drawable(chart.XAxis, histogram.Edges[i]) || !Drawable(chart.XAxis, histogram.Edges[i + 1]) || !Drawable(chart.YAxis, h)) continue;
            double left = Transform(chart.XAxis, histogram.Edges[i]), right = Transform(chart.XAxis, histogram.Edges[i + 1]), top = Transform(chart.YAxis, h);
            if (x.Count == 0 || x[^1] != left)
            {
                x.Add(left);
                y.Add(baseline);
            }

            x.Add(left); y.Add(top);
            x.Add(right); y.Add(top);
        }

        if (x.Count == 0) return;
        x.Add(x[^1]);
        y.Add(baseline);
        var outline = plot.Add.Scatter(x.ToArray(), y.ToArray(), Color.FromHex(layer.Style.Color));
        outline.MarkerShape = MarkerShape.None;
        outline.LineWidth = 1.75f;
        if (layer.InLegend) outline.LegendText = histogram.Name;
    }

    private static void AddHeatmap(Plot plot, Axes chart, Heatmap heatmap)
    {
        int rows = heatmap.Values.GetLength(0), cols = heatmap.Values.GetLength(1);
        bool log = heatmap.ColorScale == AxisScale.Log10;
        var values = new double[rows, cols];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                double v = heatmap.Values[r, c];
                // ScottPlot's first row is the top one; ours is the lowest y.
                values[rows - 1 - r, c] = !double.IsFinite(v) || (log && v <= 0) ? double.NaN : log ? Math.Log10(v) : v;
            }
        }

        var map = plot.Add.Heatmap(values);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        map.Extent = new CoordinateRect(
            Transform(chart.XAxis, heatmap.XEdges[0]), Transform(chart.XAxis, heatmap.XEdges[^1]),
            Transform(chart.YAxis, heatmap.YEdges[0]), Transform(chart.YAxis, heatmap.YEdges[^1]));
        var bar = plot.Add.ColorBar(map);
        string title = heatmap.ColorTitle ?? string.Empty;
        bar.Label = log ? $"log10 {title}".TrimEnd() : title;
    }
}
