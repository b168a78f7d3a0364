using WeightInit.Analysis.Measurement;

namespace WeightInit.Analysis.Tests.Measurement;

public class VarianceJudgeTests
{
    [Fact]
    public void Judge_CumulativeTrendFlagsWhereNoLayerDoesByItself()
    {
        // Five layers each doubling the variance: own gain 2 < 10, but from the first layer's output 2·2·2·2 = 16 > 10 at the fifth.
        var layers = Enumerable.Range(0, 5).Select(i => new LayerGains($"l{i}", 1 << i, 2 << i, 1, 8, 8)).ToList();
        var v = VarianceJudge.Judge(layers, 10);

        Assert.Equal([1.0, 2.0, 4.0, 8.0, 16.0], v.Select(x => x.CumulativeForward));
        Assert.All(v, x => Assert.Equal(VarianceFlag.None, x.Forward));
        Assert.Equal([VarianceFlag.None, VarianceFlag.None, VarianceFlag.None, VarianceFlag.None, VarianceFlag.Explodes], v.Select(x => x.ForwardTrend));
    }

    [Fact]
    public void Judge_FirstLayerHasNoForwardTrendAndNoNote()
    {
        // The first layer's own gain 0.25 (a tanh squeezing the data into its range) is within ×10; the trend starts after it,
        // and its shape ratio 1000/10 gets no note since it is not judged backward.
        var layers = new List<LayerGains> { new("first", 1, 0.25, 50, 10, 1000), new("second", 0.25, 0.125, 0.8, 1000, 1000) };
        var v = VarianceJudge.Judge(layers, 10);

        Assert.Equal([1.0, 0.5], v.Select(x => x.CumulativeForward));
        Assert.All(v, x => Assert.False(x.Flagged));
        Assert.All(v, x => Assert.Null(x.Note));
    }

    [Fact]
    public void Judge_HeadShrinkingByItsShape_IsANoteNotAFlag()
    {
        // 1000 → 10 head with backward gain 10/1000·2 = 0.02: ×2 beyond its shape.
        var layers = new List<LayerGains> { new("hidden", 1, 1, 1, 784, 1000), new("head", 1, 2, 0.02, 1000, 10) };
        var v = VarianceJudge.Judge(layers, 10);

        Assert.Equal(2.0, v[1].BackwardGainBeyondShape, 12);
        Assert.Equal(VarianceFlag.None, v[1].Backward);
        Assert.Equal(VarianceFlag.None, v[1].BackwardTrend);
        Assert.Contains("fan_out/fan_in = 10/1000 = 0.01", v[1].Note);
        Assert.Null(v[0].Note);
    }

    [Fact]
    public void Judge_BackwardTrendIsTheProductFromTheOutputAndTheFirstLayerIsNotJudgedBackward()
    {
        var layers = Enumerable.Range(0, 3).Select(i => new LayerGains($"l{i}", 1, 1, 0.25, 4, 4)).ToList();
        var v = VarianceJudge.Judge(layers, 10);

        Assert.Equal([0.015625, 0.0625, 0.25], v.Select(x => x.CumulativeBackward));
        // l0 is not judged backward although 0.0156 < 1/10; at l1 0.0625 < 1/10 vanishes; own gains 0.25 stay within.
        Assert.Equal([VarianceFlag.None, VarianceFlag.Vanishes, VarianceFlag.None], v.Select(x => x.BackwardTrend));
        Assert.All(v, x => Assert.Equal(VarianceFlag.None, x.Backward));
    }

    [Fact]
    public void Judge_OverflowExplodes()
    {
        var v = VarianceJudge.Judge([new LayerGains("l0", 1, double.PositiveInfinity, 1, 1, 1)], 10);
        Assert.Equal(VarianceFlag.Explodes, v[0].Forward);
        Assert.True(v[0].Flagged);
    }

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(10.0, 0.0)]
    public void Judge_BadFactorOrFan_Throws(double factor, double fan) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => VarianceJudge.Judge([new LayerGains("l0", 1, 1, 1, fan, 1)], factor));

    [Theory]
    [InlineData(5.0, 10.0, VarianceFlag.None)]
    [InlineData(10.5, 10.0, VarianceFlag.Explodes)]
    [InlineData(0.09, 10.0, VarianceFlag.Vanishes)]
    [InlineData(double.PositiveInfinity, 10.0, VarianceFlag.Explodes)]
    [InlineData(double.NaN, 10.0, VarianceFlag.Explodes)]
    public void Classify_UsesTheFactorBothWays(double ratio, double factor, VarianceFlag expected) =>
        Assert.Equal(expected, VarianceJudge.Classify(ratio, factor));

    [Fact]
    public void Judge_UnknownBackwardGain_IsNotJudgedNorAreTheTrendsBelowIt()
    {
        // Backward gains 50 (known), unknown, 50 (known): the middle layer's own backward gain and the trends at it and below
        // are not judged; the last layer's own gain and trend still are.
        var layers = new List<LayerGains>
        {
            new("a", 1, 1, 50, 8, 8), new("b", 1, 1, double.NaN, 8, 8) { BackwardKnown = false }, new("c", 1, 1, 50, 8, 8),
        };
        var v = VarianceJudge.Judge(layers, 10);

        Assert.Equal(VarianceFlag.None, v[1].Backward);
        Assert.Equal(VarianceFlag.None, v[1].BackwardTrend);
        Assert.True(double.IsNaN(v[1].CumulativeBackward));
        Assert.Null(v[1].Note);
        Assert.Equal(VarianceFlag.Explodes, v[2].Backward);
        Assert.Equal(VarianceFlag.Explodes, v[2].BackwardTrend);
        Assert.Equal(50.0, v[2].CumulativeBackward, 12);
    }

    [Fact]
    public void Candidates_OwnFlaggedLayersFirstThenEverySuggestion_EachListOnce()
    {
        // Layer 1's own forward gain explodes; layer 2 is only part of a trend. Suggestions for layers 1 and 2.
        var layers = new List<LayerGains> { new("a", 1, 1, 1, 8, 8), new("b", 1, 50, 1, 8, 8), new("c", 50, 60, 1, 8, 8) };
        var v = VarianceJudge.Judge(layers, 10);
        var c = VarianceJudge.Candidates(v, new string?[] { null, "rb", "rc" });
        Assert.Equal([["rb"], ["rb", "rc"]], c.Select(x => x.ToArray()));
        // When every suggestion belongs to an own-flagged layer the second list is the first: tried once.
        Assert.Equal([["rb"]], VarianceJudge.Candidates(v, new string?[] { null, "rb", null }).Select(x => x.ToArray()));
    }
}
