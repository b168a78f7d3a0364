using WeightInit.Initializers;
using WeightInit.Random;
using WeightInit.Shapes;

namespace WeightInit.Tests.Initializers;

public class StructuredInitializerTests
{
    private static readonly PhiloxKey Key = PhiloxKey.FromSeed(11).Fold("structured");

    [Fact]
    public void Identity_Rectangular_OnesOnMainDiagonal()
    {
        var w = new Identity(2).CreateDouble(Key, WeightShape.OutIn(3, 4));
        Assert.Equal(new double[] { 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0 }, w);
    }

    [Fact]
    public void Dirac_TwoGroups_PassesChannelsThroughCentre()
    {
        var shape = WeightShape.OutIn(4, 2, 3); // out 4, in 2, kernel 3, two groups of 2 outputs
        var w = new Dirac(2).CreateDouble(Key, shape);
        double At(int o, int i, int k) => w[(o * 2 + i) * 3 + k];
        for (int o = 0; o < 4; o++)
            for (int i = 0; i < 2; i++)
                for (int k = 0; k < 3; k++)
                    Assert.Equal(k == 1 && i == o % 2 ? 1.0 : 0.0, At(o, i, k));
        Assert.Contains("divisible by groups", Assert.Throws<ArgumentException>(() => new Dirac(3).CreateDouble(Key, shape)).Message);
    }

    [Fact]
    public void Bilinear_KernelThree_CentredRow_LegacyOffCentre()
    {
        // Values from the reference: fixed K=3 middle row [0.5, 1, 0.5]; pre-2017 formula [0.1875, 0.5625, 0.5625].
        var w = new Bilinear().CreateDouble(Key, WeightShape.OutIn(1, 1, 3, 3));
        Assert.Equal(new[] { 0.5, 1.0, 0.5 }, w.Skip(3).Take(3));
        Assert.Equal(new[] { 0.25, 0.5, 0.25 }, w.Take(3));
        var legacy = new Bilinear(Legacy: true).CreateDouble(Key, WeightShape.OutIn(1, 1, 3, 3));
        Assert.Equal(new[] { 0.1875, 0.5625, 0.5625 }, legacy.Skip(3).Take(3));
        // K = 4: f = 2, c = 0.75: 1 − |x/2 − 0.75| = 0.25, 0.75, 0.75, 0.25.
        var four = new Bilinear().CreateDouble(Key, WeightShape.OutIn(2, 1, 4, 4));
        Assert.Equal(new[] { 0.0625, 0.1875, 0.1875, 0.0625 }, four.Take(4));
        Assert.Equal(four.Take(16), four.Skip(16));
    }

    [Fact]
    public void Sparse_EveryColumn_ExactZeroCount()
    {
        var w = new Sparse(0.3, 0.01).CreateDouble(Key, WeightShape.OutIn(50, 40));
        for (int c = 0; c < 40; c++)
        {
            int zeros = Enumerable.Range(0, 50).Count(r => w[r * 40 + c] == 0);
            Assert.Equal(15, zeros); // ⌈0.3·50⌉
        }
    }

    [Fact]
    public void PositiveUnitBall_RowsNonNegativeSumToOne()
    {
        var w = new PositiveUnitBall().CreateDouble(Key, WeightShape.OutIn(6, 5, 2));
        for (int r = 0; r < 6; r++)
        {
            var row = w.Skip(r * 10).Take(10).ToArray();
            Assert.All(row, v => Assert.True(v >= 0));
            Assert.Equal(1.0, row.Sum(), 1e-14);
        }
    }

    [Fact]
    public void CaffeSparseGaussian_KeptFraction_MatchesSparseOverNum()
    {
        // p = 20/100; count of non-zeros in 100·200 entries is binomial: allow 6 standard deviations.
        var w = InitializerRegistry.Parse("caffe.gaussian(std=0.1, sparse=20)").CreateDouble(Key, WeightShape.OutIn(100, 200));
        int kept = w.Count(v => v != 0);
        double n = w.Length, p = 0.2, sd = Math.Sqrt(n * p * (1 - p));
        Assert.InRange(kept, n * p - 6 * sd, n * p + 6 * sd);
    }

    [Theory]
    [InlineData("sparse(sparsity=0.5)")]
    [InlineData("caffe.positive_unitball")]
    [InlineData("caffe.gaussian(sparse=3)")]
    [InlineData("dirac(groups=2)")]
    [InlineData("bilinear")]
    public void PartialFill_Structured_EqualsSliceOfWholeFill(string spec)
    {
        var init = InitializerRegistry.Parse(spec);
        var shape = spec.StartsWith("dirac") || spec.StartsWith("bilinear") ? WeightShape.OutIn(4, 3, 5, 5) : WeightShape.OutIn(12, 9);
        var whole = init.CreateSingle(Key, shape);
        var part = new float[whole.Length - 13];
        init.Fill(Key, shape, part, 7);
        Assert.Equal(whole.Skip(7).Take(part.Length), part);
    }
}
