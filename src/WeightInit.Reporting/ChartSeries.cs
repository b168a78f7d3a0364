namespace WeightInit.Reporting;

/// <summary>Stroke pattern of a line series.</summary>
public enum LineDash
{
    /// <summary>A continuous line.</summary>
    Solid,

    /// <summary>Dashes (6 on, 3 off).</summary>
    Dashed,

    /// <summary>Dots (2 on, 2 off).</summary>
    Dotted,
}

/// <summary>How several histograms in one chart share the bins.</summary>
public enum HistogramLayout
{
    /// <summary>Each histogram spans the full bin width, drawn translucent over the others (Glorot &amp; Bengio 2010, Figs. 6–8).</summary>
    Overlaid,

    /// <summary>Each bin is split into one bar per histogram, side by side; all histograms must share the same edges.</summary>
    SideBySide,
}

/// <summary>What the height of a histogram bar measures.</summary>
public enum HistogramNormalization
{
    /// <summary>Number of samples in the bin.</summary>
    Count,

    /// <summary>Share of the counted samples in the bin; the heights sum to 1.</summary>
    Fraction,

    /// <summary>Share divided by bin width, so the bars' area is 1 (comparable with a probability density).</summary>
    Density,
}

/// <summary>A named data series of a chart.</summary>
/// <param name="Name">Legend label and the name used in notes.</param>
public abstract record ChartSeries(string Name)
{
    /// <summary>Throws when two paired arrays differ in length.</summary>
    private protected void RequireSameLength(string kind, string firstName, int firstLength, string secondName, int secondLength)
    {
        if (firstLength != secondLength)
        {
            throw new ArgumentException(
                $"{kind} '{Name}': {firstName} has {firstLength} values but {secondName} has {secondLength}; they must pair up one to one.");
        }
    }
}

/// <summary>Points (x, y) joined by a line, drawn as markers, or both; a point that cannot be drawn breaks the line.</summary>
public sealed record LineSeries : ChartSeries
{
    /// <summary>Creates a line series; the values are copied.</summary>
    /// <param name="name">Legend label.</param>
    /// <param name="x">Horizontal positions.</param>
    /// <param name="y">Vertical positions, one per x; NaN and ±Inf are allowed and are not drawn.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public LineSeries(string name, IReadOnlyList<double> x, IReadOnlyList<double> y) : base(name)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        RequireSameLength("Line series", "x", x.Count, "y", y.Count);
        X = x.ToArray();
        Y = y.ToArray();
    }

    /// <summary>Horizontal positions.</summary>
    public IReadOnlyList<double> X { get; }

    /// <summary>Vertical positions.</summary>
    public IReadOnlyList<double> Y { get; }

    /// <summary>Whether consecutive points are joined; false gives a scatter plot.</summary>
    public bool ShowLine { get; init; } = true;

    /// <summary>Whether each point gets a marker (its shape differs per series, a second cue besides colour).</summary>
    public bool ShowMarkers { get; init; }

    /// <summary>Stroke pattern of the line.</summary>
    public LineDash Dash { get; init; } = LineDash.Solid;
}

/// <summary>A shaded band between a lower and an upper curve, e.g. mean ± standard deviation.</summary>
public sealed record BandSeries : ChartSeries
{
    /// <summary>Creates a band; the values are copied.</summary>
    /// <param name="name">Legend label.</param>
    /// <param name="x">Horizontal positions.</param>
    /// <param name="lower">Lower edge at each x.</param>
    /// <param name="upper">Upper edge at each x.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public BandSeries(string name, IReadOnlyList<double> x, IReadOnlyList<double> lower, IReadOnlyList<double> upper) : base(name)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        RequireSameLength("Band", "x", x.Count, "lower", lower.Count);
        RequireSameLength("Band", "x", x.Count, "upper", upper.Count);
        X = x.ToArray();
        Lower = lower.ToArray();
        Upper = upper.ToArray();
    }

    /// <summary>Horizontal positions.</summary>
    public IReadOnlyList<double> X { get; }

    /// <summary>Lower edge.</summary>
    public IReadOnlyList<double> Lower { get; }

    /// <summary>Upper edge.</summary>
    public IReadOnlyList<double> Upper { get; }
}

