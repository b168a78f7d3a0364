using WeightInit.Initializers;
using WeightInit.Random;
using WeightInit.Shapes;

namespace WeightInit.Tests;

/// <summary>The README's library example, as written there, runs and keeps its promise (a slice equals the whole fill).</summary>
public class ReadmeTests
{
    [Fact]
    public void ReadmeExample_SliceEqualsWholeFill()
    {
        var key   = PhiloxKey.FromSeed(42).Fold("encoder.layer3.weight");
        var shape = new WeightShape([256, 128, 3, 3], WeightLayout.OutInKernel);
        var w     = new float[shape.ElementCount];
        Init.HeNormal(negativeSlope: 0.25, mode: FanMode.FanOut).Fill(key, shape, w);

        var init  = InitializerRegistry.Parse("kaiming_uniform(a=sqrt(5))");
        var whole = init.CreateSingle(key, shape);
        init.Fill(key, shape, w.AsSpan(1000, 500), firstIndex: 1000);
        Assert.Equal(whole.AsSpan(1000, 500).ToArray(), w.AsSpan(1000, 500).ToArray());
    }
}
