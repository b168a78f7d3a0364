using System.Globalization;
using WeightInit.Reporting;

namespace WeightInit.Reporting.Tests;

public class ChartFormatTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.0, "1")]
    [InlineData(0.123456, "0.1235")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(123456.0, "123500")]
    [InlineData(1234567.0, "1.235e6")]
    [InlineData(0.00012346, "0.0001235")]
    [InlineData(1.5e-7, "1.5e-7")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    public void Number_FourSignificantDigits_FixedInvariantText(double value, string expected)
    {
        Assert.Equal(expected, ChartFormat.Number(value));
    }

    [Fact]
    public void Number_NegativeZero_WrittenAsZero()
    {
        Assert.Equal("0", ChartFormat.Number(-0.0));
    }

    [Fact]
    public void Number_CommaDecimalCulture_StillWritesPoint()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal("0.5", ChartFormat.Number(0.5));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Number_SignificantDigitsOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ChartFormat.Number(1, 0));
    }

    [Theory]
    [InlineData(12.3456, "12.35")]
    [InlineData(-0.001, "0")]
    [InlineData(1e300, "1000000")]
    [InlineData(double.NegativeInfinity, "-1000000")]
    public void Coordinate_AnyFiniteOrInfinite_TwoDecimalsClamped(double value, string expected)
    {
        Assert.Equal(expected, ChartFormat.Coordinate(value));
    }

    [Fact]
    public void Coordinate_NaN_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => ChartFormat.Coordinate(double.NaN));
    }
}
