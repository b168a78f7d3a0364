using WeightInit.Analysis.Measurement;

namespace WeightInit.Analysis.Tests.Measurement;

public class StatisticsTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(17, 1)]
    [InlineData(1000, 2)]
    [InlineData(65537, 3)]
    public void Select_GivesTheValueASortPutsAtEveryProbedRank(int n, int seed)
    {
        var random = new System.Random(seed);
        // Few distinct values (many ties) and a continuous part.
        var values = Enumerable.Range(0, n).Select(i => i % 3 == 0 ? random.Next(5) : (float)random.NextDouble()).ToArray();
        var sorted = values.Order().ToArray();
        foreach (int k in new[] { 0, n / 50, n / 2, n - 1 - n / 50, n - 1 }.Distinct())
        {
            var copy = (float[])values.Clone();
            Assert.Equal(sorted[k], OrderStatistics.Select(copy, k));
            Assert.All(copy[..k], v => Assert.True(v <= sorted[k]));
            Assert.All(copy[(k + 1)..], v => Assert.True(v >= sorted[k]));
        }
    }

    [Fact]
    public void Select_SortedAndReversedInput_StillRight()
    {
        var up = Enumerable.Range(0, 5000).Select(i => (float)i).ToArray();
        Assert.Equal(2500f, OrderStatistics.Select((float[])up.Clone(), 2500));
        Assert.Equal(17f, OrderStatistics.Select(up.Reverse().ToArray(), 17));
        Assert.Equal(3f, OrderStatistics.Select(Enumerable.Repeat(3f, 4000).ToArray(), 1234));
    }

    [Fact]
    public void Of_PercentilesAreTheNearestRankValuesAndMomentsExact()
    {
        var random = new System.Random(9);
        var values = Enumerable.Range(0, 10001).Select(_ => (float)(random.NextDouble() * 10 - 3)).ToArray();
        values[5] = float.NaN;
        values[6] = float.PositiveInfinity;
        var s = TensorStatistics.Of(values, v => v > 6);
        var finite = values.Where(float.IsFinite).Order().ToArray();
        float Rank(double p) => finite[(int)Math.Ceiling(p / 100 * finite.Length) - 1];
        Assert.Equal(2, s.NonFinite);
        Assert.Equal(Rank(2), s.P2);
        Assert.Equal(Rank(50), s.P50);
        Assert.Equal(Rank(98), s.P98);
        double mean = values.Where(float.IsFinite).Sum(v => (double)v) / finite.Length;
        Assert.Equal(mean, s.Mean, 12);
        Assert.Equal(values.Where(float.IsFinite).Sum(v => (v - mean) * (v - mean)) / (finite.Length - 1), s.Variance, 10);
        Assert.Equal(finite.Count(v => v > 6) / (double)finite.Length, s.Saturated);
    }
}