/// <summary>A histogram: bins given by their edges, one height per bin.</summary>
public sealed record HistogramSeries : ChartSeries
{
    /// <summary>Creates a histogram from bin edges and heights; the values are copied.</summary>
    /// <param name="name">Legend label.</param>
    /// <param name="edges">Bin edges, finite and strictly increasing; one more than the heights.</param>
    /// <param name="heights">Bar heights (counts, shares or densities).</param>
    /// <exception cref="ArgumentException">The edges are not finite and increasing, or do not number heights + 1.</exception>
    public HistogramSeries(string name, IReadOnlyList<double> edges, IReadOnlyList<double> heights) : base(name)
    {
        ArgumentNullException.ThrowIfNull(edges);
        ArgumentNullException.ThrowIfNull(heights);
        if (edges.Count != heights.Count + 1)
        {
            throw new ArgumentException(
                $"Histogram '{name}': {heights.Count} heights need {heights.Count + 1} bin edges, but {edges.Count} were given.");
        }

        for (int i = 0; i < edges.Count; i++)
        {
            if (!double.IsFinite(edges[i]) || (i > 0 && !(edges[i] > edges[i - 1])))
            {
                throw new ArgumentException($"Histogram '{name}': bin edges must be finite and strictly increasing (edge {i} breaks this).");
            }
        }

        Edges = edges.ToArray();
        Heights = heights.ToArray();
    }

    /// <summary>Bin edges.</summary>
    public IReadOnlyList<double> Edges { get; }

    /// <summary>Bar heights, one per bin.</summary>
    public IReadOnlyList<double> Heights { get; }

    /// <summary>Samples that were NaN or ±Inf and so were not counted (shown as a note under the chart).</summary>
    public int NonFiniteSampleCount { get; init; }

    /// <summary>Finite samples outside the bin range that were not counted (shown as a note under the chart).</summary>
    public int OutOfRangeSampleCount { get; init; }

    /// <summary><paramref name="binCount"/> equal-width bins from <paramref name="min"/> to <paramref name="max"/>.</summary>
    /// <param name="min">Left edge of the first bin.</param>
    /// <param name="max">Right edge of the last bin.</param>
    /// <param name="binCount">Number of bins, at least 1.</param>
    /// <returns>The binCount + 1 edges; the last is exactly <paramref name="max"/>.</returns>
    /// <exception cref="ArgumentException">The range is not finite and increasing, or the count is below 1.</exception>
    public static double[] UniformEdges(double min, double max, int binCount)
    {
        if (binCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(binCount), binCount, "A histogram needs at least one bin.");
        }

        if (!double.IsFinite(min) || !double.IsFinite(max) || !(min < max))
        {
            throw new ArgumentException($"Histogram range [{min}, {max}] must be finite with min < max.");
        }

        var edges = new double[binCount + 1];
        for (int i = 0; i <= binCount; i++)
        {
            // Interpolating from both ends makes the first and last edges exact.
            edges[i] = i == binCount ? max : min + (max - min) * i / binCount;
        }

        return edges;
    }

    /// <summary>Counts samples into bins; NaN/±Inf and out-of-range samples are counted separately and reported.</summary>
    /// <param name="name">Legend label.</param>
    /// <param name="samples">The samples, e.g. the activations of one layer.</param>
    /// <param name="edges">Bin edges, strictly increasing. Bins are [e_i, e_{i+1}), the last one closed.</param>
    /// <param name="normalization">What the heights measure.</param>
    /// <returns>The histogram.</returns>
    /// <exception cref="ArgumentException">The edges are invalid.</exception>
    public static HistogramSeries FromSamples(string name, ReadOnlySpan<double> samples, IReadOnlyList<double> edges,
        HistogramNormalization normalization = HistogramNormalization.Density)
    {
        ArgumentNullException.ThrowIfNull(edges);
        var probe = new HistogramSeries(name, edges, new double[Math.Max(edges.Count - 1, 0)]);
        int bins = edges.Count - 1;
        var counts = new long[bins];
        int nonFinite = 0, outOfRange = 0;
        double first = edges[0], last = edges[bins];
        foreach (double sample in samples)
        {
            if (!double.IsFinite(sample))
            {
                nonFinite++;
                continue;
            }

            if (sample < first || sample > last)
            {
                outOfRange++;
                continue;
            }

            int bin = BinOf(probe.Edges, sample);
            counts[bin]++;
        }

        long counted = counts.Sum();
        var heights = new double[bins];
        for (int i = 0; i < bins; i++)
        {
            heights[i] = normalization switch
            {
                HistogramNormalization.Count => counts[i],
                HistogramNormalization.Fraction => counted == 0 ? 0 : (double)counts[i] / counted,
                _ => counted == 0 ? 0 : counts[i] / (counted * (edges[i + 1] - edges[i])),
            };
        }

        return new HistogramSeries(name, edges, heights)
        {
            NonFiniteSampleCount = nonFinite,
            OutOfRangeSampleCount = outOfRange,
        };
    }

    /// <summary>Counts single-precision samples, e.g. float32 activations that may have overflowed to ±Inf.</summary>
    /// <param name="name">Legend label.</param>
    /// <param name="samples">The samples.</param>
    /// <param name="edges">Bin edges, strictly increasing.</param>
    /// <param name="normalization">What the heights measure.</param>
    /// <returns>The histogram.</returns>
    public static HistogramSeries FromSamples(string name, ReadOnlySpan<float> samples, IReadOnlyList<double> edges,
        HistogramNormalization normalization = HistogramNormalization.Density)
    {
        var widened = new double[samples.Length];
        for (int i = 0; i < samples.Length; i++)
        {
            widened[i] = samples[i];
        }

        return FromSamples(name, widened, edges, normalization);
    }

    private static int BinOf(IReadOnlyList<double> edges, double value)
    {
        int lo = 0, hi = edges.Count - 2;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (edges[mid] <= value)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }
}

