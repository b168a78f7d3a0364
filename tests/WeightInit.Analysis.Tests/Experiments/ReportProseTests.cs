using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using WeightInit.Analysis.Experiments;

namespace WeightInit.Analysis.Tests.Experiments;

/// <summary>Each sentence of the report's prose (paragraphs, captions, headlines) that states a result is checked against
/// results.json of the same run and, where a law gives the number, against that law computed here.</summary>
public partial class ReportProseTests
{
    private static readonly Lazy<JsonElement> Json = new(() =>
        JsonDocument.Parse(ReportBuilder.ResultsJson(QuickReport.Results, QuickReport.Settings, "test")).RootElement);

    private static ExperimentResult Result(string name) => QuickReport.Results.Single(r => r.Name == name);

    private static JsonElement Data(string name) =>
        Json.Value.GetProperty("experiments").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name).GetProperty("data");

    /// <summary>Paragraphs, figure and table captions and the headline: everything a reader reads as prose.</summary>
    private static string Prose(ExperimentResult r) =>
        string.Join("\n", r.Paragraphs.Concat(r.Figures.Select(f => f.Caption)).Concat(r.Tables.Select(t => t.Caption)).Append(r.Headline));

    private static double Number(string text) => double.Parse(text.Replace('−', '-'), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>A number quoted with 4 significant digits equals <paramref name="value"/> to that precision.</summary>
    private static void AssertQuoted(double value, string quoted) =>
        Assert.True(Math.Abs(Number(quoted) - value) <= 5e-4 * Math.Abs(value), $"prose says {quoted}, results say {value:R}");

    private static Match Single(Regex regex, string text)
    {
        var m = regex.Match(text);
        Assert.True(m.Success, $"no sentence matching /{regex}/ in:\n{text}");
        return m;
    }

    [GeneratedRegex(@"inputs of width (\d+) .*?each layer multiplies the variance by n = (\d+), so the std after L layers is n\^\(L/2\), which passes float32's largest value ([\d.E+]+) at L = 2·ln\([\d.E+]+\)/ln (\d+) = ([\d.]+); measured, (.*?)\. ")]
    private static partial Regex DeepMatmulOverflow();

    [GeneratedRegex(@"(?:float32 overflows at layer (\d+) of )?the (\d+)-layer chain(?: stays finite)?")]
    private static partial Regex ChainOverflow();

    [Fact]
    public void DeepMatmul_OverflowSentence_QuotesTheMeasuredLayersAndTheTheorysCrossing()
    {
        var r = Result("deep-matmul");
        var m = Single(DeepMatmulOverflow(), r.Paragraphs[0]);
        int width = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(width, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.Equal(width, int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture));
        AssertQuoted(float.MaxValue, m.Groups[3].Value);
        // Var of an N(0, 1)-weight linear chain is n^L: its std reaches float32's largest value at L = 2 ln(max)/ln n.
        double crossing = 2 * Math.Log(float.MaxValue) / Math.Log(width);
        Assert.Equal(crossing.ToString("F1", CultureInfo.InvariantCulture), m.Groups[5].Value);

        var chains = ChainOverflow().Matches(m.Groups[6].Value);
        var depths = Data("deep-matmul").EnumerateObject().Select(p => int.Parse(p.Name["depth_".Length..], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(depths.Order(), chains.Select(c => int.Parse(c.Groups[2].Value, CultureInfo.InvariantCulture)).Order());
        foreach (Match c in chains)
        {
            int depth = int.Parse(c.Groups[2].Value, CultureInfo.InvariantCulture);
            int layer = Data("deep-matmul").GetProperty($"depth_{depth}").GetProperty("N(0,1), no activation").GetProperty("overflow_layer").GetInt32();
            Assert.Equal(layer, c.Groups[1].Success ? int.Parse(c.Groups[1].Value, CultureInfo.InvariantCulture) : 0);
            // The measured layer is where the theory says: an element overflows a little before the std does (the largest of
            // width × batch draws is a few std out), never after.
            if (layer > 0) Assert.InRange(layer, crossing - 2, crossing + 1);
            else Assert.True(depth < crossing + 1, $"no overflow in {depth} layers although the std passes float32's largest at {crossing}");
        }
        Assert.DoesNotContain("dozen", Prose(r));
    }

    [Fact]
    public void DeepMatmul_Headline_OverflowWithinTheDeepestChain()
    {
        var r = Result("deep-matmul");
        var m = Single(new Regex(@"^N\(0,1\) explodes \(float32 overflow within (\d+) layers\)"), r.Headline);
        int depth = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        int layer = Data("deep-matmul").GetProperty($"depth_{depth}").GetProperty("N(0,1), no activation").GetProperty("overflow_layer").GetInt32();
        Assert.InRange(layer, 1, depth);
    }

    [GeneratedRegex(@"the variance grows as \(1 \+ 2α²\)\^L\. With α = 1 that is ([\d.]+)\^L: ([\d.E+]+) at L = (\d+) in theory, ([\d.E+]+) measured\. .*?\(1 \+ 2/L\)\^L → e² = ([\d.]+) \(([\d.E+]+) at L = (\d+) in theory, ([\d.E+]+) measured\) and \(1 \+ 1/L\)\^L → e = ([\d.]+) \(([\d.E+]+) in theory, ([\d.E+]+) measured\)")]
    private static partial Regex ResidualLaw();

    [Fact]
    public void Residual_LawSentence_IsOnePlusTwoAlphaSquaredToTheL_AndQuotesTheResults()
    {
        var r = Result("residual");
        var m = Single(ResidualLaw(), r.Paragraphs[0]);
        var data = Data("residual");
        double[] Series(string label, string key) => data.GetProperty(label).GetProperty(key).EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var depths = data.GetProperty("α = 1").GetProperty("depths").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        int deep = depths[^1];

        // The law, computed here: x ← x + α·W₂ relu(W₁x) with He weights adds 2α²·E[x²] per block.
        foreach (var (label, alpha) in new (string, Func<int, double>)[] { ("α = 1", _ => 1), ("α = 1/√L", l => 1 / Math.Sqrt(l)), ("α = 1/√(2L)", l => 1 / Math.Sqrt(2.0 * l)) })
        {
            var theory = Series(label, "theory");
            for (int i = 0; i < depths.Length; i++)
                Assert.Equal(Math.Pow(1 + 2 * alpha(depths[i]) * alpha(depths[i]), depths[i]), theory[i], 1e-9 * theory[i]);
        }
        Assert.Equal("3", m.Groups[1].Value); // 1 + 2·1²
        Assert.Equal(deep.ToString(CultureInfo.InvariantCulture), m.Groups[3].Value);
        Assert.Equal(deep.ToString(CultureInfo.InvariantCulture), m.Groups[7].Value);
        AssertQuoted(Series("α = 1", "theory")[^1], m.Groups[2].Value);
        AssertQuoted(Series("α = 1", "measured")[^1], m.Groups[4].Value);
        AssertQuoted(Math.E * Math.E, m.Groups[5].Value);
        AssertQuoted(Series("α = 1/√L", "theory")[^1], m.Groups[6].Value);
        AssertQuoted(Series("α = 1/√L", "measured")[^1], m.Groups[8].Value);
        AssertQuoted(Math.E, m.Groups[9].Value);
        AssertQuoted(Series("α = 1/√(2L)", "theory")[^1], m.Groups[10].Value);
        AssertQuoted(Series("α = 1/√(2L)", "measured")[^1], m.Groups[11].Value);

        var caption = Single(new Regex(@"unscaled branches multiply the variance by ([\d.]+) per block"), r.Figures[0].Caption);
        Assert.Equal("3", caption.Groups[1].Value);
        var headline = Single(new Regex(@"variance \(1 \+ 2α²\)\^L = ([\d.]+)\^L \(([\d.E+]+) at L = (\d+)\);.*\(→ e² and e\)$"), r.Headline);
        Assert.Equal("3", headline.Groups[1].Value);
        AssertQuoted(Series("α = 1", "theory")[^1], headline.Groups[2].Value);
        Assert.Equal(deep.ToString(CultureInfo.InvariantCulture), headline.Groups[3].Value);
        foreach (var stale in new[] { "doubles per block", "double the variance", "2^L", "√e" }) Assert.DoesNotContain(stale, Prose(r));
    }

    [Fact]
    public void HeDepth_Headline_XavierHalvesPerLayer_AndThePowerIsTheTheorysAtTheDeepestDepth()
    {
        var r = Result("he-depth");
        var m = Single(new Regex(@"^Xavier halves ReLU signal energy per layer \(2\^(−?\d+) after (\d+) layers\)"), r.Headline);
        int depth = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        var theory = Data("he-depth").GetProperty($"{depth}_Xavier, ReLU").GetProperty("theory").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(depth, theory.Length);
        // Xavier's n·Var W = 1 with ReLU: E[x²] halves per layer from a unit input (He et al. eq. 8), so 2^−L at layer L.
        for (int i = 0; i < depth; i++) Assert.Equal(Math.Pow(2, -(i + 1)), theory[i], 1e-9 * theory[i]);
        Assert.Equal(-depth, (int)Number(m.Groups[1].Value));
    }

    [Fact]
    public void Symmetry_Headline_SpreadExactlyZero_IsWhatTheRunsShow()
    {
        var r = Result("symmetry");
        Assert.Contains("(spread exactly 0)", r.Headline);
        var data = Data("symmetry");
        Assert.Equal(0.0, data.GetProperty("constant(value=0.1)").GetProperty("spread_after").GetDouble());
        Assert.Equal(0.0, data.GetProperty("zeros").GetProperty("spread_after").GetDouble());
        Assert.True(data.GetProperty("he_normal").GetProperty("spread_after").GetDouble() > 0, "random init breaks the symmetry");
        // The paragraph's step count is the comparisons'.
        int steps = int.Parse(Single(new Regex(@"(\d+) steps"), r.Paragraphs[0]).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.All(r.Comparisons, c => Assert.Contains($"after {steps} SGD steps", c.Quantity));
    }

    [Fact]
    public void CaffeFans_Headline_QuotesTheExactLogisticRatioAtTheSmallestScale()
    {
        var r = Result("caffe-fans");
        var m = Single(new Regex(@"1/16 = ([\d.]+) for small x \(([\d.]+) at std ([\d.]+)\)"), r.Headline);
        Assert.Equal(1.0 / 16, Number(m.Groups[1].Value));
        var data = Data("caffe-fans");
        Assert.Equal(data.GetProperty("logistic_scales")[0].GetDouble(), Number(m.Groups[3].Value));
        double exact = data.GetProperty("logistic_exact_ratio")[0].GetDouble();
        AssertQuoted(exact, m.Groups[2].Value);
        Assert.InRange(exact, 0.98 / 16, 1.0 / 16); // σ′ ≤ 1/4: the ratio is below 1/16 and near it for small x
    }

    [Fact]
    public void MeanField_CriticalPoint_InCaptionAndHeadline_IsTheResult()
    {
        var r = Result("mean-field");
        double critical = Data("mean-field").GetProperty("critical_weight_variance_at_bias_0.05").GetDouble();
        var caption = Single(new Regex(@"critical σ_w² = ([\d.]+) \(σ_b² = ([\d.]+)\)"), string.Join("\n", r.Figures.Select(f => f.Caption)));
        AssertQuoted(critical, caption.Groups[1].Value);
        Assert.Equal("0.05", caption.Groups[2].Value);
        var headline = Single(new Regex(@"edge of chaos at σ_b² = ([\d.]+): σ_w² = ([\d.]+);"), r.Headline);
        Assert.Equal("0.05", headline.Groups[1].Value);
        AssertQuoted(critical, headline.Groups[2].Value);
        Assert.DoesNotContain("white line", string.Join("\n", r.Figures.Select(f => f.Chart.Title)));
    }
}
