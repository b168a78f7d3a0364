using WeightInit.Training.Optimization;

namespace WeightInit.Training.Tests.Optimization;

public class LearningRateScheduleTests
{
    [Fact]
    public void Step_DropsByFactorEveryInterval()
    {
        var s = LearningRateSchedule.Parse("step:every=100,factor=0.5");
        Assert.Equal(0.2, s.Rate(0.2, 0));
        Assert.Equal(0.2, s.Rate(0.2, 99));
        Assert.Equal(0.1, s.Rate(0.2, 100));
        Assert.Equal(0.05, s.Rate(0.2, 250));
    }

    [Fact]
    public void Cosine_StartsAtBaseEndsAtMinimumHalfwayIsMean()
    {
        var s = new CosineSchedule(1000, 0.1);
        Assert.Equal(1.0, s.Rate(1.0, 0));
        Assert.Equal(0.1, s.Rate(1.0, 1000), 15);
        Assert.Equal(0.1, s.Rate(1.0, 5000), 15);
        Assert.Equal(0.55, s.Rate(1.0, 500), 15);
    }

    [Fact]
    public void InverseTime_HalvesAtT0()
    {
        var s = LearningRateSchedule.Parse("inverse_time:t0=200");
        Assert.Equal(0.1, s.Rate(0.1, 0));
        Assert.Equal(0.05, s.Rate(0.1, 200));
        Assert.Equal(0.1 * 200 / 800.0, s.Rate(0.1, 600));
    }

    [Fact]
    public void Parse_TextFormRoundTrips()
    {
        foreach (var text in LearningRateSchedule.Forms)
            Assert.Equal(text, LearningRateSchedule.Parse(text).ToString());
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("step")]
    [InlineData("step:every=10,gamma=0.1")]
    [InlineData("cosine:total=x")]
    [InlineData("step:every=10,factor=2")]
    public void Parse_BadText_ListsValidForms(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => LearningRateSchedule.Parse(text));
        Assert.True(e.Message.Contains("constant", StringComparison.Ordinal) || e.Message.Contains("factor", StringComparison.Ordinal), e.Message);
    }
}