/// <summary>A 2-D grid of values drawn as coloured cells (e.g. a phase diagram over (σ_w², σ_b²)).</summary>
public sealed record Heatmap
{
    /// <summary>Creates a heatmap from cell edges; the values are copied.</summary>
    /// <param name="xEdges">Column edges, strictly increasing; one more than the columns.</param>
    /// <param name="yEdges">Row edges, strictly increasing; one more than the rows.</param>
    /// <param name="values">Cell values indexed [row (y), column (x)]; NaN/±Inf cells are left blank.</param>
    /// <exception cref="ArgumentException">The edges are invalid or do not match the grid.</exception>
    public Heatmap(IReadOnlyList<double> xEdges, IReadOnlyList<double> yEdges, double[,] values)
    {
        ArgumentNullException.ThrowIfNull(xEdges);
        ArgumentNullException.ThrowIfNull(yEdges);
        ArgumentNullException.ThrowIfNull(values);
        CheckEdges(xEdges, values.GetLength(1), "x", "columns");
        CheckEdges(yEdges, values.GetLength(0), "y", "rows");
        XEdges = xEdges.ToArray();
        YEdges = yEdges.ToArray();
        Values = (double[,])values.Clone();
    }

    /// <summary>Column edges.</summary>
    public IReadOnlyList<double> XEdges { get; }

    /// <summary>Row edges.</summary>
    public IReadOnlyList<double> YEdges { get; }

    /// <summary>Cell values [row, column]; a copy, so changes do not reach the chart.</summary>
    public double[,] Values { get; }

    /// <summary>Title of the colour bar, e.g. <c>"χ₁"</c> or <c>"depth scale ξ"</c>.</summary>
    public string? ColorTitle { get; init; }

    /// <summary>Colour scale: <see cref="AxisScale.Linear"/> or <see cref="AxisScale.Log10"/> (symlog is treated as linear).</summary>
    public AxisScale ColorScale { get; init; } = AxisScale.Linear;

    /// <summary>Value mapped to the darkest colour; values below are clamped. <see langword="null"/>: the smallest finite value.</summary>
    public double? ColorMin { get; init; }

    /// <summary>Value mapped to the brightest colour; values above are clamped. <see langword="null"/>: the largest finite value.</summary>
    public double? ColorMax { get; init; }

    /// <summary>A heatmap from cell centres: inner edges are the midpoints, outer edges extend by half a spacing.</summary>
    /// <param name="xCenters">Column centres, strictly increasing (at least 2, or 1 with unit width).</param>
    /// <param name="yCenters">Row centres, strictly increasing.</param>
    /// <param name="values">Cell values [row, column].</param>
    /// <returns>The heatmap.</returns>
    public static Heatmap FromCenters(IReadOnlyList<double> xCenters, IReadOnlyList<double> yCenters, double[,] values) =>
        new(EdgesFromCenters(xCenters, "x"), EdgesFromCenters(yCenters, "y"), values);

    private static double[] EdgesFromCenters(IReadOnlyList<double> centers, string axis)
    {
        ArgumentNullException.ThrowIfNull(centers);
        if (centers.Count == 0)
        {
            throw new ArgumentException($"Heatmap {axis} centres are empty; give at least one.");
        }

        var edges = new double[centers.Count + 1];
        if (centers.Count == 1)
        {
            edges[0] = centers[0] - 0.5;
            edges[1] = centers[0] + 0.5;
            return edges;
        }

        for (int i = 1; i < centers.Count; i++)
        {
            edges[i] = (centers[i - 1] + centers[i]) / 2;
        }

        edges[0] = centers[0] - (centers[1] - centers[0]) / 2;
        edges[^1] = centers[^1] + (centers[^1] - centers[^2]) / 2;
        return edges;
    }

    private static void CheckEdges(IReadOnlyList<double> edges, int cells, string axis, string cellName)
    {
        if (cells == 0)
        {
            throw new ArgumentException($"Heatmap has no {cellName}; the grid must be at least 1 × 1.");
        }

        if (edges.Count != cells + 1)
        {
            throw new ArgumentException($"Heatmap has {cells} {cellName}, so it needs {cells + 1} {axis} edges, but {edges.Count} were given.");
        }

        for (int i = 0; i < edges.Count; i++)
        {
            if (!double.IsFinite(edges[i]) || (i > 0 && !(edges[i] > edges[i - 1])))
            {
                throw new ArgumentException($"Heatmap {axis} edges must be finite and strictly increasing (edge {i} breaks this).");
            }
        }
    }
}
