namespace WeightInit.Training.Tests;

public class RequiredDataTests
{
    [Fact]
    public void SkipReason_MissingOutsideCi_SkipsWithReason()
    {
        Assert.Equal("no data (under CI=true this test fails instead)", RequiredData.SkipReason(false, false, "no data"));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public void SkipReason_PresentOrUnderCi_Runs(bool available, bool inCi)
    {
        Assert.Null(RequiredData.SkipReason(available, inCi, "no data"));
    }
}
