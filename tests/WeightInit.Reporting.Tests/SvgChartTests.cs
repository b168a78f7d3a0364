using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using WeightInit.Reporting;

namespace WeightInit.Reporting.Tests;

public partial class SvgChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static readonly string[] NumericAttributes =
        ["x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height", "font-size", "stroke-width", "fill-opacity", "dy"];

    [GeneratedRegex(@"^-?\d+(\.\d{1,2})?$")]
    private static partial Regex FixedNumber();

    [GeneratedRegex(@"^(-?\d+(\.\d{1,2})?,-?\d+(\.\d{1,2})? )*-?\d+(\.\d{1,2})?,-?\d+(\.\d{1,2})?$")]
    private static partial Regex PointList();

    private static SvgChart EveryLayerWithBadData(AxisScale yScale) =>
        new SvgChart
        {
            Title = "bad data",
            XAxis = AxisOptions.Linear("layer"),
            YAxis = new AxisOptions { Title = "Var", Scale = yScale },
        }
        .AddLine("line", [1.0, 2, 3, 4, 5, 6], [1.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, -2, 0.5], markers: true)
        .AddScatter("scatter", [double.NaN, 1, 2], [1.0, double.PositiveInfinity, 3])
        .AddMeanWithSpread("band", [1.0, 2, 3, 4], [1.0, 2, double.NaN, 4], [0.5, 3, 1, double.PositiveInfinity])
        .AddHistogram("histogram", [0.0, 1, 2, 3], [double.NaN, 0, 2])
        .SetHeatmap(new Heatmap([0.0, 3, 6], [0.0, 1], new[,] { { double.NaN, double.NegativeInfinity } }));

    [Theory]
    [InlineData(AxisScale.Linear)]
    [InlineData(AxisScale.Log10)]
    [InlineData(AxisScale.SymLog)]
    public void Render_NonFiniteData_EveryAttributeIsAFixedFormatNumberOrText(AxisScale yScale)
    {
        string svg = EveryLayerWithBadData(yScale).ToSvg();
        var document = XDocument.Parse(svg);
        foreach (var element in document.Descendants())
        {
            foreach (var attribute in element.Attributes())
            {
                Assert.DoesNotContain("NaN", attribute.Value);
                Assert.DoesNotContain("Infinity", attribute.Value);
                Assert.DoesNotContain("∞", attribute.Value);
                if (NumericAttributes.Contains(attribute.Name.LocalName) && !attribute.Value.EndsWith('%'))
                {
                    Assert.Matches(FixedNumber(), attribute.Value);
                }

                if (attribute.Name.LocalName == "points")
                {
                    Assert.Matches(PointList(), attribute.Value);
                }
            }
        }
    }

    [Fact]
    public void Render_OverflowInLine_BreaksLineAndNotesTheLayer()
    {
        var rendered = new SvgChart { XAxis = AxisOptions.Linear("layer"), YAxis = AxisOptions.Log("Var") }
            .AddLine("N(0, 1)", [1.0, 2, 3, 4, 5], [1.0, 10, double.PositiveInfinity, 1000, 1e4])
            .Render();

        var document = XDocument.Parse(rendered.Svg);
        Assert.Equal(2, document.Descendants(Svg + "polyline").Count());
        Assert.Contains("N(0, 1): overflow (±Inf) at layer 3; not drawn.", rendered.Notes);
        Assert.Contains("Note: N(0, 1): overflow (±Inf) at layer 3; not drawn.", rendered.Svg);
    }

    [Fact]
    public void Render_NonPositiveOnLogAxis_SkippedAndNoted()
    {
        var rendered = new SvgChart { YAxis = AxisOptions.Log() }
            .AddLine("loss", [1.0, 2, 3, 4], [1.0, 0, -1, 2])
            .Render();

        Assert.Contains("loss: non-positive at x = 2, 3; skipped on the log y axis.", rendered.Notes);
        // 1 and 4 are each cut off from their neighbours: no line, but a marker each so they stay visible.
        var document = XDocument.Parse(rendered.Svg);
        Assert.Empty(document.Descendants(Svg + "polyline"));
        Assert.Equal(2, document.Descendants(Svg + "circle").Count());
    }

    [Fact]
    public void Render_ManyNonFinitePoints_ListsFirstSixAndCount()
    {
        var x = Enumerable.Range(0, 10).Select(i => (double)i).ToArray();
        var y = x.Select(v => v < 2 ? v : double.NaN).ToArray();
        var rendered = new SvgChart().AddLine("s", x, y).Render();
        Assert.Contains("s: NaN at x = 2, 3, 4, 5, 6, 7, … (8 points); not drawn.", rendered.Notes);
    }

    [Fact]
    public void Render_CleanData_NoNotes()
    {
        var rendered = new SvgChart().AddLine("s", [0.0, 1, 2], [3.0, 1, 2]).Render();
        Assert.Empty(rendered.Notes);
        Assert.DoesNotContain("Note:", rendered.Svg);
    }

    [Fact]
    public void Render_SameChartTwice_SameBytes()
    {
        var chart = EveryLayerWithBadData(AxisScale.Log10);
        Assert.Equal(chart.ToSvg(), chart.ToSvg());
        Assert.Equal(EveryLayerWithBadData(AxisScale.Log10).ToSvg(), chart.ToSvg());
    }

    [Fact]
    public void Render_CommaDecimalCulture_SameBytes()
    {
        string invariant = EveryLayerWithBadData(AxisScale.Linear).ToSvg();
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal(invariant, EveryLayerWithBadData(AxisScale.Linear).ToSvg());
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Render_MarkupInTitleAndNames_Escaped()
    {
        string svg = new SvgChart { Title = "<script>alert(1)</script> & \"q\"", XAxis = AxisOptions.Linear("a<b") }
            .AddLine("x & y", [0.0, 1], [0.0, 1])
            .AddLine("second", [0.0, 1], [1.0, 0])
            .ToSvg();

        Assert.DoesNotContain("<script", svg);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;", svg);
        Assert.Contains(">x &amp; y</text>", svg);
        Assert.Contains(">a&lt;b</text>", svg);
        _ = XDocument.Parse(svg);
    }

    [Fact]
    public void Render_LogAxisSixtyDecades_DecadeLabelsAsPowersOfTen()
    {
        var x = Enumerable.Range(-30, 61).Select(k => double.Parse("1e" + k, CultureInfo.InvariantCulture)).ToArray();
        string svg = new SvgChart { XAxis = AxisOptions.Log("norm") }.AddScatter("s", x, x.Select(_ => 1.0).ToArray()).ToSvg();

        foreach (string exponent in new[] { "-30", "-20", "-10", "0", "10", "20", "30" })
        {
            Assert.Contains($">10<tspan dy=\"-6\" font-size=\"9\">{exponent}</tspan></text>", svg);
        }

        Assert.DoesNotContain(">-25</tspan>", svg);
    }

    [Fact]
    public void Render_MeanWithSpread_OneLegendEntryBandAndLine()
    {
        var document = XDocument.Parse(new SvgChart()
            .AddMeanWithSpread("mean ± sd", [0.0, 1, 2], [1.0, 2, 3], [0.5, 0.5, 0.5])
            .AddLine("other", [0.0, 2], [0.0, 4])
            .ToSvg());

        Assert.Single(document.Descendants(Svg + "polygon"));
        Assert.Equal(2, document.Descendants(Svg + "polyline").Count());
        Assert.Single(document.Descendants(Svg + "text"), t => t.Value == "mean ± sd");
    }

    [Fact]
    public void Render_SideBySideHistogramsWithDifferentEdges_ThrowsNamingBoth()
    {
        var chart = new SvgChart { HistogramLayout = HistogramLayout.SideBySide }
            .AddHistogram("a", [0.0, 1, 2], [1.0, 2])
            .AddHistogram("b", [0.0, 1, 3], [1.0, 2]);
        var error = Assert.Throws<ArgumentException>(() => chart.Render());
        Assert.Contains("'b'", error.Message);
        Assert.Contains("Overlaid", error.Message);
    }

    [Fact]
    public void Render_SideBySideHistograms_EachBinSplitInTwo()
    {
        var document = XDocument.Parse(new SvgChart { HistogramLayout = HistogramLayout.SideBySide, ShowLegend = false, XAxis = new AxisOptions { Min = 0, Max = 2 } }
            .AddHistogram("a", [0.0, 1, 2], [1.0, 2])
            .AddHistogram("b", [0.0, 1, 2], [2.0, 1])
            .ToSvg());

        // Bars sit in the nested plot <svg>; each is half a bin wide.
        var plot = document.Root!.Elements(Svg + "svg").Single();
        var widths = plot.Descendants(Svg + "rect").Select(r => double.Parse(r.Attribute("width")!.Value, CultureInfo.InvariantCulture)).ToList();
        double binWidth = double.Parse(plot.Attribute("width")!.Value, CultureInfo.InvariantCulture) / 2;
        Assert.Equal(4, widths.Count);
        Assert.All(widths, w => Assert.Equal(binWidth / 2, w, 0.011));
    }

    [Fact]
    public void Render_TooSmall_ThrowsWithMinimum()
    {
        var error = Assert.Throws<ArgumentException>(() => new SvgChart { Width = 100 }.Render());
        Assert.Contains("200", error.Message);
    }

    [Fact]
    public void Render_LogAxisWithNonPositiveMin_ThrowsSuggestingSymLog()
    {
        var error = Assert.Throws<ArgumentException>(() => new SvgChart { YAxis = AxisOptions.Log() with { Min = 0 } }.Render());
        Assert.Contains("SymLog", error.Message);
    }

    [Fact]
    public void AddLine_LengthsDiffer_ThrowsNamingTheSeries()
    {
        var error = Assert.Throws<ArgumentException>(() => new SvgChart().AddLine("var", [1.0, 2], [1.0]));
        Assert.Contains("'var'", error.Message);
        Assert.Contains("x has 2 values but y has 1", error.Message);
    }

    [Fact]
    public void Heatmap_NonFiniteCells_LeftBlankAndNoted()
    {
        var values = new[,] { { 1.0, double.NaN }, { double.PositiveInfinity, 4 } };
        var rendered = new SvgChart().SetHeatmap(new Heatmap([0.0, 1, 2], [0.0, 1, 2], values)).Render();
        var plot = XDocument.Parse(rendered.Svg).Root!.Elements(Svg + "svg").Single();
        Assert.Equal(2, plot.Descendants(Svg + "rect").Count());
        Assert.Contains("Heatmap: 2 cells not finite (NaN/±Inf, e.g. overflow), left blank.", rendered.Notes);
    }

    [Fact]
    public void Heatmap_ExtremeCells_GetTheEndColours()
    {
        var values = new[,] { { 0.0, 10.0 } };
        var plot = XDocument.Parse(new SvgChart().SetHeatmap(new Heatmap([0.0, 1, 2], [0.0, 1], values)).ToSvg())
            .Root!.Elements(Svg + "svg").Single();
        Assert.Equal(new[] { "#440154", "#fde725" }, plot.Descendants(Svg + "rect").Select(r => r.Attribute("fill")!.Value));
    }

    [Fact]
    public void Heatmap_FromCenters_MidpointEdges()
    {
        var heatmap = Heatmap.FromCenters([0.0, 1, 3], [5.0], new double[1, 3]);
        Assert.Equal(new[] { -0.5, 0.5, 2, 4 }, heatmap.XEdges);
        Assert.Equal(new[] { 4.5, 5.5 }, heatmap.YEdges);
    }

    [Fact]
    public void Heatmap_EdgeCountMismatch_ThrowsWithCounts()
    {
        var error = Assert.Throws<ArgumentException>(() => new Heatmap([0.0, 1], [0.0, 1], new double[1, 2]));
        Assert.Contains("needs 3 x edges", error.Message);
    }

    [Fact]
    public void FromSamples_NonFiniteAndOutOfRange_CountedSeparately()
    {
        var histogram = HistogramSeries.FromSamples("h", [0.5, 1.5, 1.5, 2.0, double.NaN, double.PositiveInfinity, 10, -1], [0.0, 1, 2], HistogramNormalization.Count);
        // 2.0 is the right end of the last bin, which is closed.
        Assert.Equal(new[] { 1.0, 3.0 }, histogram.Heights);
        Assert.Equal(2, histogram.NonFiniteSampleCount);
        Assert.Equal(2, histogram.OutOfRangeSampleCount);
    }

    [Fact]
    public void FromSamples_Density_AreaIsOne()
    {
        var histogram = HistogramSeries.FromSamples("h", [0.1, 0.2, 0.3, 1.5], [0.0, 0.5, 2.5], HistogramNormalization.Density);
        // 3 of 4 samples in a bin of width 0.5, 1 of 4 in a bin of width 2.
        Assert.Equal(new[] { 1.5, 0.125 }, histogram.Heights);
    }

    [Fact]
    public void FromSamples_Float32Overflow_NotedUnderChart()
    {
        float[] samples = [0.5f, float.MaxValue * 2, float.NaN];
        var histogram = HistogramSeries.FromSamples("layer 9", samples, [0.0, 1]);
        var rendered = new SvgChart().Add(histogram).Render();
        Assert.Contains("layer 9: 2 non-finite samples (NaN/±Inf, e.g. overflow) not counted.", rendered.Notes);
    }

    [Fact]
    public void UniformEdges_LastEdgeExact()
    {
        var edges = HistogramSeries.UniformEdges(-1, 1, 3);
        Assert.Equal(4, edges.Length);
        Assert.Equal(-1, edges[0]);
        Assert.Equal(1, edges[3]);
        Assert.Equal(-1 + 2.0 / 3, edges[1]);
    }

    [Theory]
    [InlineData(0.0, "#440154")]
    [InlineData(0.5, "#21918c")]
    [InlineData(1.0, "#fde725")]
    [InlineData(-3.0, "#440154")]
    [InlineData(double.NaN, "#440154")]
    public void Viridis_Stops_MatchMatplotlibTable(double fraction, string expected)
    {
        // Entries 0, 128 and 255 of matplotlib's 256-entry viridis table.
        Assert.Equal(expected, ChartColors.Viridis(fraction));
    }

    [Fact]
    public void Series_EighthSeries_CyclesPalette()
    {
        Assert.Equal("#0072B2", ChartColors.Series(0));
        Assert.Equal("#0072B2", ChartColors.Series(7));
        Assert.Equal(7, ChartColors.OkabeIto.Distinct().Count());
    }

    [Fact]
    public void Series_EveryColourStandsOutOnWhite()
    {
        // WCAG 2.x contrast (L_white + 0.05)/(L + 0.05) with relative luminance L from sRGB; Okabe–Ito's yellow #F0E442 has 1.32.
        static double Linear(int c) { double v = c / 255.0; return v <= 0.04045 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4); }
        static double Contrast(string hex)
        {
            int r = Convert.ToInt32(hex[1..3], 16), g = Convert.ToInt32(hex[3..5], 16), b = Convert.ToInt32(hex[5..7], 16);
            double l = 0.2126 * Linear(r) + 0.7152 * Linear(g) + 0.0722 * Linear(b);
            return 1.05 / (l + 0.05);
        }
        Assert.True(Contrast("#F0E442") < 1.4);
        Assert.All(ChartColors.OkabeIto, c => Assert.True(Contrast(c) >= 2, $"{c}: contrast {Contrast(c):F2} on white"));
    }
}

