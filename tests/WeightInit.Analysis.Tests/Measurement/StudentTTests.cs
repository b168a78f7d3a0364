using WeightInit.Analysis.Measurement;

namespace WeightInit.Analysis.Tests.Measurement;

public class StudentTTests
{
    // mpmath (30 digits): the root of I_{ν/(ν+t²)}(ν/2, 1/2) = tail (the regularized incomplete beta form of P(|T| > t)), and
    // that function at t = 2.5. (SciPy's t.isf agrees only to about 1e-9 here.)
    [Theory]
    [InlineData(1, 0.001, 636.61924876871962, 0.2422378831816868)]
    [InlineData(1, 0.05, 12.706204736174705, 0.2422378831816868)]
    [InlineData(2, 0.001, 31.599054576443621, 0.12961172022151081)]
    [InlineData(3, 0.001, 12.923978636687483, 0.087706647008065555)]
    [InlineData(4, 0.01, 4.6040948713499932, 0.06676654481198815)]
    [InlineData(5, 0.001, 6.8688266258811102, 0.054490099342376233)]
    [InlineData(10, 0.05, 2.2281388519862747, 0.031446844236608814)]
    [InlineData(30, 0.001, 3.6459586350420218, 0.01811564906806669)]
    public void QuantileAndTail_MatchMpmath(int nu, double tail, double quantile, double tailAt2_5)
    {
        Assert.Equal(quantile, StudentT.TwoSidedQuantile(tail, nu), 1e-9 * quantile);
        Assert.Equal(tailAt2_5, StudentT.TwoSidedTail(2.5, nu), 1e-12);
    }

    [Fact]
    public void Tail_IsOneAtZeroAndZeroAtInfinity()
    {
        Assert.Equal(1.0, StudentT.TwoSidedTail(0, 3), 15);
        Assert.Equal(1.0, StudentT.TwoSidedTail(0, 4), 15);
        Assert.Equal(0.0, StudentT.TwoSidedTail(double.PositiveInfinity, 2));
    }

    [Theory]
    [InlineData(0.0, 1)]
    [InlineData(1.5, 1)]
    [InlineData(0.01, 0)]
    public void BadArguments_Throw(double tail, int nu) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => StudentT.TwoSidedQuantile(tail, nu));
}
