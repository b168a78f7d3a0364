using WeightInit.Shapes;

namespace WeightInit.Tests.Shapes;

public class FansTests
{
    [Fact]
    public void Select_EachMode_PicksThatFan()
    {
        var fans = new Fans(250, 500);
        Assert.Equal(250, fans.Select(FanMode.FanIn));
        Assert.Equal(500, fans.Select(FanMode.FanOut));
        Assert.Equal(375, fans.Select(FanMode.FanAverage));
        Assert.Equal(375, fans.Average);
    }

    [Fact]
    public void Average_OddSum_IsNotTruncated()
    {
        // TensorFlow.NET's integer division would give 4 here (survey §5.2).
        Assert.Equal(4.5, new Fans(4, 5).Average);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, -1)]
    [InlineData(double.NaN, 1)]
    [InlineData(1, double.PositiveInfinity)]
    public void Constructor_NonPositiveOrNonFinite_Throws(double fanIn, double fanOut)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Fans(fanIn, fanOut));
        Assert.Contains("positive and finite", e.Message);
    }

    [Fact]
    public void Select_UndefinedMode_ListsValidModes()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Fans(1, 2).Select((FanMode)7));
        Assert.Contains("FanAverage", e.Message);
    }

    [Fact]
    public void Deconstruct_GivesFanInThenFanOut()
    {
        var (fanIn, fanOut) = new Fans(3, 8);
        Assert.Equal((3.0, 8.0), (fanIn, fanOut));
    }
}