public class SeriesStyleTests
{
    [Fact]
    public void SixtyPlainLines_EachLooksDifferent()
    {
        // Past the seven palette colours, a line gets markers whose shape differs from its colour's first use.
        var chart = new SvgChart();
        for (int i = 0; i < 60; i++) chart.AddLine($"s{i}", [0.0, 1.0], [i, i + 1.0]);
        var looks = chart.LegendStyles().Select(s => s.Look).ToList();
        Assert.Equal(looks.Count, looks.Distinct().Count());
        Assert.Null(looks[0].Marker);
        Assert.Equal(looks[0].Color, looks[7].Color);
        Assert.NotNull(looks[7].Marker);
    }

    [Fact]
    public void ColorGroup_TheoryAndMeasurementShareAColourAndDifferByDashAndMarker()
    {
        var chart = new SvgChart()
            .AddLine("a (theory)", [0.0, 1.0], [1.0, 2.0], dash: LineDash.Dashed, colorGroup: "a")
            .AddMeanWithSpread("a", [0.0, 1.0], [1.0, 2.0], [0.1, 0.1], markers: true, colorGroup: "a")
            .AddLine("b (theory)", [0.0, 1.0], [1.0, 3.0], dash: LineDash.Dashed, colorGroup: "b");
        var styles = chart.LegendStyles();
        Assert.Equal(3, styles.Count);
        Assert.Equal(styles[0].Color, styles[1].Color);
        Assert.NotEqual(styles[0].Color, styles[2].Color);
        Assert.Equal(LineDash.Dashed, styles[0].Line);
        Assert.Null(styles[0].Marker);
        Assert.Equal("circle", styles[1].Marker);
        Assert.True(styles[1].Band);
        Assert.Equal(ChartColors.OkabeIto[1], styles[2].Color);
    }

    [Fact]
    public void EightScatters_EachLooksDifferent_AndTheSvgIsWellFormed()
    {
        // Seven colours: the eighth scatter is blue again, with the next shape (a square, not blue's circle).
        var chart = new SvgChart();
        for (int i = 0; i < 8; i++) chart.AddScatter($"s{i}", [0.0, 1.0], [i + 1.0, i + 2.0]);
        var looks = chart.LegendStyles().Select(s => s.Look).ToList();
        Assert.Equal(8, looks.Distinct().Count());
        Assert.Equal((looks[0].Color, "square"), (looks[7].Color, looks[7].Marker));
        var svg = XDocument.Parse(chart.ToSvg());
        // 8 series × (2 points + 1 legend swatch), each a circle, rect or path inside a marker group.
        XNamespace ns = "http://www.w3.org/2000/svg";
        var markers = svg.Descendants(ns + "g").Where(g => (string?)g.Attribute("stroke") == "#ffffff").SelectMany(g => g.Elements()).ToList();
        Assert.Equal(24, markers.Count);
    }
}

public class AxisEndAndNoteTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void LinearXAxis_EndsAtTheData_NotTheNextNiceTick()
    {
        // 50 layers: the axis used to run to 60 (issue 15, Fig 2).
        var x = Enumerable.Range(1, 50).Select(i => (double)i).ToArray();
        var doc = XDocument.Parse(new SvgChart { XAxis = AxisOptions.Linear("layer") }.AddLine("a", x, x).ToSvg());
        var labels = doc.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("50", labels);
        Assert.DoesNotContain("60", labels);
    }

    [Fact]
    public void MeanWithSpread_Overflow_IsNotedOnce()
    {
        // Fig 2 printed its overflow note twice: once for the band, once for its mean line.
        double inf = double.PositiveInfinity;
        var chart = new SvgChart { YAxis = AxisOptions.Log("v") }.AddMeanWithSpread("N(0,1)", [1.0, 2.0, 3.0], [1.0, 10.0, inf], [0.1, 1.0, 0.0]);
        var notes = chart.Render().Notes;
        Assert.Equal("N(0,1): overflow (±Inf) at x = 3; not drawn.", Assert.Single(notes));
    }

    private static XElement Panel(XDocument doc, string panel) =>
        doc.Descendants(Svg + "rect").Single(r => (string?)r.Attribute("class") == "plot-area" && (string?)r.Attribute("data-panel") == panel);

    private static double Number(XElement e, string attribute) => double.Parse((string)e.Attribute(attribute)!, CultureInfo.InvariantCulture);

    [Fact]
    public void Legend_IsBelowThePlot_AndThePlotKeepsTwoThirdsOfTheWidth()
    {
        // Issue 15: the legend right of the plot took half the width and cut its labels ("(the…").
        string longName = "He a=0 (ReLU formula), PReLU(0.25) (theory)";
        var chart = new SvgChart { YAxis = AxisOptions.Log("v") };
        for (int k = 0; k < 9; k++)
        {
            chart.AddLine(k == 0 ? longName : $"series {k}", [1.0, 2, 3], [1.0, 2, 3 + k], markers: true);
        }

        var doc = XDocument.Parse(chart.ToSvg());
        var plot = Panel(doc, "main");
        Assert.True(Number(plot, "width") >= SvgChart.DefaultWidth * 2.0 / 3, $"plot area {Number(plot, "width")} px of {SvgChart.DefaultWidth}");
        var legend = doc.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "legend");
        var texts = legend.Descendants(Svg + "text").ToList();
        Assert.Equal(9, texts.Count);
        Assert.Contains(texts, t => t.Value == longName);
        double plotBottom = Number(plot, "y") + Number(plot, "height");
        Assert.All(texts, t => Assert.True(Number(t, "y") > plotBottom + 30, $"legend text at y = {Number(t, "y")}, plot ends at {plotBottom}"));
        Assert.True(texts.Select(t => Number(t, "x")).Distinct().Count() > 1, "the legend uses one column although there is room for more");
    }

    [Fact]
    public void LogAxisSpanningMoreThan10To6_GetsALinearZoomOfTheStableSeriesOnly()
    {
        var x = new[] { 1.0, 2, 3, 4 };
        var chart = new SvgChart { YAxis = AxisOptions.Log("v") }
            .AddLine("exploding", x, [1.0, 1e3, 1e6, 1e9])
            .AddLine("flat", x, [1.0, 1.1, 0.9, 1.05])
            .AddMeanWithSpread("decaying slowly", x, [0.5, 0.4, 0.3, 0.2], [0.05, 0.05, 0.05, 0.05]);
        var doc = XDocument.Parse(chart.ToSvg());
        var zoom = doc.Descendants(Svg + "svg").Single(s => (string?)s.Attribute("data-panel") == "zoom");
        string[] series = zoom.Descendants(Svg + "g").Select(g => (string?)g.Attribute("data-series")).OfType<string>().Distinct().ToArray();
        Assert.Equal(["decaying slowly", "flat"], series.Order());
        Assert.Contains(zoom.Descendants(Svg + "g"), g => (string?)g.Attribute("class") == "band");
        // The zoom's y axis is linear: its labels are plain numbers, not powers of ten.
        Assert.True(Number(Panel(doc, "zoom"), "y") > Number(Panel(doc, "main"), "y") + Number(Panel(doc, "main"), "height"));

        // 10⁶ exactly is not beyond the threshold, a linear axis never zooms, and LinearZoom = false turns it off.
        Assert.DoesNotContain("data-panel=\"zoom\"", new SvgChart { YAxis = AxisOptions.Log("v") }.AddLine("a", x, [1.0, 10, 1e6, 1e3]).AddLine("b", x, [1.0, 1, 1, 1]).ToSvg());
        Assert.Contains("data-panel=\"zoom\"", new SvgChart { YAxis = AxisOptions.Log("v") }.AddLine("a", x, [1.0, 10, 1.01e6, 1e3]).AddLine("b", x, [1.0, 1, 1, 1]).ToSvg());
        Assert.DoesNotContain("data-panel=\"zoom\"", new SvgChart { YAxis = AxisOptions.Linear("v") }.AddLine("a", x, [1.0, 1e3, 1e6, 1e9]).AddLine("b", x, [1.0, 1, 1, 1]).ToSvg());
        Assert.DoesNotContain("data-panel=\"zoom\"", new SvgChart { YAxis = AxisOptions.Log("v"), LinearZoom = false }.AddLine("a", x, [1.0, 1e3, 1e6, 1e9]).AddLine("b", x, [1.0, 1, 1, 1]).ToSvg());
    }

    [Fact]
    public void SeveralOverlaidHistograms_AreStepOutlines_OneIsFilled()
    {
        // Issue 15: five translucent histograms blended into brown.
        double[] edges = [0.0, 1, 2, 3];
        var five = new SvgChart();
        for (int k = 0; k < 5; k++)
        {
            five.AddHistogram($"layer {k + 1}", edges, [1.0 + k, 2, 1]);
        }

        var groups = XDocument.Parse(five.ToSvg()).Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "series histogram").ToList();
        Assert.Equal(5, groups.Count);
        Assert.All(groups, g => Assert.Equal("none", (string?)g.Attribute("fill")));
        Assert.All(groups, g => Assert.StartsWith("M", Assert.Single(g.Elements(Svg + "path")).Attribute("d")!.Value, StringComparison.Ordinal));
        Assert.Equal(5, groups.Select(g => (string?)g.Attribute("stroke")).Distinct().Count());

        var one = XDocument.Parse(new SvgChart().AddHistogram("only", edges, [1.0, 2, 1]).ToSvg())
            .Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "series histogram");
        Assert.NotEqual("none", (string?)one.Attribute("fill"));
        Assert.Equal(3, one.Elements(Svg + "rect").Count());
    }
}
